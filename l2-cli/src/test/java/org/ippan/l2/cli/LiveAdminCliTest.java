package org.ippan.l2.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.node.L2Node;
import org.ippan.l2.node.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands of {@code l2-ctl} against a live node's {@code /admin} endpoints (the other admin tests use a
 * stub of the contract): pause holds posting, flush cuts at once, resume posts, set-limits changes what the node
 * reports, and a missing or wrong token is a usage error or a refusal.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveAdminCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "live-admin-token";

    @TempDir
    Path dir;

    private final LiveNode http = new LiveNode();

    private JsonNode status(String url) throws Exception {
        return JSON.readTree(http.get(url, "/status").body());
    }

    @Test
    void pauseFlushResumeAndLimits_throughTheCli_onALiveNode() throws Exception {
        Path key = dir.resolve("sequencer.key");
        assertThat(CliRun.run("keygen", "--out", key.toString()).code()).isZero();
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, TOKEN + "\n");
        Map<String, String> env = LiveNode.env(dir.resolve("l2.db"), key);
        env.put("L2_API_TOKENS_FILE", tokens.toString());
        env.put("L2_MAX_WAIT_MS", "600000"); // batches are cut by count or by flush only
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env))) {
            String url = node.baseUrl();
            Map<String, String> withToken = Map.of("L2_ADMIN_TOKEN", TOKEN);

            CliRun.Result paused = CliRun.run(withToken, new byte[0], "--url", url, "pause");
            assertThat(paused.code()).as(paused.toString()).isZero();
            assertThat(status(url).get("posting").asText()).isEqualTo("paused");

            HttpResponse<String> submitted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/tx")).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(LiveNode.tx("admin-cli", 1, new byte[] {1}))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
            CliRun.Result flushed = CliRun.run(withToken, new byte[0], "--url", url, "flush");
            assertThat(flushed.code()).as(flushed.toString()).isZero();
            assertThat(flushed.out()).contains("cut batch 1");
            assertThat(status(url).path("batches").path("pending").asLong()).as("cut, held while paused")
                    .isEqualTo(1);

            CliRun.Result resumed = CliRun.run(withToken, new byte[0], "--url", url, "resume");
            assertThat(resumed.code()).as(resumed.toString()).isZero();
            assertThat(status(url).get("posting").asText()).isEqualTo("running");

            CliRun.Result set = CliRun.run(withToken, new byte[0], "--url", url, "set-limits", "--max-batch-txs", "7",
                    "--admission-cap", "500");
            assertThat(set.code()).as(set.toString()).isZero();
            CliRun.Result limits = CliRun.run(withToken, new byte[0], "--url", url, "--json", "limits");
            assertThat(limits.code()).as(limits.toString()).isZero();
            JsonNode applied = JSON.readTree(limits.out());
            assertThat(applied.get("max_batch_txs").asInt()).isEqualTo(7);
            assertThat(applied.get("admission_cap").asInt()).isEqualTo(500);
            assertThat(status(url).path("pool").path("capacity").asInt()).isEqualTo(500);

            assertThat(CliRun.run(Map.of(), new byte[0], "--url", url, "pause").code()).as("no token").isEqualTo(2);
            CliRun.Result wrong = CliRun.run(Map.of("L2_ADMIN_TOKEN", "not-it"), new byte[0], "--url", url, "pause");
            assertThat(wrong.code()).as(wrong.toString()).isEqualTo(4);
            assertThat(wrong.err()).contains("UNAUTHORIZED");
            assertThat(status(url).get("posting").asText()).as("the refused pause changed nothing")
                    .isEqualTo("running");
        }
    }
}
