package org.ippan.l2.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.testing.RandomTxs;
import org.ippan.l2.core.testing.Seeds;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

/**
 * The one-pass byte writer of the contract's documents ({@link ContractJson}) against the reference, the Jackson
 * tree written by {@link CanonicalJson}: the same bytes for every input, escapes and multi-byte UTF-8 included.
 */
class ContractJsonTest {
    /** Characters that exercise every branch of the string writer. */
    private static final String[] PIECES = {"a", "Z", "0", " ", "~", "\u007f", "\"", "\\", "/", "\b", "\f", "\n", "\r",
        "\t", "\u0000", "\u0001", "\u001f", "é", "\u07ff", "\u0800", "€", "\uffff", "\ud83d\ude00", "𝄞", "日"};

    private static String text(SplittableRandom random, int maxPieces, boolean nonEmpty) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(maxPieces + 1) + (nonEmpty ? 1 : 0);
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[random.nextInt(PIECES.length)]);
        }
        String s = sb.toString();
        return nonEmpty && s.isBlank() ? s + "x" : s;
    }

    private static long number(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            case 2 -> random.nextInt(1000);
            default -> random.nextLong() >>> 1;
        };
    }

    private static HubPayloadEnvelopeV1 hubPayload(SplittableRandom random) {
        Hub hub = Hub.values()[random.nextInt(Hub.values().length)];
        return new HubPayloadEnvelopeV1(hub, text(random, 6, true), text(random, 6, true),
                RandomTxs.bytes(random, 40));
    }

    @Test
    void hubPayload_sameBytesAsTheTreeWriter() {
        long seed = Seeds.seed(61);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 2_000; i++) {
            HubPayloadEnvelopeV1 payload = hubPayload(random);
            assertThat(payload.canonicalJson()).as("seed %d, case %d: %s", seed, i, payload)
                    .isEqualTo(CanonicalJson.write(CanonicalJson.tree(payload)));
        }
    }

    @Test
    void l1Envelope_sameBytesAsTheTreeWriter() {
        long seed = Seeds.seed(62);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 2_000; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            L2BatchEnvelopeV1 envelope = new L2BatchEnvelopeV1(Hub.values()[random.nextInt(Hub.values().length)],
                    text(random, 8, true), number(random), number(random),
                    random.nextBoolean() ? null : text(random, 8, false), number(random), hubPayload(random), key);
            assertThat(envelope.canonicalJson()).as("seed %d, case %d: %s", seed, i, envelope)
                    .isEqualTo(CanonicalJson.write(CanonicalJson.tree(envelope)));
        }
    }

    @Test
    void unpairedSurrogate_isRefusedLikeTheTreeWriter() {
        HubPayloadEnvelopeV1 payload = new HubPayloadEnvelopeV1(Hub.Fin, "schema\ud800", "type", new byte[1]);
        assertThatThrownBy(() -> CanonicalJson.write(CanonicalJson.tree(payload)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(payload::canonicalJson)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        HubPayloadEnvelopeV1 lowFirst = new HubPayloadEnvelopeV1(Hub.Fin, "s", "\udc00\ud800", new byte[1]);
        assertThatThrownBy(lowFirst::canonicalJson).hasMessageContaining("unpaired surrogate");
    }

    @Test
    void base64Url_everyLengthRemainder_matchesTheJdk() {
        SplittableRandom random = new SplittableRandom(Seeds.seed(63));
        for (int length = 0; length < 50; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            byte[] out = new byte[ContractJson.base64UrlLength(length) + 3];
            int end = org.ippan.l2.core.internal.Base64Url.encode(bytes, 0, length, out, 2);
            assertThat(end).isEqualTo(out.length - 1);
            assertThat(new String(out, 2, end - 2, StandardCharsets.US_ASCII))
                    .isEqualTo(HubPayloadEnvelopeV1.Base64Url.encode(bytes));
        }
    }

    @Test
    void base64UrlEncoder_inPieces_isTheEncodingOfTheWhole() {
        long seed = Seeds.seed(65);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = RandomTxs.bytes(random, 40);
            byte[] out = new byte[ContractJson.base64UrlLength(bytes.length) + 1];
            org.ippan.l2.core.internal.Base64Url.Encoder encoder = new org.ippan.l2.core.internal.Base64Url.Encoder(out, 1);
            int at = 0;
            while (at < bytes.length) {
                int piece = random.nextInt(bytes.length - at + 1); // empty pieces too
                encoder.update(bytes, at, piece);
                at += piece;
            }
            assertThat(encoder.finish()).isEqualTo(out.length);
            assertThat(new String(out, 1, out.length - 1, StandardCharsets.US_ASCII)).as("seed %d, case %d", seed, i)
                    .isEqualTo(HubPayloadEnvelopeV1.Base64Url.encode(bytes));
        }
    }

    @Test
    void requestForBatch_isForBatchsKeyAndBody_signedOrNot() {
        long seed = Seeds.seed(64);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 30; i++) {
            List<Tx> txs = new ArrayList<>();
            int count = 1 + random.nextInt(20);
            for (int t = 0; t < count; t++) {
                txs.add(RandomTxs.tx(random, 10, 200));
            }
            Batch batch = new Batch(random.nextLong(), 1 + (random.nextLong() >>> 2), txs, random.nextLong() >>> 1);
            BatchPayload payload = BatchPayload.of(batch, Hash.blake3(RandomTxs.bytes(random, 8)));
            BatchEnvelope envelope = random.nextBoolean() ? BatchEnvelope.sign(payload, L1ContractTest.SIGNER)
                    : BatchEnvelope.unsigned(payload);
            Hub hub = Hub.values()[random.nextInt(Hub.values().length)];
            long fee = number(random);
            L2BatchEnvelopeV1 reference = L2BatchEnvelopeV1.forBatch(batch, envelope, hub, fee);
            L2BatchEnvelopeV1.Request request = L2BatchEnvelopeV1.requestForBatch(batch, envelope, hub, fee);
            assertThat(request.body()).as("seed %d, case %d", seed, i)
                    .isEqualTo(reference.canonicalJson())
                    .isEqualTo(CanonicalJson.write(CanonicalJson.tree(reference)));
            assertThat(request.idempotencyKey()).as("seed %d, case %d", seed, i)
                    .isEqualTo(reference.idempotencyKey());
            assertThat(L2BatchEnvelopeV1.fromJson(request.body())).isEqualTo(reference);
        }
    }

    @Test
    void requestForBatch_envelopeOfAnotherBatch_orNegativeFee_isRefused() {
        Batch batch = L1ContractTest.batch();
        BatchEnvelope own = BatchEnvelope.unsigned(BatchPayload.of(batch, Hash.ZERO));
        BatchEnvelope other = BatchEnvelope.unsigned(BatchPayload.of(
                new Batch(1, 13, List.of(new Tx(1, 9, "x", new byte[0])), 5), Hash.ZERO));
        assertThatThrownBy(() -> L2BatchEnvelopeV1.requestForBatch(batch, other, Hub.Fin, 0))
                .hasMessageContaining("not of batch");
        assertThatThrownBy(() -> L2BatchEnvelopeV1.requestForBatch(batch, own, Hub.Fin, -1))
                .isInstanceOf(ContractException.class).hasMessageContaining("fee");
    }
}
