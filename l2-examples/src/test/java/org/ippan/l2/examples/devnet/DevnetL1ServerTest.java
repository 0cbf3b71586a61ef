package org.ippan.l2.examples.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The devnet L1 over real HTTP on loopback; blocks are mined by hand (a long interval keeps the miner idle). */
class DevnetL1ServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DevnetL1Server devnet;

    @BeforeEach
    void start() throws IOException {
        devnet = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 3_600_000, 2);
    }

    @AfterEach
    void stop() {
        devnet.close();
    }

    static L2BatchEnvelopeV1 l1Envelope(boolean signed) {
        Batch batch = new Batch(1, 1, List.of(new Tx(1, 1, "alice", "hi".getBytes(StandardCharsets.UTF_8))), 5);
        BatchPayload payload = BatchPayload.of(batch, Hash.ZERO);
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 7);
        BatchEnvelope envelope = signed ? BatchEnvelope.sign(payload, new Ed25519Signer(seed))
                : BatchEnvelope.unsigned(payload);
        return L2BatchEnvelopeV1.forBatch(batch, envelope, Hub.Fin, 0);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(devnet.baseUrl() + path)).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(devnet.baseUrl() + DevnetL1Server.PATH_SUBMIT))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String inclusionPath(L2BatchEnvelopeV1 envelope) {
        return DevnetL1Server.PATH_INCLUSION.replace("{id}", envelope.idempotencyKeyBase64Url());
    }

    @Test
    void submit_valid_thenReplay_isAlreadyKnown_andIncludedOnce() throws Exception {
        L2BatchEnvelopeV1 envelope = l1Envelope(true);
        HttpResponse<String> first = post(envelope.canonicalJson());
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(first.body());
        assertThat(answer.get("accepted").asBoolean()).isTrue();
        assertThat(answer.get("already_known").asBoolean()).isFalse();
        JsonNode replay = JSON.readTree(post(envelope.canonicalJson()).body());
        assertThat(replay.get("already_known").asBoolean()).isTrue();
        assertThat(replay.get("l1_tx_id").asText()).isEqualTo(answer.get("l1_tx_id").asText());

        assertThat(get(inclusionPath(envelope)).statusCode()).as("not in a block yet").isEqualTo(404);
        devnet.chain().mineBlock();
        HttpResponse<String> included = get(inclusionPath(envelope));
        assertThat(included.statusCode()).isEqualTo(200);
        JsonNode inclusion = JSON.readTree(included.body());
        assertThat(inclusion.get("finalized").asBoolean()).isFalse();
        devnet.chain().mineBlocks(2);
        assertThat(JSON.readTree(get(inclusionPath(envelope)).body()).get("finalized").asBoolean()).isTrue();
        String finality = DevnetL1Server.PATH_FINALITY.replace("{l1_tx_id}", inclusion.get("l1_tx_id").asText());
        assertThat(get(finality).statusCode()).isEqualTo(200);
        assertThat(devnet.chain().applyCount(envelope.idempotencyKey())).isEqualTo(1);
    }

    @Test
    void submit_unsigned_isAccepted() throws Exception {
        assertThat(JSON.readTree(post(l1Envelope(false).canonicalJson()).body()).get("accepted").asBoolean())
                .isTrue();
    }

    @Test
    void submit_tamperedKeyOrSignature_isRefusedWithACode() throws Exception {
        String json = new String(l1Envelope(true).canonicalJson(), StandardCharsets.UTF_8);
        HttpResponse<String> wrongSequence = post(json.replace("\"sequence\":1", "\"sequence\":2")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(wrongSequence.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wrongSequence.body()).get("error_code").asText()).isEqualTo("invalid_envelope");
        HttpResponse<String> garbage = post("{".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(devnet.chain().mempool()).isEmpty();
    }

    @Test
    void status_reportsHeightAndFinalizedHeight() throws Exception {
        devnet.chain().mineBlocks(5);
        JsonNode status = JSON.readTree(get(DevnetL1Server.PATH_STATUS).body());
        assertThat(status.get("network_id").asText()).isEqualTo("ippan-devnet");
        assertThat(status.get("height").asLong()).isEqualTo(5);
        assertThat(status.get("finalized_height").asLong()).isEqualTo(3);
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(get("/v1/l2/batches/!!!/inclusion").statusCode()).isEqualTo(400);
    }
}
