package org.ippan.l2.lease.etcd;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.ippan.l2.lease.LeaseException;

/**
 * The calls of etcd's JSON gRPC gateway that the lease store makes, with failover across the endpoints. Each call
 * is one {@code POST} of a JSON body to one endpoint, bounded by the request timeout from sending to the last byte
 * of the answer; the answer is a JSON object or the call fails with a {@link LeaseException} naming the call and
 * the endpoint.
 *
 * <p>Failover: a call starts at the endpoint that answered last and moves to the next one only when it could not
 * connect (refused, unresolved, connect timeout), since nothing was sent then. A call that fails after connecting
 * (timeout, reset, error status, bad answer) may have been applied, so it is not repeated elsewhere: it fails, and
 * the next call starts at the next endpoint.
 */
final class EtcdGateway {

    /** The gateway calls, their paths ({@code /v3/...}: etcd 3.4 and later) and names for messages. */
    enum Call {
        GRANT("/v3/lease/grant", "lease grant"),
        KEEP_ALIVE("/v3/lease/keepalive", "lease keep-alive"),
        REVOKE("/v3/lease/revoke", "lease revoke"),
        TIME_TO_LIVE("/v3/lease/timetolive", "lease time-to-live"),
        RANGE("/v3/kv/range", "range"),
        TXN("/v3/kv/txn", "txn");

        final String path;
        final String description;

        Call(String path, String description) {
            this.path = path;
            this.description = description;
        }
    }

    /**
     * What an endpoint answered to a call: its status and its body (an empty object for an error status whose body
     * is not JSON).
     */
    record Answer(Call call, EtcdEndpoint endpoint, int status, JsonNode body) {

        /** @return a {@link LeaseException} saying that this answer is not what the call documents */
        LeaseException unexpected(String what) {
            return new LeaseException("etcd " + call.description + " at " + endpoint + ": unexpected answer ("
                    + what + ")");
        }

        /**
         * Reads an int64 field of {@code node} (a JSON string in proto3's mapping; a number is accepted too).
         *
         * @return its value, or 0 when absent (proto3 leaves out fields that hold their default)
         */
        long int64(JsonNode node, String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return 0;
            }
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return value.longValue();
            }
            if (value.isTextual()) {
                try {
                    return Long.parseLong(value.textValue());
                } catch (NumberFormatException e) {
                    throw unexpected(field + " is not an int64: " + shorten(value.textValue()));
                }
            }
            throw unexpected(field + " is not an int64");
        }
    }

    /** The gRPC status code etcd gives for a lease it does not know. */
    static final int GRPC_NOT_FOUND = 5;
    /** The largest answer read; a lease's key and value are a few kB. */
    static final int MAX_ANSWER_BYTES = 1 << 20;
    private static final int MAX_BODY_IN_MESSAGE = 200;

    private final List<EtcdEndpoint> endpoints;
    private final long requestTimeoutMs;
    private final HttpClient client;
    private final ObjectMapper json;
    private final HttpResponse.BodyHandler<byte[]> bodyHandler = BoundedBody.handler(MAX_ANSWER_BYTES);
    private final AtomicInteger preferred = new AtomicInteger();
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EtcdGateway(EtcdLeaseConfig config) {
        this.endpoints = config.endpoints();
        this.requestTimeoutMs = config.requestTimeoutMs();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // plain http: no h2c upgrade dance with etcd's port mux
                .connectTimeout(Duration.ofMillis(config.connectTimeoutMs()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(MAX_ANSWER_BYTES)
                        .maxStringLength(MAX_ANSWER_BYTES)
                        .maxNestingDepth(32)
                        .maxNumberLength(32)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.json = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    /** @return the mapper the gateway reads answers with, also used for the lease's value */
    ObjectMapper json() {
        return json;
    }

    /**
     * Makes a call and returns its 2xx answer.
     *
     * @throws LeaseException for anything else
     */
    Answer call(Call call, ObjectNode request) {
        Answer answer = send(call, request);
        if (answer.status() / 100 != 2) {
            throw failed(answer);
        }
        return answer;
    }

    /**
     * Makes a call whose "not found" answer (HTTP 404 with gRPC code 5) is a normal outcome.
     *
     * @return the 2xx answer, or null for "not found"
     * @throws LeaseException for anything else
     */
    Answer callOrNotFound(Call call, ObjectNode request) {
        Answer answer = send(call, request);
        if (answer.status() == 404 && answer.body().path("code").asInt(-1) == GRPC_NOT_FOUND) {
            return null;
        }
        if (answer.status() / 100 != 2) {
            throw failed(answer);
        }
        return answer;
    }

    /** Fails later calls and aborts those in flight (they fail with a {@link LeaseException}). */
    void close() {
        closed = true;
        for (CompletableFuture<?> exchange : inFlight) {
            exchange.cancel(true);
        }
    }

    private Answer send(Call call, ObjectNode request) {
        if (closed) {
            throw new IllegalStateException("the etcd lease store is closed");
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the " + call.description + " request", e);
        }
        int first = preferred.get();
        List<String> unreachable = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (first + i) % endpoints.size();
            EtcdEndpoint endpoint = endpoints.get(index);
            try {
                Answer answer = exchange(call, endpoint, body);
                preferred.set(index);
                return answer;
            } catch (NotConnectedException e) {
                unreachable.add(endpoint + " (" + e.getMessage() + ")");
            } catch (LeaseException e) {
                preferred.compareAndSet(index, (index + 1) % endpoints.size());
                throw e;
            }
        }
        throw new LeaseException("etcd " + call.description + ": no endpoint could be reached: "
                + String.join(", ", unreachable));
    }

    private Answer exchange(Call call, EtcdEndpoint endpoint, byte[] body) throws NotConnectedException {
        String where = "etcd " + call.description + " at " + endpoint;
        HttpRequest request = HttpRequest.newBuilder(endpoint.baseUri().resolve(call.path))
                .timeout(Duration.ofMillis(requestTimeoutMs))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, bodyHandler);
        inFlight.add(exchange);
        HttpResponse<byte[]> response;
        try {
            if (closed) {
                exchange.cancel(true);
            }
            // The JDK's own request timeout stops at the response headers; this wait also bounds the body.
            response = exchange.get(requestTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new LeaseException(where + ": no answer within " + requestTimeoutMs + " ms", e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new LeaseException(where + ": interrupted while waiting for the answer", e);
        } catch (CancellationException e) {
            throw new LeaseException(where + ": aborted, the lease store was closed", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (closed && cause instanceof CancellationException) { // the JDK may report the abort this way too
                throw new LeaseException(where + ": aborted, the lease store was closed", cause);
            }
            if (notConnected(cause)) {
                throw new NotConnectedException(cause);
            }
            if (cause instanceof HttpTimeoutException) {
                throw new LeaseException(where + ": no answer within " + requestTimeoutMs + " ms", cause);
            }
            throw new LeaseException(where + " failed: " + cause, cause);
        } finally {
            inFlight.remove(exchange);
        }
        return new Answer(call, endpoint, response.statusCode(), parse(call, endpoint, response));
    }

    private JsonNode parse(Call call, EtcdEndpoint endpoint, HttpResponse<byte[]> response) {
        byte[] bytes = response.body();
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            if (response.statusCode() / 100 == 2) {
                throw new LeaseException("etcd " + call.description + " at " + endpoint + ": the answer is not a"
                        + " JSON object: " + snippet(bytes));
            }
            return json.createObjectNode(); // an error status whose body is not JSON: the status says enough
        }
        return node;
    }

    private static boolean notConnected(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static LeaseException failed(Answer answer) {
        JsonNode body = answer.body();
        String message = body.path("message").asText(body.path("error").asText(""));
        return new LeaseException("etcd " + answer.call().description + " at " + answer.endpoint() + " answered HTTP "
                + answer.status() + (message.isEmpty() ? "" : ": " + shorten(message))
                + (body.has("code") ? " (gRPC code " + body.path("code").asText() + ")" : ""));
    }

    private static String snippet(byte[] bytes) {
        return shorten(new String(bytes, 0, Math.min(bytes.length, MAX_BODY_IN_MESSAGE * 2), StandardCharsets.UTF_8));
    }

    private static String shorten(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < MAX_BODY_IN_MESSAGE; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return text.length() > MAX_BODY_IN_MESSAGE ? out + "..." : out.toString();
    }

    /** Nothing was sent: the next endpoint may be tried. */
    private static final class NotConnectedException extends Exception {
        private static final long serialVersionUID = 1L;

        NotConnectedException(Throwable cause) {
            super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        }
    }
}
