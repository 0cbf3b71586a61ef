package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.node.devnet.DevnetL1Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The admin endpoints (issue 16, point 1) over HTTP, on a live node with the embedded devnet. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class L2NodeAdminHttpTest {
    private static final String TOKEN = "admin-s3cret";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final NodeHttp http = new NodeHttp();

    private record Reply(int status, JsonNode body, String text) {}

    private Reply call(L2Node node, String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return new Reply(response.statusCode(), NodeHttp.JSON.readTree(response.body()), response.body());
    }

    private Reply admin(L2Node node, String method, String path, String body) throws Exception {
        return call(node, method, path, body, TOKEN);
    }

    private static void assertError(Reply reply, int status, String code) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.body().get("code").asText()).isEqualTo(code);
        assertThat(reply.body().get("error").asText()).isNotBlank();
    }

    private Map<String, String> env() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, TOKEN + "\n");
        Map<String, String> env = NodeHttp.env(dir.resolve("l2.db"));
        env.put(NodeConfig.API_TOKENS_FILE, tokens.toString());
        return env;
    }

    private void submit(L2Node node, int nonce) throws Exception {
        Reply reply = call(node, "POST", "/tx", NodeHttp.tx("alice", Integer.toString(nonce), "00"), TOKEN);
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    }

    private JsonNode batches(L2Node node) throws Exception {
        return http.get(node, "/status").body().get("batches");
    }

    @Test
    void everyAdminEndpoint_withoutAValidToken_is401() throws Exception {
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env()))) {
            String[][] calls = {{"GET", "/admin/limits"}, {"PUT", "/admin/limits"}, {"POST", "/admin/pause"},
                {"POST", "/admin/resume"}, {"POST", "/admin/flush"}, {"POST", "/admin/step-down"}};
            for (String[] c : calls) {
                // no body: a 401 is answered before any body is read, and an unread body may cost the connection,
                // which the client's pool could then reuse ("header parser received no bytes")
                assertError(call(node, c[0], c[1], null, null), 401, "UNAUTHORIZED");
                assertError(call(node, c[0], c[1], null, "wrong"), 401, "UNAUTHORIZED");
            }
            assertThat(http.get(node, "/status").body().get("posting").asText()).as("nothing paused").isEqualTo("running");
            assertThat(http.get(node, "/status").body().get("leader").get("is_leader").asBoolean()).isTrue();
        }
    }

    @Test
    void pause_holdsPosting_whileBatchesAreCommitted_andResume_postsThem() throws Exception {
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env()))) {
            Reply paused = admin(node, "POST", "/admin/pause", null);
            assertThat(paused.status()).as(paused.text()).isEqualTo(200);
            assertThat(paused.body().get("posting").asText()).isEqualTo("paused");
            assertThat(paused.body().get("changed").asBoolean()).isTrue();
            assertThat(http.get(node, "/status").body().get("posting").asText()).isEqualTo("paused");

            // cut by count only (no age cut however slowly the txs arrive): 4 txs, two batches
            Reply limits = admin(node, "PUT", "/admin/limits", "{\"max_batch_txs\": 2, \"max_wait_ms\": 600000}");
            assertThat(limits.status()).as(limits.text()).isEqualTo(200);
            for (int n = 1; n <= 4; n++) {
                submit(node, n);
            }
            NodeHttp.Answer committed = http.awaitGet(node, "/status",
                    a -> a.body().get("batches").get("last_batch_number").asLong() >= 2);
            assertThat(committed.body().get("batches").get("last_batch_number").asLong()).isEqualTo(2);
            Thread.sleep(300); // a few poster steps: still nothing may be posted
            JsonNode held = batches(node);
            assertThat(held.get("pending").asLong()).isEqualTo(2);
            assertThat(held.get("posted").asLong() + held.get("confirmed").asLong()).isZero();

            Reply resumed = admin(node, "POST", "/admin/resume", null);
            assertThat(resumed.body().get("posting").asText()).isEqualTo("running");
            assertThat(resumed.body().get("changed").asBoolean()).isTrue();
            NodeHttp.Answer done = http.awaitGet(node, "/status",
                    a -> a.body().get("batches").get("confirmed").asLong() == 2);
            assertThat(done.body().get("batches").get("confirmed").asLong()).as(done.text()).isEqualTo(2);
        }
    }

    @Test
    void flush_cutsAtOnce_thenAnswersNothingPending() throws Exception {
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env()))) {
            Reply limits = admin(node, "PUT", "/admin/limits", "{\"max_wait_ms\": 600000}");
            assertThat(limits.status()).as(limits.text()).isEqualTo(200);
            submit(node, 1);
            Thread.sleep(200);
            assertThat(batches(node).get("last_batch_number").asLong()).as("waits for the limits").isZero();

            Reply flushed = admin(node, "POST", "/admin/flush", null);
            assertThat(flushed.status()).as(flushed.text()).isEqualTo(200);
            assertThat(flushed.body().get("cut").asBoolean()).isTrue();
            assertThat(flushed.body().get("batch_number").asLong()).isEqualTo(1);
            assertThat(batches(node).get("last_batch_number").asLong()).isEqualTo(1);

            Reply nothing = admin(node, "POST", "/admin/flush", null);
            assertThat(nothing.body().get("cut").asBoolean()).as(nothing.text()).isFalse();
            assertThat(nothing.body().has("batch_number")).isFalse();
        }
    }

    @Test
    void putLimits_appliesAtTheNextCut_andSurvivesARestart() throws Exception {
        Map<String, String> env = env();
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env))) {
            Reply before = admin(node, "GET", "/admin/limits", null);
            assertThat(before.status()).isEqualTo(200);
            assertThat(before.body().get("max_batch_txs").asInt()).isEqualTo(5);
            assertThat(before.body().get("max_wait_ms").asLong()).isEqualTo(50);

            Reply put = admin(node, "PUT", "/admin/limits", "{\"max_batch_txs\": 2, \"max_batch_bytes\": 200000,"
                    + " \"max_wait_ms\": 600000, \"admission_cap\": 40}");
            assertThat(put.status()).as(put.text()).isEqualTo(200);
            assertThat(put.body().get("max_batch_txs").asInt()).isEqualTo(2);
            assertThat(put.body().get("admission_cap").asInt()).isEqualTo(40);
            for (int n = 1; n <= 4; n++) {
                submit(node, n);
            }
            http.awaitGet(node, "/status", a -> a.body().get("batches").get("last_batch_number").asLong() >= 2);
            for (JsonNode batch : http.allBatches(node)) {
                assertThat(batch.get("tx_hashes").size()).as("cut at 2 txs").isEqualTo(2);
            }
            assertThat(http.get(node, "/status").body().get("pool").get("capacity").asLong()).isEqualTo(40);
        }
        try (L2Node restarted = L2Node.start(NodeConfig.fromEnvironment(env))) {
            Reply after = admin(restarted, "GET", "/admin/limits", null);
            assertThat(after.body().get("max_batch_txs").asInt()).as(after.text()).isEqualTo(2);
            assertThat(after.body().get("max_batch_bytes").asLong()).isEqualTo(200_000);
            assertThat(after.body().get("admission_cap").asInt()).isEqualTo(40);
        }
    }

    @Test
    void putLimits_badJsonOrBadValues_are400NamingTheField_andChangeNothing() throws Exception {
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env()))) {
            JsonNode before = admin(node, "GET", "/admin/limits", null).body();

            assertError(admin(node, "PUT", "/admin/limits", "{not json"), 400, "INVALID_JSON");
            assertError(admin(node, "PUT", "/admin/limits", "[1]"), 400, "INVALID_JSON");
            assertError(admin(node, "PUT", "/admin/limits", "{}"), 400, "INVALID_FIELD");
            Reply zero = admin(node, "PUT", "/admin/limits", "{\"max_batch_txs\": 0}");
            assertError(zero, 400, "INVALID_FIELD");
            assertThat(zero.body().get("field").asText()).isEqualTo("max_batch_txs");
            Reply text = admin(node, "PUT", "/admin/limits", "{\"admission_cap\": \"ten\"}");
            assertError(text, 400, "INVALID_FIELD");
            assertThat(text.body().get("field").asText()).isEqualTo("admission_cap");
            Reply unknown = admin(node, "PUT", "/admin/limits", "{\"max_batch_tx\": 3}");
            assertThat(unknown.body().get("field").asText()).isEqualTo("max_batch_tx");
            Reply tooSmall = admin(node, "PUT", "/admin/limits", "{\"max_batch_bytes\": 500}");
            assertError(tooSmall, 400, "INVALID_FIELD");
            assertThat(tooSmall.body().get("field").asText()).isEqualTo("max_batch_bytes");

            assertThat(admin(node, "GET", "/admin/limits", null).body()).isEqualTo(before);
            assertThat(admin(node, "DELETE", "/admin/limits", null).status()).isEqualTo(405);
            assertThat(admin(node, "GET", "/admin/nothing", null).status()).isEqualTo(404);
        }
    }

    /** A node on {@code db} posting to the shared devnet {@code l1}, with the admin token. */
    private Map<String, String> sharedEnv(DevnetL1Server l1, String leaderId, long term, boolean leader)
            throws Exception {
        Map<String, String> env = env();
        env.put("L1_BASE_URL", l1.baseUrl());
        env.put("L1_ENDPOINT_CHAIN_STATUS", DevnetL1Server.PATH_STATUS);
        env.put("L1_ENDPOINT_SUBMIT_BATCH", DevnetL1Server.PATH_SUBMIT);
        env.put("L1_ENDPOINT_GET_INCLUSION", DevnetL1Server.PATH_INCLUSION);
        env.put("L1_ENDPOINT_GET_FINALITY", DevnetL1Server.PATH_FINALITY);
        env.put("LEADER_ID", leaderId);
        env.put("LEADER_TERM", Long.toString(term));
        env.put("L2_LEADER", leader ? "1" : "0");
        return env;
    }

    @Test
    void putLimits_survivesALeaderChange_theDeposedLeaderIsRefused_andAFollowerAnswers403() throws Exception {
        try (DevnetL1Server l1 = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 20, 1,
                DevnetL1Server.Checks.CONTENTS);
                L2Node a = L2Node.start(NodeConfig.fromEnvironment(sharedEnv(l1, "a", 1, true)))) {
            Reply put = admin(a, "PUT", "/admin/limits", "{\"max_batch_txs\": 3, \"admission_cap\": 30}");
            assertThat(put.status()).as(put.text()).isEqualTo(200);

            try (L2Node follower = L2Node.start(NodeConfig.fromEnvironment(sharedEnv(l1, "f", 1, false)))) {
                Reply paused = admin(follower, "POST", "/admin/pause", null);
                assertError(paused, 403, "NOT_LEADER");
                assertError(admin(follower, "PUT", "/admin/limits", "{\"max_batch_txs\": 4}"), 403, "NOT_LEADER");
            }
            try (L2Node b = L2Node.start(NodeConfig.fromEnvironment(sharedEnv(l1, "b", 2, true)))) {
                Reply limits = admin(b, "GET", "/admin/limits", null);
                assertThat(limits.status()).as(limits.text()).isEqualTo(200);
                assertThat(limits.body().get("max_batch_txs").asInt()).as("the new leader uses them").isEqualTo(3);
                assertThat(limits.body().get("admission_cap").asInt()).isEqualTo(30);

                Reply deposed = admin(a, "PUT", "/admin/limits", "{\"max_batch_txs\": 9}");
                assertError(deposed, 403, "NOT_LEADER");
                assertThat(admin(b, "GET", "/admin/limits", null).body().get("max_batch_txs").asInt()).isEqualTo(3);
            }
        }
    }

    @Test
    void stepDown_stopsLeading_andThenLeaderOnlyCallsAre403() throws Exception {
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env()))) {
            Reply named = admin(node, "POST", "/admin/step-down", "{\"to\": \"node-b\"}");
            assertError(named, 400, "INVALID_FIELD");
            assertThat(named.body().get("field").asText()).isEqualTo("to");
            assertThat(named.body().get("error").asText()).contains("lease mode");
            assertError(admin(node, "POST", "/admin/step-down", "{\"to\": 5}"), 400, "INVALID_FIELD");
            assertError(admin(node, "POST", "/admin/step-down", "{\"other\": 1}"), 400, "INVALID_JSON");

            Reply stepped = admin(node, "POST", "/admin/step-down", null);
            assertThat(stepped.status()).as(stepped.text()).isEqualTo(200);
            assertThat(stepped.body().get("stepped_down").asBoolean()).isTrue();
            assertThat(http.get(node, "/status").body().get("leader").get("is_leader").asBoolean()).isFalse();

            assertError(admin(node, "POST", "/admin/pause", null), 403, "NOT_LEADER");
            assertError(admin(node, "POST", "/admin/flush", null), 403, "NOT_LEADER");
            assertError(admin(node, "GET", "/admin/limits", null), 403, "NOT_LEADER");
            assertError(admin(node, "PUT", "/admin/limits", "{\"max_batch_txs\": 3}"), 403, "NOT_LEADER");
            assertThat(admin(node, "POST", "/admin/step-down", "").body().get("stepped_down").asBoolean()).isFalse();
        }
    }
}
