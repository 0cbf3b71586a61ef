package org.ippan.l2.l1.http;

import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.ForcedInboxEntry;
import java.util.HexFormat;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Exception;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.L1TransientException;
import org.ippan.l2.l1.L1UnknownResultException;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.http.BoundedBodySubscriber.Body;
import org.ippan.l2.l1.http.BoundedBodySubscriber.ResponseTooLargeException;
import org.ippan.l2.l1.http.L1Json.SubmitAnswer;
import org.ippan.l2.l1.http.L1Json.UndecodableAnswerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link L1Poster} port over IPPAN CORE's HTTP API (wire-format-v1 §6), on the JDK {@link HttpClient}'s
 * asynchronous API and Jackson.
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li><b>One attempt per call; no retries here.</b> Each call sends exactly one request and completes its future
 *       with the answer or with exactly one {@link L1Exception}. Retrying, backing off (with
 *       {@link org.ippan.l2.l1.Backoff}, honouring {@link L1TransientException#retryAfterMs()}) and asking
 *       {@link #getInclusion(byte[])} after an unknown result are the engine's poster loop's job: it knows the
 *       order of batches and its budget, this adapter does not.</li>
 *   <li><b>Requests.</b> Submit {@code POST}s {@link L1Submission#body()} as is ({@code Content-Type:
 *       application/json}; the body is already canonical JSON). Get inclusion {@code GET}s its endpoint with
 *       {@code {id}} = the unpadded base64url of the key; get finality substitutes {@code {l1_tx_id}}; both values
 *       are percent-encoded. Every request carries {@code Accept: application/json}, the configured API key as
 *       {@code Authorization} (when set) and the configured timeout.</li>
 *   <li><b>Answers</b> (status first, then body):
 *     <table>
 *       <caption>How answers map to results</caption>
 *       <tr><th>answer</th><th>submit</th><th>get inclusion / finality</th><th>chain status</th></tr>
 *       <tr><td>2xx</td><td>{@code already_known: true} or an {@code error_code} containing "already" /
 *           "duplicate": {@code Accepted(alreadyKnown = true)}; else {@code accepted: true}: {@code Accepted};
 *           {@code accepted: false}: {@code Rejected(error_code, message)}</td>
 *           <td>the inclusion</td><td>the status</td></tr>
 *       <tr><td>non-2xx whose body says "already known" (as above)</td><td>{@code Accepted(alreadyKnown = true)}</td>
 *           <td>as its status</td><td>as its status</td></tr>
 *       <tr><td>404</td><td>permanent</td><td>empty</td><td>permanent</td></tr>
 *       <tr><td>408, 425, 429, 5xx</td><td colspan="3">{@link L1TransientException}, with {@code Retry-After}
 *           (delay-seconds or HTTP-date) as the hint</td></tr>
 *       <tr><td>400, 409, 413, 422 with a §6 submit body that says {@code accepted: false}</td>
 *           <td>{@code Rejected(error_code, message)}</td><td>permanent</td><td>permanent</td></tr>
 *       <tr><td>any other status (other 4xx, 1xx, 3xx: redirects are not followed)</td>
 *           <td colspan="3">{@link L1PermanentException}</td></tr>
 *       <tr><td>2xx body that is not the documented JSON, or longer than
 *           {@link HttpL1Config#maxResponseBytes()}</td><td colspan="3">{@link L1PermanentException}</td></tr>
 *     </table>
 *     A 4xx with an explicit §6 refusal is {@link SubmitResult.Rejected} only where the status is about the
 *     request's content (400, 409, 413, 422): a 401 / 403 / 404 / 405 / 415 says that the credentials, the endpoint
 *     or the method are wrong, not the batch, so it stays an {@link L1PermanentException} (the batch stays postable
 *     once the configuration is fixed). Bodies of non-2xx answers are read up to the limit and only used as hints:
 *     a long or undecodable error body never turns a retriable status into a permanent failure.</li>
 *   <li><b>Failures without an answer.</b> Connection errors and timeouts are {@link L1TransientException}s,
 *       except for a submit whose request may have reached the L1: a timeout, reset or close after the client took
 *       the request body is an {@link L1UnknownResultException} (ask {@link #getInclusion(byte[])} before posting
 *       again). "Not sent" is known only when the client never took a byte of the body, never connected (refused,
 *       unresolved host) or timed out connecting; everything else is conservatively unknown.</li>
 *   <li><b>Timeout.</b> {@link HttpL1Config#timeoutMs()} bounds each whole call, from sending to the last byte of
 *       the answer (the JDK's own request timeout stops at the response headers, so a watchdog covers the
 *       body).</li>
 *   <li><b>Parsing</b> is bounded: bodies are read with a bounded body handler, Jackson runs with
 *       {@code StreamReadConstraints} and refuses duplicate keys; unknown response fields are ignored.</li>
 *   <li><b>Threads and close.</b> The poster creates no threads of its own. The {@link HttpClient} is either
 *       created by {@link #HttpL1Poster(HttpL1Config)} (owned: it runs its selector thread and a default
 *       executor) or passed in by the host (not owned: the host's executor, proxy and TLS settings apply, and the
 *       host closes it). Futures complete on the threads of {@code CompletableFuture}'s default async executor
 *       (the JDK's {@code sendAsync} hands every answer over to it), timeouts on the JDK's shared
 *       {@code CompletableFuture} delay scheduler. <b>Hosts on 2 CPUs or fewer:</b> that executor is the common
 *       {@link java.util.concurrent.ForkJoinPool} only when its parallelism is above 1, which it is not by default
 *       there ({@code CPUs - 1}); otherwise the JDK starts a new thread for every answer (hundreds per second
 *       under load). Start such a JVM with {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=2} (or
 *       set that property before anything uses {@code CompletableFuture}, as the example node's {@code main}
 *       does); the poster logs a warning once when it finds the thread-per-task executor.
 *       {@link #close()} refuses later calls and aborts the calls in flight (their requests are cancelled; their
 *       futures fail as above, as if the connection had been closed).
 *       Java 17's {@code HttpClient} has no {@code close()}: an owned client is released by dropping the
 *       reference, and its selector thread ends once the client is unreachable.</li>
 *   <li><b>Secrets.</b> The API key is never logged; failures are logged at debug level, without headers.</li>
 * </ul>
 */
public final class HttpL1Poster implements L1Poster {

    private static final Logger LOG = LoggerFactory.getLogger(HttpL1Poster.class);

    /** Statuses whose explicit §6 refusal ({@code accepted: false}) is about the batch itself. */
    private static final Set<Integer> REFUSING_STATUSES = Set.of(400, 409, 413, 422);

    /** The longest retry-after hint passed on; a longer {@code Retry-After} is read as this. */
    static final long MAX_RETRY_AFTER_MS = 86_400_000;

    /** How much of an error answer's body goes into an exception message. */
    private static final int MAX_BODY_IN_MESSAGE = 200;

    /** Whether the thread-per-answer warning was logged (once per process). */
    private static final AtomicBoolean THREAD_PER_ANSWER_WARNED = new AtomicBoolean();

    /** What a call does with the answer; throws an {@link L1Exception} for a failure. */
    @FunctionalInterface
    private interface AnswerMapper<T> {
        T map(HttpResponse<Body> response);
    }

    private final HttpL1Config config;
    private final boolean ownsClient;
    private final Clock clock;
    private final L1Json json;
    private final Duration timeout;
    private final HttpResponse.BodyHandler<Body> bodyHandler;
    private final Set<Exchange<?>> inFlight = ConcurrentHashMap.newKeySet();
    /** The client; null once closed. */
    private volatile HttpClient client;

    /**
     * Creates a poster with an {@link HttpClient} of its own: HTTP/1.1 for an {@code http} base URL (no h2c
     * upgrade), HTTP/2 with fallback for {@code https}, redirects not followed, and the configured timeout as
     * connect timeout.
     *
     * @param config the configuration
     * @throws NullPointerException if {@code config} is null
     */
    public HttpL1Poster(HttpL1Config config) {
        this(config, newClient(config), true, Clock.systemUTC());
    }

    /**
     * Creates a poster on the host's {@link HttpClient}, which it does not own: {@link #close()} leaves the client
     * as it is. The client's own settings apply (executor, proxy, TLS, redirects: NEVER is recommended, since a
     * followed redirect would re-send a submit).
     *
     * @param config the configuration
     * @param client the host's client
     * @throws NullPointerException if an argument is null
     */
    public HttpL1Poster(HttpL1Config config, HttpClient client) {
        this(config, Objects.requireNonNull(client, "client"), false, Clock.systemUTC());
    }

    /** For tests: the clock reads HTTP-date {@code Retry-After} values. */
    HttpL1Poster(HttpL1Config config, HttpClient client, boolean ownsClient, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.json = new L1Json(config.maxResponseBytes());
        this.timeout = Duration.ofMillis(config.timeoutMs());
        this.bodyHandler = BoundedBodySubscriber.handler(config.maxResponseBytes());
        if (!completesOnAPool() && THREAD_PER_ANSWER_WARNED.compareAndSet(false, true)) {
            LOG.warn("CompletableFuture's default executor starts a thread per task here (common pool parallelism "
                    + "{}): every L1 answer will start a thread; run with "
                    + "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
                    ForkJoinPool.getCommonPoolParallelism());
        }
    }

    /**
     * Whether the JDK's {@code sendAsync} completions run on a pool (the common {@link ForkJoinPool}) rather than on
     * a new thread per answer; see the class comment.
     *
     * @return true if {@code CompletableFuture}'s default async executor is the common pool
     */
    static boolean completesOnAPool() {
        return new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool;
    }

    private static HttpClient newClient(HttpL1Config config) {
        Objects.requireNonNull(config, "config");
        boolean https = "https".equalsIgnoreCase(config.baseUrl().getScheme());
        return HttpClient.newBuilder()
                .version(https ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(config.timeoutMs()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * The configuration of this poster.
     *
     * @return the configuration
     */
    public HttpL1Config config() {
        return config;
    }

    /**
     * Whether this poster created its {@link HttpClient} (and releases it on {@link #close()}).
     *
     * @return true if the client is owned
     */
    public boolean ownsClient() {
        return ownsClient;
    }

    /** For tests: how many calls are in flight (started, future not yet completed). */
    int inFlightCount() {
        return inFlight.size();
    }

    // ---- L1Poster --------------------------------------------------------------------------------------------

    /**
     * {@code POST}s the submission's body to the submit batch endpoint; see the class comment for the mapping of
     * answers. One attempt, no retries.
     *
     * @param submission the batch to post
     * @return a future of the L1's answer
     */
    @Override
    public CompletableFuture<SubmitResult> submit(L1Submission submission) {
        Objects.requireNonNull(submission, "submission");
        HttpClient http = openClient();
        TrackingBodyPublisher body = new TrackingBodyPublisher(submission.body());
        HttpRequest request = request(config.submitBatchUri())
                .header("Content-Type", "application/json")
                .POST(body)
                .build();
        String what = "submit of batch " + submission.sequence();
        return new Exchange<SubmitResult>(what, response -> submitResult(what, response),
                failure -> submitFailure(what, failure, body)).start(http, request);
    }

    /**
     * {@code GET}s the get inclusion endpoint for the key (base64url, unpadded); 404 answers empty.
     *
     * @param idempotencyKey the 32-byte key
     * @return a future of the inclusion, or of empty
     */
    @Override
    public CompletableFuture<Optional<L1Inclusion>> getInclusion(byte[] idempotencyKey) {
        L1Submission.checkIdempotencyKey(idempotencyKey);
        HttpClient http = openClient();
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(idempotencyKey);
        return inclusionCall(http, "get inclusion of key " + id, config.inclusionUri(id));
    }

    /**
     * {@code GET}s the get finality endpoint for the transaction id; 404 answers empty.
     *
     * @param l1TxId the L1 transaction id
     * @return a future of the inclusion, or of empty
     */
    @Override
    public CompletableFuture<Optional<L1Inclusion>> getFinality(String l1TxId) {
        Objects.requireNonNull(l1TxId, "l1TxId");
        if (l1TxId.isEmpty()) {
            throw new IllegalArgumentException("l1TxId must not be empty");
        }
        HttpClient http = openClient();
        return inclusionCall(http, "get finality of " + printable(l1TxId), config.finalityUri(l1TxId));
    }

    /**
     * {@code GET}s the chain status endpoint.
     *
     * @return a future of the chain status
     */
    @Override
    public CompletableFuture<L1ChainStatus> chainStatus() {
        HttpClient http = openClient();
        String what = "chain status";
        AnswerMapper<L1ChainStatus> mapper = response -> {
            int status = response.statusCode();
            if (isSuccess(status)) {
                return decode(what, () -> json.chainStatus(response.body().bytes()));
            }
            throw statusFailure(what, response);
        };
        return new Exchange<>(what, mapper, failure -> readFailure(what, failure))
                .start(http, request(config.chainStatusUri()).GET().build());
    }

    /** @return whether both forced-inbox endpoints are configured ({@link HttpL1Config#hasForcedInbox()}) */
    @Override
    public boolean supportsForcedInbox() {
        return config.hasForcedInbox();
    }

    /**
     * {@code POST}s {@code {"tx": "<hex>"}} to the forced-inbox submit endpoint; a 2xx answer is the entry JSON. The
     * inbox answers a tx it holds with its existing entry, so the call is safe to repeat: a failure after sending is
     * transient, not an unknown result. Other statuses map as for the GETs (a 400 refusal of the tx is permanent,
     * with the L1's message).
     *
     * @param canonicalTx the tx's canonical bytes
     * @return a future of the inbox entry
     */
    @Override
    public CompletableFuture<ForcedInboxEntry> submitForced(byte[] canonicalTx) {
        L1Poster.checkForcedTx(canonicalTx);
        HttpClient http = openClient();
        String what = "forced inclusion of a " + canonicalTx.length + "-byte tx";
        if (!config.hasForcedInbox()) {
            return CompletableFuture.failedFuture(new L1PermanentException(what + ": no forced-inclusion inbox is "
                    + "configured (L1_ENDPOINT_FORCED_SUBMIT, L1_ENDPOINT_FORCED_INBOX)"));
        }
        byte[] body = ("{\"tx\":\"" + HexFormat.of().formatHex(canonicalTx) + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
        AnswerMapper<ForcedInboxEntry> mapper = response -> {
            if (isSuccess(response.statusCode())) {
                return decode(what, () -> json.forcedInboxEntry(response.body().bytes()));
            }
            throw statusFailure(what, response);
        };
        HttpRequest request = request(config.forcedSubmitUri()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return new Exchange<>(what, mapper, failure -> readFailure(what, failure)).start(http, request);
    }

    /**
     * {@code GET}s the forced-inbox read endpoint with {@code {from}} and {@code {max}}; a 2xx answer is the page
     * JSON, which must start at {@code fromIndex} (else permanent: undecodable).
     *
     * @param fromIndex the first index
     * @param maxCount the most entries
     * @return a future of the page
     */
    @Override
    public CompletableFuture<ForcedInboxPage> readForcedInbox(long fromIndex, int maxCount) {
        L1Poster.checkInboxRead(fromIndex, maxCount);
        HttpClient http = openClient();
        String what = "read of the forced-inclusion inbox from " + fromIndex;
        if (!config.hasForcedInbox()) {
            return CompletableFuture.failedFuture(new L1PermanentException(what + ": no forced-inclusion inbox is "
                    + "configured (L1_ENDPOINT_FORCED_SUBMIT, L1_ENDPOINT_FORCED_INBOX)"));
        }
        AnswerMapper<ForcedInboxPage> mapper = response -> {
            if (isSuccess(response.statusCode())) {
                ForcedInboxPage page = decode(what, () -> json.forcedInboxPage(response.body().bytes(), fromIndex));
                if (page.entries().size() > maxCount) {
                    throw new L1PermanentException(what + ": the L1 answered " + page.entries().size()
                            + " entries, more than the " + maxCount + " asked for");
                }
                return page;
            }
            throw statusFailure(what, response);
        };
        return new Exchange<>(what, mapper, failure -> readFailure(what, failure))
                .start(http, request(config.forcedInboxUri(fromIndex, maxCount)).GET().build());
    }

    /**
     * Refuses later calls and aborts the calls in flight; an owned client is released (see the class comment).
     * Idempotent.
     */
    @Override
    public void close() {
        HttpClient http = client;
        if (http == null) {
            return;
        }
        client = null;
        for (Exchange<?> exchange : inFlight) {
            exchange.abort(new IOException("the poster was closed while the call was in flight"));
        }
        LOG.debug("HttpL1Poster closed ({} client)", ownsClient ? "owned" : "host's");
    }

    // ---- calls -----------------------------------------------------------------------------------------------

    private HttpClient openClient() {
        HttpClient http = client;
        if (http == null) {
            throw new IllegalStateException("HttpL1Poster is closed");
        }
        return http;
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json");
        String apiKey = config.apiKey();
        if (apiKey != null) {
            builder.header("Authorization", apiKey);
        }
        return builder;
    }

    private CompletableFuture<Optional<L1Inclusion>> inclusionCall(HttpClient http, String what, URI uri) {
        AnswerMapper<Optional<L1Inclusion>> mapper = response -> {
            int status = response.statusCode();
            if (isSuccess(status)) {
                return Optional.of(decode(what, () -> json.inclusion(response.body().bytes())));
            }
            if (status == 404) {
                return Optional.empty();
            }
            throw statusFailure(what, response);
        };
        return new Exchange<>(what, mapper, failure -> readFailure(what, failure))
                .start(http, request(uri).GET().build());
    }

    // ---- answers ---------------------------------------------------------------------------------------------

    private SubmitResult submitResult(String what, HttpResponse<Body> response) {
        int status = response.statusCode();
        Body body = response.body();
        if (isSuccess(status)) {
            SubmitAnswer answer = decode(what, () -> json.submitAnswer(body.bytes()));
            if (answer.meansAlreadyKnown()) {
                return new SubmitResult.Accepted(answer.l1TxId(), true);
            }
            if (answer.accepted() == null) {
                throw new L1PermanentException(what + ": HTTP " + status + " answer has no \"accepted\" field");
            }
            if (answer.accepted()) {
                return new SubmitResult.Accepted(answer.l1TxId(), false);
            }
            return rejected(answer, "REJECTED");
        }
        SubmitAnswer hint = errorBodyHint(body);
        if (hint != null && hint.meansAlreadyKnown()) {
            return new SubmitResult.Accepted(hint.l1TxId(), true);
        }
        if (isTransient(status)) {
            throw statusFailure(what, response);
        }
        if (REFUSING_STATUSES.contains(status) && hint != null && Boolean.FALSE.equals(hint.accepted())) {
            return rejected(hint, "HTTP_" + status);
        }
        throw statusFailure(what, response);
    }

    private static SubmitResult.Rejected rejected(SubmitAnswer answer, String defaultCode) {
        String code = answer.errorCode() == null || answer.errorCode().isBlank() ? defaultCode : answer.errorCode();
        return new SubmitResult.Rejected(code, answer.message() == null ? "" : answer.message());
    }

    /** The §6 submit fields of an error answer's body, or null when it is truncated or not that JSON. */
    private SubmitAnswer errorBodyHint(Body body) {
        if (body.truncated() || body.bytes().length == 0) {
            return null;
        }
        try {
            return json.submitAnswer(body.bytes());
        } catch (UndecodableAnswerException notTheShape) {
            return null;
        }
    }

    /** The failure for a status that is neither a success nor otherwise handled by the call. */
    private L1Exception statusFailure(String what, HttpResponse<Body> response) {
        int status = response.statusCode();
        String text = what + ": HTTP " + status + describe(response.body());
        if (isTransient(status)) {
            OptionalLong retryAfterMs = response.headers().firstValue("Retry-After")
                    .map(value -> parseRetryAfterMs(value, clock))
                    .orElse(OptionalLong.empty());
            return new L1TransientException(text, retryAfterMs, null);
        }
        if (status / 100 == 3) {
            return new L1PermanentException(text + " (redirects are not followed; check L1_BASE_URL and the "
                    + "endpoint paths)");
        }
        return new L1PermanentException(text);
    }

    @FunctionalInterface
    private interface Decoder<T> {
        T decode() throws UndecodableAnswerException;
    }

    private static <T> T decode(String what, Decoder<T> decoder) {
        try {
            return decoder.decode();
        } catch (UndecodableAnswerException e) {
            throw new L1PermanentException(what + ": undecodable answer: " + e.getMessage(), e);
        }
    }

    // ---- failures without an answer --------------------------------------------------------------------------

    /** Failures of GETs: all retriable but an oversize answer. */
    private L1Exception readFailure(String what, Throwable failure) {
        if (hasCause(failure, ResponseTooLargeException.class)) {
            return new L1PermanentException(what + ": " + failure.getMessage(), failure);
        }
        if (failure instanceof HttpTimeoutException) {
            return new L1TransientException(what + ": timed out (" + config.timeoutMs() + " ms)", failure);
        }
        if (failure instanceof IOException || failure instanceof CancellationException) {
            return new L1TransientException(what + ": " + failure, failure);
        }
        return new L1PermanentException(what + ": " + failure, failure);
    }

    /** Failures of submits: retriable only when the request cannot have reached the L1. */
    private L1Exception submitFailure(String what, Throwable failure, TrackingBodyPublisher body) {
        if (hasCause(failure, ResponseTooLargeException.class)) {
            return new L1PermanentException(what + ": " + failure.getMessage(), failure);
        }
        boolean notSent = !body.handedOver()
                || failure instanceof ConnectException
                || failure instanceof HttpConnectTimeoutException;
        if (notSent) {
            return new L1TransientException(what + ": not sent: " + failure, failure);
        }
        if (failure instanceof HttpTimeoutException) {
            return new L1UnknownResultException(what + ": timed out (" + config.timeoutMs()
                    + " ms) after the request was sent; ask get inclusion before posting again", failure);
        }
        return new L1UnknownResultException(what + ": no answer after the request was sent (" + failure
                + "); ask get inclusion before posting again", failure);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static boolean isSuccess(int status) {
        return status / 100 == 2;
    }

    /** §6: timeouts, throttling and server errors are retriable. */
    static boolean isTransient(int status) {
        return status == 408 || status == 425 || status == 429 || status / 100 == 5;
    }

    /**
     * Reads a {@code Retry-After} value: delay-seconds or an HTTP-date (RFC 1123, as RFC 9110's IMF-fixdate),
     * relative to {@code clock}. A date in the past is 0; hints are capped at {@link #MAX_RETRY_AFTER_MS}; an
     * unreadable value is no hint.
     */
    static OptionalLong parseRetryAfterMs(String value, Clock clock) {
        String text = value.strip();
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (text.length() > 12) {
                return OptionalLong.of(MAX_RETRY_AFTER_MS);
            }
            return OptionalLong.of(Math.min(MAX_RETRY_AFTER_MS, Long.parseLong(text) * 1000));
        }
        try {
            ZonedDateTime when = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
            long delayMs = Duration.between(clock.instant(), when.toInstant()).toMillis();
            return OptionalLong.of(Math.max(0, Math.min(MAX_RETRY_AFTER_MS, delayMs)));
        } catch (DateTimeParseException | ArithmeticException unreadable) {
            return OptionalLong.empty();
        }
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The start of an error answer's body, for a message: printable, at most {@value #MAX_BODY_IN_MESSAGE} chars. */
    private static String describe(Body body) {
        if (body == null || body.bytes().length == 0) {
            return "";
        }
        String text = new String(body.bytes(), 0, Math.min(body.bytes().length, MAX_BODY_IN_MESSAGE * 4),
                StandardCharsets.UTF_8);
        String shown = printable(text);
        boolean cut = shown.length() > MAX_BODY_IN_MESSAGE || body.bytes().length > MAX_BODY_IN_MESSAGE * 4
                || body.truncated();
        return ": " + (shown.length() > MAX_BODY_IN_MESSAGE ? shown.substring(0, MAX_BODY_IN_MESSAGE) : shown)
                + (cut ? "..." : "");
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** One call in flight: its request, its watchdog and the future handed to the caller. */
    private final class Exchange<T> {
        private final String what;
        private final AnswerMapper<T> mapper;
        private final Function<Throwable, L1Exception> classifyFailure;
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private volatile CompletableFuture<HttpResponse<Body>> sending;

        Exchange(String what, AnswerMapper<T> mapper, Function<Throwable, L1Exception> classifyFailure) {
            this.what = what;
            this.mapper = mapper;
            this.classifyFailure = classifyFailure;
        }

        CompletableFuture<T> start(HttpClient http, HttpRequest request) {
            inFlight.add(this);
            result.whenComplete((value, failure) -> {
                inFlight.remove(this); // also when the caller cancelled the future
                if (result.isCancelled()) {
                    CompletableFuture<HttpResponse<Body>> started = sending;
                    if (started != null) {
                        started.cancel(true);
                    }
                } else if (failure != null) {
                    LOG.debug("L1 {} failed: {}", what, failure.toString());
                }
            });
            CompletableFuture<HttpResponse<Body>> started;
            try {
                started = http.sendAsync(request, bodyHandler);
            } catch (RuntimeException refused) {
                fail(new L1PermanentException(what + ": the HTTP client refused the request: " + refused, refused));
                return result;
            }
            sending = started;
            started.whenComplete(this::answered);
            CompletableFuture<Void> watchdog = new CompletableFuture<>();
            watchdog.orTimeout(config.timeoutMs(), TimeUnit.MILLISECONDS).whenComplete((ignored, expired) -> {
                if (expired != null) {
                    abort(new HttpTimeoutException(what + " took longer than " + config.timeoutMs() + " ms"));
                }
            });
            result.whenComplete((value, failure) -> watchdog.complete(null));
            if (client == null) {
                abort(new IOException("the poster was closed while the call was starting"));
            }
            return result;
        }

        private void answered(HttpResponse<Body> response, Throwable failure) {
            if (result.isDone()) {
                return;
            }
            if (failure != null) {
                fail(classifyFailure.apply(unwrap(failure)));
                return;
            }
            T value;
            try {
                value = mapper.map(response);
            } catch (L1Exception mapped) {
                fail(mapped);
                return;
            } catch (RuntimeException unexpected) {
                fail(new L1PermanentException(what + ": could not read the answer: " + unexpected, unexpected));
                return;
            }
            inFlight.remove(this);
            result.complete(value);
        }

        /** Fails the call as if its connection had failed with {@code why}, and cancels its request. */
        void abort(Throwable why) {
            if (!result.isDone()) {
                fail(classifyFailure.apply(why));
            }
            CompletableFuture<HttpResponse<Body>> started = sending;
            if (started != null) {
                started.cancel(true);
            }
        }

        /** Leaves the in-flight set before completing, so that a caller woken by the future sees it gone. */
        private void fail(L1Exception failure) {
            inFlight.remove(this);
            result.completeExceptionally(failure);
        }
    }
}
