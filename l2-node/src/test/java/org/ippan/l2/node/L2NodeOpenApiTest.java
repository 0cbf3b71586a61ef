package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/openapi.yaml} against the live node: every answer the test provokes, on every endpoint and with
 * every refusal code, must be documented (path, method and status) and its body must validate against the
 * documented schema (JSON Schema 2020-12, as OpenAPI 3.1 uses it, with networknt's validator); and every documented
 * answer must be provoked, but for the few named below that need an L1 this test does not run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class L2NodeOpenApiTest {
    private static final String SPEC_IRI = "https://ippan.invalid/l2/openapi.json";
    /** Documented answers this test cannot provoke with the embedded devnet L1 (it always has an inbox, answers). */
    private static final Set<String> NOT_PROVOKED = Set.of(
            "POST /tx/force 501", // NO_INBOX: an L1 without a forced-inclusion inbox
            "POST /tx/force 503", // L1_UNAVAILABLE: an L1 inbox that does not answer
            "POST /txs 503", // a follower relaying to a leader it does not know (lease mode with forwarding)
            "GET /tx/force/{hash} 503", // the fault-injecting store fails tx and batch lookups, not ticket ones
            "POST /admin/flush 503"); // a batcher holding back for 10 s (L1 far behind)

    @TempDir
    static Path dir;

    private final NodeHttp http = new NodeHttp();
    private final Set<String> provoked = new TreeSet<>();
    private final Set<String> codesSeen = new TreeSet<>();
    private JsonNode spec;
    private SchemaRegistry registry;
    private L2Node leader;
    private L2Node follower;
    private L2Node small;
    private L2Node pruning;
    private FaultInjectingStorage smallStorage;
    private String token;

    @BeforeAll
    void start() throws Exception {
        spec = new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "docs", "openapi.yaml").toFile());
        String specJson = new ObjectMapper().writeValueAsString(spec);
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(SPEC_IRI, specJson)));

        Path key = ChildJvm.writeKey(dir.resolve("sequencer.key"));
        Map<String, String> env = NodeHttp.env(dir.resolve("l2.db"));
        env.put("L2_SEQUENCER_KEY_PATH", key.toString());
        leader = L2Node.start(NodeConfig.fromEnvironment(env));
        token = "openapi-test-token";
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, token + "\n");
        Map<String, String> followerEnv = NodeHttp.env(dir.resolve("l2.db"));
        followerEnv.put("L2_LEADER", "0");
        followerEnv.put("L2_API_TOKENS_FILE", tokens.toString());
        follower = L2Node.start(NodeConfig.fromEnvironment(followerEnv));

        // a node with tokens, a cap of one pending tx, batches that wait, no forced-inclusion watcher, faults
        Map<String, String> smallEnv = NodeHttp.env(dir.resolve("small.db"));
        smallEnv.put("L2_API_TOKENS_FILE", tokens.toString());
        smallEnv.put("L2_ADMISSION_CAP", "1");
        smallEnv.put("L2_MAX_BATCH_TXS", "1000");
        smallEnv.put("L2_MAX_WAIT_MS", "600000");
        smallEnv.put("L2_FORCE_INCLUSION", "0");
        smallEnv.put("L2_FORCE_MAX_PER_ACCOUNT", "1");
        smallStorage = new FaultInjectingStorage(JdbcStorage.openSqlite(dir.resolve("small.db")));
        small = L2Node.start(NodeConfig.fromEnvironment(smallEnv), smallStorage);

        // a node that keeps the bodies of its last confirmed batch only (retention)
        Map<String, String> pruningEnv = NodeHttp.env(dir.resolve("pruning.db"));
        pruningEnv.put("L2_RETAIN_CONFIRMED", "1");
        pruning = L2Node.start(NodeConfig.fromEnvironment(pruningEnv));
    }

    @AfterAll
    void stop() {
        for (L2Node node : new L2Node[] {pruning, small, follower, leader}) {
            if (node != null) {
                node.close();
            }
        }
    }

    // ---- the check --------------------------------------------------------------------------------------------

    /** Checks the answer against the spec of {@code method template}, records it, and returns it. */
    private NodeHttp.Answer check(String method, String template, NodeHttp.Answer answer) {
        String status = Integer.toString(answer.status());
        String where = method + " " + template + " " + status;
        JsonNode operation = spec.path("paths").path(template).path(method.toLowerCase());
        assertThat(operation.isObject()).as("%s is documented", method + " " + template).isTrue();
        String responsePointer = "/paths/" + escape(template) + "/" + method.toLowerCase() + "/responses/" + status;
        JsonNode response = operation.path("responses").path(status);
        assertThat(response.isObject()).as("%s is documented (answer: %s)", where, answer.text()).isTrue();
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
            response = spec.at(responsePointer);
        }
        String contentType = answer.raw().headers().firstValue("Content-Type").orElse("");
        if (response.path("content").has("application/json")) {
            assertThat(contentType).as(where).startsWith("application/json");
            Schema schema = registry.getSchema(SchemaLocation.of(SPEC_IRI + "#" + responsePointer
                    + "/content/application~1json/schema"));
            List<Error> errors = schema.validate(answer.text(), com.networknt.schema.InputFormat.JSON);
            assertThat(errors).as("%s: %s", where, answer.text()).isEmpty();
            collectCodes(answer.body());
        } else {
            assertThat(response.path("content").has("text/plain")).as(where).isTrue();
            assertThat(contentType).as(where).startsWith("text/plain");
        }
        response.path("headers").fieldNames().forEachRemaining(header -> assertThat(
                answer.raw().headers().firstValue(header)).as("%s header %s", where, header).isPresent());
        provoked.add(where);
        return answer;
    }

    private void collectCodes(JsonNode body) {
        if (body == null) {
            return;
        }
        if (body.isArray()) {
            body.forEach(this::collectCodes);
        } else if (body.has("code")) {
            codesSeen.add(body.get("code").asText());
        }
    }

    private static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1");
    }

    private NodeHttp.Answer post(L2Node node, String template, String path, String body, String... headers)
            throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return check("POST", template, http.send(node, "POST", path, body, all));
    }

    /**
     * A bulk binary v1 {@code POST} ({@code application/octet-stream}): the operation must document that request
     * body, and the answer is checked as any other.
     */
    private NodeHttp.Answer postBinary(L2Node node, String template, String path, byte[] body, String... headers)
            throws Exception {
        JsonNode content = spec.path("paths").path(template).path("post").path("requestBody").path("content");
        assertThat(content.has(BulkBodies.TYPE)).as("POST %s documents %s", template, BulkBodies.TYPE).isTrue();
        return check("POST", template, http.postBytes(node, path, body, BulkBodies.TYPE, headers));
    }

    private NodeHttp.Answer get(L2Node node, String template, String path) throws Exception {
        return check("GET", template, http.send(node, "GET", path, null));
    }

    private static String tx(String from, long nonce, String payloadHex) {
        return NodeHttp.tx(from, Long.toString(nonce), payloadHex);
    }

    private String bearer() {
        return "Bearer " + token;
    }

    // ---- the run ----------------------------------------------------------------------------------------------

    @Test
    void everyAnswerIsDocumentedAndValid_andEveryDocumentedAnswerAndRefusalCodeIsProvoked() throws Exception {
        // txs, receipts, proofs, batches on the leader
        String hash = post(leader, "/tx", "/tx", tx("oa-alice", 1, "0a0b")).body().get("tx_hash").asText();
        post(leader, "/tx", "/tx", tx("oa-alice", 1, "0a0b")); // a duplicate, with its receipt
        post(leader, "/txs", "/txs", "[" + tx("oa-bob", 1, "01") + "," + tx("oa-bob", 2, "zz") + ","
                + "{\"chain_id\":1,\"from\":\"\",\"nonce\":1,\"payload\":\"00\"}]");
        post(leader, "/txs", "/txs?receipts=false", "[" + tx("oa-bob", 3, "03") + "]");
        // the same as bulk binary v1: accepted with receipts, without, and good and bad txs mixed
        Tx binaryTx = new Tx(1, 1, "oa-bin", new byte[] {1});
        byte[] binaryOne = BulkBodies.of(List.of(binaryTx));
        postBinary(leader, "/txs", "/txs", binaryOne);
        postBinary(leader, "/txs", "/txs?receipts=false", BulkBodies.of(List.of(new Tx(1, 2, "oa-bin", new byte[0]))));
        NodeHttp.Answer mixed = postBinary(leader, "/txs", "/txs", BulkBodies.frames(List.of(
                new Tx(1, 3, "oa-bin", new byte[] {3}).encode(), new byte[] {1, 0, 7}, new Tx(2, 4, "oa-bin",
                        new byte[0]).encode(), new Tx(1, 5, "", new byte[0]).encode())));
        assertThat(mixed.body().findValuesAsText("code")).containsExactly("INVALID_ENCODING", "CHAIN_ID_MISMATCH",
                "INVALID_FIELD");
        // and its framing refusals, each 400 INVALID_FRAME
        byte[] trailing = java.util.Arrays.copyOf(binaryOne, binaryOne.length + 1);
        byte[] zero = BulkBodies.frames(List.of());
        byte[] tooMany = binaryOne.clone();
        System.arraycopy(BulkBodies.u32(1001), 0, tooMany, 6, 4);
        byte[] beyond = binaryOne.clone();
        System.arraycopy(BulkBodies.u32(binaryTx.encodedSize() + 1), 0, beyond, 10, 4);
        for (byte[] broken : List.of(new byte[0], "L2TY".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                zero, tooMany, beyond, trailing)) {
            assertThat(postBinary(leader, "/txs", "/txs", broken).body().get("code").asText())
                    .isEqualTo("INVALID_FRAME");
        }
        get(leader, "/tx/{hash}", "/tx/" + hash);
        get(leader, "/tx/{hash}/receipt", "/tx/" + hash + "/receipt");
        http.awaitGet(leader, "/tx/" + hash + "/proof", a -> a.status() == 200);
        get(leader, "/tx/{hash}/proof", "/tx/" + hash + "/proof");
        String batchHash = http.awaitConfirmed(leader, hash).get("batch_hash").asText();
        get(leader, "/batch/{hash}", "/batch/" + batchHash);
        get(leader, "/batches", "/batches?from=1&limit=10");
        get(leader, "/status", "/status");
        get(leader, "/readyz", "/readyz");
        get(leader, "/healthz", "/healthz");
        get(leader, "/metrics", "/metrics");
        String unknown = "ab".repeat(32);
        for (String template : List.of("/tx/{hash}", "/tx/{hash}/receipt", "/tx/{hash}/proof", "/tx/force/{hash}",
                "/batch/{hash}")) {
            String path = template.replace("{hash}", unknown);
            get(leader, template, path); // 404
            get(leader, template, template.replace("{hash}", "xyz")); // 400
        }
        get(leader, "/batches", "/batches?from=0");

        // a tx whose confirmed batch was pruned, once a later batch is confirmed: 410 PRUNED
        String old = post(pruning, "/tx", "/tx", tx("oa-ivy", 1, "07")).body().get("tx_hash").asText();
        http.awaitConfirmed(pruning, old);
        String later = post(pruning, "/tx", "/tx", tx("oa-ivy", 2, "07")).body().get("tx_hash").asText();
        http.awaitConfirmed(pruning, later);
        http.awaitGet(pruning, "/tx/" + old, a -> a.status() == 410);
        get(pruning, "/tx/{hash}", "/tx/" + old);
        get(pruning, "/tx/{hash}/proof", "/tx/" + old + "/proof");
        JsonNode prunedBatch = get(pruning, "/batches", "/batches").body().get("batches").get(0);
        assertThat(prunedBatch.get("pruned").asBoolean()).as("batch 1 is pruned").isTrue();
        get(pruning, "/batch/{hash}", "/batch/" + prunedBatch.get("batch_hash").asText());

        // storage failing on the small node while its pool is empty: writes refused UNAVAILABLE
        smallStorage.failWrites(true);
        post(small, "/tx", "/tx", tx("oa-gus", 1, "06"), "Authorization", bearer());
        post(small, "/txs", "/txs", "[" + tx("oa-gus", 2, "06") + "]", "Authorization", bearer());
        postBinary(small, "/txs", "/txs", BulkBodies.of(List.of(new Tx(1, 3, "oa-gus", new byte[] {6}))),
                "Authorization", bearer());
        get(small, "/readyz", "/readyz"); // red: the last write failed
        smallStorage.failWrites(false);

        // a pending tx: its proof is NOT_IN_BATCH (the small node never cuts on its own)
        String pending = post(small, "/tx", "/tx", tx("oa-carol", 1, "01"), "Authorization", bearer()).body()
                .get("tx_hash").asText();
        get(small, "/tx/{hash}/proof", "/tx/" + pending + "/proof");

        // the write refusals, one per code
        post(leader, "/tx", "/tx", "{");                                                    // INVALID_JSON
        post(leader, "/tx", "/tx", "{\"pad\":\"" + "a".repeat(2 << 20) + "\"}");           // BODY_TOO_LARGE
        post(leader, "/tx", "/tx", "{\"chain_id\":2,\"from\":\"x\",\"nonce\":1,\"payload\":\"00\"}"); // CHAIN_ID
        post(leader, "/tx", "/tx", tx("oa-dave", 1, "zz"));                                // INVALID_PAYLOAD
        post(leader, "/tx", "/tx", tx("oa-dave", 2, "00".repeat(2048)));                   // TX_TOO_LARGE
        post(leader, "/tx", "/tx", "{\"chain_id\":1,\"from\":\"\",\"nonce\":1,\"payload\":\"00\"}"); // INVALID_FIELD
        post(follower, "/tx", "/tx", tx("oa-dave", 3, "00"), "Authorization", bearer());   // NOT_LEADER
        post(follower, "/txs", "/txs", "[" + tx("oa-dave", 4, "00") + "]", "Authorization", bearer());
        postBinary(follower, "/txs", "/txs", BulkBodies.of(List.of(new Tx(1, 4, "oa-dave", new byte[1]))),
                "Authorization", bearer());
        post(follower, "/tx/force", "/tx/force", tx("oa-dave", 5, "00"), "Authorization", bearer());
        post(small, "/tx", "/tx", tx("oa-erin", 1, "02"), "Authorization", bearer());      // QUEUE_FULL
        post(small, "/tx", "/tx", tx("oa-erin", 2, "02"));                                 // UNAUTHORIZED
        post(small, "/txs", "/txs", "[]");
        postBinary(small, "/txs", "/txs", BulkBodies.of(List.of(new Tx(1, 3, "oa-erin", new byte[] {2}))));
        post(small, "/tx/force", "/tx/force", tx("oa-erin", 3, "02"));
        check("POST", "/tx", http.send(leader, "POST", "/tx", "x", "Content-Type", "text/plain")); // 415
        check("POST", "/txs", http.send(leader, "POST", "/txs", "x", "Content-Type", "text/plain"));
        check("POST", "/tx/force", http.send(leader, "POST", "/tx/force", "x", "Content-Type", "text/plain"));
        post(leader, "/txs", "/txs", "{");
        post(leader, "/txs", "/txs", "[" + ("{},".repeat(1000)) + "{}]");                    // more than 1,000
        post(leader, "/txs", "/txs", "{\"pad\":\"" + "a".repeat(17 << 20) + "\"}");        // BODY_TOO_LARGE
        postBinary(leader, "/txs", "/txs", new byte[17 << 20]);
        check("POST", "/tx", http.postBytes(leader, "/tx", binaryTx.encode(), BulkBodies.TYPE)); // 415: /tx is JSON
        post(leader, "/tx/force", "/tx/force", "{\"pad\":\"" + "a".repeat(2 << 20) + "\"}");

        // forced inclusion: a ticket, a duplicate, the account's limit, a broken rule (the small node: no watcher)
        String forced = post(small, "/tx/force", "/tx/force", tx("oa-frank", 1, "05"), "Authorization", bearer())
                .body().get("tx_hash").asText();
        post(small, "/tx/force", "/tx/force", tx("oa-frank", 1, "05"), "Authorization", bearer()); // 409
        post(small, "/tx/force", "/tx/force", tx("oa-frank", 2, "05"), "Authorization", bearer()); // 429
        post(small, "/tx/force", "/tx/force", tx("oa-frank", 3, "zz"), "Authorization", bearer()); // 400
        get(small, "/tx/force/{hash}", "/tx/force/" + forced);

        // storage reads failing: 503 typed
        smallStorage.failLookups(() -> new org.ippan.l2.storage.StorageException(
                FaultInjectingStorage.INJECTED + ": read failed"));
        get(small, "/tx/{hash}", "/tx/" + pending);
        get(small, "/tx/{hash}/receipt", "/tx/" + pending + "/receipt");
        get(small, "/tx/{hash}/proof", "/tx/" + pending + "/proof");
        get(small, "/batch/{hash}", "/batch/" + batchHash);
        get(small, "/batches", "/batches");
        smallStorage.failLookups(null);

        // the admin endpoints: on the small node (it has tokens), without a token, and on the follower
        String auth = bearer();
        check("GET", "/admin/limits", http.send(small, "GET", "/admin/limits", null, "Authorization", auth));
        check("GET", "/admin/limits", http.send(small, "GET", "/admin/limits", null));                  // 401
        check("GET", "/admin/limits", http.send(follower, "GET", "/admin/limits", null, "Authorization", auth));
        check("PUT", "/admin/limits", http.send(small, "PUT", "/admin/limits", "{\"max_wait_ms\": 600001}",
                "Content-Type", "application/json", "Authorization", auth));
        check("PUT", "/admin/limits", http.send(small, "PUT", "/admin/limits", "{\"max_batch_txs\": 0}",
                "Content-Type", "application/json", "Authorization", auth));                              // 400
        check("PUT", "/admin/limits", http.send(small, "PUT", "/admin/limits", "{\"x\": \"" + "a".repeat(70_000)
                + "\"}", "Content-Type", "application/json", "Authorization", auth));                      // 413
        check("PUT", "/admin/limits", http.send(small, "PUT", "/admin/limits", "{}",
                "Content-Type", "application/json"));                                                     // 401
        check("PUT", "/admin/limits", http.send(follower, "PUT", "/admin/limits", "{\"max_wait_ms\": 5}",
                "Content-Type", "application/json", "Authorization", auth));                              // 403
        for (String action : List.of("/admin/pause", "/admin/resume")) {
            check("POST", action, http.send(small, "POST", action, null, "Authorization", auth));
            check("POST", action, http.send(small, "POST", action, null));
            check("POST", action, http.send(follower, "POST", action, null, "Authorization", auth));
        }
        check("POST", "/admin/flush", http.send(small, "POST", "/admin/flush", null, "Authorization", auth));
        check("POST", "/admin/flush", http.send(small, "POST", "/admin/flush", null));
        check("POST", "/admin/flush", http.send(follower, "POST", "/admin/flush", null, "Authorization", auth));
        check("POST", "/admin/step-down", http.send(follower, "POST", "/admin/step-down", null,
                "Authorization", auth));
        check("POST", "/admin/step-down", http.send(small, "POST", "/admin/step-down", "[1]",
                "Content-Type", "application/json", "Authorization", auth));                              // 400
        check("POST", "/admin/step-down", http.send(small, "POST", "/admin/step-down", "{\"to\": \""
                + "a".repeat(70_000) + "\"}", "Content-Type", "application/json", "Authorization", auth)); // 413
        check("POST", "/admin/step-down", http.send(small, "POST", "/admin/step-down", null));

        // every refusal code was met, and every documented answer (but the named ones) provoked
        Set<String> refusalCodes = new TreeSet<>();
        for (RefusalCode code : EnumSet.allOf(RefusalCode.class)) {
            refusalCodes.add(code.name());
        }
        assertThat(codesSeen).containsAll(refusalCodes);
        assertThat(codesSeen).contains("PRUNED");
        assertThat(codesSeen).contains("UNAUTHORIZED", "UNSUPPORTED_MEDIA_TYPE", "TX_NOT_FOUND", "NOT_IN_BATCH",
                "TICKET_NOT_FOUND", "DUPLICATE_TICKET", "ACCOUNT_LIMIT");
        List<String> documented = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                op.getValue().path("responses").fieldNames().forEachRemaining(status ->
                        documented.add(op.getKey().toUpperCase() + " " + path.getKey() + " " + status));
            }
        }
        List<String> missing = new ArrayList<>(documented);
        missing.removeAll(provoked);
        missing.removeAll(NOT_PROVOKED);
        assertThat(missing).as("documented answers no request provoked").isEmpty();
        assertThat(NOT_PROVOKED).as("named as not provoked, but documented").allMatch(documented::contains);
    }
}
