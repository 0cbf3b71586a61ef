package org.ippan.l2.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.engine.ForceOutcome;
import org.ippan.l2.core.engine.ForcedTicketView;
import org.ippan.l2.core.engine.LeaderHint;
import org.ippan.l2.core.engine.Readiness;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerMetrics;
import org.ippan.l2.core.engine.SequencerStatus;
import org.ippan.l2.core.engine.TxInfo;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.proof.InclusionProof;
import org.ippan.l2.core.proof.ProofJson;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.ReceiptJson;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.node.http.Exchange;
import org.ippan.l2.storage.ForcedTicket;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.StorageCorruptException;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StorageFullException;
import org.ippan.l2.storage.StoredBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP API: routing, request parsing with bounded reads, and the JSON and Prometheus answers. Every
 * write and every read goes through the {@link Sequencer} facade; the API holds no storage of its own.
 *
 * <p>In lease mode a node that does not lead points clients at the leader: its {@code 403 NOT_LEADER} answer
 * carries {@code leader_id} and {@code leader_url} when it knows a leader ({@link Sequencer#leaderHint()}). With
 * forwarding on it relays {@code POST /tx} and {@code POST /txs} to the leader once ({@link LeaderForwarder}) and
 * answers what the leader answered, or {@code 503 UNAVAILABLE} with {@code Retry-After} when no leader is known or
 * the leader could not be reached.
 */
final class NodeApi {
    /** Most txs in one {@code POST /txs}. */
    static final int MAX_BATCH_SUBMIT = 1000;
    /** Most batches in one {@code GET /batches}. */
    static final int MAX_LIST = 1000;
    /** Batches listed when no limit is given. */
    static final int DEFAULT_LIST = 100;

    /** {@code Retry-After} of a request that met a full store: space has to be freed first. */
    static final long STORAGE_FULL_RETRY_S = 5;
    /** {@code Retry-After} of a request that met a damaged store: it has to be restored first. */
    static final long STORAGE_CORRUPT_RETRY_S = 60;
    /** {@code Retry-After} of a request that met another storage failure. */
    static final long STORAGE_FAILING_RETRY_S = 1;

    /** Most bytes of an over-limit body skipped before the connection is closed instead. */
    private static final long DRAIN_LIMIT = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(NodeApi.class);
    private static final String JSON_TYPE = "application/json";
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Sequencer sequencer;
    private final NodeMetrics nodeMetrics;
    private final SequencerMetrics metrics;
    /** Lease mode with forwarding on: relays writes to the leader; null otherwise. */
    private final LeaderForwarder forwarder;
    private final int txBodyLimit;
    private final int txsBodyLimit;
    private final ObjectMapper json;
    private final TxBodyReader txReader;
    private final ApiAccess access;
    /** The {@code /admin/…} endpoints, behind {@link #adminAdmitted}. */
    private final AdminApi admin;
    private final RepeatedErrorLog errors = new RepeatedErrorLog(LOG, 10_000_000_000L, System::nanoTime);

    NodeApi(Sequencer sequencer, NodeMetrics metrics, boolean forwardToLeader, ApiAccess access) {
        this.access = access;
        this.sequencer = sequencer;
        this.nodeMetrics = metrics;
        this.metrics = metrics;
        this.forwarder = forwardToLeader && sequencer.config().leaderMode().usesLease()
                ? new LeaderForwarder() : null;
        int hexPayload = 2 * sequencer.config().maxTxSize() + 4096;
        this.txBodyLimit = Math.max(1 << 20, hexPayload);
        this.txsBodyLimit = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16L << 20, hexPayload));
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(16)
                .maxNumberLength(64)
                .maxNameLength(1024)
                .maxStringLength(txsBodyLimit)
                .maxDocumentLength(txsBodyLimit)
                .build();
        this.json = new ObjectMapper(JsonFactory.builder().streamReadConstraints(constraints).build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
        this.txReader = new TxBodyReader(json.getFactory(), sequencer.config().chainId(),
                sequencer.config().maxTxSize());
        this.admin = new AdminApi(sequencer, json);
    }

    /** The HTTP status of a refusal code. */
    static int httpStatus(RefusalCode code) {
        return switch (code) {
            case INVALID_JSON, INVALID_FRAME, INVALID_ENCODING, CHAIN_ID_MISMATCH, INVALID_PAYLOAD, TX_TOO_LARGE,
                    INVALID_FIELD -> 400;
            case BODY_TOO_LARGE -> 413;
            case NOT_LEADER -> 403;
            case QUEUE_FULL -> 429;
            case UNAVAILABLE -> 503;
        };
    }

    void handle(Exchange exchange) throws IOException {
        String method = exchange.method();
        String path = exchange.path();
        try {
            route(exchange, method, path);
        } catch (RuntimeException e) {
            failed(exchange, method, path, e);
        }
    }

    /**
     * A request that failed inside the node: logged (once per kind and interval), answered 500; or, when storage
     * failed (a typed {@link StorageException}: full, corrupt, failing), answered {@code 503 UNAVAILABLE} with
     * {@code Retry-After}, see {@link #storageFailed}.
     */
    private void failed(Exchange exchange, String method, String path, Throwable e) {
        if (e instanceof StorageException storage) {
            storageFailed(exchange, method, path, storage);
            return;
        }
        errors.log(method + " " + path + " failed", e);
        if (!exchange.answered()) {
            try {
                sendJson(exchange, 500, error("internal error"));
            } catch (IOException | RuntimeException ignored) {
                exchange.send(500, JSON_TYPE, new byte[0]);
            }
        }
    }

    /**
     * A request that met a storage failure (a read of {@code GET /tx}, {@code /batch…}, or any storage call that
     * escaped the engine): {@code 503 UNAVAILABLE} with {@code Retry-After} and a typed error naming the problem
     * ({@code storage corrupt: …} with the file, {@code storage full: …}, {@code storage failing: …}; {@code storage}
     * says which), in the shape of the write refusals on {@code POST}. Logged once per kind and interval: never a
     * stack trace per request. Readiness has already seen it (the engine's storage reports every call).
     */
    private void storageFailed(Exchange exchange, String method, String path, StorageException e) {
        String kind;
        long retryAfterS;
        if (e instanceof StorageCorruptException) {
            kind = "corrupt";
            retryAfterS = STORAGE_CORRUPT_RETRY_S;
        } else if (e instanceof StorageFullException) {
            kind = "full";
            retryAfterS = STORAGE_FULL_RETRY_S;
        } else {
            kind = "failing";
            retryAfterS = STORAGE_FAILING_RETRY_S;
        }
        errors.log(method + " " + path + " failed: storage " + kind, e);
        if (exchange.answered()) {
            return;
        }
        String message = "storage " + kind + ": " + e.getMessage();
        try {
            exchange.setHeader("Retry-After", Long.toString(retryAfterS));
            if (method.equals("POST")) {
                metrics.recordRejected(RefusalCode.UNAVAILABLE, 1);
                sendJson(exchange, 503, g -> writeTypedRefusal(g, message, RefusalCode.UNAVAILABLE.name()));
            } else {
                sendJson(exchange, 503, typedError(message, RefusalCode.UNAVAILABLE.name()).put("storage", kind));
            }
        } catch (IOException | RuntimeException ignored) {
            exchange.send(503, JSON_TYPE, new byte[0]);
        }
    }

    private void route(Exchange exchange, String method, String path) throws IOException {
        if (!access.hostAllowed(exchange.header("Host"))) {
            sendJson(exchange, 421, typedError("this node does not answer the host name " + exchange.header("Host")
                    + " (L2_ALLOWED_HOSTS)", "MISDIRECTED_HOST"));
            return;
        }
        boolean get = method.equals("GET") || method.equals("HEAD");
        boolean post = method.equals("POST");
        if (path.equals("/tx")) {
            if (!post) {
                methodNotAllowed(exchange, "POST");
            } else if (writeAdmitted(exchange, false)) {
                postTx(exchange);
            }
        } else if (path.equals("/txs")) {
            if (!post) {
                methodNotAllowed(exchange, "POST");
            } else if (writeAdmitted(exchange, true)) {
                postTxs(exchange);
            }
        } else if (path.equals("/admin") || path.startsWith("/admin/")) {
            if (adminAdmitted(exchange)) {
                admin.handle(exchange, method, path, e -> failed(exchange, method, path, e));
            }
        } else if (path.equals("/tx/force")) {
            if (!post) {
                methodNotAllowed(exchange, "POST");
            } else if (writeAdmitted(exchange, false)) {
                postForce(exchange);
            }
        } else if (path.startsWith("/tx/force/")) {
            ifGet(exchange, get, () -> getForce(exchange, path.substring("/tx/force/".length())));
        } else if (path.startsWith("/tx/") && path.endsWith("/receipt")) {
            ifGet(exchange, get, () -> getReceipt(exchange, between(path, "/tx/", "/receipt")));
        } else if (path.startsWith("/tx/") && path.endsWith("/proof")) {
            ifGet(exchange, get, () -> getProof(exchange, between(path, "/tx/", "/proof")));
        } else if (path.startsWith("/tx/")) {
            ifGet(exchange, get, () -> getTx(exchange, path.substring("/tx/".length())));
        } else if (path.startsWith("/batch/")) {
            ifGet(exchange, get, () -> getBatch(exchange, path.substring("/batch/".length())));
        } else if (path.equals("/batches")) {
            ifGet(exchange, get, () -> getBatches(exchange));
        } else if (path.equals("/status")) {
            ifGet(exchange, get, () -> sendJson(exchange, 200, statusJson(sequencer.status())));
        } else if (path.equals("/readyz")) {
            ifGet(exchange, get, () -> getReady(exchange));
        } else if (path.equals("/healthz")) {
            ifGet(exchange, get, () -> sendJson(exchange, 200, json.createObjectNode().put("status", "ok")));
        } else if (path.equals("/metrics")) {
            ifGet(exchange, get, () -> send(exchange, 200, PROMETHEUS_TYPE,
                    nodeMetrics.scrape().getBytes(StandardCharsets.UTF_8)));
        } else {
            sendJson(exchange, 404, error("not found"));
        }
    }

    private interface Action {
        void run() throws IOException;
    }

    private void ifGet(Exchange exchange, boolean get, Action action) throws IOException {
        if (get) {
            action.run();
        } else {
            methodNotAllowed(exchange, "GET");
        }
    }

    /**
     * A write needs a token when tokens are configured ({@code 401 UNAUTHORIZED} otherwise) and a JSON body
     * ({@code 415 UNSUPPORTED_MEDIA_TYPE} otherwise: a browser page can send {@code text/plain},
     * {@code application/x-www-form-urlencoded} or {@code multipart/form-data} cross-origin without asking, never
     * {@code application/json}). {@code POST /txs} also takes {@code application/octet-stream} (bulk binary v1),
     * which a browser cannot send cross-origin without a preflight either. Answered before the body is read.
     *
     * @param binaryAllowed whether the endpoint takes {@code application/octet-stream} too
     * @return whether the write may proceed; when not, the refusal was sent
     */
    private boolean writeAdmitted(Exchange exchange, boolean binaryAllowed) throws IOException {
        if (!access.writeAllowed(exchange.header(ApiAccess.AUTHORIZATION))) {
            afterBody(exchange, () -> unauthorized(exchange));
            return false;
        }
        String contentType = exchange.header("Content-Type");
        if (!ApiAccess.isJson(contentType) && !(binaryAllowed && ApiAccess.isOctetStream(contentType))) {
            String needed = binaryAllowed ? "POST /txs needs Content-Type: application/json or "
                    + "application/octet-stream (bulk binary v1)" : "writes need Content-Type: application/json";
            afterBody(exchange, () -> sendJson(exchange, 415, g -> writeTypedRefusal(g, needed,
                    "UNSUPPORTED_MEDIA_TYPE")));
            return false;
        }
        return true;
    }

    /**
     * Answers a request refused before its body was read, once the body is read and dropped (up to
     * {@link #DRAIN_LIMIT} bytes, the connection closed after the answer beyond that): a client still sending its
     * body then reads the answer, where an answer sent first could reach it as a connection reset.
     */
    private void afterBody(Exchange exchange, Action answer) {
        String method = exchange.method();
        String path = exchange.path();
        exchange.readBody(0, DRAIN_LIMIT, (bytes, length) -> {
            try {
                answer.run();
            } catch (IOException | RuntimeException e) {
                failed(exchange, method, path, e);
            }
        }, e -> failed(exchange, method, path, e));
    }

    /**
     * The check every admin endpoint ({@code /admin/…}) passes first: a configured token, always (without
     * {@code L2_API_TOKENS_FILE} no request is admitted).
     *
     * @return whether the request may proceed; when not, {@code 401} was sent
     */
    private boolean adminAdmitted(Exchange exchange) throws IOException {
        if (!access.adminAllowed(exchange.header(ApiAccess.AUTHORIZATION))) {
            afterBody(exchange, () -> unauthorized(exchange));
            return false;
        }
        return true;
    }

    private void unauthorized(Exchange exchange) throws IOException {
        exchange.setHeader("WWW-Authenticate", "Bearer");
        sendJson(exchange, 401, g -> writeTypedRefusal(g, "a valid bearer token is required (Authorization: Bearer …)",
                "UNAUTHORIZED"));
    }

    /** A refusal outside the engine's codes, in the shape of the write refusals. */
    private static void writeTypedRefusal(JsonGenerator g, String message, String code) throws IOException {
        g.writeStartObject();
        g.writeStringField("tx_hash", "");
        g.writeBooleanField("accepted", false);
        g.writeStringField("error", message);
        g.writeStringField("code", code);
        g.writeEndObject();
    }

    private ObjectNode typedError(String message, String code) {
        return json.createObjectNode().put("error", message).put("code", code);
    }

    private void methodNotAllowed(Exchange exchange, String allowed) throws IOException {
        exchange.setHeader("Allow", allowed);
        sendJson(exchange, 405, error("method not allowed"));
    }

    // ---- writes -------------------------------------------------------------------------------------------------

    /** What a write of one tx does with it once its body is read and the tx parsed and checked. */
    private interface TxAction {
        void run(Tx tx) throws IOException;
    }

    /**
     * A leader-only write whose body is one tx ({@code POST /tx}, {@code POST /tx/force}): refused (or relayed to
     * the leader) before its body is read on a node that does not lead, its body and tx refused with their typed
     * errors, else handed to {@code then}.
     */
    private void postOneTx(Exchange exchange, String path, TxAction then) throws IOException {
        Optional<Refusal> notLeader = notLeader();
        if (notLeader.isPresent()) {
            notLeading(exchange, notLeader.get(), path, txBodyLimit);
            return;
        }
        readBody(exchange, txBodyLimit, body -> {
            if (body.refusal != null) {
                refuse(exchange, body.refusal);
                return;
            }
            TxBodyReader.One one = txReader.readOne(body.bytes, body.length);
            Refusal refusal = one.bodyRefusal() != null ? one.bodyRefusal() : one.item().refusal();
            if (refusal != null) {
                refuseCounted(exchange, refusal);
                return;
            }
            then.run(one.item().tx());
        });
    }

    private void postTx(Exchange exchange) throws IOException {
        postOneTx(exchange, "/tx", tx -> postTx(exchange, tx));
    }

    private void postTx(Exchange exchange, Tx tx) throws IOException {
        SubmitResult result = sequencer.submit(tx);
        if (result instanceof SubmitResult.Refused refused) {
            if (refused.refusal().code() == RefusalCode.NOT_LEADER) {
                Optional<LeaderHint> hint = leaderHint();
                sendJson(exchange, 403, g -> writeRefusal(g, refused.refusal(), hint));
            } else {
                refuse(exchange, refused.refusal());
            }
        } else {
            SubmitResult.Accepted accepted = (SubmitResult.Accepted) result;
            // a duplicate's receipt is its first acceptance's, kept in storage
            AdmissionReceipt receipt = accepted.receipt() != null || !accepted.duplicate() ? accepted.receipt()
                    : sequencer.receipt(accepted.txHash()).orElse(null);
            sendJson(exchange, 200, g -> writeAccepted(g, accepted.txHash(), accepted.duplicate(), receipt));
        }
    }

    private void postTxs(Exchange exchange) throws IOException {
        Optional<Refusal> notLeader = notLeader();
        if (notLeader.isPresent()) {
            notLeading(exchange, notLeader.get(), "/txs", txsBodyLimit);
            return;
        }
        readBody(exchange, txsBodyLimit, body -> postTxs(exchange, body));
    }

    private void postTxs(Exchange exchange, Body body) throws IOException {
        if (body.refusal != null) {
            refuse(exchange, body.refusal);
            return;
        }
        // writeAdmitted let through JSON or, for this endpoint, bulk binary v1
        TxBodyReader.Many many = ApiAccess.isOctetStream(exchange.header("Content-Type"))
                ? BulkBodyReader.read(body.bytes, body.length)
                : txReader.readMany(body.bytes, body.length);
        if (many.bodyRefusal() != null) {
            refuseCounted(exchange, many.bodyRefusal());
            return;
        }
        List<TxBodyReader.Item> items = many.items();
        int n = items.size();
        boolean receipts = !"false".equals(Query.parse(exchange.rawQuery()).get("receipts"));
        List<Tx> valid = new ArrayList<>(n);
        int[] submittedAs = new int[n]; // the item's index among the submitted txs, -1 if it did not parse
        for (int i = 0; i < n; i++) {
            TxBodyReader.Item parsed = items.get(i);
            if (parsed.refusal() != null) {
                metrics.recordRejected(parsed.refusal().code(), 1);
                submittedAs[i] = -1;
            } else {
                submittedAs[i] = valid.size();
                valid.add(parsed.tx());
            }
        }
        SubmitResults submitted = sequencer.submitAll(valid, new SubmitResults(valid.size()));
        long retryAfterMs = 0;
        for (int k = 0; k < submitted.size(); k++) {
            if (!submitted.isAccepted(k) && (submitted.refusal(k).code() == RefusalCode.QUEUE_FULL
                    || submitted.refusal(k).code() == RefusalCode.UNAVAILABLE)) {
                retryAfterMs = Math.max(retryAfterMs, Math.max(1, submitted.refusal(k).retryAfterMs()));
            }
        }
        if (retryAfterMs > 0) {
            exchange.setHeader("Retry-After", Long.toString(retryAfterSeconds(retryAfterMs)));
        }
        sendJson(exchange, 200, g -> {
            g.writeStartArray();
            for (int i = 0; i < n; i++) {
                int k = submittedAs[i];
                if (k < 0) {
                    writeRefusal(g, items.get(i).refusal());
                } else if (submitted.isAccepted(k)) {
                    writeAccepted(g, submitted.tx(k).hash(), submitted.isDuplicate(k),
                            receipts ? submitted.receipt(k) : null);
                } else {
                    writeRefusal(g, submitted.refusal(k));
                }
            }
            g.writeEndArray();
        }, 48 + (receipts && sequencer.publicKey().isPresent() ? 1_200 : 96) * n);
    }

    /**
     * A write on a node known not to lead is refused as a whole, before its body is read: a follower, or a leader
     * fenced by a newer term (which answers exactly like a follower from then on). A leader that learns it is fenced
     * during a request refuses that request's txs through the engine.
     */
    private Optional<Refusal> notLeader() {
        return switch (sequencer.state()) {
            case FOLLOWER -> Optional.of(Refusal.of(RefusalCode.NOT_LEADER, "this node is a read-only follower"));
            case FENCED -> Optional.of(Refusal.of(RefusalCode.NOT_LEADER, "this node was fenced: "
                    + sequencer.stateReason()));
            default -> Optional.empty();
        };
    }

    /**
     * Answers a write this node does not lead for: relayed to the leader once when forwarding is on (and the request
     * was not relayed already), else refused {@code 403 NOT_LEADER} with the leader hint.
     */
    private void notLeading(Exchange exchange, Refusal refusal, String path, int limit) throws IOException {
        Optional<LeaderHint> hint = leaderHint();
        boolean relayed = exchange.hasHeader(LeaderForwarder.HEADER);
        if (forwarder == null || relayed) {
            metrics.recordRejected(refusal.code(), 1);
            afterBody(exchange, () -> sendJson(exchange, 403, g -> writeRefusal(g, refusal, hint)));
            return;
        }
        Optional<String> leaderUrl = hint.map(LeaderHint::leaderUrl).filter(url -> !url.isEmpty());
        if (leaderUrl.isEmpty()) {
            nodeMetrics.recordForwarded(NodeMetrics.Forwarded.NO_LEADER);
            afterBody(exchange, () -> unavailable(exchange, "no leader is known; retry"));
            return;
        }
        readBody(exchange, limit, body -> relay(exchange, body, leaderUrl.get(), path));
    }

    private void relay(Exchange exchange, Body body, String leaderUrl, String path) throws IOException {
        if (body.refusal != null) {
            refuse(exchange, body.refusal);
            return;
        }
        LeaderForwarder.Answer answer;
        try {
            String query = exchange.rawQuery();
            answer = forwarder.relay(leaderUrl, query == null ? path : path + "?" + query, body.bytes, body.length,
                    exchange.header("Content-Type"), exchange.header(ApiAccess.AUTHORIZATION));
        } catch (IOException e) {
            LOG.debug("relaying {} to the leader at {} failed: {}", path, leaderUrl, e.toString());
            nodeMetrics.recordForwarded(NodeMetrics.Forwarded.UNREACHABLE);
            unavailable(exchange, "the leader at " + leaderUrl + " did not answer; retry");
            return;
        }
        nodeMetrics.recordForwarded(NodeMetrics.Forwarded.ANSWERED);
        answer.retryAfter().ifPresent(value -> exchange.setHeader("Retry-After", value));
        answer.wwwAuthenticate().ifPresent(value -> exchange.setHeader("WWW-Authenticate", value));
        send(exchange, answer.status(), answer.contentType(), answer.body());
    }

    /** {@code 503 UNAVAILABLE} with {@code Retry-After: 1}, counted. */
    private void unavailable(Exchange exchange, String message) throws IOException {
        metrics.recordRejected(RefusalCode.UNAVAILABLE, 1);
        exchange.setHeader("Retry-After", "1");
        Refusal refusal = Refusal.of(RefusalCode.UNAVAILABLE, message);
        sendJson(exchange, 503, g -> writeRefusal(g, refusal));
    }

    /** @return in lease mode, the leader this node last saw, unless that is itself (a stale view) */
    private Optional<LeaderHint> leaderHint() {
        String self = sequencer.config().leaderId();
        return sequencer.leaderHint().filter(hint -> !hint.leaderId().equals(self));
    }

    /** A request body: its first {@code length} bytes of {@code bytes}, or why it was refused. */
    private record Body(byte[] bytes, int length, Refusal refusal) {}

    /** What runs once the body has arrived. */
    @FunctionalInterface
    private interface BodyAction {
        void run(Body body) throws IOException;
    }

    /**
     * Reads at most {@code limit} bytes as they arrive (no thread waits for a slow client), then runs {@code then};
     * a longer body is refused {@code BODY_TOO_LARGE}: skipped up to {@link #DRAIN_LIMIT} bytes so the client reads
     * the 413 instead of a connection reset, the connection closed after the answer beyond that.
     */
    private void readBody(Exchange exchange, int limit, BodyAction then) {
        String method = exchange.method();
        String path = exchange.path();
        exchange.readBody(limit, DRAIN_LIMIT, (bytes, length) -> {
            try {
                if (bytes == null) {
                    metrics.recordRejected(RefusalCode.BODY_TOO_LARGE, 1);
                    then.run(new Body(null, 0, Refusal.of(RefusalCode.BODY_TOO_LARGE,
                            "the body is over the " + limit + "-byte limit")));
                } else {
                    then.run(new Body(bytes, length, null));
                }
            } catch (IOException | RuntimeException e) {
                failed(exchange, method, path, e);
            }
        }, e -> failed(exchange, method, path, e));
    }

    private void refuseCounted(Exchange exchange, Refusal refusal) throws IOException {
        metrics.recordRejected(refusal.code(), 1);
        refuse(exchange, refusal);
    }

    private void refuse(Exchange exchange, Refusal refusal) throws IOException {
        if (refusal.code() == RefusalCode.QUEUE_FULL || refusal.code() == RefusalCode.UNAVAILABLE) {
            exchange.setHeader("Retry-After",
                    Long.toString(retryAfterSeconds(refusal.retryAfterMs())));
        }
        sendJson(exchange, httpStatus(refusal.code()), g -> writeRefusal(g, refusal));
    }

    private static long retryAfterSeconds(long retryAfterMs) {
        return Math.max(1, (retryAfterMs + 999) / 1000);
    }

    /**
     * {@code {"tx_hash", "accepted": true, "duplicate"?, "receipt"?}}: the receipt is the signed admission receipt
     * (receipts v1, {@code docs/spec/receipts-v1.md}) when the node issues them.
     */
    private static void writeAccepted(JsonGenerator g, Hash txHash, boolean duplicate, AdmissionReceipt receipt)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("tx_hash", txHash.toHex());
        g.writeBooleanField("accepted", true);
        if (duplicate) {
            g.writeBooleanField("duplicate", true);
        }
        if (receipt != null) {
            g.writeFieldName("receipt");
            g.writeRawValue(ReceiptJson.toJson(receipt));
        }
        g.writeEndObject();
    }

    private static void writeRefusal(JsonGenerator g, Refusal refusal) throws IOException {
        writeRefusal(g, refusal, Optional.empty());
    }

    /** A refusal; with a leader hint, also {@code leader_id} and (when advertised) {@code leader_url}. */
    private static void writeRefusal(JsonGenerator g, Refusal refusal, Optional<LeaderHint> hint) throws IOException {
        g.writeStartObject();
        g.writeStringField("tx_hash", "");
        g.writeBooleanField("accepted", false);
        g.writeStringField("error", refusal.message());
        g.writeStringField("code", refusal.code().name());
        if (hint.isPresent()) {
            g.writeStringField("leader_id", hint.get().leaderId());
            if (!hint.get().leaderUrl().isEmpty()) {
                g.writeStringField("leader_url", hint.get().leaderUrl());
            }
        }
        g.writeEndObject();
    }

    // ---- reads --------------------------------------------------------------------------------------------------

    private void getTx(Exchange exchange, String hashText) throws IOException {
        Optional<Hash> hash = txHashOr400(exchange, hashText);
        if (hash.isEmpty()) {
            return;
        }
        Optional<TxInfo> found = sequencer.findTx(hash.get());
        if (found.isEmpty()) {
            sendJson(exchange, 404, error("transaction not found"));
            return;
        }
        TxInfo info = found.get();
        if (info.pruned()) {
            sendPruned(exchange, info);
            return;
        }
        Tx tx = info.tx();
        ObjectNode node = json.createObjectNode()
                .put("tx_hash", tx.hash().toHex())
                .put("chain_id", unsigned(tx.chainId()))
                .put("from", tx.from())
                .put("nonce", unsigned(tx.nonce()))
                .put("payload_size", tx.payloadSize())
                .put("payload", Hex.encode(tx.payload()))
                .put("status", info.batch().map(b -> txStatus(b.status())).orElse("pending"))
                .put("seq", info.seq());
        info.batch().ifPresent(batch -> node.put("batch_hash", Hex.encode(batch.batchHash()))
                .put("batch_number", batch.batchNumber()));
        sendJson(exchange, 200, node);
    }

    /**
     * {@code POST /tx/force} (the upstream's API): relays the tx to the chain's L1 forced-inclusion inbox and
     * answers 202 with its ticket; 409 for a second ticket of a tx, 429 over the account's limit of queued tickets.
     */
    private void postForce(Exchange exchange) throws IOException {
        postOneTx(exchange, "/tx/force", tx -> postForce(exchange, tx));
    }

    private void postForce(Exchange exchange, Tx tx) throws IOException {
        ForceOutcome outcome = sequencer.forceInclusion(tx);
        if (outcome instanceof ForceOutcome.Taken taken) {
            sendJson(exchange, 202, ticketJson(taken.view()));
            return;
        }
        ForceOutcome.Refused refused = (ForceOutcome.Refused) outcome;
        switch (refused.reason()) {
            case INVALID_TX -> refuseCounted(exchange, refused.refusal());
            case NOT_LEADER -> {
                Optional<LeaderHint> hint = leaderHint();
                sendJson(exchange, 403, g -> writeRefusal(g, Refusal.of(RefusalCode.NOT_LEADER, refused.message()),
                        hint));
            }
            case DUPLICATE_TICKET -> sendJson(exchange, 409, typedError(refused.message(), refused.reason().name()));
            case ACCOUNT_LIMIT -> {
                exchange.setHeader("Retry-After", "10");
                sendJson(exchange, 429, typedError(refused.message(), refused.reason().name()));
            }
            case NO_INBOX -> sendJson(exchange, 501, typedError(refused.message(), refused.reason().name()));
            case L1_REFUSED -> sendJson(exchange, 400, typedError(refused.message(), refused.reason().name()));
            case L1_UNAVAILABLE -> {
                exchange.setHeader("Retry-After", "1");
                sendJson(exchange, 503, typedError(refused.message(), refused.reason().name()));
            }
            default -> throw new IllegalStateException("unhandled reason " + refused.reason());
        }
    }

    /** {@code GET /tx/force/{hash}}: the forced-inclusion ticket with its status now. */
    private void getForce(Exchange exchange, String hashText) throws IOException {
        Optional<Hash> hash = txHashOr400(exchange, hashText);
        if (hash.isEmpty()) {
            return;
        }
        Optional<ForcedTicketView> view = sequencer.forcedTicket(hash.get());
        if (view.isEmpty()) {
            sendJson(exchange, 404, typedError("no forced ticket for this tx", "TICKET_NOT_FOUND"));
            return;
        }
        sendJson(exchange, 200, ticketJson(view.get()));
    }

    private ObjectNode ticketJson(ForcedTicketView view) {
        ForcedTicket ticket = view.ticket();
        ObjectNode node = json.createObjectNode()
                .put("tx_hash", Hex.encode(ticket.txHash()))
                .put("account", ticket.account())
                .put("status", view.status().wireName())
                .put("created_ms", ticket.createdMs())
                .put("inbox_index", ticket.inboxIndex())
                .put("inbox_l1_height", ticket.inboxL1Height())
                .put("due_by_l1_height", ticket.inboxL1Height() + sequencer.config().forceInclusionBlocks());
        view.batchNumber().ifPresent(number -> node.put("batch_number", number));
        return node;
    }

    /** {@code GET /tx/{hash}/receipt}: the tx's signed admission receipt (receipts v1). */
    private void getReceipt(Exchange exchange, String hashText) throws IOException {
        Optional<Hash> hash = txHashOr400(exchange, hashText);
        if (hash.isEmpty()) {
            return;
        }
        Optional<AdmissionReceipt> receipt = sequencer.receipt(hash.get());
        if (receipt.isPresent()) {
            send(exchange, 200, JSON_TYPE, ReceiptJson.toJsonBytes(receipt.get()));
        } else if (sequencer.findTx(hash.get()).isPresent()) {
            sendJson(exchange, 404, typedError("the tx was accepted without a receipt (no signing key, "
                    + "L2_INCLUSION_DEADLINE_MS=0, or before receipts)", "NO_RECEIPT"));
        } else {
            sendJson(exchange, 404, typedError("transaction not found", "TX_NOT_FOUND"));
        }
    }

    /**
     * {@code GET /tx/{hash}/proof}: the tx's inclusion proof (inclusion proofs v1) once it is in a batch; 404 with
     * {@code NOT_IN_BATCH} while it is pending.
     */
    private void getProof(Exchange exchange, String hashText) throws IOException {
        Optional<Hash> hash = txHashOr400(exchange, hashText);
        if (hash.isEmpty()) {
            return;
        }
        Optional<InclusionProof> proof = sequencer.inclusionProof(hash.get());
        Optional<TxInfo> found = proof.isPresent() ? Optional.empty() : sequencer.findTx(hash.get());
        if (proof.isPresent()) {
            send(exchange, 200, JSON_TYPE, ProofJson.toJsonBytes(proof.get()));
        } else if (found.isPresent() && found.get().pruned()) {
            sendPruned(exchange, found.get());
        } else if (found.isPresent()) {
            sendJson(exchange, 404, typedError("the tx is accepted but not in a batch yet", "NOT_IN_BATCH"));
        } else {
            sendJson(exchange, 404, typedError("transaction not found", "TX_NOT_FOUND"));
        }
    }

    /** Answers 410 {@code PRUNED} for a tx whose confirmed batch was pruned (retention), naming the batch. */
    private void sendPruned(Exchange exchange, TxInfo info) throws IOException {
        StoredBatch batch = info.batch().orElseThrow();
        sendJson(exchange, 410, typedError("the tx's body and proof were pruned with its confirmed batch "
                + batch.batchNumber() + " (L2_RETAIN_CONFIRMED)", "PRUNED")
                .put("batch_number", batch.batchNumber()).put("batch_hash", Hex.encode(batch.batchHash())));
    }

    /** @return the tx hash in {@code hashText}; empty, with a 400 sent, if it is not one */
    private Optional<Hash> txHashOr400(Exchange exchange, String hashText) throws IOException {
        Optional<Hash> hash = parseHash(hashText);
        if (hash.isEmpty()) {
            sendJson(exchange, 400, error("malformed tx hash: expected 64 hex characters"));
        }
        return hash;
    }

    /** @return the part of {@code path} between {@code prefix} and {@code suffix} */
    private static String between(String path, String prefix, String suffix) {
        return path.length() < prefix.length() + suffix.length() ? ""
                : path.substring(prefix.length(), path.length() - suffix.length());
    }

    private void getBatch(Exchange exchange, String hashText) throws IOException {
        Optional<Hash> hash = parseHash(hashText);
        if (hash.isEmpty()) {
            sendJson(exchange, 400, error("malformed batch hash: expected 64 hex characters"));
            return;
        }
        Optional<StoredBatch> found = sequencer.findBatch(hash.get());
        if (found.isEmpty()) {
            sendJson(exchange, 404, error("batch not found"));
            return;
        }
        long l1Height = sequencer.status().l1().height();
        sendJson(exchange, 200, batchJson(found.get(), true, l1Height));
    }

    private void getBatches(Exchange exchange) throws IOException {
        Map<String, String> query = Query.parse(exchange.rawQuery());
        long from;
        int limit;
        try {
            from = query.containsKey("from") ? Long.parseLong(query.get("from")) : 1;
            long requested = query.containsKey("limit") ? Long.parseLong(query.get("limit")) : DEFAULT_LIST;
            if (from < 1 || requested < 1) {
                throw new NumberFormatException("from and limit must be >= 1");
            }
            limit = (int) Math.min(requested, MAX_LIST);
        } catch (NumberFormatException e) {
            sendJson(exchange, 400, error("from and limit must be positive integers"));
            return;
        }
        long l1Height = sequencer.status().l1().height();
        ArrayNode batches = json.createArrayNode();
        for (StoredBatch batch : sequencer.listBatches(from, limit)) {
            batches.add(batchJson(batch, false, l1Height));
        }
        ObjectNode node = json.createObjectNode();
        node.set("batches", batches);
        sendJson(exchange, 200, node);
    }

    private ObjectNode batchJson(StoredBatch stored, boolean withTxHashes, long l1Height) {
        NewBatch batch = stored.batch();
        String version = BatchEnvelope.VERSION;
        long chainId = sequencer.config().chainId();
        try {
            if (!stored.pruned()) { // a pruned batch's L1 request is gone: this node's version and chain stand
                BatchEnvelope envelope = BatchEnvelope.decode(
                        L2BatchEnvelopeV1.fromJson(batch.l1Envelope()).payload().payload());
                version = envelope.version();
                chainId = envelope.payload().l2ChainId();
            }
        } catch (RuntimeException e) {
            LOG.warn("batch {}: stored L1 envelope does not decode: {}", batch.batchNumber(), e.toString());
        }
        ObjectNode node = json.createObjectNode()
                .put("batch_hash", Hex.encode(batch.batchHash()))
                .put("chain_id", unsigned(chainId))
                .put("batch_number", batch.batchNumber())
                .put("tx_count", batch.txCount())
                .put("created_ms", batch.createdMs())
                .put("prev_batch_hash", Hex.encode(batch.prevBatchHash()))
                .put("tx_root", Hex.encode(batch.txRoot()))
                .put("tx_bytes", batch.txBytes());
        if (withTxHashes) {
            ArrayNode hashes = node.putArray("tx_hashes");
            for (Hash txHash : sequencer.batchTxHashes(stored)) {
                hashes.add(txHash.toHex());
            }
        }
        node.put("term", batch.term()).put("status", batchStatus(stored.status())).put("pruned", stored.pruned());
        node.putObject("envelope")
                .put("version", version)
                .put("envelope_hash", Hex.encode(batch.envelopeHash()))
                .put("sequencer_pubkey", Hex.encode(batch.sequencerPubkey()))
                .put("sequencer_sig", Hex.encode(batch.sequencerSig()));
        ObjectNode l1 = node.putObject("l1")
                .put("idempotency_key", Base64.getUrlEncoder().withoutPadding().encodeToString(batch.idempotencyKey()));
        if (stored.l1State().l1TxId() != null) {
            l1.put("l1_tx_id", stored.l1State().l1TxId());
        }
        long height = stored.l1State().inclusionHeight();
        if (height > 0) {
            l1.put("height", height);
            l1.put("confirmations", Math.max(0, l1Height - height));
        }
        return node;
    }

    static String txStatus(L1Status status) {
        return switch (status) {
            case COMMITTED, FAILED -> "batched";
            case POSTED, INCLUDED -> "posted";
            case CONFIRMED -> "confirmed";
        };
    }

    static String batchStatus(L1Status status) {
        return switch (status) {
            case COMMITTED, FAILED -> "pending";
            case POSTED, INCLUDED -> "posted";
            case CONFIRMED -> "confirmed";
        };
    }

    private ObjectNode statusJson(SequencerStatus status) {
        ObjectNode node = json.createObjectNode();
        SequencerStatus.Leader leader = status.leader();
        node.putObject("leader")
                .put("mode", leader.mode())
                .put("is_leader", leader.isLeader())
                .put("id", leader.id())
                .put("leader_pubkey", leader.leaderPubkey())
                .put("term_id", leader.termId())
                .put("last_heartbeat_ms", leader.lastHeartbeatMs())
                .put("state", status.state().name().toLowerCase(Locale.ROOT));
        ObjectNode leaderNode = (ObjectNode) node.get("leader");
        leaderNode.put("can_shutdown", leader.canShutdown());
        SequencerStatus.Lease lease = leader.lease();
        if (lease != null) {
            leaderNode.putObject("lease")
                    .put("holder_id", lease.holderId())
                    .put("holder_url", lease.holderUrl())
                    .put("expires_at_ms", lease.expiresAtMs())
                    .put("last_change_ms", lease.lastChangeMs())
                    .put("last_change", lease.lastChange())
                    .put("renew_failures", lease.renewFailures());
        }
        SequencerStatus.Rotation rotation = leader.rotation();
        if (rotation != null) {
            leaderNode.putObject("rotation")
                    .put("epoch", rotation.epoch())
                    .put("epoch_end_ms", rotation.epochEndMs())
                    .put("scheduled_key", rotation.scheduledKey())
                    .put("candidate_key", rotation.candidateKey())
                    .put("set_size", rotation.setSize())
                    .put("epoch_ms", rotation.epochMs())
                    .put("grace_ms", rotation.graceMs());
        }
        node.putObject("pool").put("pending", status.pool().pending()).put("capacity", status.pool().capacity());
        node.put("posting", sequencer.control().postingPaused() ? "paused" : "running");
        SequencerStatus.Batches batches = status.batches();
        node.putObject("batches")
                .put("pending", batches.pending())
                .put("posted", batches.posted())
                .put("confirmed", batches.confirmed())
                .put("last_batch_number", batches.lastBatchNumber())
                .put("last_batch_hash", batches.lastBatchHash());
        node.putObject("l1")
                .put("height", status.l1().height())
                .put("finalized_height", status.l1().finalizedHeight())
                .put("last_error", status.l1().lastError());
        SequencerStatus.StorageHealth storage = status.storage();
        node.putObject("storage")
                .put("state", storage.state())
                .put("last_write_error", storage.lastWriteError())
                .put("last_read_error", storage.lastReadError())
                .put("corruption", storage.corruption());
        return node;
    }

    private void getReady(Exchange exchange) throws IOException {
        Readiness readiness = sequencer.readiness();
        ObjectNode node = json.createObjectNode().put("ready", readiness.ready());
        if (!readiness.ready()) {
            ArrayNode reasons = node.putArray("reasons");
            readiness.reasons().forEach(reasons::add);
        }
        sendJson(exchange, readiness.ready() ? 200 : 503, node);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Optional<Hash> parseHash(String text) {
        if (text.length() != 2 * Hash.LENGTH) {
            return Optional.empty();
        }
        try {
            return Optional.of(Hash.fromHex(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static BigInteger unsigned(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }

    private ObjectNode error(String message) {
        return json.createObjectNode().put("error", message);
    }

    private void sendJson(Exchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, JSON_TYPE, json.writeValueAsBytes(body));
    }

    /** Writes one JSON value with a generator, no tree in between. */
    @FunctionalInterface
    private interface JsonWriter {
        void write(JsonGenerator generator) throws IOException;
    }

    private void sendJson(Exchange exchange, int status, JsonWriter body) throws IOException {
        sendJson(exchange, status, body, 256);
    }

    private void sendJson(Exchange exchange, int status, JsonWriter body, int sizeHint) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            body.write(g);
        }
        send(exchange, status, JSON_TYPE, out.toByteArray());
    }

    private static void send(Exchange exchange, int status, String contentType, byte[] body) {
        exchange.send(status, contentType, body);
    }
}
