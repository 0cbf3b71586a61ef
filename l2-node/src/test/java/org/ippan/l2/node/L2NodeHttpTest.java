package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.envelope.EnvelopeVerifier;
import org.ippan.l2.core.envelope.VerificationResult;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node over real HTTP on loopback: an L2Node on a temporary SQLite file with an in-process devnet L1 (20 ms
 * blocks), small batch limits, and a follower on the same file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodeHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private L2Node leader;
    private Path keyFile;

    @BeforeAll
    void startLeader() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
        keyFile = dir.resolve("sequencer.key");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n");
        Map<String, String> env = baseEnv(dir.resolve("l2.db"));
        env.put("L2_SEQUENCER_KEY_PATH", keyFile.toString());
        leader = L2Node.start(NodeConfig.fromEnvironment(env));
    }

    @AfterAll
    void stopLeader() {
        if (leader != null) {
            leader.close();
        }
    }

    private static Map<String, String> baseEnv(Path db) {
        return NodeHttp.env(db);
    }

    // ---- helpers (shared with the other node tests: NodeHttp) ---------------------------------------------------

    private final NodeHttp nodeHttp = new NodeHttp();

    private NodeHttp.Answer get(L2Node node, String path) throws Exception {
        return nodeHttp.get(node, path);
    }

    private NodeHttp.Answer post(L2Node node, String path, String body) throws Exception {
        return nodeHttp.post(node, path, body);
    }

    private NodeHttp.Answer awaitGet(L2Node node, String path, Predicate<NodeHttp.Answer> done) throws Exception {
        return nodeHttp.awaitGet(node, path, done);
    }

    private static String tx(String from, String nonce, String payloadHex) {
        return NodeHttp.tx(from, nonce, payloadHex);
    }

    private static void assertRefused(NodeHttp.Answer answer, int status, RefusalCode code) {
        NodeHttp.assertRefused(answer, status, code);
    }

    // ---- tests --------------------------------------------------------------------------------------------------

    @Test
    void submittedTx_isPendingThenConfirmed_andItsBatchVerifies() throws Exception {
        NodeHttp.Answer accepted = post(leader, "/tx", tx("alice", "1", "48656c6c6f"));
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.body().get("accepted").asBoolean()).isTrue();
        assertThat(accepted.body().has("duplicate")).isFalse();
        String hash = accepted.body().get("tx_hash").asText();
        assertThat(hash).hasSize(64).matches("[0-9a-f]+");

        NodeHttp.Answer first = get(leader, "/tx/" + hash);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("status").asText()).isIn("pending", "batched", "posted", "confirmed");
        assertThat(first.body().get("from").asText()).isEqualTo("alice");
        assertThat(first.body().get("nonce").asLong()).isEqualTo(1);
        assertThat(first.body().get("chain_id").asLong()).isEqualTo(1);
        assertThat(first.body().get("payload").asText()).isEqualTo("48656c6c6f");
        assertThat(first.body().get("payload_size").asInt()).isEqualTo(5);
        assertThat(first.body().get("seq").asLong()).isPositive();

        NodeHttp.Answer duplicate = post(leader, "/tx", tx("alice", "1", "48656c6c6f"));
        assertThat(duplicate.status()).isEqualTo(200);
        assertThat(duplicate.body().get("tx_hash").asText()).isEqualTo(hash);
        assertThat(duplicate.body().get("duplicate").asBoolean()).isTrue();

        NodeHttp.Answer confirmed = awaitGet(leader, "/tx/" + hash,
                a -> a.body().get("status").asText().equals("confirmed"));
        assertThat(confirmed.body().get("status").asText()).isEqualTo("confirmed");
        String batchHash = confirmed.body().get("batch_hash").asText();
        assertThat(confirmed.body().get("batch_number").asLong()).isPositive();

        NodeHttp.Answer batch = get(leader, "/batch/" + batchHash);
        assertThat(batch.status()).isEqualTo(200);
        JsonNode b = batch.body();
        assertThat(b.get("batch_hash").asText()).isEqualTo(batchHash);
        assertThat(b.get("status").asText()).isEqualTo("confirmed");
        assertThat(b.get("chain_id").asLong()).isEqualTo(1);
        List<String> txHashes = JSON.convertValue(b.get("tx_hashes"),
                JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(txHashes).contains(hash).hasSize(b.get("tx_count").asInt());
        for (String field : List.of("created_ms", "prev_batch_hash", "tx_root", "tx_bytes", "term", "batch_number")) {
            assertThat(b.has(field)).as(field).isTrue();
        }
        JsonNode envelope = b.get("envelope");
        assertThat(envelope.get("version").asText()).isEqualTo(BatchEnvelope.VERSION);
        assertThat(envelope.get("sequencer_pubkey").asText()).hasSize(64);
        assertThat(envelope.get("sequencer_sig").asText()).hasSize(128);
        JsonNode l1 = b.get("l1");
        assertThat(l1.get("idempotency_key").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(l1.get("l1_tx_id").asText()).isNotBlank();
        assertThat(l1.get("height").asLong()).isPositive();
        assertThat(l1.has("confirmations")).isTrue();

        StoredBatch stored = leader.sequencer().findBatch(Hash.fromHex(batchHash)).orElseThrow();
        L2BatchEnvelopeV1 l1Envelope = L2BatchEnvelopeV1.fromJson(stored.batch().l1Envelope());
        assertThat(l1Envelope.idempotencyKeyBase64Url()).isEqualTo(l1.get("idempotency_key").asText());
        BatchEnvelope decoded = BatchEnvelope.decode(l1Envelope.payload().payload());
        assertThat(EnvelopeVerifier.standard().verify(decoded).isValid()).isTrue();
        assertThat(decoded.envelopeHash().toHex()).isEqualTo(envelope.get("envelope_hash").asText());
        assertThat(decoded.sequencerPubkeyHex()).isEqualTo(envelope.get("sequencer_pubkey").asText());
        assertThat(decoded.sequencerSigHex()).isEqualTo(envelope.get("sequencer_sig").asText());
        assertThat(decoded.payload().txRoot().toHex()).isEqualTo(b.get("tx_root").asText());

        NodeHttp.Answer list = get(leader, "/batches?from=1&limit=1000");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get("batches").size()).isPositive();
        assertThat(list.body().get("batches").get(0).get("batch_number").asLong()).isEqualTo(1);
        assertThat(list.body().get("batches").get(0).has("tx_hashes")).isFalse();
        assertThat(get(leader, "/batches?from=100000").body().get("batches").size()).isZero();
        assertThat(get(leader, "/batches?limit=abc").status()).isEqualTo(400);
    }

    /**
     * An auditor rebuilds a batch from {@code GET /batch} and {@code GET /tx} answers alone: every tx and its hash,
     * the batch bytes and {@code batch_hash}, {@code tx_root}, {@code tx_bytes}, the envelope bytes, its hash and
     * signature, and the L1 idempotency key.
     */
    @Test
    void auditor_rebuildsAndVerifiesABatch_fromApiAnswersAlone() throws Exception {
        NodeHttp.Answer submitted = post(leader, "/txs", "[" + tx("auditor-a", "1", "01") + "," + tx("auditor-b", "2", "0203")
                + "," + tx("auditor-c", "18446744073709551615", "") + "]");
        assertThat(submitted.status()).isEqualTo(200);
        String firstHash = submitted.body().get(0).get("tx_hash").asText();
        NodeHttp.Answer firstTx = awaitGet(leader, "/tx/" + firstHash,
                a -> a.status() == 200 && "confirmed".equals(a.body().get("status").asText()));
        NodeHttp.Answer batch = get(leader, "/batch/" + firstTx.body().get("batch_hash").asText());
        JsonNode b = batch.body();

        List<Tx> txs = new java.util.ArrayList<>();
        for (JsonNode hash : b.get("tx_hashes")) {
            JsonNode t = get(leader, "/tx/" + hash.asText()).body();
            Tx rebuilt = new Tx(Long.parseUnsignedLong(t.get("chain_id").asText()),
                    Long.parseUnsignedLong(t.get("nonce").asText()), t.get("from").asText(),
                    Hex.decode(t.get("payload").asText()));
            assertThat(rebuilt.hash().toHex()).isEqualTo(hash.asText());
            txs.add(rebuilt);
        }
        Batch rebuilt = new Batch(b.get("chain_id").asLong(), b.get("batch_number").asLong(), txs,
                b.get("created_ms").asLong());
        assertThat(rebuilt.hash().toHex()).isEqualTo(b.get("batch_hash").asText());
        assertThat(rebuilt.txRoot().toHex()).isEqualTo(b.get("tx_root").asText());
        assertThat(rebuilt.txBytes()).isEqualTo(b.get("tx_bytes").asLong());

        BatchPayload payload = BatchPayload.of(rebuilt, Hash.fromHex(b.get("prev_batch_hash").asText()));
        JsonNode envelope = b.get("envelope");
        assertThat(payload.envelopeHash().toHex()).isEqualTo(envelope.get("envelope_hash").asText());
        byte[] canonical = envelopeBytes(payload, envelope.get("sequencer_pubkey").asText(),
                envelope.get("sequencer_sig").asText());
        BatchEnvelope decoded = BatchEnvelope.decode(canonical);
        assertThat(EnvelopeVerifier.standard().checkingBatchContents()
                .expectingPublicKey(Hex.decode(envelope.get("sequencer_pubkey").asText())).verify(decoded).status())
                .isEqualTo(VerificationResult.Status.VALID);
        assertThat(L2BatchEnvelopeV1.forBatch(rebuilt, decoded, Hub.Fin, 0).idempotencyKeyBase64Url())
                .isEqualTo(b.get("l1").get("idempotency_key").asText());
    }

    /** {@code canonical(BatchEnvelope)} from its parts, as an auditor writes it from wire-format-v1 §4. */
    private static byte[] envelopeBytes(BatchPayload payload, String pubkeyHex, String sigHex) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] body = payload.encode();
        out.write(1);
        out.write(0);
        writeString(out, "v1");
        out.write(body, 2, body.length - 2);
        writeString(out, pubkeyHex);
        writeString(out, sigHex);
        writeString(out, payload.envelopeHash().toHex());
        return out.toByteArray();
    }

    private static void writeString(java.io.ByteArrayOutputStream out, String ascii) {
        byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 8; i++) {
            out.write((int) ((long) bytes.length >>> (8 * i)));
        }
        out.write(bytes, 0, bytes.length);
    }

    @Test
    void reads_answer400ForMalformedAnd404ForUnknown() throws Exception {
        assertThat(get(leader, "/tx/xyz").status()).isEqualTo(400);
        assertThat(get(leader, "/batch/" + "zz".repeat(32)).status()).isEqualTo(400);
        NodeHttp.Answer tx = get(leader, "/tx/" + "00".repeat(32));
        assertThat(tx.status()).isEqualTo(404);
        assertThat(tx.body().get("error").asText()).isEqualTo("transaction not found");
        NodeHttp.Answer batch = get(leader, "/batch/" + "00".repeat(32));
        assertThat(batch.status()).isEqualTo(404);
        assertThat(batch.body().get("error").asText()).isEqualTo("batch not found");
        assertThat(get(leader, "/nope").status()).isEqualTo(404);
    }

    @Test
    void status_health_readiness_andMetrics() throws Exception {
        NodeHttp.Answer accepted = post(leader, "/tx", tx("metrics", "7", "00"));
        assertThat(accepted.status()).isEqualTo(200);

        NodeHttp.Answer status = get(leader, "/status");
        assertThat(status.status()).isEqualTo(200);
        JsonNode s = status.body();
        JsonNode l = s.get("leader");
        assertThat(l.get("mode").asText()).isEqualTo("single");
        assertThat(l.get("is_leader").asBoolean()).isTrue();
        assertThat(l.get("id").asText()).isEqualTo("sequencer-0");
        assertThat(l.get("leader_pubkey").asText()).hasSize(64);
        assertThat(l.get("term_id").asLong()).isZero();
        assertThat(l.has("last_heartbeat_ms")).isTrue();
        assertThat(s.get("pool").get("capacity").asLong()).isEqualTo(100_000);
        assertThat(s.get("pool").has("pending")).isTrue();
        for (String field : List.of("pending", "posted", "confirmed", "last_batch_number", "last_batch_hash")) {
            assertThat(s.get("batches").has(field)).as(field).isTrue();
        }
        for (String field : List.of("height", "finalized_height", "last_error")) {
            assertThat(s.get("l1").has(field)).as(field).isTrue();
        }

        assertThat(get(leader, "/healthz").status()).isEqualTo(200);
        NodeHttp.Answer ready = awaitGet(leader, "/readyz", a -> a.status() == 200);
        assertThat(ready.status()).as(ready.raw().body()).isEqualTo(200);
        assertThat(ready.body().get("ready").asBoolean()).isTrue();

        NodeHttp.Answer metrics = get(leader, "/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        String text = metrics.raw().body();
        for (String name : List.of("l2_batches_pending ", "l2_batches_posted ", "l2_batches_confirmed ",
                "l2_post_failures_total ", "l2_tx_accepted_total ", "l2_tx_rejected_total{code=\"",
                "l2_pool_pending ", "l2_leader_is_leader 1", "l2_leader_term 0", "l2_batches_cut_total{reason=\"",
                "l2_admission_latency_seconds_bucket{le=\"+Inf\"}", "l2_admission_latency_seconds_sum",
                "l2_admission_latency_seconds_count", "l2_post_latency_seconds_bucket{le=\"")) {
            assertThat(text).as(name).contains(name);
        }
        long acceptedTotal = leader.metrics().snapshot().accepted();
        assertThat(acceptedTotal).isPositive();
        assertThat(metricValue(text, "l2_tx_accepted_total")).isLessThanOrEqualTo(acceptedTotal)
                .isPositive();
    }

    private static long metricValue(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                // Micrometer writes counters as doubles ("6.0"): the value must still be a whole count
                double value = Double.parseDouble(line.substring(name.length() + 1).trim());
                assertThat(value).as(line).isEqualTo(Math.rint(value));
                return (long) value;
            }
        }
        throw new AssertionError("no " + name);
    }

    @Test
    void everyRefusalCode_hasItsStatus() throws Exception {
        long invalidJsonBefore = leader.metrics().snapshot().rejected().get(RefusalCode.INVALID_JSON);
        assertRefused(post(leader, "/tx", "{not json"), 400, RefusalCode.INVALID_JSON);
        assertRefused(post(leader, "/tx", "{\"chain_id\":1}"), 400, RefusalCode.INVALID_JSON);
        assertRefused(post(leader, "/tx", "[]"), 400, RefusalCode.INVALID_JSON);
        assertThat(leader.metrics().snapshot().rejected().get(RefusalCode.INVALID_JSON))
                .isEqualTo(invalidJsonBefore + 3);
        assertRefused(post(leader, "/tx", "{\"pad\":\"" + "a".repeat(2 << 20) + "\"}"), 413,
                RefusalCode.BODY_TOO_LARGE);
        assertRefused(post(leader, "/tx", "{\"chain_id\":2,\"from\":\"a\",\"nonce\":1,\"payload\":\"00\"}"), 400,
                RefusalCode.CHAIN_ID_MISMATCH);
        assertRefused(post(leader, "/tx", tx("a", "1", "abc")), 400, RefusalCode.INVALID_PAYLOAD);
        assertRefused(post(leader, "/tx", tx("a", "1", "zz")), 400, RefusalCode.INVALID_PAYLOAD);
        assertRefused(post(leader, "/tx", tx("a", "1", "00".repeat(1025))), 400, RefusalCode.TX_TOO_LARGE);
        assertRefused(post(leader, "/tx", tx("", "1", "00")), 400, RefusalCode.INVALID_FIELD);
        assertRefused(post(leader, "/tx", tx("x".repeat(257), "1", "00")), 400, RefusalCode.INVALID_FIELD);
        assertRefused(post(leader, "/tx", tx("a", "-1", "00")), 400, RefusalCode.INVALID_FIELD);
        assertRefused(post(leader, "/tx", tx("a", "1.5", "00")), 400, RefusalCode.INVALID_FIELD);
        assertRefused(post(leader, "/tx", tx("a", "\"1\"", "00")), 400, RefusalCode.INVALID_FIELD);
        assertRefused(post(leader, "/tx", tx("a", "18446744073709551616", "00")), 400, RefusalCode.INVALID_FIELD);
        NodeHttp.Answer maxNonce = post(leader, "/tx", tx("a", "18446744073709551615", "00"));
        assertThat(maxNonce.status()).isEqualTo(200);
        assertThat(get(leader, "/tx/" + maxNonce.body().get("tx_hash").asText()).body().get("nonce").asText())
                .isEqualTo("18446744073709551615");
        assertThat(post(leader, "/tx", tx("x".repeat(256), "1", "00")).status()).isEqualTo(200);

        for (RefusalCode code : RefusalCode.values()) {
            assertThat(NodeApi.httpStatus(code)).as(code.name()).isBetween(400, 503);
        }
        assertThat(NodeApi.httpStatus(RefusalCode.UNAVAILABLE)).isEqualTo(503);
        assertThat(NodeApi.httpStatus(RefusalCode.NOT_LEADER)).isEqualTo(403);
        assertThat(NodeApi.httpStatus(RefusalCode.QUEUE_FULL)).isEqualTo(429);
    }

    @Test
    void queueFull_answers429WithRetryAfter(@TempDir Path other) throws Exception {
        Map<String, String> env = baseEnv(other.resolve("cap.db"));
        env.put("L2_ADMISSION_CAP", "3");
        env.put("L2_MAX_BATCH_TXS", "1000");
        env.put("L2_MAX_WAIT_MS", "600000");
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env))) {
            for (int i = 0; i < 3; i++) {
                assertThat(post(node, "/tx", tx("cap", Integer.toString(i), "00")).status()).isEqualTo(200);
            }
            NodeHttp.Answer full = post(node, "/tx", tx("cap", "3", "00"));
            assertRefused(full, 429, RefusalCode.QUEUE_FULL);
            assertThat(full.raw().headers().firstValue("Retry-After").orElseThrow()).matches("[1-9][0-9]*");
        }
    }

    @Test
    void sealThreads_batchesAreSealedOnTheirThreads_andConfirmedInOrder(@TempDir Path other) throws Exception {
        Map<String, String> env = baseEnv(other.resolve("seal.db"));
        env.put("L2_SEQUENCER_KEY_PATH", keyFile.toString());
        env.put("L2_SEAL_THREADS", "1");
        env.put("L2_MAX_BATCH_TXS", "10");
        env.put("L2_MAX_WAIT_MS", "50");
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env))) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 95; i++) {
                body.append(i == 0 ? "" : ",").append(tx("seal", Integer.toString(i), "0a0b"));
            }
            NodeHttp.Answer answer = post(node, "/txs", body.append(']').toString());
            assertThat(answer.status()).isEqualTo(200);
            java.util.Set<Long> batches = new java.util.TreeSet<>();
            for (int i = 0; i < 95; i++) {
                assertThat(answer.body().get(i).get("accepted").asBoolean()).isTrue();
                NodeHttp.Answer confirmed = awaitGet(node, "/tx/" + answer.body().get(i).get("tx_hash").asText(),
                        a -> a.body().get("status").asText().equals("confirmed"));
                assertThat(confirmed.body().get("status").asText()).isEqualTo("confirmed");
                batches.add(confirmed.body().get("batch_number").asLong());
            }
            assertThat(batches).as("batches 1..n, none skipped").hasSizeGreaterThanOrEqualTo(10)
                    .first().isEqualTo(1L);
            assertThat(batches.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(batches.size());
        }
    }

    @Test
    void postTxs_answersPerTxInOrder() throws Exception {
        String body = "[" + tx("bulk", "1", "01") + "," + tx("bulk", "2", "abc") + ",{\"x\":1},"
                + tx("bulk", "1", "01") + "," + tx("", "3", "00") + "]";
        NodeHttp.Answer answer = post(leader, "/txs", body);
        assertThat(answer.status()).isEqualTo(200);
        JsonNode results = answer.body();
        assertThat(results.size()).isEqualTo(5);
        assertThat(results.get(0).get("accepted").asBoolean()).isTrue();
        assertThat(results.get(1).get("code").asText()).isEqualTo("INVALID_PAYLOAD");
        assertThat(results.get(2).get("code").asText()).isEqualTo("INVALID_JSON");
        assertThat(results.get(3).get("accepted").asBoolean()).isTrue();
        assertThat(results.get(3).get("tx_hash").asText()).isEqualTo(results.get(0).get("tx_hash").asText());
        assertThat(results.get(3).get("duplicate").asBoolean()).isTrue();
        assertThat(results.get(4).get("code").asText()).isEqualTo("INVALID_FIELD");
        assertThat(results.get(4).get("tx_hash").asText()).isEmpty();

        StringBuilder tooMany = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) {
            tooMany.append(i == 0 ? "" : ",").append(tx("many", Integer.toString(i), "00"));
        }
        assertRefused(post(leader, "/txs", tooMany.append(']').toString()), 400, RefusalCode.INVALID_JSON);
        assertRefused(post(leader, "/txs", "{}"), 400, RefusalCode.INVALID_JSON);
        assertThat(post(leader, "/txs", "[]").body().size()).isZero();
        // the streaming reader still sees the whole body: trailing tokens or a late syntax error refuse it all
        assertRefused(post(leader, "/txs", "[" + tx("bulk", "9", "09") + "] []"), 400, RefusalCode.INVALID_JSON);
        assertRefused(post(leader, "/txs", "[" + tx("bulk", "9", "09") + ",{]"), 400, RefusalCode.INVALID_JSON);
        assertThat(get(leader, "/tx/" + new Tx(1, 9, "bulk", new byte[] {9}).hash().toHex()).status())
                .as("nothing of a refused body was admitted").isEqualTo(404);
    }

    @Test
    void follower_servesReads_andRefusesWrites() throws Exception {
        NodeHttp.Answer accepted = post(leader, "/tx", tx("follow", "1", "ff"));
        String hash = accepted.body().get("tx_hash").asText();
        Map<String, String> env = baseEnv(dir.resolve("l2.db"));
        env.put("L2_LEADER", "0");
        env.put("LEADER_ID", "follower-1");
        try (L2Node follower = L2Node.start(NodeConfig.fromEnvironment(env))) {
            assertRefused(post(follower, "/tx", tx("follow", "2", "ff")), 403, RefusalCode.NOT_LEADER);
            assertRefused(post(follower, "/txs", "[" + tx("follow", "2", "ff") + "]"), 403, RefusalCode.NOT_LEADER);
            NodeHttp.Answer tx = get(follower, "/tx/" + hash);
            assertThat(tx.status()).isEqualTo(200);
            assertThat(tx.body().get("from").asText()).isEqualTo("follow");
            JsonNode status = get(follower, "/status").body();
            assertThat(status.get("leader").get("is_leader").asBoolean()).isFalse();
            assertThat(status.get("leader").get("id").asText()).isEqualTo("follower-1");
            NodeHttp.Answer confirmed = awaitGet(leader, "/tx/" + hash, a -> a.body().get("status").asText().equals("confirmed"));
            String batchHash = confirmed.body().get("batch_hash").asText();
            NodeHttp.Answer batch = get(follower, "/batch/" + batchHash);
            assertThat(batch.status()).isEqualTo(200);
            assertThat(batch.body().get("tx_hashes").toString()).contains(hash);
            assertThat(get(follower, "/batches").body().get("batches").size()).isPositive();
            assertThat(get(follower, "/metrics").raw().body()).contains("l2_leader_is_leader 0");
        }
    }

    @Test
    void malformedConfiguration_namesTheVariable() {
        Map<String, String> env = new HashMap<>();
        env.put("L2_DEVNET_BLOCK_MS", "fast");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = L2Node.run(env, new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(L2Node.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("L2_DEVNET_BLOCK_MS").doesNotContain("\n\n");
        env.clear();
        env.put("L2_LISTEN_ADDR", "nohost");
        assertThat(L2Node.run(env, new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8))).isEqualTo(L2Node.EXIT_CONFIG);
        env.clear();
        env.put("L2_DEVNET_CHECK_CONTENTS", "maybe");
        err.reset();
        assertThat(L2Node.run(env, new java.io.PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(L2Node.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("L2_DEVNET_CHECK_CONTENTS");
        env.clear();
        env.put("L2_MAX_WAIT_MS", "-3");
        assertThat(L2Node.run(env, new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8))).isEqualTo(L2Node.EXIT_CONFIG);
        assertThat(Hex.encode(new byte[] {1})).isEqualTo("01");
    }
}
