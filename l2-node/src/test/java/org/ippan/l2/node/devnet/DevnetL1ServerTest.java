package org.ippan.l2.node.devnet;

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
import org.ippan.l2.core.contract.HubPayloadEnvelopeV1;
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

/**
 * The devnet L1 over real HTTP on loopback; blocks are mined by hand (a long interval keeps the miner idle). The
 * shared server checks batch contents ({@link DevnetL1Server.Checks#CONTENTS}); the tests of the default
 * ({@link DevnetL1Server.Checks#ENVELOPE}) start their own.
 */
class DevnetL1ServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DevnetL1Server devnet;

    @BeforeEach
    void start() throws IOException {
        devnet = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 3_600_000, 2,
                DevnetL1Server.Checks.CONTENTS);
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
        return post(devnet, body);
    }

    private HttpResponse<String> post(DevnetL1Server server, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + DevnetL1Server.PATH_SUBMIT))
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

    /** An L1 envelope around {@code envelope} with a correctly derived key: only the devnet's own checks refuse it. */
    private static L2BatchEnvelopeV1 wrap(BatchEnvelope envelope, String batchId, long sequence, long txCount) {
        HubPayloadEnvelopeV1 payload = HubPayloadEnvelopeV1.ofBatchEnvelope(Hub.Fin, envelope);
        byte[] key = L2BatchEnvelopeV1.deriveIdempotencyKey(Hub.Fin, batchId, sequence, payload.canonicalHash());
        return new L2BatchEnvelopeV1(Hub.Fin, batchId, sequence, txCount, null, 0, payload, key);
    }

    private static Batch batch(long number, String... froms) {
        List<Tx> txs = new java.util.ArrayList<>();
        for (int i = 0; i < froms.length; i++) {
            txs.add(new Tx(1, i, froms[i], new byte[] {(byte) i, 42}));
        }
        return new Batch(1, number, txs, 1_700_000_000_000L);
    }

    private static String errorCode(HttpResponse<String> answer) throws IOException {
        return JSON.readTree(answer.body()).get("error_code").asText();
    }

    @Test
    void envelopeChecks_areTheDefault_andRefuseWhatAnL1CanSee() throws Exception {
        try (DevnetL1Server envelopeOnly = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 3_600_000,
                2)) {
            assertThat(envelopeOnly.checks()).isEqualTo(DevnetL1Server.Checks.ENVELOPE);
            for (DevnetL1Server server : List.of(envelopeOnly, devnet)) {
                assertThat(JSON.readTree(post(server, l1Envelope(true).canonicalJson()).body()).get("accepted")
                        .asBoolean()).isTrue();
                assertThat(JSON.readTree(post(server, l1Envelope(false).canonicalJson()).body()).get("accepted")
                        .asBoolean()).isTrue();

                Batch batch = batch(7, "a", "b", "c");
                BatchEnvelope envelope = BatchEnvelope.unsigned(BatchPayload.of(batch, Hash.ZERO));
                String id = batch.hash().toHex();
                HttpResponse<String> wrongSequence = post(server, wrap(envelope, id, 8, 3).canonicalJson());
                assertThat(wrongSequence.statusCode()).isEqualTo(400);
                assertThat(errorCode(wrongSequence)).isEqualTo("invalid_batch");
                assertThat(wrongSequence.body()).contains("sequence 8 does not match batch number 7");
                HttpResponse<String> wrongCount = post(server, wrap(envelope, id, 7, 2).canonicalJson());
                assertThat(errorCode(wrongCount)).isEqualTo("invalid_batch");
                assertThat(wrongCount.body()).contains("tx_count");
                HttpResponse<String> wrongId = post(server, wrap(envelope, "00".repeat(32), 7, 3).canonicalJson());
                assertThat(errorCode(wrongId)).isEqualTo("invalid_batch");
                assertThat(wrongId.body()).contains("batch_id");
                assertThat(post(server, wrap(envelope, id, 7, 3).canonicalJson()).statusCode()).isEqualTo(200);

                byte[] seed = new byte[32];
                Arrays.fill(seed, (byte) 9);
                byte[] signed = BatchEnvelope.sign(BatchPayload.of(batch(9, "s"), Hash.ZERO), new Ed25519Signer(seed))
                        .encode();
                // canonical(BatchEnvelope) ends with str(hex(sig)) || str(hex(envelope_hash)): flip a sig digit
                int sigDigit = signed.length - (8 + 64) - 1;
                signed[sigDigit] = (byte) (signed[sigDigit] == '0' ? '1' : '0');
                BatchEnvelope badSig = BatchEnvelope.decode(signed);
                HttpResponse<String> forged = post(server,
                        wrap(badSig, batch(9, "s").hash().toHex(), 9, 1).canonicalJson());
                assertThat(errorCode(forged)).isEqualTo("invalid_batch");
                assertThat(forged.body()).contains("BAD_SIGNATURE");
            }
        }
    }

    @Test
    void batchContents_areCheckedOnlyWhenAskedFor() throws Exception {
        // a batch envelope whose header describes one batch and whose payload holds another
        Batch described = batch(3, "x", "y");
        Batch carried = batch(3, "x", "z");
        BatchPayload payload = new BatchPayload(1, described.hash(), Hash.ZERO, described.createdMs(),
                described.txCount(), described.txBytes(), described.txRoot(), carried.encode());
        byte[] body = wrap(BatchEnvelope.unsigned(payload), described.hash().toHex(), 3, 2).canonicalJson();

        HttpResponse<String> deep = post(devnet, body);
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(errorCode(deep)).isEqualTo("invalid_batch");
        assertThat(deep.body()).contains("HASH_MISMATCH");
        // an unsigned envelope whose envelope_hash is not its payload's: the last digit of canonical(BatchEnvelope)
        byte[] canonical = BatchEnvelope.unsigned(BatchPayload.of(batch(4, "h"), Hash.ZERO)).encode();
        canonical[canonical.length - 1] = (byte) (canonical[canonical.length - 1] == '0' ? '1' : '0');
        byte[] badHash = wrap(BatchEnvelope.decode(canonical), batch(4, "h").hash().toHex(), 4, 1).canonicalJson();
        HttpResponse<String> deepHash = post(devnet, badHash);
        assertThat(errorCode(deepHash)).isEqualTo("invalid_batch");
        assertThat(deepHash.body()).contains("HASH_MISMATCH");
        try (DevnetL1Server envelopeOnly = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 3_600_000,
                2)) {
            assertThat(JSON.readTree(post(envelopeOnly, body).body()).get("accepted").asBoolean())
                    .as("an L1 does not decode the batch").isTrue();
            assertThat(JSON.readTree(post(envelopeOnly, badHash).body()).get("accepted").asBoolean())
                    .as("an unsigned envelope's hash authenticates nothing; an L1 does not recompute it").isTrue();
        }
    }

    @Test
    void batchNumber_isReadFromTheBatchHead_asTheBatchDecodes() {
        for (long number : new long[] {1, 255, 256, 65_537, 1L << 40, Long.MAX_VALUE, -1L}) {
            Batch batch = batch(number, "n");
            byte[] canonical = BatchEnvelope.unsigned(BatchPayload.of(batch, Hash.ZERO)).encode();
            BatchPayload decoded = BatchEnvelope.decode(canonical).payload();
            assertThat(Batch.batchNumberOf(decoded.payloadPrefix(Batch.NUMBER_PREFIX_BYTES))).isEqualTo(number);
            assertThat(Batch.decode(BatchEnvelope.decode(canonical).payload().payload()).batchNumber())
                    .isEqualTo(number);
        }
    }

    @Test
    void checksFromEnvironment_acceptsTrueAndFalse_andNamesTheVariableOtherwise() {
        assertThat(DevnetL1Server.Checks.fromEnvironment(null)).isEqualTo(DevnetL1Server.Checks.ENVELOPE);
        assertThat(DevnetL1Server.Checks.fromEnvironment(" ")).isEqualTo(DevnetL1Server.Checks.ENVELOPE);
        assertThat(DevnetL1Server.Checks.fromEnvironment("false")).isEqualTo(DevnetL1Server.Checks.ENVELOPE);
        assertThat(DevnetL1Server.Checks.fromEnvironment("0")).isEqualTo(DevnetL1Server.Checks.ENVELOPE);
        assertThat(DevnetL1Server.Checks.fromEnvironment("TRUE")).isEqualTo(DevnetL1Server.Checks.CONTENTS);
        assertThat(DevnetL1Server.Checks.fromEnvironment("1")).isEqualTo(DevnetL1Server.Checks.CONTENTS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DevnetL1Server.Checks.fromEnvironment("yes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("L2_DEVNET_CHECK_CONTENTS");
    }
}
