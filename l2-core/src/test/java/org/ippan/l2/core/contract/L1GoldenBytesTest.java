package org.ippan.l2.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.testing.RandomTxs;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact bytes the library posts to L1 (BLAKE3 of the batch, the envelope, the hub payload JSON and the
 * request body, and the idempotency key) for two fixed batches, so that no change of the encoders, however it is
 * made faster, can change a byte. The digests were taken from the first implementation (the Jackson-tree writer).
 */
class L1GoldenBytesTest {
    /** The one-tx batch of {@link L1ContractTest}, signed with the 0x42 seed. */
    @Test
    void oneTxBatch_bytesAreUnchanged() {
        assertGolden(L1ContractTest.batch(), Hash.ZERO, Hub.Fin, 0,
                "a865c442e7f1f4b9b581659d205370ab94244a0b8cbc71bc1d0e36ade9113d62 "
                + "7ab86353360d1bb93117d712b369994e17f987e6da9cf588d07713bf2b885cee "
                + "a0e9d663631e399d7419d6c17cf78930f9114f8fe614dc7e11556f24e528ef36 "
                + "153c2c7cd3b3899ca4ee285d5a4e95ff29fc83df830cc8e3752bcd18b441766c "
                + "a50fb854eab11bf8452f6f1468264e3cfb09042e7e95c9f3f43380ad8db85b19 "
                + "1202");
    }

    /** 100 random txs (1- to 4-byte UTF-8 senders, payloads of 0 to 300 bytes), another hub, a fee, a prev hash. */
    @Test
    void hundredTxBatch_bytesAreUnchanged() {
        SplittableRandom random = new SplittableRandom(20261124);
        List<Tx> txs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            txs.add(new Tx(7, random.nextLong(), "s" + RandomTxs.from(random, 12), RandomTxs.bytes(random, 300)));
        }
        Batch batch = new Batch(7, 41, txs, 1_735_000_123_456L);
        assertGolden(batch, Hash.blake3(new byte[] {9}), Hub.Bridge, 12_345,
                "a1979f38c3a71c2887a6180975789e285f50a1ddba1419b027b4b94dca150160 "
                + "4b1d54041b29f04d851400ecd82810d9a038330e44ab2d7e7a8dad0f0e351065 "
                + "b09a7d8c817456e9db82634e74eca59e3ef020cc27f3501a9ab396492231b37f "
                + "450ab41e7b5e9c41b7f6aa6d0a7293ada1a193d6c9615ce68a35fe18a004e344 "
                + "4888cc58c40bb8e7c7a7fb1cf5ea6302942b109a715bbb5ff4f62b29dda982f9 "
                + "51825");
    }

    /** {@code batch_hash}, BLAKE3 of the envelope, of the hub payload JSON and of the body, the key, the body size. */
    private static void assertGolden(Batch batch, Hash prev, Hub hub, long fee, String expected) {
        BatchEnvelope envelope = BatchEnvelope.sign(BatchPayload.of(batch, prev), L1ContractTest.SIGNER);
        L2BatchEnvelopeV1 l1 = L2BatchEnvelopeV1.forBatch(batch, envelope, hub, fee);
        String actual = String.join(" ",
                batch.hash().toHex(),
                Hash.blake3(envelope.encode()).toHex(),
                Hash.blake3(l1.payload().canonicalJson()).toHex(),
                Hash.blake3(l1.canonicalJson()).toHex(),
                Hex.encode(l1.idempotencyKey()),
                Integer.toString(l1.canonicalJson().length));
        assertThat(actual).isEqualTo(expected);
    }
}
