package org.ippan.l2.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.testing.ReceiptVectors.hex;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.testing.ReceiptVectors;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

/** Receipts v1 against the golden vector {@code vectors/receipts-v1.json} (docs/spec/receipts-v1.md §8). */
class ReceiptGoldenVectorTest {
    private static final JsonNode V = ReceiptVectors.load("receipts-v1.json");
    private static final Ed25519Signer SIGNER = new Ed25519Signer(hex(V.get("seed")));

    private static ReceiptGroup signedGroup(ReceiptTree tree) {
        JsonNode g = V.get("group_input");
        return ReceiptGroup.sign(SIGNER, g.get("chain_id").asLong(), g.get("term").asLong(),
                g.get("first_seq").asLong(), g.get("count").asInt(), g.get("accepted_ms").asLong(),
                g.get("deadline_ms").asLong(), tree.root());
    }

    private static ReceiptTree tree(List<Tx> txs) {
        byte[][] hashes = new byte[txs.size()][];
        for (int i = 0; i < txs.size(); i++) {
            hashes[i] = txs.get(i).hash().toBytes();
        }
        return ReceiptTree.build(V.get("group_input").get("first_seq").asLong(), hashes, hashes.length);
    }

    @Test
    void vector_txsLeavesRootMessageSignatureAndEncoding_matchByteForByte() {
        assertThat(Hex.encode(SIGNER.publicKey())).isEqualTo(V.get("public_key").asText());
        List<Tx> txs = ReceiptVectors.txs(V.get("txs"));
        for (int i = 0; i < txs.size(); i++) {
            assertThat(Hex.encode(txs.get(i).encode())).isEqualTo(V.get("tx_canonical").get(i).asText());
            assertThat(txs.get(i).hash().toHex()).isEqualTo(V.get("tx_hashes").get(i).asText());
        }
        ReceiptTree tree = tree(txs);
        for (int i = 0; i < txs.size(); i++) {
            assertThat(Hex.encode(tree.leaf(i))).as("leaf %d", i).isEqualTo(V.get("leaf_hashes").get(i).asText());
        }
        assertThat(Hex.encode(ReceiptTree.nodeHash(tree.leaf(0), tree.leaf(1))))
                .isEqualTo(V.get("node_0_1").asText());
        assertThat(Hex.encode(tree.root())).isEqualTo(V.get("root").asText());
        ReceiptGroup group = signedGroup(tree);
        assertThat(Hex.encode(group.signedMessage())).isEqualTo(V.get("signed_message").asText());
        assertThat(Hex.encode(group.signature())).isEqualTo(V.get("signature").asText());
        assertThat(Hex.encode(group.encode())).isEqualTo(V.get("encoded_group").asText());
        assertThat(ReceiptGroup.decode(hex(V.get("encoded_group")))).isEqualTo(group);
    }

    @Test
    void vector_receiptsPathsAndJson_matchAndVerify() {
        List<Tx> txs = ReceiptVectors.txs(V.get("txs"));
        ReceiptTree tree = tree(txs);
        ReceiptGroup group = signedGroup(tree);
        byte[] publicKey = hex(V.get("public_key"));
        for (JsonNode expected : V.get("receipts")) {
            int index = expected.get("index").asInt();
            AdmissionReceipt receipt = AdmissionReceipt.of(group, tree, index, txs.get(index).hash().toBytes());
            List<String> path = new ArrayList<>();
            receipt.path().forEach(p -> path.add(Hex.encode(p)));
            List<String> expectedPath = new ArrayList<>();
            expected.get("path").forEach(p -> expectedPath.add(p.asText()));
            assertThat(path).as("path of %d", index).isEqualTo(expectedPath);
            String json = expected.get("json").asText();
            assertThat(ReceiptJson.toJson(receipt)).as("JSON of %d", index).isEqualTo(json);
            assertThat(ReceiptJson.appendTo(new StringBuilder("x"), receipt).toString()).isEqualTo("x" + json);
            assertThat(ReceiptJson.toJsonBytes(receipt)).isEqualTo(json.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            AdmissionReceipt decoded = ReceiptJson.fromJson(json);
            assertThat(decoded).isEqualTo(receipt);
            assertThat(decoded.verify(publicKey)).isEqualTo(ReceiptVerification.VALID);
        }
    }

    @Test
    void vector_signatureOfAnotherKey_isWrongKey() {
        AdmissionReceipt receipt = ReceiptJson.fromJson(V.get("receipts").get(0).get("json").asText());
        byte[] other = new byte[32];
        Arrays.fill(other, (byte) 7);
        byte[] otherKey = new Ed25519Signer(other).publicKey();
        assertThat(receipt.verify(otherKey).status()).isEqualTo(ReceiptVerification.Status.WRONG_KEY);
    }
}
