package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.receipt.ReceiptJson;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /txs} with a bulk binary v1 body ({@code docs/spec/bulk-binary-v1.md}) over real HTTP: two leaders with
 * the same key on their own SQLite files, one fed JSON and one fed the same txs as binary, answer alike; broken
 * framing is refused whole and admits nothing; bad txs among good ones are answered per tx as in JSON; the golden
 * body is accepted with its vector's hashes. (A follower relaying a binary body: {@code L2NodeLeaseHttpTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodeBulkBinaryHttpTest {
    @TempDir
    static Path dir;

    private final NodeHttp http = new NodeHttp();
    private L2Node jsonNode;
    private L2Node binaryNode;

    @BeforeAll
    void start() throws Exception {
        Path key = ChildJvm.writeKey(dir.resolve("sequencer.key"));
        Map<String, String> jsonEnv = NodeHttp.env(dir.resolve("json.db"));
        jsonEnv.put("L2_SEQUENCER_KEY_PATH", key.toString());
        jsonNode = L2Node.start(NodeConfig.fromEnvironment(jsonEnv));
        Map<String, String> binaryEnv = NodeHttp.env(dir.resolve("binary.db"));
        binaryEnv.put("L2_SEQUENCER_KEY_PATH", key.toString());
        binaryNode = L2Node.start(NodeConfig.fromEnvironment(binaryEnv));
    }

    @AfterAll
    void stop() {
        for (L2Node node : new L2Node[] {binaryNode, jsonNode}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private NodeHttp.Answer postBinary(L2Node node, String path, byte[] body) throws Exception {
        return http.postBytes(node, path, body, BulkBodies.TYPE);
    }

    private static String jsonArray(List<Tx> txs) {
        List<String> items = new ArrayList<>();
        for (Tx tx : txs) {
            items.add(NodeHttp.json(tx));
        }
        return "[" + String.join(",", items) + "]";
    }

    private static List<Tx> txs(String from, int count, int payloadBytes) {
        List<Tx> txs = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            byte[] payload = new byte[payloadBytes];
            payload[0] = (byte) i;
            txs.add(new Tx(1, i, from, payload));
        }
        return txs;
    }

    private long rejected(L2Node node, RefusalCode code) throws Exception {
        return NodeHttp.value(NodeHttp.samples(http.get(node, "/metrics").text()),
                "l2_tx_rejected_total{code=\"" + code.name() + "\"}");
    }

    @Test
    void sameTxs_asBinaryAndAsJson_getTheSameResultsSeqsAndReceipts() throws Exception {
        // two fresh leaders with the same key: the same txs in the same order get the same seqs
        Path key = dir.resolve("sequencer.key");
        Map<String, String> jsonEnv = NodeHttp.env(dir.resolve("same-json.db"));
        jsonEnv.put("L2_SEQUENCER_KEY_PATH", key.toString());
        Map<String, String> binaryEnv = NodeHttp.env(dir.resolve("same-binary.db"));
        binaryEnv.put("L2_SEQUENCER_KEY_PATH", key.toString());
        try (L2Node viaJsonNode = L2Node.start(NodeConfig.fromEnvironment(jsonEnv));
                L2Node viaBinaryNode = L2Node.start(NodeConfig.fromEnvironment(binaryEnv))) {
            sameTxs(viaJsonNode, viaBinaryNode);
        }
    }

    private void sameTxs(L2Node jsonNode, L2Node binaryNode) throws Exception {
        String pubkey = http.get(jsonNode, "/status").body().at("/leader/leader_pubkey").asText();
        byte[] key = Hex.decode(pubkey);
        for (int round = 0; round < 2; round++) { // the second round: every tx a duplicate, on both nodes
            List<Tx> txs = txs("bin-same", 40, 16);
            NodeHttp.Answer viaJson = http.post(jsonNode, "/txs", jsonArray(txs));
            NodeHttp.Answer viaBinary = postBinary(binaryNode, "/txs", BulkBodies.of(txs));
            assertThat(viaBinary.status()).as(viaBinary.text()).isEqualTo(200);
            assertThat(viaJson.status()).isEqualTo(200);
            assertThat(viaBinary.body().size()).isEqualTo(txs.size());
            for (int i = 0; i < txs.size(); i++) {
                JsonNode j = viaJson.body().get(i);
                JsonNode b = viaBinary.body().get(i);
                assertThat(b.get("tx_hash").asText()).isEqualTo(txs.get(i).hash().toHex())
                        .isEqualTo(j.get("tx_hash").asText());
                assertThat(b.get("accepted").asBoolean()).isTrue();
                assertThat(b.has("duplicate")).isEqualTo(j.has("duplicate")).isEqualTo(round == 1);
                assertThat(b.has("receipt")).isEqualTo(j.has("receipt"));
                if (b.has("receipt")) {
                    for (String field : List.of("version", "chain_id", "term", "seq", "tx_hash", "sequencer_pubkey")) {
                        assertThat(b.get("receipt").get(field)).as(field).isEqualTo(j.get("receipt").get(field));
                    }
                    assertThat(ReceiptJson.fromJson(b.get("receipt").toString()).verify(key).isValid()).isTrue();
                }
                JsonNode jsonTx = http.get(jsonNode, "/tx/" + txs.get(i).hash().toHex()).body();
                JsonNode binaryTx = http.get(binaryNode, "/tx/" + txs.get(i).hash().toHex()).body();
                assertThat(binaryTx.get("seq")).isEqualTo(jsonTx.get("seq"));
                assertThat(binaryTx.get("payload")).isEqualTo(jsonTx.get("payload"));
                assertThat(binaryTx.get("from")).isEqualTo(jsonTx.get("from"));
            }
        }
        // ?receipts=false leaves the receipts out, as for JSON
        List<Tx> more = List.of(new Tx(1, 1, "bin-noreceipt", new byte[] {9}));
        NodeHttp.Answer quiet = postBinary(binaryNode, "/txs?receipts=false", BulkBodies.of(more));
        assertThat(quiet.status()).isEqualTo(200);
        assertThat(quiet.body().get(0).get("accepted").asBoolean()).isTrue();
        assertThat(quiet.body().get(0).has("receipt")).isFalse();
        assertThat(http.get(binaryNode, "/tx/" + more.get(0).hash().toHex() + "/receipt").status()).isEqualTo(200);
        // and content types with parameters or in another case are the same type
        List<Tx> typed = List.of(new Tx(1, 1, "bin-typed", new byte[] {7}));
        NodeHttp.Answer withParameter = http.postBytes(binaryNode, "/txs", BulkBodies.of(typed),
                "Application/Octet-Stream; charset=binary");
        assertThat(withParameter.body().get(0).get("tx_hash").asText()).isEqualTo(typed.get(0).hash().toHex());
    }

    @Test
    void brokenFraming_isRefusedWithItsCode_andAdmitsNothing() throws Exception {
        Tx good = new Tx(1, 1, "bin-frame", new byte[] {1, 2, 3});
        byte[] a = good.encode();
        byte[] one = BulkBodies.of(List.of(good));
        List<byte[]> broken = new ArrayList<>();
        broken.add(new byte[0]);                                                            // empty
        broken.add(java.util.Arrays.copyOf(one, 9));                                         // header cut short
        byte[] magic = one.clone();
        magic[3] = 'Y';
        broken.add(magic);                                                                   // another magic
        byte[] version = one.clone();
        version[4] = 2;
        broken.add(version);                                                                 // another version
        broken.add(BulkBodies.frames(List.of()));                                            // count 0
        byte[] tooMany = one.clone();
        System.arraycopy(BulkBodies.u32(1001), 0, tooMany, 6, 4);
        broken.add(tooMany);                                                                 // count over 1,000
        byte[] twoCounted = one.clone();
        System.arraycopy(BulkBodies.u32(2), 0, twoCounted, 6, 4);
        broken.add(twoCounted);                                                              // fewer frames
        byte[] cutPrefix = java.util.Arrays.copyOf(twoCounted, twoCounted.length + 2);
        broken.add(cutPrefix);                                                               // length prefix cut
        byte[] beyond = one.clone();
        System.arraycopy(BulkBodies.u32(a.length + 1), 0, beyond, 10, 4);
        broken.add(beyond);                                                                  // length beyond body
        broken.add(java.util.Arrays.copyOf(one, one.length + 1));                             // trailing byte
        long before = rejected(binaryNode, RefusalCode.INVALID_FRAME);
        for (byte[] body : broken) {
            NodeHttp.Answer answer = postBinary(binaryNode, "/txs", body);
            NodeHttp.assertRefused(answer, 400, RefusalCode.INVALID_FRAME);
        }
        assertThat(rejected(binaryNode, RefusalCode.INVALID_FRAME)).isEqualTo(before + broken.size());
        assertThat(http.get(binaryNode, "/tx/" + good.hash().toHex()).status()).as("nothing admitted")
                .isEqualTo(404);

        // over the body limit (16 MiB): 413 as for JSON; the wrong content type: 415 as before
        byte[] huge = new byte[(17 << 20)];
        System.arraycopy(one, 0, huge, 0, one.length);
        NodeHttp.assertRefused(postBinary(binaryNode, "/txs", huge), 413, RefusalCode.BODY_TOO_LARGE);
        NodeHttp.Answer plain = http.postBytes(binaryNode, "/txs", one, "text/plain");
        assertThat(plain.status()).isEqualTo(415);
        assertThat(plain.body().get("code").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        assertThat(plain.body().get("error").asText()).contains("application/octet-stream");
        NodeHttp.Answer single = postBinary(binaryNode, "/tx", a);
        assertThat(single.status()).as("POST /tx stays JSON only").isEqualTo(415);
        assertThat(http.get(binaryNode, "/tx/" + good.hash().toHex()).status()).isEqualTo(404);
        // the same body, framed right, is accepted
        assertThat(postBinary(binaryNode, "/txs", one).body().get(0).get("accepted").asBoolean()).isTrue();
    }

    @Test
    void badTxsAmongGoodOnes_areAnsweredPerTx_asInJson() throws Exception {
        Tx first = new Tx(1, 1, "bin-mixed", new byte[] {1});
        Tx otherChain = new Tx(2, 2, "bin-mixed", new byte[] {2});
        Tx emptyFrom = new Tx(1, 3, "", new byte[] {3});
        Tx tooLarge = new Tx(1, 4, "bin-mixed", new byte[2048]);
        Tx last = new Tx(1, 5, "bin-mixed", new byte[] {5});
        byte[] trailing = java.util.Arrays.copyOf(first.encode(), first.encodedSize() + 1);
        byte[] binary = BulkBodies.frames(List.of(first.encode(), trailing, otherChain.encode(), emptyFrom.encode(),
                tooLarge.encode(), last.encode()));
        String json = "[" + NodeHttp.json(first) + ",{\"chain_id\":1},"
                + "{\"chain_id\":2,\"from\":\"bin-mixed\",\"nonce\":2,\"payload\":\"02\"}," + NodeHttp.json(emptyFrom)
                + "," + NodeHttp.json(tooLarge) + "," + NodeHttp.json(last) + "]";
        long invalidBefore = rejected(binaryNode, RefusalCode.INVALID_ENCODING);
        NodeHttp.Answer viaBinary = postBinary(binaryNode, "/txs", binary);
        NodeHttp.Answer viaJson = http.post(jsonNode, "/txs", json);
        assertThat(viaBinary.status()).as(viaBinary.text()).isEqualTo(200).isEqualTo(viaJson.status());
        List<String> binaryCodes = new ArrayList<>();
        List<String> jsonCodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            binaryCodes.add(viaBinary.body().get(i).path("code").asText("accepted"));
            jsonCodes.add(viaJson.body().get(i).path("code").asText("accepted"));
        }
        assertThat(binaryCodes).containsExactly("accepted", "INVALID_ENCODING", "CHAIN_ID_MISMATCH", "INVALID_FIELD",
                "TX_TOO_LARGE", "accepted");
        jsonCodes.set(1, "INVALID_ENCODING"); // the malformed item: INVALID_JSON in JSON
        assertThat(jsonCodes).isEqualTo(binaryCodes);
        assertThat(viaBinary.body().get(1).get("error").asText()).contains("trailing").contains("tx 1 ");
        assertThat(viaBinary.body().get(5).get("tx_hash").asText()).isEqualTo(last.hash().toHex());
        assertThat(http.get(binaryNode, "/tx/" + last.hash().toHex()).status()).isEqualTo(200);
        assertThat(rejected(binaryNode, RefusalCode.INVALID_ENCODING)).isEqualTo(invalidBefore + 1);
    }

    @Test
    void goldenBody_isAcceptedWithTheVectorsHashes() throws Exception {
        JsonNode v = BulkBinaryGoldenVectorTest.vectors();
        NodeHttp.Answer answer = postBinary(binaryNode, "/txs", Hex.decode(v.get("body_hex").asText()));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        for (int i = 0; i < v.get("txs").size(); i++) {
            JsonNode expected = v.get("txs").get(i);
            assertThat(answer.body().get(i).get("tx_hash").asText()).isEqualTo(expected.get("tx_hash").asText());
            JsonNode stored = http.get(binaryNode, "/tx/" + expected.get("tx_hash").asText()).body();
            assertThat(stored.get("from").asText()).isEqualTo(expected.get("from").asText());
            assertThat(stored.get("nonce").asText()).isEqualTo(expected.get("nonce").asText());
            assertThat(stored.get("payload").asText()).isEqualTo(expected.get("payload").asText());
        }
        JsonNode mixed = v.get("mixed");
        NodeHttp.Answer mixedAnswer = postBinary(binaryNode, "/txs", Hex.decode(mixed.get("body_hex").asText()));
        for (int i = 0; i < mixed.get("items").size(); i++) {
            JsonNode expected = mixed.get("items").get(i);
            JsonNode got = mixedAnswer.body().get(i);
            if (expected.get("code").isNull()) {
                assertThat(got.get("tx_hash").asText()).isEqualTo(expected.get("tx_hash").asText());
            } else {
                assertThat(got.get("code").asText()).isEqualTo(expected.get("code").asText());
            }
        }
    }
}
