package org.ippan.l2.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.contract.StagedBatchRequest;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.internal.Base64Url;
import org.ippan.l2.core.testing.RandomTxs;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

/**
 * The batcher's reused envelope buffer gives, batch after batch, the very bytes of the public path
 * ({@link BatchPayload#of}, {@link BatchEnvelope#sign} / {@link BatchEnvelope#unsigned},
 * {@link L2BatchEnvelopeV1#requestForBatch}), whatever a previous batch left in the buffer.
 */
class EnvelopeBufferTest {
    private static final Ed25519Signer SIGNER = BatchEnvelopeTest.SIGNER_42;
    private static final long CHAIN_ID = 1337;
    private static final long START_MS = 1_735_000_000_000L;

    private final SplittableRandom random = new SplittableRandom(20261124L);
    private final EnvelopeBuffer buffer = new EnvelopeBuffer();
    /** The same batches built in steps, as the seal pipeline's two halves build them. */
    private final EnvelopeBuffer staged = new EnvelopeBuffer();
    private final StagedBatchRequest stagedRequest = new StagedBatchRequest();
    private Hash prev = Hash.ZERO;
    private long number = 1;
    private long nonce = 1;

    /** The next batch of the chain: {@code count} txs with payloads of up to {@code maxPayload} random bytes. */
    private Batch nextBatch(int count, int maxPayload) {
        List<Tx> txs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            txs.add(new Tx(CHAIN_ID, nonce++, RandomTxs.from(random, 12), RandomTxs.bytes(random, maxPayload)));
        }
        return new Batch(CHAIN_ID, number, txs, START_MS + number++);
    }

    /**
     * Builds {@code batch} both ways and checks every output of the buffer against the public path; chains it.
     *
     * @return the size of the buffer afterwards
     */
    private int assertSameAsPublicPath(Batch batch, EnvelopeSigner signer, Hub hub, long fee) {
        BatchPayload payload = BatchPayload.of(batch, prev);
        BatchEnvelope envelope = signer == null ? BatchEnvelope.unsigned(payload) : BatchEnvelope.sign(payload, signer);
        L2BatchEnvelopeV1.Request expected = L2BatchEnvelopeV1.requestForBatch(batch, envelope, hub, fee);

        buffer.build(batch, prev, signer);
        L2BatchEnvelopeV1.Request actual = L2BatchEnvelopeV1.requestForBatch(batch, buffer, hub, fee);

        String what = "batch " + batch.batchNumber() + " (" + batch.txCount() + " txs, " + batch.encodedSize()
                + " bytes, " + (signer == null ? "unsigned" : "signed") + ")";
        assertThat(buffer.signedMessageCopy()).as(what + ": signed message").isEqualTo(payload.signingBytes());
        assertThat(buffer.batchHash()).as(what).isEqualTo(batch.hash());
        assertThat(buffer.envelopeHash()).as(what + ": envelope_hash")
                .isEqualTo(payload.envelopeHash().toBytes()).isEqualTo(envelope.envelopeHash().toBytes());
        assertThat(buffer.sequencerPubkey()).as(what + ": pubkey").isEqualTo(envelope.sequencerPubkey());
        assertThat(buffer.sequencerSig()).as(what + ": signature").isEqualTo(envelope.sequencerSig());
        assertThat(buffer.encodedSize()).as(what + ": envelope size").isEqualTo(envelope.encodedSize());
        byte[] base64 = new byte[(int) Base64Url.length(buffer.encodedSize()) + 2];
        int end = buffer.encodeBase64Url(base64, 1);
        assertThat(new String(base64, 1, end - 1, StandardCharsets.US_ASCII)).as(what)
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(envelope.encode()));
        assertThat(actual.idempotencyKey()).as(what + ": idempotency key").isEqualTo(expected.idempotencyKey());
        assertThat(actual.body()).as(what + ": L1 body").isEqualTo(expected.body());
        assertThat(actual.body()).isEqualTo(L2BatchEnvelopeV1.forBatch(batch, envelope, hub, fee).canonicalJson());

        // in steps: the message, then the hash half (envelope_hash, the request up to the tail) and the signature in
        // either order, then the join
        staged.writeMessage(batch, prev, signer != null);
        assertThat(staged.finishedEncodedSize()).as(what + ": size known before the tail").isEqualTo(envelope.encodedSize());
        boolean signFirst = random.nextBoolean();
        if (signer != null && signFirst) {
            staged.signMessage(signer);
        }
        staged.hashMessage();
        stagedRequest.begin(batch, staged, hub, fee);
        if (signer != null && !signFirst) {
            staged.signMessage(signer);
        }
        staged.finishEnvelope();
        L2BatchEnvelopeV1.Request inSteps = stagedRequest.finish();
        assertThat(staged.signedMessageCopy()).as(what + ": signed message in steps").isEqualTo(payload.signingBytes());
        assertThat(staged.envelopeHash()).as(what + ": envelope_hash in steps").isEqualTo(buffer.envelopeHash());
        assertThat(staged.sequencerSig()).as(what + ": signature in steps").isEqualTo(envelope.sequencerSig());
        assertThat(inSteps.idempotencyKey()).as(what + ": key in steps").isEqualTo(expected.idempotencyKey());
        assertThat(inSteps.body()).as(what + ": L1 body in steps").isEqualTo(expected.body());
        prev = batch.hash();
        return buffer.capacity();
    }

    @Test
    void signedBatches_growingAndShrinking_giveThePublicPathsBytes() {
        int small = assertSameAsPublicPath(nextBatch(2, 40), SIGNER, Hub.Fin, 0);
        int large = assertSameAsPublicPath(nextBatch(60, 3_000), SIGNER, Hub.Fin, 0);
        assertThat(large).as("a larger batch grows the buffer").isGreaterThan(small);

        // smaller batches after the large one: the buffer keeps its size, and the large batch's bytes beyond what
        // they write must not show in any output
        assertThat(assertSameAsPublicPath(nextBatch(1, 10), SIGNER, Hub.Data, 7)).isEqualTo(large);
        assertThat(assertSameAsPublicPath(nextBatch(1, 0), SIGNER, Hub.Fin, 0)).isEqualTo(large);
        assertThat(assertSameAsPublicPath(nextBatch(17, 500), SIGNER, Hub.Bridge, 1_000_000)).isEqualTo(large);

        // and larger again, past the first growth
        assertThat(assertSameAsPublicPath(nextBatch(200, 3_000), SIGNER, Hub.Fin, 0)).isGreaterThan(large);
    }

    @Test
    void unsignedBatches_andSignedAfterUnsigned_giveThePublicPathsBytes() {
        assertSameAsPublicPath(nextBatch(3, 100), null, Hub.Fin, 0);
        assertSameAsPublicPath(nextBatch(40, 1_000), null, Hub.Fin, 0);
        // the signed tail is longer than the unsigned one, and the unsigned one shorter than a signed one before it
        assertSameAsPublicPath(nextBatch(3, 100), SIGNER, Hub.Fin, 0);
        assertSameAsPublicPath(nextBatch(3, 100), null, Hub.M2m, 3);
        assertSameAsPublicPath(nextBatch(1, 1), BatchEnvelopeTest.signer(0x07), Hub.Fin, 0);
    }

    @Test
    void manyRandomBatches_inOneBuffer_giveThePublicPathsBytes() {
        for (int i = 0; i < 40; i++) {
            EnvelopeSigner signer = random.nextInt(4) == 0 ? null : SIGNER;
            assertSameAsPublicPath(nextBatch(random.nextInt(0, 30), random.nextInt(0, 2_000)), signer, Hub.Fin,
                    random.nextInt(3));
        }
    }

    @Test
    void everyLengthModuloThree_ofTheEnvelopeBeforeItsTail_givesThePublicPathsBytesInSteps() {
        // the request's first part encodes whole base64 groups only: the split point moves with the length
        for (int payload = 0; payload < 12; payload++) {
            for (int count = 1; count <= 3; count++) {
                List<Tx> txs = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    txs.add(new Tx(CHAIN_ID, nonce++, "s" + payload, new byte[payload + i]));
                }
                assertSameAsPublicPath(new Batch(CHAIN_ID, number, txs, START_MS + number++),
                        (payload + count) % 4 == 0 ? null : SIGNER, Hub.Fin, payload);
            }
        }
    }

    @Test
    void inSteps_finishingBeforeTheSignatureOrTheHash_isRefused() {
        Batch batch = nextBatch(2, 10);
        assertThatThrownBy(staged::hashMessage).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds no message");
        staged.writeMessage(batch, prev, true);
        staged.hashMessage();
        assertThatThrownBy(staged::finishEnvelope).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not signed");
        assertThatThrownBy(staged::encodedSize).isInstanceOf(IllegalStateException.class);
        staged.writeMessage(batch, prev, false);
        assertThatThrownBy(staged::finishEnvelope).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not hashed");
        assertThatThrownBy(() -> staged.signMessage(SIGNER)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unsigned");
        assertThatThrownBy(() -> stagedRequest.begin(nextBatch(1, 1), staged, Hub.Fin, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not of batch");
        assertThatThrownBy(stagedRequest::finish).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no request begun");
    }

    @Test
    void beforeAnyBuild_itHoldsNoEnvelope() {
        assertThatThrownBy(buffer::envelopeHash).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds no envelope");
        assertThatThrownBy(buffer::encodedSize).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSignerAnsweringWrongLengths_isRefusedAsByTheEnvelope_andTheBufferThenHoldsNothingUntilTheNextBuild() {
        EnvelopeSigner broken = BatchEnvelopeTest.signerWithA10ByteSignature();
        assertSameAsPublicPath(nextBatch(2, 10), SIGNER, Hub.Fin, 0);
        Batch batch = nextBatch(2, 10);
        assertThatThrownBy(() -> BatchEnvelope.sign(BatchPayload.of(batch, prev), broken))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("10-byte signature");
        assertThatThrownBy(() -> buffer.build(batch, prev, broken)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("10-byte signature");
        assertThatThrownBy(buffer::sequencerSig).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> L2BatchEnvelopeV1.requestForBatch(batch, buffer, Hub.Fin, 0))
                .isInstanceOf(IllegalStateException.class);

        assertSameAsPublicPath(batch, SIGNER, Hub.Fin, 0);
    }

    @Test
    void theRequest_refusesABatchThatIsNotTheBuffers() {
        Batch built = nextBatch(2, 10);
        buffer.build(built, prev, SIGNER);
        Batch other = nextBatch(2, 10);
        assertThatThrownBy(() -> L2BatchEnvelopeV1.requestForBatch(other, buffer, Hub.Fin, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not of batch " + other.hash());
    }
}
