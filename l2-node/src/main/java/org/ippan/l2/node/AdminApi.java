package org.ippan.l2.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.ippan.l2.core.engine.ConfigException;
import org.ippan.l2.core.engine.FlushResult;
import org.ippan.l2.core.engine.LeaderHint;
import org.ippan.l2.core.engine.NotLeadingException;
import org.ippan.l2.core.engine.RuntimeLimits;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerControl;
import org.ippan.l2.core.engine.SequencerState;
import org.ippan.l2.node.http.Exchange;

/**
 * The admin endpoints, under {@code /admin/…}, each reached only once {@link ApiAccess#adminAllowed} admitted the
 * request's token ({@link NodeApi}); they drive {@link SequencerControl}:
 * <ul>
 *   <li>{@code GET /admin/limits}, {@code PUT /admin/limits} ({@code {"max_batch_txs", "max_batch_bytes",
 *       "max_wait_ms", "admission_cap"}}; a field left out keeps its value; answers the limits applied);</li>
 *   <li>{@code POST /admin/pause}, {@code POST /admin/resume} (answer {@code {"posting": "paused"|"running",
 *       "changed": bool}});</li>
 *   <li>{@code POST /admin/flush} (answers {@code {"cut": true, "batch_number": n}} or {@code {"cut": false}});</li>
 *   <li>{@code POST /admin/step-down} (optional body {@code {"to": "<leader id>"}}; answers
 *       {@code {"stepped_down": bool}}).</li>
 * </ul>
 * All but step-down act on the leader: another node answers {@code 403 NOT_LEADER} with the leader it knows. Errors
 * are typed ({@code {"error", "code"}}, plus {@code "field"} for a refused limit). Tokens have no names, so the actor
 * logged is {@value #ACTOR}.
 */
final class AdminApi {
    /** Who asked, as logged by the engine: the tokens file gives tokens no names. */
    static final String ACTOR = "admin token";
    /** Longest wait for the batcher to take a flush. */
    static final long FLUSH_WAIT_MS = 10_000;
    /** Largest admin request body. */
    private static final int BODY_LIMIT = 4_096;
    private static final long DRAIN_LIMIT = 1 << 20;
    private static final String JSON_TYPE = "application/json";

    private final Sequencer sequencer;
    private final ObjectMapper json;

    AdminApi(Sequencer sequencer, ObjectMapper json) {
        this.sequencer = sequencer;
        this.json = json;
    }

    /**
     * Answers an admitted admin request.
     *
     * @param failed where a failure after the body arrived goes (the node's one error path: 503 for storage, 500)
     */
    void handle(Exchange exchange, String method, String path, Consumer<Throwable> failed) throws IOException {
        switch (path) {
            case "/admin/limits" -> {
                if (method.equals("GET") || method.equals("HEAD")) {
                    if (leading(exchange)) {
                        send(exchange, 200, limitsJson(sequencer.control().limits()));
                    }
                } else if (method.equals("PUT")) {
                    if (leading(exchange)) {
                        withBody(exchange, failed, body -> putLimits(exchange, body));
                    }
                } else {
                    methodNotAllowed(exchange, "GET, PUT");
                }
            }
            case "/admin/pause", "/admin/resume" -> {
                if (!method.equals("POST")) {
                    methodNotAllowed(exchange, "POST");
                } else if (leading(exchange)) {
                    SequencerControl control = sequencer.control();
                    boolean pause = path.equals("/admin/pause");
                    boolean changed = pause ? control.pausePosting(ACTOR) : control.resumePosting(ACTOR);
                    send(exchange, 200, json.createObjectNode().put("posting", control.postingPaused() ? "paused"
                            : "running").put("changed", changed));
                }
            }
            case "/admin/flush" -> {
                if (!method.equals("POST")) {
                    methodNotAllowed(exchange, "POST");
                } else if (leading(exchange)) {
                    flush(exchange);
                }
            }
            case "/admin/step-down" -> {
                if (!method.equals("POST")) {
                    methodNotAllowed(exchange, "POST");
                } else {
                    withBody(exchange, failed, body -> stepDown(exchange, body));
                }
            }
            default -> send(exchange, 404, json.createObjectNode().put("error", "not found"));
        }
    }

    private void putLimits(Exchange exchange, JsonNode body) throws IOException {
        if (body == null || !body.isObject()) {
            error(exchange, 400, "the body must be a JSON object of limits", "INVALID_JSON", null);
            return;
        }
        RuntimeLimits current = sequencer.control().limits();
        long maxBatchTxs = current.maxBatchTxs();
        long maxBatchBytes = current.maxBatchBytes();
        long maxWaitMs = current.maxWaitMs();
        long admissionCap = current.admissionCap();
        if (body.isEmpty()) {
            error(exchange, 400, "name at least one of " + RuntimeLimits.MAX_BATCH_TXS + ", "
                    + RuntimeLimits.MAX_BATCH_BYTES + ", " + RuntimeLimits.MAX_WAIT_MS + ", "
                    + RuntimeLimits.ADMISSION_CAP, "INVALID_FIELD", null);
            return;
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            boolean known = name.equals(RuntimeLimits.MAX_BATCH_TXS) || name.equals(RuntimeLimits.MAX_BATCH_BYTES)
                    || name.equals(RuntimeLimits.MAX_WAIT_MS) || name.equals(RuntimeLimits.ADMISSION_CAP);
            if (!known) {
                error(exchange, 400, "unknown field " + name, "INVALID_FIELD", name);
                return;
            }
            boolean isInt = name.equals(RuntimeLimits.MAX_BATCH_TXS) || name.equals(RuntimeLimits.ADMISSION_CAP);
            if (!value.isIntegralNumber() || !(isInt ? value.canConvertToInt() : value.canConvertToLong())) {
                error(exchange, 400, name + " must be a whole number" + (isInt ? " up to 2147483647" : ""),
                        "INVALID_FIELD", name);
                return;
            }
            long v = value.longValue();
            switch (name) {
                case RuntimeLimits.MAX_BATCH_TXS -> maxBatchTxs = v;
                case RuntimeLimits.MAX_BATCH_BYTES -> maxBatchBytes = v;
                case RuntimeLimits.MAX_WAIT_MS -> maxWaitMs = v;
                default -> admissionCap = v;
            }
        }
        RuntimeLimits applied;
        try {
            applied = sequencer.control().setLimits(ACTOR, new RuntimeLimits((int) maxBatchTxs, maxBatchBytes,
                    maxWaitMs, (int) admissionCap));
        } catch (ConfigException e) {
            error(exchange, 400, e.getMessage(), "INVALID_FIELD", e.setting());
            return;
        } catch (NotLeadingException e) {
            notLeader(exchange, e.getMessage());
            return;
        }
        send(exchange, 200, limitsJson(applied));
    }

    private void flush(Exchange exchange) throws IOException {
        CompletableFuture<FlushResult> done = sequencer.control().flush(ACTOR);
        FlushResult result;
        try {
            result = done.get(FLUSH_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.setHeader("Retry-After", "1");
            error(exchange, 503, "the batcher did not take the flush within " + FLUSH_WAIT_MS + " ms (it holds back"
                    + " while L1 is behind); it stays requested", "UNAVAILABLE", null);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(exchange, 503, "interrupted while waiting for the flush", "UNAVAILABLE", null);
            return;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NotLeadingException notLeading) {
                notLeader(exchange, notLeading.getMessage());
                return;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        ObjectNode node = json.createObjectNode().put("cut", result.cut());
        if (result.cut()) {
            node.put("batch_number", result.batchNumber());
        }
        send(exchange, 200, node);
    }

    private void stepDown(Exchange exchange, JsonNode body) throws IOException {
        Optional<String> to = Optional.empty();
        if (body != null) {
            JsonNode target = body.isObject() ? body.get("to") : null;
            if (!body.isObject() || (body.size() > (target == null ? 0 : 1))) {
                error(exchange, 400, "the body must be empty or {\"to\": \"<leader id>\"}", "INVALID_JSON", null);
                return;
            }
            if (target != null && !target.isNull()) {
                if (!target.isTextual()) {
                    error(exchange, 400, "to must be a leader id (a string)", "INVALID_FIELD", "to");
                    return;
                }
                to = Optional.of(target.asText());
            }
        }
        boolean led;
        try {
            led = sequencer.control().stepDown(ACTOR, to);
        } catch (ConfigException e) {
            error(exchange, 400, e.getMessage(), "INVALID_FIELD", e.setting());
            return;
        } catch (NotLeadingException e) {
            notLeader(exchange, e.getMessage());
            return;
        }
        ObjectNode node = json.createObjectNode().put("stepped_down", led);
        to.ifPresent(t -> node.put("to", t));
        send(exchange, 200, node);
    }

    /** What runs once the body has arrived and parsed: null for an empty body. */
    @FunctionalInterface
    private interface BodyAction {
        void run(JsonNode body) throws IOException;
    }

    private void withBody(Exchange exchange, Consumer<Throwable> failed, BodyAction then) {
        exchange.readBody(BODY_LIMIT, DRAIN_LIMIT, (bytes, length) -> {
            if (bytes == null) {
                error(exchange, 413, "the body is over the " + BODY_LIMIT + "-byte limit", "BODY_TOO_LARGE", null);
                return;
            }
            JsonNode body = null;
            if (length > 0 && !new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
                try {
                    body = json.readTree(bytes, 0, length);
                } catch (JsonProcessingException e) {
                    error(exchange, 400, "the body is not valid JSON: " + e.getOriginalMessage(), "INVALID_JSON",
                            null);
                    return;
                }
            }
            then.run(body);
        }, failed);
    }

    /** @return true if this node leads; else {@code 403 NOT_LEADER} with the leader it knows was sent */
    private boolean leading(Exchange exchange) throws IOException {
        if (sequencer.state() == SequencerState.LEADER) {
            return true;
        }
        notLeader(exchange, "this node does not lead (" + sequencer.state().name().toLowerCase(java.util.Locale.ROOT)
                + "): send admin calls that act on the leader to the leader");
        return false;
    }

    private void notLeader(Exchange exchange, String message) throws IOException {
        ObjectNode node = json.createObjectNode().put("error", message).put("code", "NOT_LEADER");
        String self = sequencer.config().leaderId();
        Optional<LeaderHint> hint = sequencer.leaderHint().filter(h -> !h.leaderId().equals(self));
        hint.ifPresent(h -> {
            node.put("leader_id", h.leaderId());
            if (!h.leaderUrl().isEmpty()) {
                node.put("leader_url", h.leaderUrl());
            }
        });
        send(exchange, 403, node);
    }

    private ObjectNode limitsJson(RuntimeLimits limits) {
        return json.createObjectNode()
                .put(RuntimeLimits.MAX_BATCH_TXS, limits.maxBatchTxs())
                .put(RuntimeLimits.MAX_BATCH_BYTES, limits.maxBatchBytes())
                .put(RuntimeLimits.MAX_WAIT_MS, limits.maxWaitMs())
                .put(RuntimeLimits.ADMISSION_CAP, limits.admissionCap());
    }

    private void error(Exchange exchange, int status, String message, String code, String field) throws IOException {
        ObjectNode node = json.createObjectNode().put("error", message).put("code", code);
        if (field != null) {
            node.put("field", field);
        }
        send(exchange, status, node);
    }

    private void methodNotAllowed(Exchange exchange, String allowed) throws IOException {
        exchange.setHeader("Allow", allowed);
        send(exchange, 405, json.createObjectNode().put("error", "method not allowed"));
    }

    private void send(Exchange exchange, int status, JsonNode body) throws IOException {
        exchange.send(status, JSON_TYPE, json.writeValueAsBytes(body));
    }
}
