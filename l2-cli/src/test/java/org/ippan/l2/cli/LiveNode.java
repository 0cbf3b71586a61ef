package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Test helper: the environment of a small fast node, and a loopback client to load it and wait on it. */
final class LiveNode {
    /** The longest any wait in these tests may take. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A node on {@code db} signing with {@code key}, small batches, fast loops, the embedded devnet L1. */
    static Map<String, String> env(Path db, Path key) {
        Map<String, String> env = new HashMap<>();
        env.put("L2_LISTEN_ADDR", "127.0.0.1:0");
        env.put("L2_STORAGE_URL", "sqlite:" + db);
        env.put("L2_SEQUENCER_KEY_PATH", key.toString());
        env.put("L2_INCLUSION_DEADLINE_MS", "45000");
        env.put("L2_DEVNET_BLOCK_MS", "20");
        env.put("L2_MAX_BATCH_TXS", "5");
        env.put("L2_MAX_WAIT_MS", "50");
        env.put("L2_MAX_TX_SIZE", "1024");
        env.put("L2_FINALITY_CONFIRMATIONS", "1");
        env.put("L2_RECONCILE_MS", "20");
        env.put("L2_HEARTBEAT_MS", "100");
        return env;
    }

    /** The JSON body of a tx of chain 1. */
    static String tx(String from, long nonce, byte[] payload) {
        return "{\"chain_id\":1,\"from\":\"" + from + "\",\"nonce\":" + nonce + ",\"payload\":\""
                + HexFormat.of().formatHex(payload) + "\"}";
    }

    /** {@code POST /tx}: the answer's status and JSON body. */
    HttpResponse<String> post(String baseUrl, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String baseUrl, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Submits a tx and returns its hash (the node must accept it). */
    String submit(String baseUrl, String from, long nonce, byte[] payload) throws Exception {
        HttpResponse<String> answer = post(baseUrl, "/tx", tx(from, nonce, payload));
        if (answer.statusCode() != 200) {
            throw new AssertionError("POST /tx answered " + answer.statusCode() + ": " + answer.body());
        }
        JsonNode json = L2Ctl.JSON.readTree(answer.body());
        return json.get("tx_hash").asText();
    }

    /** Waits, polling every 20 ms up to {@link #DEADLINE}, until every tx has an inclusion proof. */
    void awaitProofs(String baseUrl, List<String> txHashes) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        for (String hash : txHashes) {
            while (get(baseUrl, "/tx/" + hash + "/proof").statusCode() != 200) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("tx " + hash + " got no proof within " + DEADLINE);
                }
                Thread.sleep(20);
            }
        }
    }

    /** The number of the node's last batch. */
    long lastBatchNumber(String baseUrl) throws Exception {
        return L2Ctl.JSON.readTree(get(baseUrl, "/status").body()).path("batches").path("last_batch_number")
                .asLong();
    }
}
