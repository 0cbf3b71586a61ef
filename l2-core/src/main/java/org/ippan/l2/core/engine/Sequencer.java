package org.ippan.l2.core.engine;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.batch.BatchCutter;
import org.ippan.l2.core.batch.BatchPlanner;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.proof.InclusionProof;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StoredBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sequencer engine's facade: build it, start it, submit txs, run its loops, read, close.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>No threads, no clocks.</b> The engine's work happens in {@link DutyLoop} steps ({@link #loops()}) that
 *       the host runs on its own executors (or with {@link SequencerRunner}), and on the threads that submit txs.
 *       Time comes from the injected {@link EpochClock} and {@link NanoClock}.</li>
 *   <li><b>Rooms.</b> This class only wires and delegates. {@link Leadership} holds the state machine, the term
 *       claim and fencing; {@link Admission} the rules, duplicate cache, cap, flat-combining group commit and
 *       pending pool; each loop ({@link Batcher}, {@link Poster}, {@link Reconciler}, {@link Retention},
 *       {@link Heartbeat}, {@link LeaderTasks}) gets a {@link LoopContext} with the narrow things it uses and wakes
 *       the others through {@link Signals}; no loop names another or this class.</li>
 *   <li><b>Storage is the truth; the term is the fencing token.</b> Every write (admission, batch commit, L1 state,
 *       heartbeat) is conditional on the term claimed at {@link #start()}; a write that meets a higher term makes
 *       this node {@link SequencerState#FENCED} at once, and it writes and posts nothing after that.</li>
 *   <li><b>Lease mode</b> ({@link LeaderMode#LEASE}): a {@link LeaseCampaign} loop decides who should try to lead;
 *       the winner claims the next term, and the term still decides whose writes count. <b>Rotating mode</b>
 *       ({@link LeaderMode#ROTATING}) adds a {@link Rotation}: only the key the {@link LeaderSchedule} names may
 *       campaign, and it hands over at the end of its epoch.</li>
 * </ul>
 *
 * <p>Thread-safe: submissions may come from any number of threads; each loop must be run by one thread at a time,
 * different loops may run in parallel.
 */
public final class Sequencer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);

    private final SequencerConfig config;
    private final Storage storage;
    private final Optional<EnvelopeSigner> signer;
    private final EpochClock wallClock;
    private final Signals signals;
    private final Leadership leadership;
    private final Admission admission;
    private final Batcher batcher;
    private final Poster poster;
    private final List<DutyLoop> loops;
    private final LeaseCampaign campaign; // lease mode: who should try to lead; null in single mode
    private final StatusReport statusReport;
    private final ChainReads reads;
    private final ForcedTickets forcedTickets;
    private final SequencerControl control;

    private Sequencer(SequencerSettings<?> b) {
        this.config = b.config;
        Health health = new Health(config.l1FailureThreshold());
        this.storage = new HealthCheckedStorage(b.storage, health);
        this.signer = Optional.ofNullable(b.signer);
        this.wallClock = b.wallClock;
        LoopErrors errors = new LoopErrors(health, b.metrics, b.errorHandler);
        this.signals = new Signals(b.errorHandler);
        boolean leaseMode = config.leaderMode().usesLease();
        this.leadership = new Leadership(Candidacy.fromConfig(config), leaseMode, config.leaderId(), storage,
                b.wallClock, b.nanoClock, b.metrics, health);
        LiveLimits limits = new LiveLimits(RuntimeLimits.of(config));
        this.admission = new Admission(config, leadership, storage, b.signer, b.wallClock, b.nanoClock, b.metrics,
                health, b.errorHandler, signals, limits);
        LoopContext ctx = new LoopContext(storage, leadership, b.wallClock, health, b.metrics, errors, signals);
        BatchPlanner planner = new BatchPlanner(config.chainId(), new BatchCutter(config.batchLimits()), b.ordering);
        this.batcher = new Batcher(ctx, admission.pool(), admission::recover, planner, b, config, limits);
        this.poster = new Poster(ctx, b.l1, config.maxPostsInFlight(), config.postBackoff(), b.randomSeed);
        Reconciler reconciler = new Reconciler(ctx, b.l1, config);
        Heartbeat heartbeat = new Heartbeat(ctx, config.heartbeatIntervalMs());
        Retention retention = new Retention(ctx, config);
        LeaderTasks leaderTasks = new LeaderTasks(leadership, errors, ForcedInclusionWatcher.withWatcher(
                b.leaderTasks, config, b.l1, storage, leadership, admission, b.metrics));
        Rotation rotation = config.leaderSchedule().map(s -> new Rotation(s, b.signer == null || config.role()
                != Role.LEADER ? -1 : s.indexOf(Hex.encode(b.signer.publicKey())), config.leaseRenewMs(), b.wallClock,
                b.nanoClock)).orElse(null);
        this.campaign = leaseMode ? new LeaseCampaign(b.leaseStore, leadership, config, b.nanoClock, b.wallClock,
                b.metrics, errors, rotation, this::lastWrites) : null;
        this.loops = leaseMode ? List.of(campaign, batcher, poster, reconciler, retention, heartbeat, leaderTasks)
                : List.of(batcher, poster, reconciler, retention, heartbeat, leaderTasks);
        signals.bind(batcher, poster, reconciler, heartbeat, leaderTasks);
        String leaderPubkey = signer.map(s -> Hex.encode(s.publicKey())).orElse(config.leaderId());
        this.reads = new ChainReads(storage);
        this.forcedTickets = new ForcedTickets(config, storage, b.l1, leadership, b.wallClock, reconciler::l1Height);
        this.statusReport = new StatusReport(config, storage, leadership, health, leaderPubkey,
                reconciler::l1Height, reconciler::l1FinalizedHeight, campaign == null ? null : campaign::view,
                rotation == null ? null : rotation::view, limits);
        this.control = new SequencerControl(ctx, config, admission, batcher, poster, limits, campaign, this::stepDown);
        leadership.hooks(control::recover, term -> {
            leaderTasks.start(term);
            signals.leadershipGained();
        }, leaderTasks::stop, admission::failQueued);
    }

    /** @return a builder; storage, the L1 poster and the configuration are required (and in lease mode the lease) */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Sequencer}: the settings of {@link SequencerSettings}, then {@link #build()}. */
    public static final class Builder extends SequencerSettings<Builder> {
        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Builds the engine, not started.
         *
         * @return the engine
         * @throws IllegalArgumentException naming the first missing or invalid field
         * @throws org.ippan.l2.core.crypto.KeyLoadException if the configured key file cannot be used
         */
        public Sequencer build() {
            validate();
            return new Sequencer(this);
        }
    }

    /**
     * Starts the node in its configured role. A leader claims its term in storage with a compare-and-set (a higher
     * term, or the same term of another leader id, refuses it), then rebuilds its state from storage alone.
     *
     * @throws SequencerStartException if the term is refused or storage fails; the node then stays {@code NEW}
     * @throws IllegalStateException if already started
     */
    public void start() {
        leadership.start();
    }

    /**
     * Stops leading, gracefully (a hand-over): admission stops (queued submissions are refused {@code NOT_LEADER}),
     * the group commit in flight finishes, the last heartbeat is recorded, and in lease mode the lease is released so
     * a standby takes over within about one renew period, while this node stands by for one time to live. In single
     * mode the node stays a follower until restarted. Call it before {@link #close} for a deploy without downtime.
     *
     * @return true if this node was leading
     */
    public boolean stepDown() {
        if (campaign != null) {
            return campaign.handOver(this::lastWrites);
        }
        long term = leadership.term();
        boolean led = leadership.stepDown("stepped down");
        if (led) {
            lastWrites(term);
        }
        return led;
    }

    /** After stepping down: waits for the group commit in flight, then records the last heartbeat, best effort. */
    private void lastWrites(long term) {
        admission.awaitWriter();
        try {
            storage.heartbeat(term, wallClock.currentTimeMs());
        } catch (RuntimeException e) {
            LOG.warn("could not record the last heartbeat after stepping down: {}", e.toString());
        }
    }

    /** @return in lease mode, the leader as last seen in the lease store; empty in single mode or when none is known */
    public Optional<LeaderHint> leaderHint() {
        return campaign == null ? Optional.empty() : campaign.leaderHint();
    }

    /**
     * Stops the node: no more admissions (queued submissions are refused), no loop does anything, leader tasks are
     * stopped. Storage and the L1 poster belong to the host, which closes them. Idempotent.
     */
    @Override
    public void close() {
        leadership.close();
    }

    /** @return the current state */
    public SequencerState state() {
        return leadership.state();
    }

    /** @return why the node is in its current state */
    public String stateReason() {
        return leadership.stateReason();
    }

    /** @return the {@link NanoClock} time of the last state change */
    public long timeOfLastStateChangeNs() {
        return leadership.timeOfLastStateChangeNs();
    }

    /**
     * Submits a tx and waits until it is durable (or refused). The calling thread may itself write a group of
     * queued submissions (flat combining); it does so only until its own tx is written.
     *
     * @return the typed result: accepted with its sequence number (possibly as a duplicate), or refused
     */
    public SubmitResult submit(Tx tx) {
        return admission.submit(tx);
    }

    /**
     * Submits txs as one group, sequenced in list order; like {@link #submitAll(List, SubmitResults)}, but makes a
     * {@link SubmitResult} per tx.
     *
     * @return one result per tx, in order
     * @throws NullPointerException if {@code txs} or one of its txs is null (then nothing is submitted)
     */
    public List<SubmitResult> submitAll(List<Tx> txs) {
        return admission.submitAll(txs);
    }

    /**
     * Submits txs as one group, sequenced in list order, and waits until each is durable or refused. Its queued
     * txs are written in order, in as few storage writes as the group limit allows; if the admission cap leaves room
     * for only some, the first in list order are queued and the others refused {@code QUEUE_FULL}. Answers go into
     * {@code results}, emptied first: a host that reuses one per thread admits txs without an object per tx.
     *
     * @param txs the txs, in the order they are to be sequenced
     * @param results where the answers go, one per tx in order
     * @return {@code results}
     * @throws NullPointerException if an argument or one of the txs is null (then nothing is submitted)
     */
    public SubmitResults submitAll(List<Tx> txs, SubmitResults results) {
        return admission.submitAll(txs, results);
    }

    /**
     * Submits a tx; the future completes when it is durable or refused (never exceptionally). The calling thread
     * may itself write the group that holds its tx (flat combining), and the queued {@code submitAsync} calls after
     * it that no thread waits for, so it may block for a storage write.
     *
     * @return the future result
     */
    public CompletableFuture<SubmitResult> submitAsync(Tx tx) {
        return admission.submitAsync(tx);
    }

    /** @return the control room: pause / resume posting, flush, step down, run-time limits, each with who asked */
    public SequencerControl control() {
        return control;
    }

    /** Asks the batcher to cut whatever is pending at its next step, without waiting for the limits. */
    public void flush() {
        batcher.requestFlush();
        signals.cutRequested();
    }

    /**
     * Resumes posting after L1 refused a batch permanently (posting halted, readiness red): the refused batches
     * are posted again, in order, with the same key. Use it once the cause is fixed on the L1 side.
     *
     * @return true if posting was halted and is resumed
     */
    public boolean resumePosting() {
        boolean resumed = poster.resume();
        signals.postingResumed();
        return resumed;
    }

    /** @return the engine's loops, for a host that runs them on its own executors */
    public List<DutyLoop> loops() {
        return loops;
    }

    /**
     * Runs one step of every loop, in order (batcher, poster, reconciler, heartbeat, leader tasks): for tests and
     * hosts that drive the engine from a single thread.
     *
     * @return the total work done
     */
    public int doWork(long nowNs) {
        int work = 0;
        for (DutyLoop loop : loops) {
            work += loop.doWork(nowNs);
        }
        return work;
    }

    /**
     * Registers what to run when new work appears outside a loop step (a tx admitted, an L1 answer arrived), so a
     * runner can step the loops at once instead of at their next deadline. The listener is told which loop has
     * the work: a tx admitted wakes the batcher, a batch cut the poster, an L1 answer the loop that asked. It is
     * called on the thread that made the work (an admitting thread, a loop, an L1 client's thread) and must not
     * block. {@link SequencerRunner} registers itself; one listener at a time.
     */
    public void onWorkAvailable(Consumer<DutyLoop> listener) {
        signals.onWorkAvailable(listener);
    }

    /** @return the accepted tx with {@code hash} and its batch, if storage has it */
    public Optional<TxInfo> findTx(Hash hash) {
        return reads.findTx(hash);
    }

    /** @return the batch with {@code batchHash}, if storage has it */
    public Optional<StoredBatch> findBatch(Hash batchHash) {
        return storage.findBatch(batchHash.toBytes());
    }

    /** @return the batch numbered {@code batchNumber}, if storage has it */
    public Optional<StoredBatch> findBatchByNumber(long batchNumber) {
        return storage.findBatchByNumber(batchNumber);
    }

    /** @return up to {@code maxCount} batches from {@code fromNumber}, ascending */
    public List<StoredBatch> listBatches(long fromNumber, int maxCount) {
        return storage.listBatches(fromNumber, maxCount);
    }

    /** @return the hashes of the txs of {@code batch} (as a read here returned it), in the batch's order */
    public List<Hash> batchTxHashes(StoredBatch batch) {
        return reads.batchTxHashes(batch);
    }

    /**
     * @param txHash the tx hash
     * @return the signed admission receipt of the accepted tx (receipts v1), rebuilt from storage; empty if no tx
     *         has that hash or it was admitted without one (no key, an inclusion deadline of 0, before receipts)
     * @throws org.ippan.l2.storage.StorageException if storage fails, or holds a seal that is not a receipt group
     */
    public Optional<AdmissionReceipt> receipt(Hash txHash) {
        return reads.receipt(txHash);
    }

    /**
     * @param txHash the tx hash
     * @return the inclusion proof of the accepted tx (inclusion proofs v1): its batch's signed L1 request, the link
     *         before and where L1 has it; empty if no tx has that hash, not in a batch yet, or pruned (see findTx)
     * @throws org.ippan.l2.storage.StorageException if storage fails, or its batch does not hold the tx
     */
    public Optional<InclusionProof> inclusionProof(Hash txHash) {
        return reads.inclusionProof(txHash);
    }

    /**
     * Forces a tx through the chain's L1 inbox (the upstream's {@code POST /tx/force}): the leader relays it to the
     * inbox, where the L1 contract makes it due within {@code forceInclusionBlocks} blocks, and stores a ticket.
     * Blocks for the L1's answer (at most 30 s) and one storage write.
     *
     * @param tx the tx
     * @return the ticket taken, or why not (not leading, a broken rule, a duplicate ticket, the account's limit,
     *         no inbox, the L1 failing or refusing)
     */
    public ForceOutcome forceInclusion(Tx tx) {
        return forcedTickets.force(tx);
    }

    /**
     * @param txHash the tx hash
     * @return its forced-inclusion ticket with the status read now, or empty if none was taken
     */
    public Optional<ForcedTicketView> forcedTicket(Hash txHash) {
        return forcedTickets.find(txHash);
    }

    /** @return the public key envelopes are signed with, or empty when they are posted unsigned */
    public Optional<byte[]> publicKey() {
        return signer.map(EnvelopeSigner::publicKey);
    }

    /** @return the configuration */
    public SequencerConfig config() {
        return config;
    }

    /** @return the readiness verdict and its reasons */
    public Readiness readiness() {
        return statusReport.readiness();
    }

    /**
     * A snapshot for {@code GET /status}. Counts, the chain head and the heartbeat are read from storage; if
     * storage fails, the last known values are shown and readiness says storage is failing.
     */
    public SequencerStatus status() {
        return statusReport.status();
    }

    /** @return the admission room (tests: its queue and the pool recovery rebuilt) */
    Admission admission() {
        return admission;
    }
}
