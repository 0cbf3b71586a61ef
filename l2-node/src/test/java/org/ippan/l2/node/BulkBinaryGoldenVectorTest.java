package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

/**
 * Bulk binary v1 ({@code docs/spec/bulk-binary-v1.md}) against its golden vectors, written by
 * {@code scripts/vectors/bulk_binary_v1.py} from the spec alone (BLAKE3 from {@code b3sum}): the txs re-encode to
 * the vector's body byte for byte, the node's reader decodes it to those txs and hashes, every broken framing is
 * refused whole, and a mixed body gets one answer per tx.
 */
class BulkBinaryGoldenVectorTest {
    static final Path VECTORS = Path.of("src", "test", "resources", "vectors", "bulk-binary-v1.json");

    static JsonNode vectors() throws Exception {
        return new ObjectMapper().readTree(VECTORS.toFile());
    }

    static Tx tx(JsonNode v) {
        return new Tx(v.get("chain_id").asLong(), new BigInteger(v.get("nonce").asText()).longValue(),
                v.get("from").asText(), Hex.decode(v.get("payload").asText()));
    }

    @Test
    void goldenBody_isTheTxsFramed_andDecodesToThemAndTheirHashes() throws Exception {
        JsonNode v = vectors();
        byte[] body = Hex.decode(v.get("body_hex").asText());
        List<Tx> txs = new ArrayList<>();
        for (JsonNode t : v.get("txs")) {
            Tx tx = tx(t);
            assertThat(Hex.encode(tx.encode())).isEqualTo(t.get("canonical_hex").asText());
            assertThat(tx.hash().toHex()).isEqualTo(t.get("tx_hash").asText());
            txs.add(tx);
        }
        assertThat(Hex.encode(BulkBodies.of(txs))).isEqualTo(v.get("body_hex").asText());

        TxBodyReader.Many read = BulkBodyReader.read(body, body.length);
        assertThat(read.bodyRefusal()).isNull();
        assertThat(read.items()).hasSize(txs.size());
        for (int i = 0; i < txs.size(); i++) {
            assertThat(read.items().get(i).refusal()).isNull();
            Tx decoded = read.items().get(i).tx();
            assertThat(decoded).isEqualTo(txs.get(i));
            assertThat(decoded.from()).isEqualTo(txs.get(i).from());
            assertThat(Long.toUnsignedString(decoded.nonce())).isEqualTo(v.get("txs").get(i).get("nonce").asText());
            assertThat(decoded.hash().toHex()).isEqualTo(v.get("txs").get(i).get("tx_hash").asText());
        }
    }

    @Test
    void brokenFraming_isRefusedWhole_withInvalidFrame() throws Exception {
        for (JsonNode c : vectors().get("refused_whole")) {
            byte[] body = Hex.decode(c.get("body_hex").asText());
            TxBodyReader.Many read = BulkBodyReader.read(body, body.length);
            assertThat(read.items()).as(c.get("case").asText()).isNull();
            assertThat(read.bodyRefusal().code().name()).as(c.get("case").asText())
                    .isEqualTo(c.get("code").asText()).isEqualTo(RefusalCode.INVALID_FRAME.name());
            assertThat(read.bodyRefusal().message()).isNotBlank();
        }
    }

    @Test
    void mixedBody_answersEachTx_badEncodingsRefusedWithTheirProblem() throws Exception {
        JsonNode mixed = vectors().get("mixed");
        byte[] body = Hex.decode(mixed.get("body_hex").asText());
        TxBodyReader.Many read = BulkBodyReader.read(body, body.length);
        assertThat(read.bodyRefusal()).isNull();
        assertThat(read.items()).hasSize(mixed.get("items").size());
        for (int i = 0; i < read.items().size(); i++) {
            JsonNode expected = mixed.get("items").get(i);
            TxBodyReader.Item item = read.items().get(i);
            if (expected.get("code").isNull()) {
                assertThat(item.refusal()).as("item %d", i).isNull();
                assertThat(item.tx().hash().toHex()).isEqualTo(expected.get("tx_hash").asText());
            } else {
                assertThat(item.tx()).as("item %d", i).isNull();
                assertThat(item.refusal().code().name()).isEqualTo(expected.get("code").asText());
                assertThat(item.refusal().message()).as("item %d", i).startsWith("tx " + i + " ")
                        .contains(expected.get("problem").asText());
            }
        }
    }

    @Test
    void randomTxs_roundTrip_andEveryDecodedTxReencodesToItsFrame() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        for (int run = 0; run < 200; run++) {
            int n = 1 + random.nextInt(20);
            List<Tx> txs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] payload = new byte[random.nextInt(64)];
                random.nextBytes(payload);
                StringBuilder from = new StringBuilder();
                for (int k = 1 + random.nextInt(12); k > 0; k--) {
                    from.appendCodePoint(random.nextBoolean() ? 'a' + random.nextInt(26)
                            : 0xa0 + random.nextInt(0x500));
                }
                txs.add(new Tx(random.nextLong(), random.nextLong(), from.toString(), payload));
            }
            byte[] body = BulkBodies.of(txs);
            TxBodyReader.Many read = BulkBodyReader.read(body, body.length);
            assertThat(read.bodyRefusal()).as("seed %d", seed).isNull();
            for (int i = 0; i < n; i++) {
                assertThat(read.items().get(i).tx()).as("seed %d", seed).isEqualTo(txs.get(i));
            }
            // a flipped byte never escapes as an exception: a refusal of the body or of a tx, or other txs
            byte[] flipped = body.clone();
            flipped[random.nextInt(flipped.length)] ^= (byte) (1 + random.nextInt(255));
            TxBodyReader.Many hostile = BulkBodyReader.read(flipped, flipped.length);
            assertThat(hostile.bodyRefusal() == null).as("seed %d", seed).isEqualTo(hostile.items() != null);
            // a body read from a larger buffer reads only its length
            byte[] padded = java.util.Arrays.copyOf(body, body.length + 7);
            assertThat(BulkBodyReader.read(padded, body.length).items()).as("seed %d", seed).hasSize(n);
        }
    }
}
