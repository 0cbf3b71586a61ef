package org.ippan.l2.examples.devnet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.contract.ContractException;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.EnvelopeVerifier;
import org.ippan.l2.core.envelope.VerificationResult;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.WireFormatException;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A devnet IPPAN CORE: the L1 HTTP API of wire-format-v1 §6 over a {@link SimulatedL1} that mines a block every
 * {@code blockMs}. Every submitted {@code L2BatchEnvelopeV1} is checked before it is accepted: its idempotency key
 * must match the v1 derivation, its batch envelope must decode, its hashes must match the batch it carries
 * (signed envelopes must verify; unsigned ones are accepted, as a node without a key posts them), and
 * {@code batch_id}/{@code sequence}/{@code tx_count} must describe that batch. A replay answers
 * {@code already_known}.
 *
 * <p>Paths: {@link #PATH_STATUS}, {@link #PATH_SUBMIT}, {@link #PATH_INCLUSION} and {@link #PATH_FINALITY}
 * (the {@code L1_ENDPOINT_*} values to configure a client with). The node runs it in-process when
 * {@code L1_BASE_URL} is empty; {@link #main} runs it as its own process. Listens on loopback unless told otherwise.
 */
public final class DevnetL1Server implements AutoCloseable {
    /** Chain status: {@code GET}. */
    public static final String PATH_STATUS = "/v1/status";
    /** Submit batch: {@code POST}. */
    public static final String PATH_SUBMIT = "/v1/l2/batches";
    /** Get inclusion by base64url idempotency key: {@code GET}, {@code {id}} placeholder. */
    public static final String PATH_INCLUSION = "/v1/l2/batches/{id}/inclusion";
    /** Get finality by L1 tx id: {@code GET}, {@code {l1_tx_id}} placeholder. */
    public static final String PATH_FINALITY = "/v1/l1/tx/{l1_tx_id}/finality";

    private static final Logger LOG = LoggerFactory.getLogger(DevnetL1Server.class);
    private static final int MAX_BODY_BYTES = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimulatedL1 chain;
    private final HttpServer server;
    private final ScheduledExecutorService miner;
    private final ExecutorService handlers;

    private DevnetL1Server(SimulatedL1 chain, HttpServer server, ScheduledExecutorService miner,
            ExecutorService handlers) {
        this.chain = chain;
        this.server = server;
        this.miner = miner;
        this.handlers = handlers;
    }

    /**
     * Starts a devnet L1.
     *
     * @param address where to listen (port 0: any free port)
     * @param blockMs block interval in ms, at least 1
     * @param finalityDepth blocks on top of a block before it is final
     * @return the running server
     */
    public static DevnetL1Server start(InetSocketAddress address, long blockMs, int finalityDepth) throws IOException {
        if (blockMs < 1) {
            throw new IllegalArgumentException("L2_DEVNET_BLOCK_MS must be >= 1, got " + blockMs);
        }
        SimulatedL1 chain = SimulatedL1.builder().networkId("ippan-devnet").blockIntervalMs(blockMs)
                .finalityDepth(finalityDepth).genesisTimeMs(System.currentTimeMillis()).build();
        HttpServer server = HttpServer.create(address, 64);
        ExecutorService handlers = Executors.newFixedThreadPool(4, daemon("devnet-l1-http"));
        ScheduledExecutorService miner = Executors.newSingleThreadScheduledExecutor(daemon("devnet-l1-miner"));
        DevnetL1Server devnet = new DevnetL1Server(chain, server, miner, handlers);
        server.createContext("/", devnet::handle);
        server.setExecutor(handlers);
        server.start();
        miner.scheduleAtFixedRate(() -> chain.advanceTo(System.currentTimeMillis()), blockMs, blockMs,
                TimeUnit.MILLISECONDS);
        LOG.info("devnet L1 listening on {} (block {} ms, finality depth {})", devnet.baseUrl(), blockMs,
                finalityDepth);
        return devnet;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** @return {@code http://host:port} */
    public String baseUrl() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    /** @return the simulated chain behind the server (for tests and inspection) */
    public SimulatedL1 chain() {
        return chain;
    }

    private void handle(HttpExchange exchange) {
        try {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if (PATH_STATUS.equals(path) && "GET".equals(method)) {
                status(exchange);
            } else if (PATH_SUBMIT.equals(path) && "POST".equals(method)) {
                submit(exchange);
            } else if (path.startsWith("/v1/l2/batches/") && path.endsWith("/inclusion") && "GET".equals(method)) {
                String id = decode(path.substring("/v1/l2/batches/".length(), path.length() - "/inclusion".length()));
                inclusion(exchange, id);
            } else if (path.startsWith("/v1/l1/tx/") && path.endsWith("/finality") && "GET".equals(method)) {
                String l1TxId = decode(path.substring("/v1/l1/tx/".length(), path.length() - "/finality".length()));
                respond(exchange, 200, chain.getFinality(l1TxId).get().map(DevnetL1Server::inclusionJson));
            } else {
                respond(exchange, 404, error("not_found", method + " " + path));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("devnet L1 client went away", e);
        } catch (ExecutionException | RuntimeException e) {
            LOG.warn("devnet L1 request failed", e);
            try {
                respond(exchange, 500, error("internal", String.valueOf(e.getMessage())));
            } catch (IOException ignored) {
                // the client is gone
            }
        } finally {
            exchange.close();
        }
    }

    private void status(HttpExchange exchange) throws IOException, InterruptedException, ExecutionException {
        L1ChainStatus status = chain.chainStatus().get();
        ObjectNode body = JSON.createObjectNode();
        body.put("network_id", status.networkId());
        body.put("height", status.height());
        status.finalizedHeight().ifPresent(h -> body.put("finalized_height", h));
        body.put("time_micros", status.timeMicros());
        respond(exchange, 200, body);
    }

    private void submit(HttpExchange exchange) throws IOException, InterruptedException, ExecutionException {
        byte[] body = readBody(exchange.getRequestBody());
        if (body == null) {
            respond(exchange, 413, error("too_large", "body over " + MAX_BODY_BYTES + " bytes"));
            return;
        }
        L2BatchEnvelopeV1 envelope;
        try {
            envelope = L2BatchEnvelopeV1.fromJson(body);
        } catch (ContractException e) {
            respond(exchange, 400, error("invalid_envelope", e.getMessage()));
            return;
        }
        String problem = check(envelope);
        if (problem != null) {
            respond(exchange, 400, error("invalid_batch", problem));
            return;
        }
        // The simulated chain keeps every submission for ever; given the body (hundreds of KB per batch) the
        // process would grow by all the data ever posted. Nothing reads the bodies back (inclusion answers need the
        // key, the tx id and the height), so it keeps the idempotency key, which commits to the contents, instead.
        SubmitResult result = chain.submit(new L1Submission(envelope.idempotencyKey(), envelope.sequence(),
                envelope.batchId(), envelope.idempotencyKey())).get();
        ObjectNode answer = JSON.createObjectNode();
        if (result instanceof SubmitResult.Accepted accepted) {
            answer.put("accepted", true);
            answer.put("already_known", accepted.alreadyKnown());
            if (accepted.l1TxId() != null) {
                answer.put("l1_tx_id", accepted.l1TxId());
            }
            respond(exchange, 200, answer);
        } else {
            SubmitResult.Rejected rejected = (SubmitResult.Rejected) result;
            respond(exchange, 200, error(rejected.errorCode(), rejected.message()));
        }
    }

    /** @return what is wrong with the batch the envelope carries, or null */
    private static String check(L2BatchEnvelopeV1 envelope) {
        BatchEnvelope batchEnvelope;
        try {
            batchEnvelope = BatchEnvelope.decode(envelope.payload().payload());
        } catch (WireFormatException e) {
            return "payload is not a v1 batch envelope: " + e.getMessage();
        }
        VerificationResult verdict = EnvelopeVerifier.standard().checkingBatchContents().verify(batchEnvelope);
        if (verdict.status() != VerificationResult.Status.VALID
                && verdict.status() != VerificationResult.Status.UNSIGNED) {
            return verdict.status() + ": " + verdict.detail();
        }
        // the verifier checked the payload's batch_hash against the batch itself: compare with that, not hash again
        Batch batch = Batch.decode(batchEnvelope.payload().payload());
        if (!batchEnvelope.payload().batchHash().toHex().equals(envelope.batchId())) {
            return "batch_id does not match the batch's hash";
        }
        if (batch.batchNumber() != envelope.sequence()) {
            return "sequence " + envelope.sequence() + " does not match batch number " + batch.batchNumber();
        }
        if (batch.txCount() != envelope.txCount()) {
            return "tx_count " + envelope.txCount() + " does not match the batch's " + batch.txCount() + " txs";
        }
        return null;
    }

    private void inclusion(HttpExchange exchange, String id) throws IOException, InterruptedException,
            ExecutionException {
        byte[] key;
        try {
            key = Base64.getUrlDecoder().decode(id);
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, error("bad_id", "id is not base64url"));
            return;
        }
        if (key.length != L1Submission.IDEMPOTENCY_KEY_LENGTH) {
            respond(exchange, 400, error("bad_id", "id is not a 32-byte key"));
            return;
        }
        respond(exchange, 200, chain.getInclusion(key).get().map(DevnetL1Server::inclusionJson));
    }

    private static ObjectNode inclusionJson(L1Inclusion inclusion) {
        ObjectNode body = JSON.createObjectNode();
        body.put("l1_tx_id", inclusion.l1TxId());
        body.put("height", inclusion.height());
        body.put("finalized", inclusion.finalized());
        body.put("proof", Base64.getUrlEncoder().withoutPadding().encodeToString(inclusion.proof()));
        return body;
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("accepted", false);
        body.put("error_code", code);
        body.put("message", message);
        return body;
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private static void respond(HttpExchange exchange, int status, Optional<ObjectNode> body) throws IOException {
        if (body.isPresent()) {
            respond(exchange, status, body.get());
        } else {
            respond(exchange, 404, error("not_found", "not included (yet)"));
        }
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops mining and serving. */
    @Override
    public void close() {
        miner.shutdownNow();
        server.stop(0);
        handlers.shutdownNow();
    }

    /**
     * Runs the devnet L1 as its own process: {@code L2_DEVNET_LISTEN_ADDR} (default {@code 127.0.0.1:9944}),
     * {@code L2_DEVNET_BLOCK_MS} (default 1000), {@code L2_DEVNET_FINALITY_DEPTH} (default 2).
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        String listen = envOr("L2_DEVNET_LISTEN_ADDR", "127.0.0.1:9944");
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            System.err.println("L2_DEVNET_LISTEN_ADDR: expected host:port (got '" + listen + "')");
            System.exit(2);
        }
        long blockMs;
        int depth;
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
            blockMs = Long.parseLong(envOr("L2_DEVNET_BLOCK_MS", "1000"));
            depth = Integer.parseInt(envOr("L2_DEVNET_FINALITY_DEPTH", "2"));
        } catch (NumberFormatException e) {
            System.err.println("devnet: not a number: " + e.getMessage());
            System.exit(2);
            return;
        }
        DevnetL1Server devnet = start(new InetSocketAddress(listen.substring(0, colon), port), blockMs, depth);
        Runtime.getRuntime().addShutdownHook(new Thread(devnet::close, "devnet-l1-shutdown"));
        Thread.currentThread().join();
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
