package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Who may write (issue 14, point 5): bearer tokens, JSON-only writes, no CORS, loopback Host names only. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodeAccessHttpTest {
    private static final String TOKEN = "s3cret-token-1";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final NodeHttp http = new NodeHttp();

    private HttpResponse<String> post(L2Node node, String path, String contentType, String authorization,
            String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return NodeHttp.JSON.readTree(response.body());
    }

    private static void assertTyped(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("error").asText()).isNotBlank();
        assertThat(response.headers().map().keySet()).as("no CORS header, ever")
                .noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
    }

    private L2Node startWithTokens() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# API tokens\n\n  " + TOKEN + "  \nsecond-token\n# not-a-token\n");
        Map<String, String> env = NodeHttp.env(dir.resolve("l2.db"));
        env.put(NodeConfig.API_TOKENS_FILE, tokens.toString());
        return L2Node.start(NodeConfig.fromEnvironment(env));
    }

    @Test
    void tokensConfigured_writesNeedOne_readsDoNot() throws Exception {
        try (L2Node node = startWithTokens()) {
            String tx = NodeHttp.tx("alice", "1", "00");
            HttpResponse<String> missing = post(node, "/tx", "application/json", null, tx);
            assertTyped(missing, 401, "UNAUTHORIZED");
            assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(json(missing).get("accepted").asBoolean()).isFalse();
            assertTyped(post(node, "/tx", "application/json", "Bearer wrong", tx), 401, "UNAUTHORIZED");
            assertTyped(post(node, "/tx", "application/json", "Bearer " + TOKEN + "x", tx), 401, "UNAUTHORIZED");
            assertTyped(post(node, "/tx", "application/json", "Basic " + TOKEN, tx), 401, "UNAUTHORIZED");
            assertTyped(post(node, "/tx", "application/json", "Bearer not-a-token", tx), 401, "UNAUTHORIZED");
            assertTyped(post(node, "/txs", "application/json", null, "[" + tx + "]"), 401, "UNAUTHORIZED");

            HttpResponse<String> ok = post(node, "/tx", "application/json", "Bearer " + TOKEN, tx);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(json(ok).get("accepted").asBoolean()).isTrue();
            HttpResponse<String> second = post(node, "/txs", "application/json", "bearer second-token",
                    "[" + NodeHttp.tx("alice", "2", "00") + "]");
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            assertThat(json(second).get(0).get("accepted").asBoolean()).isTrue();

            assertThat(http.get(node, "/status").status()).isEqualTo(200);
            assertThat(http.get(node, "/healthz").status()).isEqualTo(200);
            // admin endpoints always need a token; with one, there is none yet
            HttpResponse<String> admin = client.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/admin/x"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertTyped(admin, 401, "UNAUTHORIZED");
            HttpResponse<String> adminWithToken = client.send(HttpRequest.newBuilder(
                    URI.create(node.baseUrl() + "/admin/x")).header("Authorization", "Bearer " + TOKEN).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(adminWithToken.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void noTokens_writesOpen_adminClosed() throws Exception {
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(NodeHttp.env(dir.resolve("l2.db"))))) {
            HttpResponse<String> ok = post(node, "/tx", "application/json; charset=utf-8", null,
                    NodeHttp.tx("bob", "1", "00"));
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            HttpResponse<String> admin = client.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/admin/x"))
                    .header("Authorization", "Bearer anything").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertTyped(admin, 401, "UNAUTHORIZED");
        }
    }

    @Test
    void crossOriginTextPlainPost_isRefused_andNoCorsIsGranted() throws Exception {
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(NodeHttp.env(dir.resolve("l2.db"))))) {
            String tx = NodeHttp.tx("carol", "1", "00");
            // what a page on another origin can send without a preflight
            HttpRequest simple = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/tx"))
                    .header("Content-Type", "text/plain;charset=UTF-8").header("Origin", "http://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString(tx)).build();
            assertTyped(client.send(simple, HttpResponse.BodyHandlers.ofString()), 415, "UNSUPPORTED_MEDIA_TYPE");
            assertTyped(post(node, "/txs", "application/x-www-form-urlencoded", null, "[" + tx + "]"), 415,
                    "UNSUPPORTED_MEDIA_TYPE");
            assertTyped(post(node, "/tx", null, null, tx), 415, "UNSUPPORTED_MEDIA_TYPE");
            // the preflight a JSON write would need is not granted
            HttpResponse<String> preflight = client.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/tx"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://evil.example")
                    .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(405);
            assertThat(preflight.headers().map().keySet())
                    .noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
            assertThat(http.get(node, "/status").body().get("pool").get("pending").asInt()).isZero();
        }
    }

    @Test
    void loopbackNode_refusesAForeignHost_answersLoopbackNames() throws Exception {
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(NodeHttp.env(dir.resolve("l2.db"))))) {
            InetSocketAddress address = RawHttp.address(node);
            int port = address.getPort();
            RawHttp.Answer foreign = RawHttp.exchange(address,
                    RawHttp.request("GET", "/status", "evil.example:" + port, null, null, null));
            assertThat(foreign.status()).as(foreign.text()).isEqualTo(421);
            assertThat(NodeHttp.JSON.readTree(foreign.body()).get("code").asText()).isEqualTo("MISDIRECTED_HOST");
            RawHttp.Answer foreignWrite = RawHttp.exchange(address, RawHttp.request("POST", "/tx", "evil.example",
                    "application/json", null, NodeHttp.tx("dave", "1", "00")));
            assertThat(foreignWrite.status()).as(foreignWrite.text()).isEqualTo(421);
            for (String host : new String[] {"localhost", "localhost:" + port, "127.0.0.1", "127.0.0.1:" + port,
                    "[::1]", "[::1]:" + port, "LocalHost:" + port}) {
                RawHttp.Answer ok = RawHttp.exchange(address, RawHttp.request("GET", "/healthz", host, null, null,
                        null));
                assertThat(ok.status()).as(host).isEqualTo(200);
            }
            for (String host : new String[] {"localhost.evil.example", "127.0.0.1.nip.io", "localhost:80x", "[::1"}) {
                RawHttp.Answer refused = RawHttp.exchange(address, RawHttp.request("GET", "/healthz", host, null,
                        null, null));
                assertThat(refused.status()).as(host).isIn(400, 421);
            }
        }
    }

    @Test
    void allowedHosts_replaceTheLoopbackNames() throws Exception {
        Map<String, String> env = NodeHttp.env(dir.resolve("l2.db"));
        env.put(NodeConfig.ALLOWED_HOSTS, "node.example, [::1]");
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env))) {
            InetSocketAddress address = RawHttp.address(node);
            assertThat(RawHttp.exchange(address, RawHttp.request("GET", "/healthz", "node.example:8080", null, null,
                    null)).status()).isEqualTo(200);
            assertThat(RawHttp.exchange(address, RawHttp.request("GET", "/healthz", "[::1]", null, null,
                    null)).status()).isEqualTo(200);
            assertThat(RawHttp.exchange(address, RawHttp.request("GET", "/healthz", "localhost", null, null,
                    null)).status()).isEqualTo(421);
        }
    }

    @Test
    void unusableTokensFile_namesTheVariable() throws Exception {
        Map<String, String> env = NodeHttp.env(dir.resolve("l2.db"));
        Path empty = dir.resolve("empty-tokens");
        Files.writeString(empty, "# only a comment\n\n");
        env.put(NodeConfig.API_TOKENS_FILE, empty.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(L2Node.run(env, new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(L2Node.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(NodeConfig.API_TOKENS_FILE);
        env.put(NodeConfig.API_TOKENS_FILE, dir.resolve("missing").toString());
        err.reset();
        assertThat(L2Node.run(env, new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(L2Node.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(NodeConfig.API_TOKENS_FILE);
    }
}
