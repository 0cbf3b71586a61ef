package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node on the shared store: a leader and a follower on one PostgreSQL database (a schema of their own), as
 * they would run on two machines. Runs when PostgreSQL is reachable at {@code L2_TEST_POSTGRES_URL} (default
 * {@value #DEFAULT_URL}); skipped with a message otherwise.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodePostgresTest {
    private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String URL = System.getenv().getOrDefault("L2_TEST_POSTGRES_URL", DEFAULT_URL);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String schema;

    @BeforeEach
    void createSchema() {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", "3");
        boolean reachable;
        try (Connection connection = DriverManager.getConnection(URL, properties)) {
            reachable = connection.isValid(3);
        } catch (SQLException e) {
            reachable = false;
        }
        Assumptions.assumeTrue(reachable, "PostgreSQL not reachable at "
                + URL.replaceAll("(?i)(password=)[^&;]*", "$1***") + ": the node-on-PostgreSQL test is skipped");
        schema = "l2_node_test_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void leaderAndFollower_shareOnePostgresDatabase() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("L2_LISTEN_ADDR", "127.0.0.1:0");
        env.put("L2_STORAGE_URL", URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        env.put("L2_DEVNET_BLOCK_MS", "20");
        env.put("L2_MAX_BATCH_TXS", "3");
        env.put("L2_MAX_WAIT_MS", "30");
        env.put("L2_FINALITY_CONFIRMATIONS", "1");
        env.put("L2_RECONCILE_MS", "20");
        try (L2Node leader = L2Node.start(NodeConfig.fromEnvironment(env))) {
            Map<String, String> followerEnv = new HashMap<>(env);
            followerEnv.put("L2_LEADER", "0");
            followerEnv.put("LEADER_ID", "follower-pg");
            try (L2Node follower = L2Node.start(NodeConfig.fromEnvironment(followerEnv))) {
                String[] hashes = new String[7];
                for (int i = 0; i < hashes.length; i++) {
                    JsonNode accepted = post(leader, "{\"chain_id\":1,\"from\":\"pg\",\"nonce\":" + i
                            + ",\"payload\":\"0" + i + "\"}");
                    hashes[i] = accepted.get("tx_hash").asText();
                }
                assertThat(post(follower, "{\"chain_id\":1,\"from\":\"pg\",\"nonce\":99,\"payload\":\"\"}")
                        .get("code").asText()).isEqualTo("NOT_LEADER");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (String hash : hashes) {
                    JsonNode tx = get(follower, "/tx/" + hash);
                    while (!"confirmed".equals(tx.path("status").asText()) && System.nanoTime() - deadline < 0) {
                        Thread.sleep(20);
                        tx = get(follower, "/tx/" + hash);
                    }
                    assertThat(tx.path("status").asText()).as("tx %s seen confirmed by the follower", hash)
                            .isEqualTo("confirmed");
                }
                JsonNode batches = get(follower, "/batches").get("batches");
                assertThat(batches.size()).isGreaterThanOrEqualTo(3);
                long txs = 0;
                for (JsonNode batch : batches) {
                    txs += batch.get("tx_count").asLong();
                }
                assertThat(txs).isEqualTo(hashes.length);
                assertThat(get(follower, "/status").get("leader").get("is_leader").asBoolean()).isFalse();
            }
        }
    }

    private JsonNode post(L2Node node, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/tx"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private JsonNode get(L2Node node, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(URL);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }
}
