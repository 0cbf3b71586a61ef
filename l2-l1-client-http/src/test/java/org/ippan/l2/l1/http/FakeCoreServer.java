package org.ippan.l2.l1.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.L1TransientException;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.memory.SimulatedL1;

/**
 * A stand-in for IPPAN CORE's HTTP API (wire-format-v1 §6) on 127.0.0.1, backed by a {@link SimulatedL1}: the
 * chain is the simulator's, the server only translates HTTP to its calls and back. Endpoints live below
 * {@code /core} (so the base URL has a path) at {@link #CHAIN_STATUS}, {@link #SUBMIT_BATCH}, {@link #GET_INCLUSION}
 * and {@link #GET_FINALITY}; an unknown route answers 400, so that a wrong path is loud.
 *
 * <p>Submit answers: new → 200 {@code accepted}; already known → 200 {@code already_known: true} or 409
 * {@code error_code: "already_exists"} (see {@link DuplicateAnswer}); rejected → 422 with the refusal. Simulator
 * faults: transient → 503, or 429 with {@code Retry-After} (whole seconds, rounded up) when throttled;
 * permanent → 400. Unknown-result faults of the simulator are not translated (use a scripted server).
 */
final class FakeCoreServer implements AutoCloseable {

    static final String BASE_PATH = "/core";
    static final String CHAIN_STATUS = "/v1/chain/status";
    static final String SUBMIT_BATCH = "/v1/l2/batches";
    static final String GET_INCLUSION = "/v1/l2/batches/{id}/inclusion";
    static final String GET_FINALITY = "/v1/l1/tx/{l1_tx_id}/finality";

    private static final Pattern INCLUSION_PATH = Pattern.compile("/v1/l2/batches/([^/]+)/inclusion");
    private static final Pattern FINALITY_PATH = Pattern.compile("/v1/l1/tx/([^/]+)/finality");

    /** How the server answers a submit of a key it already has. */
    enum DuplicateAnswer {
        /** 200 {@code {"accepted":true,"already_known":true,"l1_tx_id":…}}. */
        OK_ALREADY_KNOWN,
        /** 409 {@code {"accepted":false,"error_code":"already_exists","l1_tx_id":…}}. */
        CONFLICT_ALREADY_EXISTS
    }

    private final SimulatedL1 chain;
    private final DuplicateAnswer duplicateAnswer;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ObjectMapper mapper = new ObjectMapper();

    FakeCoreServer(SimulatedL1 chain, DuplicateAnswer duplicateAnswer) {
        this.chain = chain;
        this.duplicateAnswer = duplicateAnswer;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(BASE_PATH, this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The simulated chain behind the server. */
    SimulatedL1 chain() {
        return chain;
    }

    /** A configuration pointing at this server. */
    HttpL1Config.Builder configBuilder() {
        return HttpL1Config.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + BASE_PATH + "/")
                .chainStatusEndpoint(CHAIN_STATUS)
                .submitBatchEndpoint(SUBMIT_BATCH)
                .getInclusionEndpoint(GET_INCLUSION)
                .getFinalityEndpoint(GET_FINALITY)
                .timeoutMs(5_000);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath().substring(BASE_PATH.length());
            String method = exchange.getRequestMethod();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Matcher inclusion = INCLUSION_PATH.matcher(path);
            Matcher finality = FINALITY_PATH.matcher(path);
            if (method.equals("GET") && path.equals(CHAIN_STATUS)) {
                chainStatus(exchange);
            } else if (method.equals("POST") && path.equals(SUBMIT_BATCH)) {
                submit(exchange, body);
            } else if (method.equals("GET") && inclusion.matches()) {
                byte[] key;
                try {
                    key = Base64.getUrlDecoder().decode(decodeSegment(inclusion.group(1)));
                    L1Submission.checkIdempotencyKey(key);
                } catch (IllegalArgumentException e) {
                    reply(exchange, 400, error("malformed key: " + e.getMessage()));
                    return;
                }
                inclusion(exchange, () -> chain.getInclusion(key).get());
            } else if (method.equals("GET") && finality.matches()) {
                String l1TxId = decodeSegment(finality.group(1));
                inclusion(exchange, () -> chain.getFinality(l1TxId).get());
            } else {
                reply(exchange, 400, error("no route " + method + " " + path));
            }
        }
    }

    @FunctionalInterface
    private interface Lookup {
        Optional<L1Inclusion> get() throws InterruptedException, ExecutionException;
    }

    private void chainStatus(HttpExchange exchange) throws IOException {
        L1ChainStatus status;
        try {
            status = chain.chainStatus().get();
        } catch (InterruptedException | ExecutionException e) {
            fault(exchange, e);
            return;
        }
        ObjectNode answer = mapper.createObjectNode()
                .put("network_id", status.networkId())
                .put("height", status.height())
                .put("time_micros", status.timeMicros());
        status.finalizedHeight().ifPresent(finalized -> answer.put("finalized_height", finalized));
        reply(exchange, 200, answer);
    }

    private void submit(HttpExchange exchange, byte[] body) throws IOException {
        L1Submission submission;
        try {
            JsonNode envelope = mapper.readTree(body);
            byte[] key = Base64.getUrlDecoder().decode(envelope.get("idempotency_key").textValue());
            submission = new L1Submission(key, envelope.get("sequence").longValue(),
                    envelope.get("batch_id").textValue(), body);
        } catch (IOException | RuntimeException e) {
            reply(exchange, 400, mapper.createObjectNode().put("accepted", false)
                    .put("error_code", "invalid_envelope").put("message", String.valueOf(e.getMessage())));
            return;
        }
        SubmitResult result;
        try {
            result = chain.submit(submission).get();
        } catch (InterruptedException | ExecutionException e) {
            fault(exchange, e);
            return;
        }
        if (result instanceof SubmitResult.Rejected rejected) {
            reply(exchange, 422, mapper.createObjectNode().put("accepted", false)
                    .put("error_code", rejected.errorCode()).put("message", rejected.message()));
            return;
        }
        SubmitResult.Accepted accepted = (SubmitResult.Accepted) result;
        if (!accepted.alreadyKnown()) {
            reply(exchange, 200, mapper.createObjectNode().put("accepted", true).put("l1_tx_id", accepted.l1TxId()));
        } else if (duplicateAnswer == DuplicateAnswer.OK_ALREADY_KNOWN) {
            reply(exchange, 200, mapper.createObjectNode().put("accepted", true).put("already_known", true)
                    .put("l1_tx_id", accepted.l1TxId()));
        } else {
            reply(exchange, 409, mapper.createObjectNode().put("accepted", false)
                    .put("error_code", "already_exists").put("message", "batch already known")
                    .put("l1_tx_id", accepted.l1TxId()));
        }
    }

    private void inclusion(HttpExchange exchange, Lookup lookup) throws IOException {
        Optional<L1Inclusion> inclusion;
        try {
            inclusion = lookup.get();
        } catch (InterruptedException | ExecutionException e) {
            fault(exchange, e);
            return;
        }
        if (inclusion.isEmpty()) {
            reply(exchange, 404, error("not included"));
            return;
        }
        L1Inclusion found = inclusion.get();
        reply(exchange, 200, mapper.createObjectNode()
                .put("l1_tx_id", found.l1TxId())
                .put("height", found.height())
                .put("finalized", found.finalized())
                .put("proof", Base64.getUrlEncoder().withoutPadding().encodeToString(found.proof())));
    }

    private void fault(HttpExchange exchange, Exception failure) throws IOException {
        Throwable cause = failure instanceof ExecutionException ? failure.getCause() : failure;
        if (cause instanceof L1TransientException transientFault) {
            if (transientFault.retryAfterMs().isPresent()) {
                long seconds = (transientFault.retryAfterMs().getAsLong() + 999) / 1000;
                exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
                reply(exchange, 429, error("throttled"));
            } else {
                reply(exchange, 503, error("unavailable"));
            }
        } else if (cause instanceof L1PermanentException) {
            reply(exchange, 400, error("bad request"));
        } else {
            reply(exchange, 500, error("fault not supported by FakeCoreServer: " + cause));
        }
    }

    private ObjectNode error(String message) {
        return mapper.createObjectNode().put("error", message);
    }

    private void reply(HttpExchange exchange, int status, JsonNode answer) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Percent-decodes a path segment ({@code +} is a plus in a path, not a space). */
    private static String decodeSegment(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
