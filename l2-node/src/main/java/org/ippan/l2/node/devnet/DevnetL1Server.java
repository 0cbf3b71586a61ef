package org.ippan.l2.node.devnet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ippan.l2.core.admission.AdmissionRules;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.engine.ForcedInboxRules;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.memory.ForcedInbox;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.contract.ContractException;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.envelope.EnvelopeVerifier;
import org.ippan.l2.core.envelope.VerificationResult;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.WireFormatException;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.node.http.Exchange;
import org.ippan.l2.node.http.HttpLimits;
import org.ippan.l2.node.http.JettyHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A devnet IPPAN CORE: the L1 HTTP API of wire-format-v1 §6 over a {@link SimulatedL1} that mines a block every
 * {@code blockMs}. A replay answers {@code already_known}.
 *
 * <h2>What it checks</h2>
 * Every submitted {@code L2BatchEnvelopeV1} is checked before it is accepted, as an L1 checks what it is asked to
 * carry ({@link Checks#ENVELOPE}, the default):
 * <ul>
 *   <li>the JSON is the v1 contract envelope, strictly (fields, types, base64url), and its idempotency key matches
 *       the v1 derivation from the other fields;</li>
 *   <li>the hub payload decodes as a v1 batch envelope; when it is signed, its {@code envelope_hash} matches its
 *       payload and its signature verifies ({@link EnvelopeVerifier#standard()}). Unsigned envelopes are accepted,
 *       as a node without a key posts them, and their {@code envelope_hash} is not recomputed: without a signature
 *       it authenticates nothing, and hashing the whole payload again is an auditor's check;</li>
 *   <li>{@code batch_id}, {@code tx_count} and {@code sequence} agree with the batch envelope's {@code batch_hash},
 *       {@code tx_count} and the batch number in the head of the batch it carries.</li>
 * </ul>
 * A real IPPAN CORE does not decode the L2 batch itself, so by default neither does the devnet:
 * {@link Checks#CONTENTS} (opt-in: {@link #start(InetSocketAddress, long, int, Checks)}, or
 * {@code L2_DEVNET_CHECK_CONTENTS=true} for {@link #main} and the node) also checks every envelope's
 * {@code envelope_hash}, decodes the batch and re-hashes every tx, requiring {@code batch_hash}, {@code tx_root},
 * {@code tx_count}, {@code tx_bytes}, {@code l2_chain_id} and {@code created_at_ms} to match it
 * ({@link EnvelopeVerifier#checkingBatchContents()}). Tests of the engine's
 * output use it; it cost about a third of the node's CPU under a {@code POST /txs} load, for checks that belong to
 * an auditor or a follower rather than to the L1.
 *
 * <h2>Forced inclusion</h2>
 * Each L2 chain has a forced-inclusion inbox ({@link #PATH_FORCED_SUBMIT}, {@link #PATH_FORCED_INBOX}): anyone posts
 * {@code {"tx": "<hex>"}}; the devnet records a decodable v1 tx of that chain within the sequencer's size rules
 * ({@link ForcedInboxRules}; else 400 {@code invalid_forced_tx}) at its current height, answering the entry
 * {@code {"index", "l1_height", "tx_hash", "tx"}} (the existing entry for a tx it holds). Acting as the L1 contract,
 * it refuses ({@value #FORCED_INCLUSION_OVERDUE}, naming the tx hash and its inbox height) a batch posted at height
 * {@code H} that leaves out an entry {@code e} with {@code e.l1Height + L2_FORCE_INCLUSION_BLOCKS < H} that no batch
 * it accepted holds.
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
    /** A chain's forced-inclusion inbox: {@code POST {"tx": hex}} records a tx; {@code {chain}} placeholder. */
    public static final String PATH_FORCED_SUBMIT = "/v1/l2/chains/{chain}/forced";
    /** A chain's forced-inclusion inbox: {@code GET} a page; {@code {chain}}, {@code {from}}, {@code {max}}. */
    public static final String PATH_FORCED_INBOX = "/v1/l2/chains/{chain}/forced?from={from}&max={max}";
    /** The variable of the inclusion window the devnet enforces, in L1 blocks. */
    public static final String FORCE_INCLUSION_BLOCKS_VARIABLE = "L2_FORCE_INCLUSION_BLOCKS";
    /** The default inclusion window, in L1 blocks. */
    public static final int DEFAULT_FORCE_INCLUSION_BLOCKS = 10;
    /** The largest tx payload the inbox records by default (the sequencer's default {@code L2_MAX_TX_SIZE}). */
    public static final int DEFAULT_FORCED_MAX_TX_SIZE = 65_536;
    /** The error code of a batch refused for leaving an overdue forced tx out. */
    public static final String FORCED_INCLUSION_OVERDUE = "forced_inclusion_overdue";
    private static final String FORCED_PREFIX = "/v1/l2/chains/";
    private static final String FORCED_SUFFIX = "/forced";
    private static final int MAX_INBOX_PAGE = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(DevnetL1Server.class);
    private static final int MAX_BODY_BYTES = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How deep the devnet checks a submitted batch; see the class comment. */
    public enum Checks {
        /** The contract envelope, the key, the batch envelope's hash and signature, and their consistency. */
        ENVELOPE,
        /** {@link #ENVELOPE}, and the batch itself: decoded, every tx re-hashed, matched against its envelope. */
        CONTENTS;

        /**
         * Reads {@code L2_DEVNET_CHECK_CONTENTS}: {@code true}/{@code 1} is {@link #CONTENTS}, {@code false}/{@code 0}
         * or empty is {@link #ENVELOPE}.
         *
         * @param value the variable's value, null when unset
         * @return the checks
         * @throws IllegalArgumentException naming the variable if the value is none of these
         */
        public static Checks fromEnvironment(String value) {
            if (value == null || value.isBlank()) {
                return ENVELOPE;
            }
            String v = value.trim();
            if (v.equals("1") || v.equalsIgnoreCase("true")) {
                return CONTENTS;
            }
            if (v.equals("0") || v.equalsIgnoreCase("false")) {
                return ENVELOPE;
            }
            throw new IllegalArgumentException(CHECK_CONTENTS_VARIABLE + ": expected true or false, got '" + v + "'");
        }
    }

    /** The variable that turns on {@link Checks#CONTENTS}. */
    public static final String CHECK_CONTENTS_VARIABLE = "L2_DEVNET_CHECK_CONTENTS";

    private final SimulatedL1 chain;
    private final JettyHttpServer server;
    private final ScheduledExecutorService miner;
    private final Checks checks;
    private final EnvelopeVerifier verifier;
    /** The forced-inclusion inboxes by L2 chain id, and what the L1 contract knows of each; guarded by itself. */
    private final Map<Long, ChainInbox> inboxes = new HashMap<>();
    private volatile int forceInclusionBlocks = DEFAULT_FORCE_INCLUSION_BLOCKS;
    private volatile int forcedMaxTxSize = DEFAULT_FORCED_MAX_TX_SIZE;

    /**
     * One chain's inbox and the L1 contract's view of it. From the chain's first inbox entry on, every batch the devnet
     * accepts for the chain is decoded and its tx hashes are kept, so an entry is due until a batch holding its tx was
     * accepted (before or after the entry). Batches accepted before the chain's first inbox entry were not decoded: a
     * tx forced after it was already in such a batch is never found (a devnet limit; a real contract tracks
     * positions).
     */
    private static final class ChainInbox {
        final ForcedInbox inbox = new ForcedInbox();
        final ForcedInboxRules rules;
        final Set<String> includedTxHashes = new HashSet<>();
        /** Entries no accepted batch holds yet, by tx hash hex, in inbox order. */
        final LinkedHashMap<String, ForcedInboxEntry> due = new LinkedHashMap<>();

        ChainInbox(ForcedInboxRules rules) {
            this.rules = rules;
        }
    }

    private DevnetL1Server(SimulatedL1 chain, JettyHttpServer server, ScheduledExecutorService miner,
            Checks checks) {
        this.checks = checks;
        this.verifier = checks == Checks.CONTENTS ? EnvelopeVerifier.standard().checkingBatchContents()
                : EnvelopeVerifier.standard();
        this.chain = chain;
        this.server = server;
        this.miner = miner;
    }

    /**
     * Starts a devnet L1 that checks envelopes, not batch contents ({@link Checks#ENVELOPE}).
     *
     * @param address where to listen (port 0: any free port)
     * @param blockMs block interval in ms, at least 1
     * @param finalityDepth blocks on top of a block before it is final
     * @return the running server
     */
    public static DevnetL1Server start(InetSocketAddress address, long blockMs, int finalityDepth) throws IOException {
        return start(address, blockMs, finalityDepth, Checks.ENVELOPE);
    }

    /**
     * Starts a devnet L1.
     *
     * @param address where to listen (port 0: any free port)
     * @param blockMs block interval in ms, at least 1
     * @param finalityDepth blocks on top of a block before it is final
     * @param checks how deep submitted batches are checked (see the class comment)
     * @return the running server
     */
    public static DevnetL1Server start(InetSocketAddress address, long blockMs, int finalityDepth, Checks checks)
            throws IOException {
        java.util.Objects.requireNonNull(checks, "checks");
        if (blockMs < 1) {
            throw new IllegalArgumentException("L2_DEVNET_BLOCK_MS must be >= 1, got " + blockMs);
        }
        SimulatedL1 chain = SimulatedL1.builder().networkId("ippan-devnet").blockIntervalMs(blockMs)
                .finalityDepth(finalityDepth).genesisTimeMs(System.currentTimeMillis()).build();
        JettyHttpServer server = JettyHttpServer.open(address, HttpLimits.DEVNET, "devnet-l1-http", true);
        ScheduledExecutorService miner = Executors.newSingleThreadScheduledExecutor(daemon("devnet-l1-miner"));
        DevnetL1Server devnet = new DevnetL1Server(chain, server, miner, checks);
        try {
            server.start(devnet::handle);
        } catch (IOException e) {
            miner.shutdownNow();
            throw e;
        }
        miner.scheduleAtFixedRate(() -> chain.advanceTo(System.currentTimeMillis()), blockMs, blockMs,
                TimeUnit.MILLISECONDS);
        LOG.info("devnet L1 listening on {} (block {} ms, finality depth {}, checks {})", devnet.baseUrl(), blockMs,
                finalityDepth, checks);
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
        InetSocketAddress address = server.address();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    /** @return how deep submitted batches are checked */
    public Checks checks() {
        return checks;
    }

    /**
     * Sets the inclusion window the devnet enforces as the L1 contract: a batch posted at L1 height {@code H} is
     * refused ({@value #FORCED_INCLUSION_OVERDUE}) while an inbox entry {@code e} of its chain with
     * {@code e.l1Height + blocks < H} is in no accepted batch and not in it.
     *
     * @param blocks the window, 1 to 1,000,000 ({@code L2_FORCE_INCLUSION_BLOCKS}, default 10)
     * @return this server
     */
    public DevnetL1Server forceInclusionBlocks(int blocks) {
        if (blocks < 1 || blocks > 1_000_000) {
            throw new IllegalArgumentException(FORCE_INCLUSION_BLOCKS_VARIABLE + " must be within 1..1000000, got "
                    + blocks);
        }
        this.forceInclusionBlocks = blocks;
        return this;
    }

    /**
     * Sets the largest tx payload the inboxes record (the sequencer's {@code L2_MAX_TX_SIZE}); applies to chains whose
     * inbox is first used afterwards.
     *
     * @param bytes 1 to 16 MiB
     * @return this server
     */
    public DevnetL1Server forcedMaxTxSize(int bytes) {
        if (bytes < 1 || bytes > SequencerConfig.MAX_TX_SIZE_LIMIT) {
            throw new IllegalArgumentException("forced max tx size must be within 1.." + SequencerConfig.MAX_TX_SIZE_LIMIT
                    + ", got " + bytes);
        }
        this.forcedMaxTxSize = bytes;
        return this;
    }

    /** @return the simulated chain behind the server (for tests and inspection) */
    public SimulatedL1 chain() {
        return chain;
    }

    private void handle(Exchange exchange) {
        try {
            String path = exchange.rawPath();
            String method = exchange.method();
            if (PATH_STATUS.equals(path) && "GET".equals(method)) {
                status(exchange);
            } else if (PATH_SUBMIT.equals(path) && "POST".equals(method)) {
                exchange.readBody(MAX_BODY_BYTES, MAX_BODY_BYTES, (bytes, length) -> {
                    try {
                        submit(exchange, bytes == null ? null : java.util.Arrays.copyOf(bytes, length));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (IOException | ExecutionException | RuntimeException e) {
                        failed(exchange, e);
                    }
                }, e -> failed(exchange, e));
            } else if (path.startsWith(FORCED_PREFIX) && path.endsWith(FORCED_SUFFIX)) {
                forced(exchange, path.substring(FORCED_PREFIX.length(), path.length() - FORCED_SUFFIX.length()),
                        method);
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
            failed(exchange, e);
        } finally {
            if (!exchange.answered() && Thread.currentThread().isInterrupted()) {
                exchange.send(503, "application/json", new byte[0]);
            }
        }
    }

    private static void failed(Exchange exchange, Throwable e) {
        LOG.warn("devnet L1 request failed: {}", e.toString());
        try {
            respond(exchange, 500, error("internal", String.valueOf(e.getMessage())));
        } catch (IOException | RuntimeException ignored) {
            exchange.send(500, "application/json", new byte[0]);
        }
    }

    private void status(Exchange exchange) throws IOException, InterruptedException, ExecutionException {
        L1ChainStatus status = chain.chainStatus().get();
        ObjectNode body = JSON.createObjectNode();
        body.put("network_id", status.networkId());
        body.put("height", status.height());
        status.finalizedHeight().ifPresent(h -> body.put("finalized_height", h));
        body.put("time_micros", status.timeMicros());
        respond(exchange, 200, body);
    }

    private void submit(Exchange exchange, byte[] body) throws IOException, InterruptedException,
            ExecutionException {
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
        L1Submission submission = new L1Submission(envelope.idempotencyKey(), envelope.sequence(),
                envelope.batchId(), envelope.idempotencyKey());
        SubmitResult result;
        synchronized (inboxes) { // the contract's check and the acceptance are one step
            // only once some chain's inbox is in use is the envelope decoded again (for its chain id)
            BatchPayload payload = inboxes.isEmpty() ? null
                    : BatchEnvelope.decode(envelope.payload().payload()).payload();
            ChainInbox inbox = payload == null ? null : inboxes.get(payload.l2ChainId());
            Set<String> batchTxHashes = inbox == null || chain.isKnown(envelope.idempotencyKey()) ? null
                    : txHashes(payload);
            String overdue = batchTxHashes == null ? null : overdue(inbox, batchTxHashes);
            if (overdue != null) {
                respond(exchange, 200, error(FORCED_INCLUSION_OVERDUE, overdue));
                return;
            }
            result = chain.submit(submission).get();
            if (batchTxHashes != null && result instanceof SubmitResult.Accepted accepted && !accepted.alreadyKnown()) {
                inbox.includedTxHashes.addAll(batchTxHashes);
                inbox.due.keySet().removeAll(batchTxHashes);
            }
        }
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
    private String check(L2BatchEnvelopeV1 envelope) {
        byte[] canonicalEnvelope = envelope.payload().payload();
        BatchEnvelope batchEnvelope;
        try {
            batchEnvelope = BatchEnvelope.decode(canonicalEnvelope);
        } catch (WireFormatException e) {
            return "payload is not a v1 batch envelope: " + e.getMessage();
        }
        if (checks == Checks.CONTENTS || batchEnvelope.isSigned()) {
            VerificationResult verdict = verifier.verify(batchEnvelope);
            if (verdict.status() != VerificationResult.Status.VALID
                    && verdict.status() != VerificationResult.Status.UNSIGNED) {
                return verdict.status() + ": " + verdict.detail();
            }
        }
        BatchPayload payload = batchEnvelope.payload();
        if (!payload.batchHash().toHex().equals(envelope.batchId())) {
            return "batch_id does not match the batch's hash";
        }
        if (payload.txCount() != envelope.txCount()) {
            return "tx_count " + envelope.txCount() + " does not match the batch's " + payload.txCount() + " txs";
        }
        if (payload.payloadSize() < Batch.OVERHEAD_BYTES) {
            return "the batch envelope's payload is " + payload.payloadSize() + " bytes, shorter than a batch";
        }
        long batchNumber;
        try {
            // the batch's head only: the default checks never decode the txs
            batchNumber = Batch.batchNumberOf(payload.payloadPrefix(Batch.NUMBER_PREFIX_BYTES));
        } catch (WireFormatException e) {
            return "payload is not a v1 batch: " + e.getMessage();
        }
        if (batchNumber != envelope.sequence()) {
            return "sequence " + envelope.sequence() + " does not match batch number "
                    + Long.toUnsignedString(batchNumber);
        }
        return null;
    }

    private static Set<String> txHashes(BatchPayload payload) {
        Set<String> hashes = new HashSet<>();
        for (Tx tx : Batch.decode(payload.payload()).txs()) {
            hashes.add(tx.hash().toHex());
        }
        return hashes;
    }

    /** @return why the batch is refused (the first overdue inbox entry it leaves out), or null */
    private String overdue(ChainInbox inbox, Set<String> batchTxHashes) {
        long height = chain.height();
        int window = forceInclusionBlocks;
        for (ForcedInboxEntry entry : inbox.due.values()) {
            if (entry.l1Height() + window >= height) {
                break; // entries are in inbox order, so heights only grow from here
            }
            if (!batchTxHashes.contains(entry.txHashHex())) {
                return "forced tx " + entry.txHashHex() + " (inbox index " + entry.index() + ", recorded at L1 height "
                        + entry.l1Height() + ") is overdue at height " + height + ": the window of " + window
                        + " blocks ended at height " + (entry.l1Height() + window) + " and no batch includes it";
            }
        }
        return null;
    }

    /** {@code POST} records a tx in the chain's inbox; {@code GET ?from=&max=} reads a page. */
    private void forced(Exchange exchange, String chainText, String method) throws IOException {
        long chainId;
        try {
            chainId = Long.parseUnsignedLong(decode(chainText));
        } catch (NumberFormatException e) {
            respond(exchange, 400, error("bad_chain", "chain id '" + chainText + "' is not an unsigned integer"));
            return;
        }
        if ("GET".equals(method)) {
            readInbox(exchange, chainId);
        } else if ("POST".equals(method)) {
            exchange.readBody(MAX_BODY_BYTES, MAX_BODY_BYTES, (bytes, length) -> {
                try {
                    recordForced(exchange, chainId, bytes == null ? null : java.util.Arrays.copyOf(bytes, length));
                } catch (IOException | RuntimeException e) {
                    failed(exchange, e);
                }
            }, e -> failed(exchange, e));
        } else {
            respond(exchange, 405, error("method_not_allowed", method + " on a forced-inclusion inbox"));
        }
    }

    private void recordForced(Exchange exchange, long chainId, byte[] body) throws IOException {
        if (body == null) {
            respond(exchange, 413, error("too_large", "body over " + MAX_BODY_BYTES + " bytes"));
            return;
        }
        byte[] canonicalTx;
        try {
            com.fasterxml.jackson.databind.JsonNode root = JSON.readTree(body);
            com.fasterxml.jackson.databind.JsonNode tx = root == null ? null : root.get("tx");
            if (tx == null || !tx.isTextual()) {
                respond(exchange, 400, error("invalid_forced_tx", "body must be {\"tx\": \"<hex of the canonical tx>\"}"));
                return;
            }
            canonicalTx = HexFormat.of().parseHex(tx.asText());
        } catch (IOException | IllegalArgumentException e) {
            respond(exchange, 400, error("invalid_forced_tx", "body is not {\"tx\": \"<hex>\"}: " + e.getMessage()));
            return;
        }
        ForcedInboxEntry entry;
        synchronized (inboxes) {
            ChainInbox inbox = inboxes.get(chainId);
            ForcedInboxRules rules = inbox != null ? inbox.rules : new ForcedInboxRules(
                    new AdmissionRules(chainId, forcedMaxTxSize, BatchLimits.DEFAULTS));
            byte[] txHash;
            try {
                txHash = rules.check(canonicalTx);
            } catch (IllegalArgumentException e) {
                respond(exchange, 400, error("invalid_forced_tx", "chain " + Long.toUnsignedString(chainId)
                        + " refuses this tx: " + e.getMessage()));
                return;
            }
            if (inbox == null) {
                inbox = new ChainInbox(rules);
                inboxes.put(chainId, inbox);
            }
            int before = inbox.inbox.size();
            entry = inbox.inbox.record(canonicalTx, txHash, chain.height());
            if (inbox.inbox.size() > before && !inbox.includedTxHashes.contains(entry.txHashHex())) {
                inbox.due.put(entry.txHashHex(), entry);
            }
        }
        respond(exchange, 200, entryJson(entry));
    }

    private void readInbox(Exchange exchange, long chainId) throws IOException {
        Map<String, String> query = queryOf(exchange.rawQuery());
        long from;
        int max;
        try {
            from = Long.parseLong(query.getOrDefault("from", "0"));
            max = Integer.parseInt(query.getOrDefault("max", "100"));
        } catch (NumberFormatException e) {
            respond(exchange, 400, error("bad_query", "from and max must be integers"));
            return;
        }
        if (from < 0 || max < 1 || max > MAX_INBOX_PAGE) {
            respond(exchange, 400, error("bad_query", "from must be >= 0 and max within 1.." + MAX_INBOX_PAGE));
            return;
        }
        ForcedInboxPage page;
        synchronized (inboxes) {
            ChainInbox inbox = inboxes.get(chainId);
            page = inbox == null ? new ForcedInboxPage(List.of(), chain.height())
                    : inbox.inbox.read(from, max, chain.height());
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("l1_height", page.l1Height());
        com.fasterxml.jackson.databind.node.ArrayNode entries = body.putArray("entries");
        page.entries().forEach(entry -> entries.add(entryJson(entry)));
        respond(exchange, 200, body);
    }

    private static Map<String, String> queryOf(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return query;
    }

    private static ObjectNode entryJson(ForcedInboxEntry entry) {
        ObjectNode body = JSON.createObjectNode();
        body.put("index", entry.index());
        body.put("l1_height", entry.l1Height());
        body.put("tx_hash", entry.txHashHex());
        body.put("tx", HexFormat.of().formatHex(entry.canonicalTx()));
        return body;
    }

    /** @return the entries of a chain's inbox that no accepted batch holds yet (for tests and inspection) */
    public List<ForcedInboxEntry> dueForcedEntries(long chainId) {
        synchronized (inboxes) {
            ChainInbox inbox = inboxes.get(chainId);
            return inbox == null ? List.of() : List.copyOf(inbox.due.values());
        }
    }

    private void inclusion(Exchange exchange, String id) throws IOException, InterruptedException,
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

    private static void respond(Exchange exchange, int status, Optional<ObjectNode> body) throws IOException {
        if (body.isPresent()) {
            respond(exchange, status, body.get());
        } else {
            respond(exchange, 404, error("not_found", "not included (yet)"));
        }
    }

    private static void respond(Exchange exchange, int status, ObjectNode body) throws IOException {
        exchange.send(status, "application/json", JSON.writeValueAsBytes(body));
    }

    /** Stops mining and serving. */
    @Override
    public void close() {
        miner.shutdownNow();
        server.close();
    }

    /**
     * Runs the devnet L1 as its own process: {@code L2_DEVNET_LISTEN_ADDR} (default {@code 127.0.0.1:9944}),
     * {@code L2_DEVNET_BLOCK_MS} (default 1000), {@code L2_DEVNET_FINALITY_DEPTH} (default 2),
     * {@code L2_DEVNET_CHECK_CONTENTS} (default false: {@link Checks#ENVELOPE}), {@code L2_FORCE_INCLUSION_BLOCKS}
     * (default 10).
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
        int forceBlocks;
        Checks checks;
        try {
            checks = Checks.fromEnvironment(System.getenv(CHECK_CONTENTS_VARIABLE));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
            blockMs = Long.parseLong(envOr("L2_DEVNET_BLOCK_MS", "1000"));
            depth = Integer.parseInt(envOr("L2_DEVNET_FINALITY_DEPTH", "2"));
            forceBlocks = Integer.parseInt(envOr(FORCE_INCLUSION_BLOCKS_VARIABLE,
                    Integer.toString(DEFAULT_FORCE_INCLUSION_BLOCKS)));
        } catch (NumberFormatException e) {
            System.err.println("devnet: not a number: " + e.getMessage());
            System.exit(2);
            return;
        }
        DevnetL1Server devnet = start(new InetSocketAddress(listen.substring(0, colon), port), blockMs, depth,
                checks);
        try {
            devnet.forceInclusionBlocks(forceBlocks);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            devnet.close();
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(devnet::close, "devnet-l1-shutdown"));
        Thread.currentThread().join();
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
