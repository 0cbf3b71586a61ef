package org.ippan.l2.l1.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.L1TransientException;
import org.ippan.l2.l1.L1UnknownResultException;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.http.ScriptedServer.Recorded;
import org.ippan.l2.l1.http.ScriptedServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every answer of wire-format-v1 §6 and every failure without an answer, mapped by {@link HttpL1Poster}: against a
 * {@link ScriptedServer} (canned status, headers, body, delay), a {@link DroppingServer} (request read, connection
 * dropped) and a closed port.
 */
class HttpL1PosterMappingTest {

    private static final long AWAIT_SECONDS = 5;
    /** Retry-After HTTP-dates are read against this fixed clock. */
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final String SUBMIT_PATH = "/l1/batches";
    private static final String INCLUSION_PATH = "/l1/batches/{id}/inclusion";
    private static final String FINALITY_PATH = "/l1/tx/{l1_tx_id}/finality";
    private static final String STATUS_PATH = "/l1/status";

    private final ScriptedServer server = new ScriptedServer();
    private HttpL1Poster poster;

    @AfterEach
    void closeEverything() {
        if (poster != null) {
            poster.close();
        }
        server.close();
    }

    private static HttpL1Config.Builder configFor(String baseUrl) {
        return HttpL1Config.builder()
                .baseUrl(baseUrl)
                .chainStatusEndpoint(STATUS_PATH)
                .submitBatchEndpoint(SUBMIT_PATH)
                .getInclusionEndpoint(INCLUSION_PATH)
                .getFinalityEndpoint(FINALITY_PATH)
                .timeoutMs(5_000);
    }

    private HttpL1Poster posterFor(HttpL1Config config) {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        poster = new HttpL1Poster(config, client, true, Clock.fixed(NOW, ZoneOffset.UTC));
        return poster;
    }

    private HttpL1Poster poster() {
        return posterFor(configFor(server.baseUrl()).build());
    }

    private static L1Submission submission(long sequence) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) sequence);
        String batchId = HexFormat.of().formatHex(new byte[32]);
        String body = "{\"batch_id\":\"" + batchId + "\",\"idempotency_key\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(key) + "\",\"sequence\":" + sequence + "}";
        return new L1Submission(key, sequence, batchId, body.getBytes(StandardCharsets.UTF_8));
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(AWAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            Object value = future.get(AWAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected the call to fail, it answered " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private SubmitResult submitAnswered(Reply reply) throws Exception {
        server.enqueue(reply);
        return await(poster().submit(submission(1)));
    }

    private Throwable submitFailedWith(Reply reply) throws Exception {
        server.enqueue(reply);
        return failureOf(poster().submit(submission(1)));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    // ---- submit: requests ------------------------------------------------------------------------------------

    @Test
    void submit_postsTheBodyBytesAsIsAsJsonToTheSubmitEndpoint() throws Exception {
        L1Submission batch = submission(7);
        server.enqueue(Reply.json(200, "{\"accepted\":true,\"l1_tx_id\":\"tx-7\"}"));

        await(poster().submit(batch));

        Recorded request = server.takeRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo(SUBMIT_PATH);
        assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(request.headers().getFirst("Accept")).isEqualTo("application/json");
        assertThat(request.body()).isEqualTo(batch.body());
    }

    @Test
    void requests_carryTheApiKeyAsAuthorization_whenConfigured() throws Exception {
        posterFor(configFor(server.baseUrl()).apiKey("Bearer s3cret-key").build());
        server.enqueue(Reply.json(200, "{\"accepted\":true}"),
                Reply.json(404, "{}"),
                Reply.json(200, "{\"network_id\":\"n\",\"height\":1,\"time_micros\":5}"));

        await(poster.submit(submission(1)));
        await(poster.getInclusion(submission(1).idempotencyKey()));
        await(poster.chainStatus());

        for (int i = 0; i < 3; i++) {
            assertThat(server.takeRequest().headers().get("Authorization")).containsExactly("Bearer s3cret-key");
        }
    }

    @Test
    void requests_carryNoAuthorization_whenNoApiKeyIsConfigured() throws Exception {
        server.enqueue(Reply.json(200, "{\"accepted\":true}"), Reply.json(404, "{}"));
        poster();

        await(poster.submit(submission(1)));
        await(poster.getFinality("tx-1"));

        assertThat(server.takeRequest().headers().containsKey("Authorization")).isFalse();
        assertThat(server.takeRequest().headers().containsKey("Authorization")).isFalse();
    }

    // ---- submit: 2xx answers ---------------------------------------------------------------------------------

    @Test
    void submit_okAccepted_isAcceptedAsNew_withTheL1TxId() throws Exception {
        SubmitResult result = submitAnswered(Reply.json(200, "{\"accepted\":true,\"l1_tx_id\":\"tx-1\"}"));

        assertThat(result).isEqualTo(new SubmitResult.Accepted("tx-1", false));
    }

    @Test
    void submit_okAcceptedWithoutTxIdAndWithUnknownFields_isAcceptedWithNullTxId() throws Exception {
        SubmitResult result = submitAnswered(Reply.json(202,
                "{\"accepted\":true,\"l1_tx_id\":\"\",\"future_field\":{\"x\":[1,2]}}"));

        assertThat(result).isEqualTo(new SubmitResult.Accepted(null, false));
    }

    @Test
    void submit_okAlreadyKnownTrue_isAcceptedAsAlreadyKnown() throws Exception {
        SubmitResult result = submitAnswered(Reply.json(200,
                "{\"accepted\":true,\"already_known\":true,\"l1_tx_id\":\"tx-1\"}"));

        assertThat(result).isEqualTo(new SubmitResult.Accepted("tx-1", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"already_exists", "DUPLICATE", "duplicate_batch", "ALREADY_KNOWN"})
    void submit_okWithAlreadyOrDuplicateErrorCode_isAcceptedAsAlreadyKnown(String code) throws Exception {
        SubmitResult result = submitAnswered(Reply.json(200,
                "{\"accepted\":false,\"error_code\":\"" + code + "\",\"l1_tx_id\":\"tx-9\"}"));

        assertThat(result).isEqualTo(new SubmitResult.Accepted("tx-9", true));
    }

    @Test
    void submit_okAcceptedFalse_isRejectedWithTheL1sCodeAndMessage() throws Exception {
        SubmitResult result = submitAnswered(Reply.json(200,
                "{\"accepted\":false,\"error_code\":\"fee_too_low\",\"message\":\"fee below 5\"}"));

        assertThat(result).isEqualTo(new SubmitResult.Rejected("fee_too_low", "fee below 5"));
    }

    @Test
    void submit_okAcceptedFalseWithoutCode_isRejectedWithACodeOfItsOwn() throws Exception {
        SubmitResult result = submitAnswered(Reply.json(200, "{\"accepted\":false}"));

        assertThat(result).isEqualTo(new SubmitResult.Rejected("REJECTED", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[]", "{}", "{\"accepted\":\"yes\"}", "{\"accepted\":true} {}",
        "{\"accepted\":true,\"accepted\":false}", "{\"accepted\":true,\"l1_tx_id\":5}", ""})
    void submit_okWithUndecodableBody_failsPermanently(String body) throws Exception {
        Throwable failure = submitFailedWith(Reply.json(200, body));

        assertThat(failure).isInstanceOf(L1PermanentException.class).hasMessageContaining("submit");
    }

    // ---- submit: non-2xx answers -----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {400, 409, 422, 500, 503})
    void submit_non2xxWithAlreadyKnownTrue_isAcceptedAsAlreadyKnown(int status) throws Exception {
        SubmitResult result = submitAnswered(Reply.json(status,
                "{\"accepted\":false,\"already_known\":true,\"l1_tx_id\":\"tx-3\"}"));

        assertThat(result).isEqualTo(new SubmitResult.Accepted("tx-3", true));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 409, 422, 503})
    void submit_non2xxWithDuplicateOrAlreadyErrorCode_isAcceptedAsAlreadyKnown(int status) throws Exception {
        SubmitResult duplicate = submitAnswered(Reply.json(status, "{\"error_code\":\"duplicate\"}"));
        server.enqueue(Reply.json(status, "{\"accepted\":false,\"error_code\":\"already_exists\"}"));
        SubmitResult already = await(poster.submit(submission(1)));

        assertThat(duplicate).isEqualTo(new SubmitResult.Accepted(null, true));
        assertThat(already).isEqualTo(new SubmitResult.Accepted(null, true));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 409, 413, 422})
    void submit_contentRefusalStatusWithAcceptedFalse_isRejected(int status) throws Exception {
        SubmitResult result = submitAnswered(Reply.json(status,
                "{\"accepted\":false,\"error_code\":\"bad_envelope\",\"message\":\"no hub\"}"));

        assertThat(result).isEqualTo(new SubmitResult.Rejected("bad_envelope", "no hub"));
    }

    @Test
    void submit_contentRefusalStatusWithAcceptedFalseWithoutCode_isRejectedWithTheStatusAsCode() throws Exception {
        SubmitResult result = submitAnswered(Reply.json(422, "{\"accepted\":false,\"message\":\"no hub\"}"));

        assertThat(result).isEqualTo(new SubmitResult.Rejected("HTTP_422", "no hub"));
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404, 405, 415})
    void submit_credentialOrRouteStatus_evenWithARefusalBody_failsPermanentlyNotRejected(int status)
            throws Exception {
        Throwable failure = submitFailedWith(Reply.json(status,
                "{\"accepted\":false,\"error_code\":\"unauthorized\",\"message\":\"bad key\"}"));

        assertThat(failure).isInstanceOf(L1PermanentException.class).hasMessageContaining("HTTP " + status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html>bad request</html>", "{\"error\":\"bad\"}", "{\"accepted\":true}"})
    void submit_400WithoutAnExplicitRefusal_failsPermanently(String body) throws Exception {
        Throwable failure = submitFailedWith(Reply.json(400, body));

        assertThat(failure).isInstanceOf(L1PermanentException.class).hasMessageContaining("HTTP 400");
    }

    @Test
    void submit_redirect_isNotFollowed_andFailsPermanently() throws Exception {
        Throwable failure = submitFailedWith(Reply.json(307, "").withHeader("Location", "/elsewhere"));

        assertThat(failure).isInstanceOf(L1PermanentException.class).hasMessageContaining("HTTP 307");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    // ---- transient statuses and Retry-After ------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504})
    void serverErrors_failTransiently_withoutHint_onEveryCall(int status) throws Exception {
        poster();
        server.enqueue(Reply.json(status, "{\"error\":\"down\"}"), Reply.json(status, "oops"),
                Reply.json(status, ""), Reply.json(status, "{}"));

        Throwable submit = failureOf(poster.submit(submission(1)));
        Throwable inclusion = failureOf(poster.getInclusion(submission(1).idempotencyKey()));
        Throwable finality = failureOf(poster.getFinality("tx-1"));
        Throwable chain = failureOf(poster.chainStatus());

        for (Throwable failure : new Throwable[] {submit, inclusion, finality, chain}) {
            assertThat(failure).isInstanceOf(L1TransientException.class).hasMessageContaining("HTTP " + status);
            assertThat(((L1TransientException) failure).retryAfterMs()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 425, 429})
    void retriableClientStatuses_failTransiently_withRetryAfterSecondsAsHint(int status) throws Exception {
        poster();
        server.enqueue(Reply.json(status, "{}").withHeader("Retry-After", "7"),
                Reply.json(status, "{}").withHeader("Retry-After", "3"));

        Throwable submit = failureOf(poster.submit(submission(1)));
        Throwable inclusion = failureOf(poster.getInclusion(submission(1).idempotencyKey()));

        assertThat(submit).isInstanceOf(L1TransientException.class);
        assertThat(((L1TransientException) submit).retryAfterMs()).isEqualTo(OptionalLong.of(7_000));
        assertThat(inclusion).isInstanceOf(L1TransientException.class);
        assertThat(((L1TransientException) inclusion).retryAfterMs()).isEqualTo(OptionalLong.of(3_000));
    }

    @Test
    void throttled_withRetryAfterHttpDate_hintIsTheTimeUntilThatDate() throws Exception {
        Throwable failure = submitFailedWith(Reply.json(429, "{}")
                .withHeader("Retry-After", "Wed, 01 Jan 2025 00:00:30 GMT"));

        assertThat(failure).isInstanceOf(L1TransientException.class);
        assertThat(((L1TransientException) failure).retryAfterMs()).isEqualTo(OptionalLong.of(30_000));
    }

    @Test
    void throttled_withRetryAfterDateInThePast_hintIsZero() throws Exception {
        Throwable failure = submitFailedWith(Reply.json(503, "{}")
                .withHeader("Retry-After", "Tue, 31 Dec 2024 23:59:00 GMT"));

        assertThat(((L1TransientException) failure).retryAfterMs()).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void throttled_withUnreadableRetryAfter_hasNoHint() throws Exception {
        Throwable failure = submitFailedWith(Reply.json(429, "{}").withHeader("Retry-After", "soon"));

        assertThat(failure).isInstanceOf(L1TransientException.class);
        assertThat(((L1TransientException) failure).retryAfterMs()).isEmpty();
    }

    @Test
    void parseRetryAfter_hugeSeconds_areCappedAtADay() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

        assertThat(HttpL1Poster.parseRetryAfterMs("99999999999999999999", clock))
                .isEqualTo(OptionalLong.of(HttpL1Poster.MAX_RETRY_AFTER_MS));
        assertThat(HttpL1Poster.parseRetryAfterMs("120", clock)).isEqualTo(OptionalLong.of(120_000));
        assertThat(HttpL1Poster.parseRetryAfterMs(" 0 ", clock)).isEqualTo(OptionalLong.of(0));
        assertThat(HttpL1Poster.parseRetryAfterMs("-5", clock)).isEmpty();
    }

    @Test
    void serverError_withBodyOverTheLimit_staysTransient() throws Exception {
        posterFor(configFor(server.baseUrl()).maxResponseBytes(1024).build());
        server.enqueue(Reply.bytes(503, new byte[100_000]));

        Throwable failure = failureOf(poster.submit(submission(1)));

        assertThat(failure).isInstanceOf(L1TransientException.class).hasMessageContaining("HTTP 503");
    }

    // ---- other 4xx, undecodable and oversize answers ---------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 405, 410})
    void getInclusion_otherClientStatus_failsPermanently(int status) throws Exception {
        server.enqueue(Reply.json(status, "{\"error\":\"no\"}"));

        Throwable failure = failureOf(poster().getInclusion(submission(1).idempotencyKey()));

        assertThat(failure).isInstanceOf(L1PermanentException.class).hasMessageContaining("HTTP " + status);
    }

    @Test
    void chainStatus_404_failsPermanently() throws Exception {
        server.enqueue(Reply.json(404, "{}"));

        assertThat(failureOf(poster().chainStatus())).isInstanceOf(L1PermanentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"l1_tx_id\":\"tx\",\"height\":-1,\"proof\":\"AA\"}",
        "{\"l1_tx_id\":\"tx\",\"height\":1.5,\"proof\":\"AA\"}",
        "{\"l1_tx_id\":\"tx\",\"height\":18446744073709551615,\"proof\":\"AA\"}",
        "{\"l1_tx_id\":\"tx\",\"height\":1,\"proof\":\"not base64url!\"}",
        "{\"l1_tx_id\":\"tx\",\"height\":1}",
        "{\"l1_tx_id\":\"\",\"height\":1,\"proof\":\"AA\"}",
        "{\"l1_tx_id\":\"tx\",\"height\":1,\"finalized\":\"yes\",\"proof\":\"AA\"}",
        "{\"l1_tx_id\":\"tx\",\"height\":1,\"proof\":\"AA\",\"deep\":"
            + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"})
    void getInclusion_okWithUndecodableBody_failsPermanently(String body) throws Exception {
        server.enqueue(Reply.json(200, body));

        Throwable failure = failureOf(poster().getInclusion(submission(1).idempotencyKey()));

        assertThat(failure).isInstanceOf(L1PermanentException.class).hasMessageContaining("undecodable");
    }

    @Test
    void chainStatus_withFinalizedHeightAboveHeight_failsPermanently() throws Exception {
        server.enqueue(Reply.json(200, "{\"network_id\":\"n\",\"height\":3,\"finalized_height\":4,\"time_micros\":1}"));

        assertThat(failureOf(poster().chainStatus())).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("finalizedHeight");
    }

    @Test
    void submit_okWithBodyOverTheLimit_byContentLength_failsPermanently() throws Exception {
        posterFor(configFor(server.baseUrl()).maxResponseBytes(1024).build());
        String big = "{\"accepted\":true,\"message\":\"" + "x".repeat(2000) + "\"}";
        server.enqueue(Reply.json(200, big));

        Throwable failure = failureOf(poster.submit(submission(1)));

        assertThat(failure).isInstanceOf(L1PermanentException.class).hasMessageContaining("1024")
                .hasMessageContaining("Content-Length"); // refused before reading the body
    }

    @Test
    void getInclusion_okWithChunkedBodyOverTheLimit_failsPermanently() throws Exception {
        posterFor(configFor(server.baseUrl()).maxResponseBytes(1024).build());
        String big = "{\"l1_tx_id\":\"tx\",\"height\":1,\"proof\":\"" + "A".repeat(200_000) + "\"}";
        server.enqueue(Reply.json(200, big).chunkedBody());

        Throwable failure = failureOf(poster.getInclusion(submission(1).idempotencyKey()));

        assertThat(failure).isInstanceOf(L1PermanentException.class).hasMessageContaining("1024");
    }

    @Test
    void getInclusion_okWithBodyExactlyAtTheLimit_isRead() throws Exception {
        String body = "{\"l1_tx_id\":\"tx\",\"height\":1,\"proof\":\"AA\"}";
        posterFor(configFor(server.baseUrl()).maxResponseBytes(body.length()).build());
        server.enqueue(Reply.json(200, body).chunkedBody());

        assertThat(await(poster.getInclusion(submission(1).idempotencyKey()))).isPresent();
    }

    // ---- inclusion and finality ------------------------------------------------------------------------------

    @Test
    void getInclusion_ok_decodesTheInclusion_andAsksByUnpaddedBase64UrlKey() throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0xFB); // base64url "-_" territory: '+' and '/' in plain base64
        server.enqueue(Reply.json(200,
                "{\"l1_tx_id\":\"tx-5\",\"height\":12,\"finalized\":true,\"proof\":\"AQID\",\"extra\":1}"));

        Optional<L1Inclusion> inclusion = await(poster().getInclusion(key));

        assertThat(inclusion).contains(new L1Inclusion("tx-5", 12, true, new byte[] {1, 2, 3}));
        Recorded request = server.takeRequest();
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        assertThat(id).contains("-", "_").doesNotContain("=");
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.rawPath()).isEqualTo("/l1/batches/" + id + "/inclusion");
    }

    @Test
    void getInclusion_okWithoutFinalizedFlag_isNotFinalized() throws Exception {
        server.enqueue(Reply.json(200, "{\"l1_tx_id\":\"tx-5\",\"height\":0,\"proof\":\"\"}"));

        Optional<L1Inclusion> inclusion = await(poster().getInclusion(submission(1).idempotencyKey()));

        assertThat(inclusion).contains(new L1Inclusion("tx-5", 0, false, new byte[0]));
    }

    @Test
    void getInclusionAndFinality_404_areEmpty() throws Exception {
        poster();
        server.enqueue(Reply.json(404, "{\"error\":\"not found\"}"), Reply.bytes(404, new byte[0]));

        assertThat(await(poster.getInclusion(submission(1).idempotencyKey()))).isEmpty();
        assertThat(await(poster.getFinality("tx-1"))).isEmpty();
    }

    @Test
    void getFinality_percentEncodesTheTxId_soItStaysOnePathSegment() throws Exception {
        server.enqueue(Reply.json(200, "{\"l1_tx_id\":\"a/b c?d#e%f+g\",\"height\":3,\"proof\":\"AA\"}"));

        Optional<L1Inclusion> finality = await(poster().getFinality("a/b c?d#e%f+gé"));

        assertThat(finality).map(L1Inclusion::height).contains(3L);
        Recorded request = server.takeRequest();
        assertThat(request.rawPath()).isEqualTo("/l1/tx/a%2Fb%20c%3Fd%23e%25f%2Bg%C3%A9/finality");
        assertThat(request.rawQuery()).isNull();
    }

    @Test
    void chainStatus_ok_decodesWithAndWithoutFinalizedHeight() throws Exception {
        poster();
        server.enqueue(
                Reply.json(200, "{\"network_id\":\"ippan-dev\",\"height\":10,\"finalized_height\":8,"
                        + "\"time_micros\":1700000000000000}"),
                Reply.json(200, "{\"network_id\":\"ippan-dev\",\"height\":0,\"time_micros\":0,\"peers\":3}"));

        L1ChainStatus withFinal = await(poster.chainStatus());
        L1ChainStatus withoutFinal = await(poster.chainStatus());

        assertThat(withFinal).isEqualTo(new L1ChainStatus("ippan-dev", 10, OptionalLong.of(8), 1700000000000000L));
        assertThat(withoutFinal).isEqualTo(new L1ChainStatus("ippan-dev", 0, OptionalLong.empty(), 0));
        assertThat(server.takeRequest().rawPath()).isEqualTo(STATUS_PATH);
    }

    // ---- failures without an answer --------------------------------------------------------------------------

    @Test
    void submit_answerSlowerThanTheTimeout_isUnknownResult() throws Exception {
        posterFor(configFor(server.baseUrl()).timeoutMs(200).build());
        server.enqueue(Reply.json(200, "{\"accepted\":true}").delayedMs(1_000));

        Throwable failure = failureOf(poster.submit(submission(1)));

        assertThat(failure).isInstanceOf(L1UnknownResultException.class).hasMessageContaining("timed out");
        assertThat(server.takeRequest().body()).isEqualTo(submission(1).body());
    }

    @Test
    void getInclusion_answerSlowerThanTheTimeout_failsTransiently() throws Exception {
        posterFor(configFor(server.baseUrl()).timeoutMs(200).build());
        server.enqueue(Reply.json(404, "{}").delayedMs(1_000));

        Throwable failure = failureOf(poster.getInclusion(submission(1).idempotencyKey()));

        assertThat(failure).isInstanceOf(L1TransientException.class).hasMessageContaining("timed out");
    }

    @Test
    void submit_bodyStallingAfterTheHeaders_isUnknownResultWithinTheTimeout() throws Exception {
        posterFor(configFor(server.baseUrl()).timeoutMs(300).build());
        server.enqueue(Reply.json(200, "{\"accepted\":true,\"message\":\"slow\"}").stallingAfterHeaders());

        Throwable failure = failureOf(poster.submit(submission(1)));

        assertThat(failure).isInstanceOf(L1UnknownResultException.class);
    }

    @Test
    void getFinality_bodyStallingAfterTheHeaders_failsTransientlyWithinTheTimeout() throws Exception {
        posterFor(configFor(server.baseUrl()).timeoutMs(300).build());
        server.enqueue(Reply.json(200, "{\"l1_tx_id\":\"tx\",\"height\":1,\"proof\":\"AA\"}").stallingAfterHeaders());

        Throwable failure = failureOf(poster.getFinality("tx"));

        assertThat(failure).isInstanceOf(L1TransientException.class);
    }

    @Test
    void everyCall_connectionRefused_failsTransiently() throws Exception {
        posterFor(configFor("http://127.0.0.1:" + closedPort()).build());

        Throwable submit = failureOf(poster.submit(submission(1)));
        Throwable inclusion = failureOf(poster.getInclusion(submission(1).idempotencyKey()));
        Throwable finality = failureOf(poster.getFinality("tx-1"));
        Throwable status = failureOf(poster.chainStatus());

        assertThat(submit).isInstanceOf(L1TransientException.class).hasMessageContaining("not sent");
        assertThat(inclusion).isInstanceOf(L1TransientException.class);
        assertThat(finality).isInstanceOf(L1TransientException.class);
        assertThat(status).isInstanceOf(L1TransientException.class);
    }

    @Test
    void submit_connectTimingOut_failsTransiently_notAsUnknownResult() throws Exception {
        // A listening socket that never accepts: once its backlog is full, further connects hang (Linux drops the
        // SYNs), so the client's timeout fires before the request could be sent.
        try (ServerSocket neverAccepts = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> backlog = new ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 64 && !full; i++) {
                    Socket filler = new Socket();
                    backlog.add(filler);
                    try {
                        filler.connect(neverAccepts.getLocalSocketAddress(), 200);
                    } catch (SocketTimeoutException backlogFull) {
                        full = true;
                    }
                }
                assumeTrue(full, "this OS completes connects beyond the backlog; no connect timeout to provoke");
                posterFor(configFor("http://127.0.0.1:" + neverAccepts.getLocalPort()).timeoutMs(300).build());

                Throwable failure = failureOf(poster.submit(submission(1)));

                assertThat(failure).isInstanceOf(L1TransientException.class).hasMessageContaining("not sent");
            } finally {
                for (Socket filler : backlog) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void submit_connectionDroppedAfterTheRequestWasRead_isUnknownResult() throws Exception {
        try (DroppingServer dropping = new DroppingServer()) {
            posterFor(configFor(dropping.baseUrl()).build());

            Throwable failure = failureOf(poster.submit(submission(1)));

            assertThat(failure).isInstanceOf(L1UnknownResultException.class);
            assertThat(dropping.completeRequests()).isEqualTo(1);
        }
    }

    @Test
    void getInclusion_connectionDroppedAfterTheRequestWasRead_failsTransiently() throws Exception {
        try (DroppingServer dropping = new DroppingServer()) {
            posterFor(configFor(dropping.baseUrl()).build());

            Throwable failure = failureOf(poster.getInclusion(submission(1).idempotencyKey()));

            assertThat(failure).isInstanceOf(L1TransientException.class);
            assertThat(dropping.completeRequests()).isGreaterThanOrEqualTo(1);
        }
    }

    // ---- close -----------------------------------------------------------------------------------------------

    @Test
    void close_abortsASubmitInFlight_asUnknownResult_andAGetInFlight_asTransient() throws Exception {
        poster();
        server.enqueue(Reply.json(200, "{\"accepted\":true}").delayedMs(4_000),
                Reply.json(404, "{}").delayedMs(4_000));
        CompletableFuture<SubmitResult> submit = poster.submit(submission(1));
        server.takeRequest();
        CompletableFuture<Optional<L1Inclusion>> inclusion = poster.getInclusion(submission(1).idempotencyKey());
        server.takeRequest();

        poster.close();

        assertThat(failureOf(submit)).isInstanceOf(L1UnknownResultException.class);
        assertThat(failureOf(inclusion)).isInstanceOf(L1TransientException.class);
        assertThatThrownBy(() -> poster.chainStatus()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancellingTheFuture_abortsTheRequest_andForgetsTheCall() throws Exception {
        poster();
        server.enqueue(Reply.json(200, "{\"accepted\":true}").delayedMs(4_000));
        CompletableFuture<SubmitResult> submit = poster.submit(submission(1));
        server.takeRequest();

        submit.cancel(true);

        assertThat(poster.inFlightCount()).isZero();
        assertThat(submit).isCancelled();
    }

    @Test
    void close_ofAPosterOnTheHostsClient_leavesThatClientUsable() throws Exception {
        HttpClient hostClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpL1Poster onHostClient = new HttpL1Poster(configFor(server.baseUrl()).build(), hostClient);
        server.enqueue(Reply.json(200, "{}"));

        onHostClient.close();
        HttpResponse<String> response = hostClient.sendAsync(
                HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/ping")).build(),
                HttpResponse.BodyHandlers.ofString()).get(AWAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(onHostClient.ownsClient()).isFalse();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> onHostClient.submit(submission(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void newPoster_withItsOwnClient_ownsIt_andWorks() throws Exception {
        poster = new HttpL1Poster(configFor(server.baseUrl()).build());
        server.enqueue(Reply.json(200, "{\"accepted\":true,\"l1_tx_id\":\"tx-1\"}"));

        assertThat(await(poster.submit(submission(1)))).isEqualTo(new SubmitResult.Accepted("tx-1", false));
        assertThat(poster.ownsClient()).isTrue();
    }

    @Test
    void invalidArguments_throwDirectly_notThroughTheFuture() {
        poster();

        assertThatThrownBy(() -> poster.submit(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> poster.getInclusion(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> poster.getFinality("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.requestCount()).isZero();
    }
}
