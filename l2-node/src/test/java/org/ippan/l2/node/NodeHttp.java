package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;

/** Test helper: a loopback HTTP client for the node API with bounded waits, and the Prometheus text parsed. */
final class NodeHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The longest any wait in these tests may take. */
    static final Duration DEADLINE = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An HTTP answer: status, JSON body (null when not JSON) and the raw response. */
    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
        String text() {
            return raw.body();
        }
    }

    /** The environment of a node on {@code db} with small limits and fast loops; the embedded devnet by default. */
    static Map<String, String> env(Path db) {
        Map<String, String> env = new HashMap<>();
        env.put("L2_LISTEN_ADDR", "127.0.0.1:0");
        env.put("L2_STORAGE_URL", "sqlite:" + db);
        env.put("L2_DEVNET_BLOCK_MS", "20");
        env.put("L2_MAX_BATCH_TXS", "5");
        env.put("L2_MAX_WAIT_MS", "50");
        env.put("L2_MAX_TX_SIZE", "1024");
        env.put("L2_FINALITY_CONFIRMATIONS", "1");
        env.put("L2_RECONCILE_MS", "20");
        env.put("L2_HEARTBEAT_MS", "100");
        env.put("L2_DEVNET_CHECK_CONTENTS", "true"); // the devnet re-checks every batch the node cuts
        return env;
    }

    Answer get(L2Node node, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), parse(response), response);
    }

    Answer post(L2Node node, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), parse(response), response);
    }

    /**
     * Any request: {@code headers} as name, value pairs; a null body sends none.
     *
     * @return the answer
     */
    Answer send(L2Node node, String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), parse(response), response);
    }

    /**
     * {@code POST} of raw bytes with a content type (a bulk binary body): {@code headers} as name, value pairs.
     *
     * @return the answer
     */
    Answer postBytes(L2Node node, String path, byte[] body, String contentType, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), parse(response), response);
    }

    private static JsonNode parse(HttpResponse<String> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/json")) {
            return null;
        }
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** Polls {@code GET path} every 20 ms until {@code done} holds or {@link #DEADLINE} passes; the last answer. */
    Answer awaitGet(L2Node node, String path, Predicate<Answer> done) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Answer answer = get(node, path);
        while (!done.test(answer) && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            answer = get(node, path);
        }
        return answer;
    }

    /** Posts {@code tx} and checks it is accepted as new; returns its hash. */
    String submitNew(L2Node node, Tx tx) throws Exception {
        Answer answer = post(node, "/tx", json(tx));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.body().get("accepted").asBoolean()).isTrue();
        assertThat(answer.body().has("duplicate")).as("a new tx is not a duplicate").isFalse();
        assertThat(answer.body().get("tx_hash").asText()).isEqualTo(tx.hash().toHex());
        return tx.hash().toHex();
    }

    /** Waits until the tx is confirmed as {@code node} reads it; returns that answer. */
    JsonNode awaitConfirmed(L2Node node, String txHash) throws Exception {
        Answer answer = awaitGet(node, "/tx/" + txHash,
                a -> a.status() == 200 && "confirmed".equals(a.body().get("status").asText()));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.body().get("status").asText()).as("tx %s", txHash).isEqualTo("confirmed");
        return answer.body();
    }

    /** Every batch {@code node} lists, each with its {@code tx_hashes} (from {@code GET /batch}). */
    List<JsonNode> allBatches(L2Node node) throws Exception {
        Answer list = get(node, "/batches?from=1&limit=1000");
        assertThat(list.status()).isEqualTo(200);
        List<JsonNode> batches = new ArrayList<>();
        for (JsonNode summary : list.body().get("batches")) {
            Answer batch = get(node, "/batch/" + summary.get("batch_hash").asText());
            assertThat(batch.status()).isEqualTo(200);
            batches.add(batch.body());
        }
        return batches;
    }

    static String json(Tx tx) {
        return tx(tx.from(), Long.toUnsignedString(tx.nonce()), Hex.encode(tx.payload()));
    }

    static String tx(String from, String nonce, String payloadHex) {
        return "{\"chain_id\":1,\"from\":\"" + from + "\",\"nonce\":" + nonce + ",\"payload\":\"" + payloadHex + "\"}";
    }

    static void assertRefused(Answer answer, int status, RefusalCode code) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(answer.body().size()).as("exactly tx_hash, accepted, error, code: %s", answer.text()).isEqualTo(4);
        assertThat(answer.body().get("tx_hash").asText()).isEmpty();
        assertThat(answer.body().get("accepted").asBoolean()).isFalse();
        assertThat(answer.body().get("code").asText()).isEqualTo(code.name());
        assertThat(answer.body().get("error").asText()).isNotBlank();
    }

    /** The samples of a Prometheus text, by series ({@code name} or {@code name{label="value"}}). */
    static Map<String, Double> samples(String prometheusText) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : prometheusText.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            assertThat(samples).as("series %s appears once", series).doesNotContainKey(series);
            samples.put(series, Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** The value of one series, which must be present. */
    static long value(Map<String, Double> samples, String series) {
        assertThat(samples).as("series %s", series).containsKey(series);
        double value = samples.get(series);
        assertThat(value).as("%s is an integer", series).isEqualTo(Math.rint(value));
        return (long) value;
    }
}
