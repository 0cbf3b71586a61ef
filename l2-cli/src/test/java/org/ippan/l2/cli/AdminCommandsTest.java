package org.ippan.l2.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node commands against a loopback stub of the node's HTTP API (the real {@code /admin} endpoints are built
 * elsewhere): the stub records method, path, Authorization header and body of every request, and answers as the
 * agreed contract says. Refusals and failures map to their exit codes.
 */
class AdminCommandsTest {
    private static final String TOKEN = "s3cret-admin-token";

    /** One request as the stub saw it. */
    record Seen(String method, String path, String authorization, String body) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String url;
    private volatile String limitsJson = "{\"max_batch_txs\":500,\"max_batch_bytes\":1048576,\"max_wait_ms\":200,"
            + "\"admission_cap\":100000}";
    private volatile String flushAnswer = "{\"cut\":true,\"batch_number\":7}";

    @BeforeEach
    void startStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopStub() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        seen.add(new Seen(method, path, auth, body));
        if (path.equals("/status") && method.equals("GET")) {
            answer(exchange, 200, "{\"leader\":{\"mode\":\"static\",\"is_leader\":true,\"id\":\"node-a\",\"term_id\":3,"
                    + "\"state\":\"LEADING\"},\"pool\":{\"pending\":2,\"capacity\":100},\"batches\":{\"pending\":0,"
                    + "\"posted\":1,\"confirmed\":4,\"last_batch_number\":5,\"last_batch_hash\":\"ab\"},"
                    + "\"l1\":{\"height\":42},\"storage\":{\"state\":\"ok\"}}");
            return;
        }
        if (!("Bearer " + TOKEN).equals(auth)) {
            answer(exchange, 401, "{\"error\":\"admin token required\",\"code\":\"UNAUTHORIZED\"}");
            return;
        }
        switch (method + " " + path) {
            case "POST /admin/pause" -> answer(exchange, 200, "{\"paused\":true}");
            case "POST /admin/resume" -> answer(exchange, 200, "{\"paused\":false}");
            case "POST /admin/flush" -> answer(exchange, 200, flushAnswer);
            case "POST /admin/step-down" -> answer(exchange, 200, "{\"stepped_down\":true}");
            case "GET /admin/limits" -> answer(exchange, 200, limitsJson);
            case "PUT /admin/limits" -> {
                if (body.contains("\"max_batch_txs\":0")) {
                    answer(exchange, 400, "{\"error\":\"max_batch_txs must be >= 1\",\"code\":\"INVALID_LIMITS\"}");
                } else {
                    limitsJson = body;
                    answer(exchange, 200, body);
                }
            }
            default -> answer(exchange, 503, "{\"error\":\"boom\",\"code\":\"UNAVAILABLE\"}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private Seen last() {
        return seen.get(seen.size() - 1);
    }

    @Test
    void pauseResume_postWithBearerToken_andPrintTheChange() {
        CliRun.Result pause = CliRun.run("--url", url, "--token", TOKEN, "pause");
        assertThat(pause.code()).as(pause.toString()).isZero();
        assertThat(pause.out()).isEqualTo("paused\n");
        assertThat(last()).isEqualTo(new Seen("POST", "/admin/pause", "Bearer " + TOKEN, ""));

        CliRun.Result resume = CliRun.run("resume", "--url", url, "--token", TOKEN, "--json");
        assertThat(resume.code()).as(resume.toString()).isZero();
        assertThat(resume.out().strip()).isEqualTo("{\"paused\":false}");
        assertThat(last()).isEqualTo(new Seen("POST", "/admin/resume", "Bearer " + TOKEN, ""));
    }

    @Test
    void tokenComesFromOptionFileOrEnvironment() throws IOException {
        CliRun.Result fromEnv = CliRun.run(Map.of("L2_ADMIN_TOKEN", TOKEN), new byte[0], "--url", url, "pause");
        assertThat(fromEnv.code()).as(fromEnv.toString()).isZero();
        assertThat(last().authorization()).isEqualTo("Bearer " + TOKEN);

        Path file = Files.createTempFile("token", ".txt");
        try {
            Files.writeString(file, TOKEN + "\n");
            CliRun.Result fromFile = CliRun.run("--url", url, "--token-file", file.toString(), "resume");
            assertThat(fromFile.code()).as(fromFile.toString()).isZero();
            assertThat(last()).isEqualTo(new Seen("POST", "/admin/resume", "Bearer " + TOKEN, ""));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void flush_reportsTheBatchCut_orThatNothingWasPending() {
        CliRun.Result cut = CliRun.run("--url", url, "--token", TOKEN, "flush");
        assertThat(cut.code()).as(cut.toString()).isZero();
        assertThat(cut.out()).isEqualTo("flushed: cut batch 7\n");
        assertThat(last()).isEqualTo(new Seen("POST", "/admin/flush", "Bearer " + TOKEN, ""));

        flushAnswer = "{\"cut\":false}";
        CliRun.Result none = CliRun.run("--url", url, "--token", TOKEN, "flush");
        assertThat(none.code()).as(none.toString()).isZero();
        assertThat(none.out()).isEqualTo("flushed: nothing pending, no batch cut\n");

        flushAnswer = "{\"done\":1}";
        CliRun.Result odd = CliRun.run("--url", url, "--token", TOKEN, "flush");
        assertThat(odd.code()).as(odd.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(odd.err()).contains("\"cut\"");
    }

    @Test
    void stepDown_sendsTheTarget_onlyWhenGiven() throws Exception {
        CliRun.Result plain = CliRun.run("--url", url, "--token", TOKEN, "step-down");
        assertThat(plain.code()).as(plain.toString()).isZero();
        assertThat(last()).isEqualTo(new Seen("POST", "/admin/step-down", "Bearer " + TOKEN, ""));

        CliRun.Result to = CliRun.run("--url", url, "--token", TOKEN, "step-down", "--to", "node-b");
        assertThat(to.code()).as(to.toString()).isZero();
        assertThat(to.out()).isEqualTo("stepped down, handing over to node-b\n");
        assertThat(last().method()).isEqualTo("POST");
        assertThat(last().path()).isEqualTo("/admin/step-down");
        JsonNode body = L2Ctl.JSON.readTree(last().body());
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.get("to").asText()).isEqualTo("node-b");
    }

    @Test
    void setLimits_mergesTheGivenValuesIntoTheCurrentOnes_andPutsTheWhole() throws Exception {
        CliRun.Result result = CliRun.run("--url", url, "--token", TOKEN, "set-limits", "--max-batch-txs", "50",
                "--admission-cap", "2000");
        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(seen).extracting(Seen::method, Seen::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/admin/limits"),
                        org.assertj.core.groups.Tuple.tuple("PUT", "/admin/limits"));
        Seen put = last();
        assertThat(put.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(put.body()).isEqualTo("{\"max_batch_txs\":50,\"max_batch_bytes\":1048576,\"max_wait_ms\":200,"
                + "\"admission_cap\":2000}");
        assertThat(result.out()).isEqualTo("limits set: max_batch_txs=50 max_batch_bytes=1048576 max_wait_ms=200 "
                + "admission_cap=2000\n");

        CliRun.Result shown = CliRun.run("--url", url, "--token", TOKEN, "limits", "--json");
        assertThat(shown.code()).as(shown.toString()).isZero();
        assertThat(L2Ctl.JSON.readTree(shown.out()).get("max_batch_txs").asLong()).isEqualTo(50);
    }

    @Test
    void setLimits_refusedByTheNode_exits4WithItsCode() {
        CliRun.Result result = CliRun.run("--url", url, "--token", TOKEN, "set-limits", "--max-batch-txs", "0");
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.err()).contains("HTTP 400").contains("INVALID_LIMITS").contains("max_batch_txs must be");
    }

    @Test
    void setLimits_withoutAnyValue_isAUsageError_andSendsNothing() {
        CliRun.Result result = CliRun.run("--url", url, "--token", TOKEN, "set-limits");
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(seen).isEmpty();
    }

    @Test
    void adminCommand_withAWrongToken_exits4_withTheNodesCode() {
        CliRun.Result result = CliRun.run("--url", url, "--token", "wrong", "pause");
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(result.err()).contains("HTTP 401").contains("UNAUTHORIZED");
    }

    @Test
    void adminCommand_withoutAnyToken_isAUsageError_andSendsNothing() {
        CliRun.Result result = CliRun.run("--url", url, "pause");
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("L2_ADMIN_TOKEN");
        assertThat(seen).isEmpty();
    }

    @Test
    void nodeError5xx_exits3() {
        server.removeContext("/");
        server.createContext("/", exchange -> answer(exchange, 503, "{\"error\":\"draining\",\"code\":\"UNAVAILABLE\"}"));
        CliRun.Result result = CliRun.run("--url", url, "--token", TOKEN, "pause");
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(result.err()).contains("HTTP 503").contains("UNAVAILABLE");
    }

    @Test
    void unreachableNode_exits3() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        CliRun.Result result = CliRun.run("--url", "http://127.0.0.1:" + port, "--timeout", "2s", "status");
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(result.err()).contains("node unreachable");
    }

    @Test
    void status_summarisesTheNode_orPrintsItsJson() throws Exception {
        CliRun.Result human = CliRun.run("status", "--url", url);
        assertThat(human.code()).as(human.toString()).isZero();
        assertThat(human.out()).contains("id=node-a").contains("is_leader=true").contains("term=3")
                .contains("confirmed=4").contains("last=5").contains("height=42");
        assertThat(last().authorization()).isNull();

        CliRun.Result json = CliRun.run("--json", "--url", url, "status");
        assertThat(json.code()).as(json.toString()).isZero();
        assertThat(L2Ctl.JSON.readTree(json.out()).path("leader").path("id").asText()).isEqualTo("node-a");
    }
}
