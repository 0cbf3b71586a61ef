package org.ippan.l2.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.crypto.SequencerKeys;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.node.L2Node;
import org.ippan.l2.node.NodeConfig;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.Pruned;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code l2-ctl} against a live node (in-process, on SQLite, the embedded devnet L1, signing with a key made by
 * {@code l2-ctl keygen}): status, verify-batch on every real batch, and on tampered bytes served through a proxy,
 * verify-receipt and verify-proof on the node's real answers, then replay of the node's SQLite file once it is
 * stopped, and of tampered copies of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveNodeCliTest {
    private static final int TXS = 13;

    @TempDir
    static Path dir;

    private final LiveNode http = new LiveNode();
    private final List<String> txHashes = new ArrayList<>();
    private L2Node node;
    private Path db;
    private Path keyFile;
    private String publicKey;
    private String url;
    private long lastBatch;

    @BeforeAll
    void startNodeAndLoadIt() throws Exception {
        keyFile = dir.resolve("sequencer.key");
        CliRun.Result keygen = CliRun.run("keygen", "--out", keyFile.toString());
        assertThat(keygen.code()).as(keygen.toString()).isZero();
        publicKey = keygen.out().strip();
        db = dir.resolve("l2.db");
        node = L2Node.start(NodeConfig.fromEnvironment(LiveNode.env(db, keyFile)));
        url = node.baseUrl();
        for (int i = 0; i < TXS; i++) {
            txHashes.add(http.submit(url, "cli-user-" + (i % 3), i, new byte[] {(byte) i, 0x5a, (byte) (i * 7)}));
        }
        http.awaitProofs(url, txHashes);
        lastBatch = http.lastBatchNumber(url);
        assertThat(lastBatch).as("13 txs in batches of at most 5").isGreaterThanOrEqualTo(3);
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void status_ofTheLiveNode() throws Exception {
        CliRun.Result human = CliRun.run("--url", url, "status");
        assertThat(human.code()).as(human.toString()).isZero();
        assertThat(human.out()).contains("is_leader=true").contains("last=" + lastBatch);

        CliRun.Result json = CliRun.run("--url", url, "--json", "status");
        assertThat(json.code()).as(json.toString()).isZero();
        JsonNode status = L2Ctl.JSON.readTree(json.out());
        assertThat(status.path("leader").path("leader_pubkey").asText()).isEqualTo(publicKey);
    }

    @Test
    @Order(2)
    void verifyBatch_everyRealBatch_passesEveryCheck() throws Exception {
        for (long n = 1; n <= lastBatch; n++) {
            CliRun.Result result = CliRun.run("--url", url, "--json", "verify-batch", Long.toString(n), "--key",
                    publicKey);
            assertThat(result.code()).as(result.toString()).isZero();
            JsonNode report = L2Ctl.JSON.readTree(result.out());
            assertThat(report.get("valid").asBoolean()).isTrue();
            List<String> names = new ArrayList<>();
            report.get("checks").forEach(c -> names.add(c.get("name").asText()));
            assertThat(names).contains("l1_request.canonical", "l1_request.idempotency_key", "envelope.hash",
                    "envelope.key", "envelope.signature", "batch.hash", "batch.tx_root", "contract.sequence",
                    "node.batch_hash", "node.tx_hashes", "chain.link");
            if (n > 1) {
                assertThat(names).contains("chain.previous");
            }
            assertThat(report.get("warnings")).isEmpty();
        }
        CliRun.Result human = CliRun.run("--url", url, "verify-batch", "2", "--key", publicKey);
        assertThat(human.code()).as(human.toString()).isZero();
        assertThat(human.out()).contains("ok   chain.link").endsWith("VALID\n");
    }

    @Test
    @Order(3)
    void verifyBatch_withoutKey_warns_andWithAnotherKey_failsTheKeyCheck() {
        CliRun.Result noKey = CliRun.run("--url", url, "verify-batch", "1");
        assertThat(noKey.code()).as(noKey.toString()).isZero();
        assertThat(noKey.out()).contains("warning: no --key given");

        String otherKey = new Ed25519Signer(new byte[32]).publicKeyHex();
        CliRun.Result wrong = CliRun.run("--url", url, "verify-batch", "1", "--key", otherKey);
        assertThat(wrong.code()).as(wrong.toString()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(wrong.out()).contains("FAIL envelope.key").contains("FAIL envelope.signature");
    }

    @Test
    @Order(4)
    void verifyBatch_ofAMissingBatch_exits4() {
        CliRun.Result result = CliRun.run("--url", url, "verify-batch", Long.toString(lastBatch + 100));
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.err()).contains("no batch " + (lastBatch + 100));
    }

    @Test
    @Order(5)
    void verifyBatch_catchesOneFlippedByteOfTheBatchBytes() throws Exception {
        String firstTx = firstTxOf(2);
        try (TamperingProxy proxy = new TamperingProxy(url, firstTx, LiveNodeCliTest::flipOneEnvelopeByte)) {
            CliRun.Result result = CliRun.run("--url", proxy.url(), "verify-batch", "2", "--key", publicKey);
            assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.CHECK_FAILED);
            // the core's strict reader refuses a request whose key does not derive from its fields
            assertThat(result.out()).contains("FAIL l1_request.parse")
                    .contains("idempotency_key does not match the v1 derivation").contains("INVALID: ");
        }
    }

    @Test
    @Order(6)
    void verifyBatch_catchesAForgedBatch_consistentInItselfButSignedByAnotherKey() throws Exception {
        String firstTx = firstTxOf(2);
        Ed25519Signer forger = new Ed25519Signer(new byte[32]);
        try (TamperingProxy proxy = new TamperingProxy(url, firstTx, bytes -> forge(bytes, forger))) {
            CliRun.Result result = CliRun.run("--url", proxy.url(), "--json", "verify-batch", "2", "--key",
                    publicKey);
            assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.CHECK_FAILED);
            JsonNode report = L2Ctl.JSON.readTree(result.out());
            assertThat(failedChecks(report)).contains("envelope.key", "node.batch_hash", "node.tx_hashes")
                    .doesNotContain("l1_request.canonical", "l1_request.idempotency_key", "batch.hash",
                            "envelope.hash");
        }
    }

    @Test
    @Order(7)
    void verifyBatch_catchesAPredecessorReplacedByAnotherValidlySignedBatch() throws Exception {
        // the node's own key signs a different batch 1: valid in itself, but not the batch that batch 2 links to
        Ed25519Signer sequencer = SequencerKeys.load(keyFile);
        try (TamperingProxy proxy = new TamperingProxy(url, firstTxOf(1), bytes -> forge(bytes, sequencer))) {
            CliRun.Result result = CliRun.run("--url", proxy.url(), "--json", "verify-batch", "2", "--key",
                    publicKey);
            assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.CHECK_FAILED);
            JsonNode report = L2Ctl.JSON.readTree(result.out());
            assertThat(failedChecks(report)).containsExactly("chain.link");
        }
    }

    @Test
    @Order(8)
    void verifyReceipt_andVerifyProof_onTheNodesRealAnswers() throws Exception {
        String tx = txHashes.get(6);
        CliRun.Result receipt = CliRun.run("--url", url, "verify-receipt", "--tx", tx, "--key", publicKey);
        assertThat(receipt.code()).as(receipt.toString()).isZero();
        assertThat(receipt.out()).contains("ok   receipt.verify").contains("verdict: INCLUDED\n");

        CliRun.Result proof = CliRun.run("--url", url, "--json", "verify-proof", "--tx", tx, "--key", publicKey);
        assertThat(proof.code()).as(proof.toString()).isZero();
        assertThat(L2Ctl.JSON.readTree(proof.out()).get("verdict").asText()).isEqualTo("INCLUDED");

        byte[] receiptJson = http.get(url, "/tx/" + tx + "/receipt").body().getBytes(StandardCharsets.UTF_8);
        String proofText = http.get(url, "/tx/" + tx + "/proof").body();
        Path proofFile = dir.resolve("proof.json");
        Files.writeString(proofFile, proofText);

        CliRun.Result fromStdin = CliRun.run(Map.of(), receiptJson, "verify-receipt", "-", "--key", publicKey,
                "--proof", proofFile.toString());
        assertThat(fromStdin.code()).as(fromStdin.toString()).isZero();
        assertThat(fromStdin.out()).contains("verdict: INCLUDED\n");

        CliRun.Result fromFile = CliRun.run("verify-proof", proofFile.toString(), "--key", publicKey);
        assertThat(fromFile.code()).as(fromFile.toString()).isZero();
        assertThat(fromFile.out()).contains("ok   proof.verify").endsWith("VALID\n");

        String otherKey = new Ed25519Signer(new byte[32]).publicKeyHex();
        CliRun.Result wrongKey = CliRun.run(Map.of(), receiptJson, "verify-receipt", "-", "--key", otherKey);
        assertThat(wrongKey.code()).as(wrongKey.toString()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(wrongKey.out()).contains("FAIL receipt.verify").contains("WRONG_KEY")
                .contains("verdict: INVALID_RECEIPT");

        ObjectNode moved = (ObjectNode) L2Ctl.JSON.readTree(proofText);
        moved.put("tx_index", moved.get("tx_index").asInt() == 0 ? 1 : 0);
        Path movedFile = dir.resolve("moved-proof.json");
        Files.writeString(movedFile, L2Ctl.JSON.writeValueAsString(moved));
        CliRun.Result tampered = CliRun.run("verify-proof", movedFile.toString(), "--key", publicKey);
        assertThat(tampered.code()).as(tampered.toString()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(tampered.out()).contains("FAIL proof.verify").contains("TX_NOT_AT_INDEX");
    }

    @Test
    @Order(20)
    void replay_ofTheStoppedNodesStore_matchesEveryByte_andCatchesTampering() throws Exception {
        node.close();
        node = null;
        CliRun.Result result = CliRun.run("--json", "replay", "--storage-url", "sqlite:" + db, "--key", publicKey,
                "--hub", "Fin", "--fee", "0", "--chain-id", "1");
        assertThat(result.code()).as(result.toString()).isZero();
        JsonNode summary = L2Ctl.JSON.readTree(result.out());
        assertThat(summary.get("batches_checked").asLong()).isEqualTo(lastBatch);
        assertThat(summary.get("txs_checked").asLong()).isEqualTo(TXS);
        assertThat(summary.get("bytes_compared").asLong()).isGreaterThan(1_000L * lastBatch);
        assertThat(summary.get("mismatches").asLong()).isZero();

        CliRun.Result audit = CliRun.run("audit", "--storage-url", "sqlite:" + db);
        assertThat(audit.code()).as(audit.toString()).isZero();
        assertThat(audit.out()).contains("MATCH: " + lastBatch + " batches, " + TXS + " txs");

        // the same store after retention: batches 1-2 forgotten, 3 pruned; the rest still matches every byte
        Path retained = copyOf(db, "retained.db");
        long keptTxs;
        try (JdbcStorage storage = JdbcStorage.open("sqlite:" + retained, new java.util.Properties())) {
            long term = storage.readLeader().term();
            assertThat(storage.findBatchByNumber(3).orElseThrow().status()).isEqualTo(L1Status.CONFIRMED);
            assertThat(storage.pruneConfirmed(term, 3, 16)).isEqualTo(new Pruned(3));
            assertThat(storage.forgetConfirmed(term, 2, 16)).isEqualTo(new Pruned(2));
            keptTxs = TXS - storage.findBatchByNumber(3).orElseThrow().batch().endSeq() + 1;
        }
        CliRun.Result afterRetention = CliRun.run("--json", "replay", "--storage-url", "sqlite:" + retained,
                "--key", publicKey, "--hub", "Fin", "--fee", "0", "--chain-id", "1");
        assertThat(afterRetention.code()).as(afterRetention.toString()).isZero();
        JsonNode retainedSummary = L2Ctl.JSON.readTree(afterRetention.out());
        assertThat(retainedSummary.get("batches_forgotten").asLong()).isEqualTo(2);
        assertThat(retainedSummary.get("batches_pruned").asLong()).isEqualTo(1);
        assertThat(retainedSummary.get("batches_checked").asLong()).isEqualTo(lastBatch - 2);
        assertThat(retainedSummary.get("txs_checked").asLong()).isEqualTo(keptTxs);
        assertThat(retainedSummary.get("mismatches").asLong()).isZero();

        // a tx's stored bytes changed (same length): its hash, the batch's hash and everything after disagree
        Path txTampered = copyOf(db, "tx-tampered.db");
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + txTampered)) {
            byte[] canonical = select(sql, "SELECT canonical_tx FROM l2_txs WHERE seq = 7");
            Tx original = Tx.decode(canonical);
            byte[] payload = original.payload();
            payload[0] ^= 0x01;
            update(sql, "UPDATE l2_txs SET canonical_tx = ? WHERE seq = 7",
                    new Tx(original.chainId(), original.nonce(), original.from(), payload).encode());
        }
        CliRun.Result txResult = CliRun.run("replay", "--storage-url", "sqlite:" + txTampered, "--key", publicKey);
        assertThat(txResult.code()).as(txResult.toString()).isEqualTo(ExitCode.CHECK_FAILED);
        long batchOfSeq7 = batchHolding(txTampered, 7);
        assertThat(txResult.out()).contains("MISMATCH batch " + batchOfSeq7 + " tx.hash ")
                .contains("tx seq 7 is stored with hash")
                .contains("MISMATCH batch " + batchOfSeq7 + " batch.hash ")
                .contains("MISMATCH batch " + batchOfSeq7 + " l1_request.bytes ");
        if (batchOfSeq7 < lastBatch) {
            assertThat(txResult.out()).contains("MISMATCH batch " + (batchOfSeq7 + 1) + " chain.link ");
        }

        // one byte of a stored (posted) L1 request changed
        Path requestTampered = copyOf(db, "request-tampered.db");
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + requestTampered)) {
            byte[] body = select(sql, "SELECT l1_envelope FROM l2_batch_envelopes WHERE batch_number = 3");
            flipOneEnvelopeByteInPlace(body);
            update(sql, "UPDATE l2_batch_envelopes SET l1_envelope = ? WHERE batch_number = 3", body);
        }
        CliRun.Result requestResult = CliRun.run("--json", "replay", "--storage-url", "sqlite:" + requestTampered,
                "--key", publicKey);
        assertThat(requestResult.code()).as(requestResult.toString()).isEqualTo(ExitCode.CHECK_FAILED);
        JsonNode mismatches = L2Ctl.JSON.readTree(requestResult.out());
        // the stored body no longer parses (its key does not derive from it) and differs from the rebuilt one;
        // nothing else is wrong: the txs and the cut record rebuild batch 3 exactly
        List<String> found = new ArrayList<>();
        mismatches.get("mismatch_list").forEach(m -> found.add(m.get("batch_number").asLong() + " "
                + m.get("check").asText()));
        assertThat(found).containsExactly("3 l1_request.parse", "3 l1_request.bytes");
        assertThat(mismatches.get("mismatches").asLong()).isEqualTo(2);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private String firstTxOf(long batchNumber) throws Exception {
        JsonNode listing = L2Ctl.JSON.readTree(http.get(url, "/batches?from=" + batchNumber + "&limit=1").body());
        String hash = listing.get("batches").get(0).get("batch_hash").asText();
        return L2Ctl.JSON.readTree(http.get(url, "/batch/" + hash).body()).get("tx_hashes").get(0).asText();
    }

    private static List<String> failedChecks(JsonNode report) {
        List<String> failed = new ArrayList<>();
        report.get("checks").forEach(c -> {
            if (!c.get("ok").asBoolean()) {
                failed.add(c.get("name").asText());
            }
        });
        return failed;
    }

    /** A copy of the request with one base64url character of the embedded envelope changed. */
    private static byte[] flipOneEnvelopeByte(byte[] request) {
        byte[] copy = request.clone();
        flipOneEnvelopeByteInPlace(copy);
        return copy;
    }

    private static void flipOneEnvelopeByteInPlace(byte[] request) {
        String text = new String(request, StandardCharsets.US_ASCII);
        int at = text.indexOf("\"payload\":\"") + "\"payload\":\"".length() + 120;
        request[at] = (byte) (request[at] == 'A' ? 'B' : 'A');
    }

    /** The request of a different batch with the same number and link, signed by {@code signer}. */
    private static byte[] forge(byte[] request, EnvelopeSigner signer) {
        L2BatchEnvelopeV1 parsed = L2BatchEnvelopeV1.fromJson(request);
        BatchEnvelope envelope = BatchEnvelope.decode(parsed.payload().payload());
        Batch batch = Batch.decode(envelope.payload().payload());
        List<Tx> txs = new ArrayList<>(batch.txs());
        Tx first = txs.get(0);
        byte[] payload = first.payload();
        payload[0] ^= 0x01;
        txs.set(0, new Tx(first.chainId(), first.nonce(), first.from(), payload));
        Batch forged = new Batch(batch.chainId(), batch.batchNumber(), txs, batch.createdMs());
        BatchEnvelope signed = BatchEnvelope.sign(BatchPayload.of(forged, envelope.payload().prevBatchHash()),
                signer);
        return L2BatchEnvelopeV1.requestForBatch(forged, signed, parsed.hub(), parsed.fee()).body();
    }

    private static Path copyOf(Path db, String name) throws Exception {
        Path copy = db.resolveSibling(name);
        Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING);
        for (String suffix : new String[] {"-wal", "-shm"}) {
            Path side = db.resolveSibling(db.getFileName() + suffix);
            if (Files.exists(side)) {
                Files.copy(side, copy.resolveSibling(name + suffix), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return copy;
    }

    private static long batchHolding(Path db, long seq) throws Exception {
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + db);
                PreparedStatement statement = sql.prepareStatement(
                        "SELECT batch_number FROM l2_batches WHERE first_seq <= ? AND ? < first_seq + tx_count")) {
            statement.setLong(1, seq);
            statement.setLong(2, seq);
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getLong(1);
            }
        }
    }

    private static byte[] select(Connection sql, String query) throws Exception {
        try (PreparedStatement statement = sql.prepareStatement(query); ResultSet rows = statement.executeQuery()) {
            assertThat(rows.next()).as(query).isTrue();
            return rows.getBytes(1);
        }
    }

    private static void update(Connection sql, String query, byte[] value) throws Exception {
        try (PreparedStatement statement = sql.prepareStatement(query)) {
            statement.setBytes(1, value);
            assertThat(statement.executeUpdate()).as(query).isEqualTo(1);
        }
    }
}
