package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.ippan.l2.core.admission.AdmissionRules;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.batch.BatchCutter;
import org.ippan.l2.core.batch.BatchPlanner;
import org.ippan.l2.core.batch.OrderingPolicy;
import org.ippan.l2.core.batch.PendingTx;
import org.ippan.l2.core.crypto.SequencerKeys;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.internal.Unshared;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TermClaim;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TermRefused;
import org.ippan.l2.storage.TxAppend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sequencer engine: admission, the leader state machine and the loops that cut, post and confirm batches.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>No threads, no clocks.</b> The engine's work happens in {@link DutyLoop} steps ({@link #loops()}) that
 *       the host runs on its own executors (or with {@link SequencerRunner}), and on the threads that submit txs.
 *       Time comes from the injected {@link EpochClock} and {@link NanoClock}.</li>
 *   <li><b>Storage is the truth; the term is the fencing token.</b> {@link #start()} claims the term with a
 *       compare-and-set and rebuilds everything from storage alone. Every write (admission, batch commit, L1 state,
 *       heartbeat) is conditional on the term; a write that meets a higher term moves this node to
 *       {@link SequencerState#FENCED} at once, and nothing is written or posted by it after that.</li>
 *   <li><b>Admission is group commit by flat combining.</b> A submission is checked against the rules, answered
 *       from the duplicate cache if it can be, and queued; the submitting thread that takes the commit lock writes
 *       queued submissions in term-conditional storage writes of up to {@code maxAdmissionGroup}, until its own is
 *       written, then wakes the thread waiting for the next queued one to carry on; the others wait. A tx is
 *       acknowledged only once that write returned, with its admission sequence number.</li>
 *   <li><b>Loops.</b> The batcher cuts and commits batches (batch, cursor, head, signed envelope and L1 request
 *       in one write); the poster posts committed batches in order with their idempotency key; the reconciler
 *       moves them to included and confirmed and re-queues what L1 lost; the heartbeat records liveness; leader
 *       tasks run only while this node leads.</li>
 * </ul>
 *
 * <p>Thread-safe: submissions may come from any number of threads; each loop must be run by one thread at a time
 * (different loops may run in parallel).
 */
public final class Sequencer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    private static final int RECOVERY_PAGE = 10_000;

    final SequencerConfig config;
    final Storage storage;
    final L1Poster l1;
    final Optional<EnvelopeSigner> signer;
    final EpochClock wallClock;
    final NanoClock nanoClock;
    final SequencerMetrics metrics;
    final ErrorHandler errorHandler;
    final AdmissionRules rules;
    final BatchPlanner planner;
    final Health health;
    final PendingPool pool = new PendingPool();
    private final String leaderPubkey;
    /** Recently admitted txs, to answer resubmissions without a write; null when {@code dedupCacheSize} is 0. */
    private final RecentTxs recentTxs;

    private final ConcurrentLinkedQueue<Submission> queue = new ConcurrentLinkedQueue<>();
    /** Txs queued and not yet written, counted against the admission cap. */
    private final AtomicInteger queued = new AtomicInteger();
    private final ReentrantLock commitLock = new ReentrantLock();
    /** The group being written, with each tx, its submission and its index there; guarded by commitLock. */
    private final TxAppend group = new TxAppend();
    private Tx[] groupTxs = new Tx[16];
    private Submission[] groupOwners = new Submission[16];
    private int[] groupIndexes = new int[16];
    /** The answer when the admission cap is reached. */
    private final Refusal queueFull;

    private final Object stateLock = new Object();
    private volatile SequencerState state = SequencerState.NEW;
    private volatile String stateReason = "built, not started";
    private volatile long timeOfLastStateChangeNs;
    private volatile Consumer<DutyLoop> workListener = loop -> {};
    private volatile SequencerStatus lastStatus;

    final Batcher batcher;
    final Poster poster;
    final Reconciler reconciler;
    final Heartbeat heartbeat;
    final LeaderTasks leaderTasks;
    private final List<DutyLoop> loops;

    private Sequencer(Builder b) {
        this.config = b.config;
        this.storage = b.storage;
        this.l1 = b.l1;
        this.signer = Optional.ofNullable(b.signer);
        this.wallClock = b.wallClock;
        this.nanoClock = b.nanoClock;
        this.metrics = b.metrics;
        this.errorHandler = b.errorHandler;
        this.rules = new AdmissionRules(config.chainId(), config.maxTxSize(), config.batchLimits());
        this.planner = new BatchPlanner(config.chainId(), new BatchCutter(config.batchLimits()), b.ordering);
        this.health = new Health(config.l1FailureThreshold());
        this.leaderPubkey = signer.map(s -> Hex.encode(s.publicKey())).orElse(config.leaderId());
        // eviction on the writing thread, not later on the common pool: a size of 0 then really disables the cache
        this.recentTxs = config.dedupCacheSize() == 0 ? null : new RecentTxs(config.dedupCacheSize());
        this.queueFull = new Refusal(RefusalCode.QUEUE_FULL, "admission cap of " + config.admissionCap()
                + " pending txs reached; retry later", Math.max(1, config.batchLimits().maxWaitMs()));
        this.timeOfLastStateChangeNs = nanoClock.nanoTime();
        this.batcher = new Batcher(this);
        this.poster = new Poster(this, b.randomSeed);
        this.reconciler = new Reconciler(this);
        this.heartbeat = new Heartbeat(this);
        this.leaderTasks = new LeaderTasks(this, b.leaderTasks);
        this.loops = List.of(batcher, poster, reconciler, heartbeat, leaderTasks);
    }

    /** @return a builder; storage, the L1 poster and the configuration are required */
    public static Builder builder() {
        return new Builder();
    }

    // ---- lifecycle and the state machine --------------------------------------------------------------------

    /**
     * Starts the node in its configured role. A leader claims its term in storage with a compare-and-set (a stored
     * higher term, or the same term held by another leader id, refuses the start) and rebuilds its state from
     * storage alone: pending txs, next sequence and batch numbers, chain head, batches to post and to confirm.
     *
     * @throws SequencerStartException if the term is refused or storage fails; the node then stays {@code NEW}
     * @throws IllegalStateException if already started
     */
    public void start() {
        synchronized (stateLock) {
            if (state != SequencerState.NEW) {
                throw new IllegalStateException("already started (state " + state + ")");
            }
            if (config.role() == Role.FOLLOWER) {
                transition(SequencerState.FOLLOWER, "started as a read-only follower");
                return;
            }
            long term = config.term();
            TermClaim claim;
            try {
                claim = storage.claimTerm(term, config.leaderId(), wallClock.currentTimeMs());
            } catch (StorageException e) {
                health.storageFailed(e);
                throw new SequencerStartException("storage failed while claiming term " + term + ": "
                        + e.getMessage(), e);
            }
            if (claim instanceof TermRefused refused) {
                throw new SequencerStartException(refusalMessage(refused));
            }
            try {
                recover();
            } catch (StorageException e) {
                health.storageFailed(e);
                throw new SequencerStartException("storage failed while recovering state: " + e.getMessage(), e);
            }
            TermGranted granted = (TermGranted) claim;
            transition(SequencerState.LEADER, "claimed term " + term + " (storage held term "
                    + granted.previousTerm() + (granted.previousLeaderId() == null ? "" : " of "
                    + granted.previousLeaderId()) + ")");
        }
        leaderTasks.start(config.term());
        signalWork();
    }

    private String refusalMessage(TermRefused refused) {
        long term = config.term();
        if (refused.storedTerm() > term) {
            return "storage holds term " + refused.storedTerm() + " (leader " + refused.storedLeaderId()
                    + "), higher than this node's LEADER_TERM=" + term + ": it may not lead; to promote it, restart "
                    + "with LEADER_TERM=" + (refused.storedTerm() + 1);
        }
        return "term " + term + " is already held by leader " + refused.storedLeaderId() + "; another leader ("
                + config.leaderId() + ") needs a higher term: restart with LEADER_TERM=" + (term + 1);
    }

    /** Rebuilds the in-memory view from storage: the pending txs and the chain head. */
    void recover() {
        SequenceState sequence = storage.readSequenceState();
        List<PendingTx> pending = new ArrayList<>((int) Math.min(sequence.pendingCount(), 1_000_000));
        long from = sequence.nextUnbatchedSeq();
        while (from < sequence.nextSeq()) {
            List<StoredTx> page = storage.readTxs(from, RECOVERY_PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (StoredTx stored : page) {
                if (stored.seq() >= sequence.nextSeq()) {
                    break;
                }
                pending.add(PendingTx.fromStored(stored));
            }
            from = page.get(page.size() - 1).seq() + 1;
        }
        pool.reset(sequence, pending);
        health.storageOk();
        poster.requestRefresh();
    }

    /**
     * Called by every write that met a higher term: the node is {@link SequencerState#FENCED} from now on.
     *
     * @param storedTerm the term storage holds
     * @param where which write met it
     */
    void fence(long storedTerm, String where) {
        synchronized (stateLock) {
            if (state != SequencerState.LEADER) {
                return;
            }
            transition(SequencerState.FENCED, "storage holds term " + storedTerm + ", higher than this node's term "
                    + config.term() + " (seen by " + where + "); stopped admitting, cutting, posting and heartbeating");
        }
        leaderTasks.stop("fenced by term " + storedTerm);
        failQueued();
    }

    /** The one transition funnel: logs, stamps the time and reports the change. */
    private void transition(SequencerState to, String reason) {
        SequencerState from = state;
        state = to;
        stateReason = reason;
        timeOfLastStateChangeNs = nanoClock.nanoTime();
        if (to == SequencerState.FENCED) {
            LOG.warn("{} -> {}: {}", from, to, reason);
        } else {
            LOG.info("{} -> {}: {}", from, to, reason);
        }
        metrics.recordStateChange(from, to);
    }

    /**
     * Stops the node: no more admissions (queued submissions are refused), no loop does anything, leader tasks are
     * stopped. Storage and the L1 poster belong to the host, which closes them. Idempotent.
     */
    @Override
    public void close() {
        boolean wasLeader;
        synchronized (stateLock) {
            if (state == SequencerState.CLOSED) {
                return;
            }
            wasLeader = state == SequencerState.LEADER;
            transition(SequencerState.CLOSED, "closed");
        }
        if (wasLeader) {
            leaderTasks.stop("closed");
        }
        failQueued();
    }

    /** @return the current state */
    public SequencerState state() {
        return state;
    }

    /** @return why the node is in its current state */
    public String stateReason() {
        return stateReason;
    }

    /** @return the {@link NanoClock} time of the last state change */
    public long timeOfLastStateChangeNs() {
        return timeOfLastStateChangeNs;
    }

    /**
     * How far ahead a loop's deadline lies while this engine does not lead: it has nothing to do until it leads,
     * and {@link #start()} signals work when it does (a deadline of "now" made a runner step idle loops without end).
     */
    static final long NOT_LEADING_IDLE_NS = 1_000_000_000L;

    boolean isLeader() {
        return state == SequencerState.LEADER;
    }

    long term() {
        return config.term();
    }

    // ---- admission ---------------------------------------------------------------------------------------------

    /**
     * Submits a tx and waits until it is durable (or refused). The calling thread may itself write a group of
     * queued submissions (flat combining); it does so only until its own tx is written.
     *
     * @return the typed result: accepted with its sequence number (possibly as a duplicate), or refused
     */
    public SubmitResult submit(Tx tx) {
        Objects.requireNonNull(tx, "tx");
        SubmitResult early = answerBeforeQueueing(tx);
        if (early != null) {
            return early;
        }
        Submission submission = new Submission(tx, null, 1, null, nanoClock.nanoTime(), Thread.currentThread());
        queue.add(submission);
        await(submission);
        return submission.result;
    }

    /**
     * Submits txs as one group: they are sequenced in list order, and the admissible ones share storage writes.
     * The calling thread may itself write groups of queued submissions, until its own txs are written. Makes a
     * {@link SubmitResult} per tx; {@link #submitAll(List, SubmitResults)} answers into reusable columns instead.
     *
     * @return one result per tx, in order
     * @throws NullPointerException if {@code txs} or one of its txs is null (then nothing is submitted)
     */
    public List<SubmitResult> submitAll(List<Tx> txs) {
        Objects.requireNonNull(txs, "txs");
        return submitAll(txs, new SubmitResults(txs.size())).toList();
    }

    /**
     * Submits txs as one group, like {@link #submitAll(List)}, and answers into {@code results}, which it empties
     * first: a host that reuses one {@link SubmitResults} per thread admits txs without an object per tx. The
     * queued txs of the call are one submission: written in order, in as few storage writes as the group limit
     * allows.
     *
     * @param txs the txs, in the order they are to be sequenced
     * @param results where the answers go, one per tx in order
     * @return {@code results}
     * @throws NullPointerException if an argument or one of the txs is null (then nothing is submitted)
     */
    public SubmitResults submitAll(List<Tx> txs, SubmitResults results) {
        Objects.requireNonNull(txs, "txs");
        Objects.requireNonNull(results, "results");
        for (int i = 0; i < txs.size(); i++) {
            if (txs.get(i) == null) {
                throw new NullPointerException("txs[" + i + "]");
            }
        }
        Unshared.Admission answers = Unshared.admission();
        answers.reset(results, txs);
        if (txs.isEmpty()) {
            return results;
        }
        if (state != SequencerState.LEADER) {
            Refusal refusal = Refusal.of(RefusalCode.NOT_LEADER, notLeaderMessage());
            for (int i = 0; i < txs.size(); i++) {
                answers.refuse(results, i, refusal);
            }
            metrics.recordRejected(RefusalCode.NOT_LEADER, txs.size());
            return results;
        }
        int candidates = 0;
        int fromCache = 0;
        for (int i = 0; i < txs.size(); i++) {
            Tx tx = results.tx(i);
            Refusal refusal = rules.check(tx).orElse(null);
            if (refusal != null) {
                answers.refuse(results, i, refusal);
                metrics.recordRejected(refusal.code(), 1);
                continue;
            }
            long knownSeq = cachedSeq(tx);
            if (knownSeq != RecentTxs.ABSENT) {
                answers.accept(results, i, knownSeq, true);
                fromCache++;
            } else {
                candidates++;
            }
        }
        // the cap takes the first candidates in list order; the rest are refused
        int toQueue = reserve(candidates);
        if (toQueue < candidates) {
            int skipped = 0;
            for (int i = 0; i < txs.size(); i++) {
                if (answers.isPending(results, i) && skipped++ >= toQueue) {
                    answers.refuse(results, i, queueFull);
                }
            }
            metrics.recordRejected(RefusalCode.QUEUE_FULL, candidates - toQueue);
        }
        if (fromCache > 0) {
            metrics.recordDuplicatesFromCache(fromCache);
        }
        if (toQueue > 0) {
            Submission submission = new Submission(null, results, toQueue, null, nanoClock.nanoTime(),
                    Thread.currentThread());
            queue.add(submission);
            await(submission);
        }
        return results;
    }

    /**
     * Submits a tx; the future completes when it is durable or refused (it never completes exceptionally). Many
     * concurrent submissions share one storage write. The calling thread may itself perform the group write that
     * holds its tx (flat combining), so it may block for a storage write; it also writes the queued submissions
     * after its own that no thread waits for (other {@code submitAsync} calls), since nobody else is sure to.
     *
     * @return the future result
     */
    public CompletableFuture<SubmitResult> submitAsync(Tx tx) {
        Objects.requireNonNull(tx, "tx");
        SubmitResult early = answerBeforeQueueing(tx);
        if (early != null) {
            return CompletableFuture.completedFuture(early);
        }
        Submission submission = new Submission(tx, null, 1, new CompletableFuture<>(), nanoClock.nanoTime(), null);
        queue.add(submission);
        combineUntilDone(submission);
        return submission.future;
    }

    /**
     * Answers a single tx that is not to be queued: not leading, a broken rule, a duplicate the cache knows, the
     * admission cap reached. Otherwise the tx counts against the cap, as queued.
     *
     * @return the answer, or null if the tx is to be queued
     */
    private SubmitResult answerBeforeQueueing(Tx tx) {
        if (state != SequencerState.LEADER) {
            metrics.recordRejected(RefusalCode.NOT_LEADER, 1);
            return SubmitResult.Refused.of(RefusalCode.NOT_LEADER, notLeaderMessage());
        }
        Optional<Refusal> refusal = rules.check(tx);
        if (refusal.isPresent()) {
            metrics.recordRejected(refusal.get().code(), 1);
            return new SubmitResult.Refused(refusal.get());
        }
        long knownSeq = cachedSeq(tx);
        if (knownSeq != RecentTxs.ABSENT) {
            metrics.recordDuplicatesFromCache(1);
            return new SubmitResult.Accepted(tx.hash(), knownSeq, true);
        }
        if (reserve(1) == 0) {
            metrics.recordRejected(RefusalCode.QUEUE_FULL, 1);
            return new SubmitResult.Refused(queueFull);
        }
        return null;
    }

    /** Hashes the tx (before the commit lock, so the writer does not) and looks it up in the duplicate cache. */
    private long cachedSeq(Tx tx) {
        Hash hash = tx.hash();
        return recentTxs == null ? RecentTxs.ABSENT : recentTxs.seqOf(Unshared.wire().bytes(hash));
    }

    /**
     * Counts up to {@code wanted} txs as queued, as many as fit under the admission cap.
     *
     * @return how many were counted: the first that many candidates are queued, the others refused
     */
    private int reserve(int wanted) {
        if (wanted == 0) {
            return 0;
        }
        long pending = pool.pendingCount();
        while (true) {
            int alreadyQueued = queued.get();
            int granted = (int) Math.max(0, Math.min(wanted, config.admissionCap() - pending - alreadyQueued));
            if (granted == 0 || queued.compareAndSet(alreadyQueued, alreadyQueued + granted)) {
                return granted;
            }
        }
    }

    private String notLeaderMessage() {
        return switch (state) {
            case FOLLOWER -> "this node (" + config.leaderId() + ") is a read-only follower";
            case FENCED -> "this node was fenced: " + stateReason;
            case NEW -> "this node is not started";
            default -> "this node is closed";
        };
    }

    /*
     * Flat combining with a bounded combiner. Whoever takes the commit lock writes queued submissions in groups,
     * in queue order, until its own submission is written; then it releases the lock and, if submissions are still
     * queued, passes the work on: it wakes the thread waiting for the first of them (which takes the lock and
     * writes it, and perhaps more), or, when no thread waits for it (submitAsync), writes that one itself. So no
     * caller writes for others for ever under sustained load, and nothing queued is left without a writer: every
     * thread that releases the lock looks at the queue after unlocking, and a submitter that failed to take the
     * lock had queued its submission before that. A submission leaves the queue once its last tx is in a group,
     * so the head of the queue is never a submission that is done.
     */

    /** Waits until {@code own} is done, combining when the lock is free; parks otherwise. */
    private void await(Submission own) {
        boolean interrupted = false;
        while (!combineUntilDone(own)) {
            LockSupport.park(this); // woken when own is done, or when the work is passed to this thread
            interrupted |= Thread.interrupted(); // like join(): keep waiting, restore the flag at the end
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes groups until {@code own} is done, if the commit lock is free; passes the rest on (see above).
     *
     * @return true if {@code own} is done, false if another thread holds the lock and it is not done yet
     */
    private boolean combineUntilDone(Submission own) {
        Submission target = own;
        while (!target.done) {
            if (!commitLock.tryLock()) {
                return own.done; // the holder, or the thread it wakes, writes target
            }
            try {
                while (!target.done && pollGroup() > 0) {
                    writeGroup();
                }
            } finally {
                commitLock.unlock();
            }
            Submission next = queue.peek(); // after unlocking: pass the rest on
            if (next == null) {
                break;
            }
            if (next.waiter != null) {
                if (next.waiter != Thread.currentThread()) { // else: this caller's own, written at its next await
                    LockSupport.unpark(next.waiter);
                }
                break;
            }
            target = next; // nobody waits for it: write it too
        }
        return own.done;
    }

    /** Writes everything queued (on fencing and closing, when the writer refuses it all). */
    private void drain() {
        if (commitLock.isHeldByCurrentThread()) {
            // fenced by this thread's own group write: writing more groups here would reuse the group being
            // answered (its txs were left without an answer, their callers waiting for ever); the writer passes
            // the queue on after unlocking, and every later group is refused, the node no longer leading
            return;
        }
        while (queue.peek() != null) {
            if (!commitLock.tryLock()) {
                return; // the holder writes it: it looks at the queue after unlocking
            }
            try {
                while (pollGroup() > 0) {
                    writeGroup();
                }
            } finally {
                commitLock.unlock();
            }
        }
    }

    /**
     * Fills the group (under the commit lock) with up to {@code maxAdmissionGroup} queued txs, in queue order,
     * taking a submission off the queue once its last queued tx is in the group.
     *
     * @return the number of txs in the group
     */
    private int pollGroup() {
        group.clear();
        Submission head = queue.peek();
        if (head == null) {
            return 0;
        }
        long nowMs = wallClock.currentTimeMs();
        int max = config.maxAdmissionGroup();
        Unshared.Admission answers = Unshared.admission();
        for (Submission s = head; s != null && group.size() < max; s = queue.peek()) {
            if (s.tx != null) {
                addToGroup(s, 0, s.tx, nowMs);
            } else {
                int count = s.results.size();
                while (group.size() < max && s.next < count) {
                    int i = s.next++;
                    if (answers.isPending(s.results, i)) {
                        addToGroup(s, i, s.results.tx(i), nowMs); // the call's own copy, not the caller's list
                    }
                }
                while (s.next < count && !answers.isPending(s.results, s.next)) {
                    s.next++; // answered before queueing: nothing left of the submission to write there
                }
                if (s.next < count) {
                    break; // the group is full
                }
            }
            queue.poll();
        }
        return group.size();
    }

    private void addToGroup(Submission owner, int index, Tx tx, long nowMs) {
        int k = group.size();
        if (k == groupOwners.length) {
            groupOwners = Arrays.copyOf(groupOwners, 2 * k);
            groupIndexes = Arrays.copyOf(groupIndexes, 2 * k);
            groupTxs = Arrays.copyOf(groupTxs, 2 * k);
        }
        Unshared.Wire wire = Unshared.wire();
        // the tx's own arrays, not copies: storage hand-overs that nobody mutates
        group.add(wire.bytes(tx.hash()), wire.encoding(tx), nowMs);
        groupOwners[k] = owner;
        groupIndexes[k] = index;
        groupTxs[k] = tx;
    }

    /** Writes the group in one storage write and answers every tx of it (under the commit lock). */
    private void writeGroup() {
        int n = group.size();
        try {
            if (state != SequencerState.LEADER) {
                refuseGroup(Refusal.of(RefusalCode.NOT_LEADER, notLeaderMessage()));
                return;
            }
            AppendOutcome outcome;
            try {
                outcome = storage.appendTxs(config.term(), group);
            } catch (StorageException e) {
                health.storageFailed(e);
                pool.markInconsistent(); // the write may have applied after all: rebuild the view from storage
                errorHandler.onError("admission", e);
                refuseGroup(Refusal.of(RefusalCode.UNAVAILABLE, "storage failed (" + e.getMessage()
                        + "); the txs may or may not be stored: resubmit them, resubmission is idempotent"));
                return;
            }
            health.storageOk();
            if (outcome instanceof Fenced fenced) {
                fence(fenced.storedTerm(), "admission");
                refuseGroup(Refusal.of(RefusalCode.NOT_LEADER, notLeaderMessage()));
                return;
            }
            group.requireResults();
            pool.appended(group, groupTxs);
            int duplicates = 0;
            for (int k = 0; k < n; k++) {
                long seq = group.seq(k);
                boolean duplicate = group.isDuplicate(k);
                if (duplicate) {
                    duplicates++;
                }
                if (recentTxs != null) {
                    recentTxs.put(group.txHash(k), seq);
                }
                groupOwners[k].accept(groupIndexes[k], seq, duplicate);
            }
            metrics.recordAdmitted(n - duplicates, duplicates, nanoClock.nanoTime() - groupOwners[0].enqueuedNs);
            if (duplicates < n) {
                signalWork(batcher);
            }
        } catch (RuntimeException e) {
            pool.markInconsistent(); // the txs may be stored: rebuild the view from storage
            errorHandler.onError("admission", e);
            refuseGroup(Refusal.of(RefusalCode.UNAVAILABLE, "admission failed (" + e
                    + "); the txs may or may not be stored: resubmit them, resubmission is idempotent"));
        } finally {
            queued.addAndGet(-n);
            Arrays.fill(groupOwners, 0, n, null);
            Arrays.fill(groupTxs, 0, n, null);
        }
    }

    /** Refuses every tx of the group that has no answer yet. */
    private void refuseGroup(Refusal refusal) {
        int refused = 0;
        for (int k = 0; k < group.size(); k++) {
            if (groupOwners[k].refuse(groupIndexes[k], refusal)) {
                refused++;
            }
        }
        metrics.recordRejected(refusal.code(), refused);
    }

    /** Refuses whatever is queued (after fencing or closing): the writer would refuse it anyway. */
    private void failQueued() {
        drain();
    }

    /**
     * A queued call: one tx ({@code submit}, {@code submitAsync}) or a list of them ({@code submitAll}, whose txs
     * answered before queueing are skipped). {@code waiter} is the thread blocked until it is done, null for
     * {@code submitAsync}. Fields without {@code final} or {@code volatile} are guarded by the commit lock.
     */
    private static final class Submission {
        final Tx tx;
        final SubmitResults results;
        final CompletableFuture<SubmitResult> future;
        final long enqueuedNs;
        final Thread waiter;
        /** Of a bulk call's txs (in {@code results}): the index of the next one to put in a group. */
        int next;
        /** Queued txs without an answer yet. */
        int unanswered;
        /** A single tx's answer, set before {@code done}. */
        SubmitResult result;
        volatile boolean done;

        Submission(Tx tx, SubmitResults results, int queuedTxs, CompletableFuture<SubmitResult> future,
                long enqueuedNs, Thread waiter) {
            this.tx = tx;
            this.results = results;
            this.unanswered = queuedTxs;
            this.future = future;
            this.enqueuedNs = enqueuedNs;
            this.waiter = waiter;
        }

        void accept(int index, long seq, boolean duplicate) {
            if (tx != null) {
                if (result == null) {
                    result = new SubmitResult.Accepted(tx.hash(), seq, duplicate);
                    answered();
                }
            } else if (Unshared.admission().isPending(results, index)) {
                Unshared.admission().accept(results, index, seq, duplicate);
                answered();
            }
        }

        /** @return true if the tx had no answer yet and is now refused */
        boolean refuse(int index, Refusal refusal) {
            if (tx != null) {
                if (result != null) {
                    return false;
                }
                result = new SubmitResult.Refused(refusal);
            } else if (Unshared.admission().isPending(results, index)) {
                Unshared.admission().refuse(results, index, refusal);
            } else {
                return false;
            }
            answered();
            return true;
        }

        private void answered() {
            if (--unanswered > 0) {
                return;
            }
            done = true;
            if (future != null) {
                future.complete(result);
            }
            if (waiter != null && waiter != Thread.currentThread()) {
                LockSupport.unpark(waiter);
            }
        }
    }

    /** @return the txs queued and not yet written (for tests) */
    int queuedCount() {
        return queued.get();
    }

    // ---- operations -----------------------------------------------------------------------------------------------

    /** Asks the batcher to cut whatever is pending at its next step, without waiting for the limits. */
    public void flush() {
        batcher.requestFlush();
        signalWork(batcher);
    }

    /**
     * Resumes posting after L1 refused a batch permanently (posting halted, readiness red): the refused batches
     * are posted again, in order, with the same key. Use it once the cause is fixed on the L1 side.
     *
     * @return true if posting was halted and is resumed
     */
    public boolean resumePosting() {
        boolean resumed = poster.resume();
        signalWork(poster);
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
        this.workListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Registers what to run when new work appears for any loop: the simple form of
     * {@link #onWorkAvailable(Consumer)} for a host that steps every loop when told.
     */
    public void onWorkAvailable(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        this.workListener = loop -> listener.run();
    }

    /** Tells the listener every loop has work (the engine started leading). */
    void signalWork() {
        for (DutyLoop loop : loops) {
            signalWork(loop);
        }
    }

    /** Tells the listener {@code loop} has work it did not find in its own step. */
    void signalWork(DutyLoop loop) {
        try {
            workListener.accept(loop);
        } catch (RuntimeException e) {
            errorHandler.onError("work-listener", e);
        }
    }

    void loopFailed(String loop, Throwable error) {
        health.loopFailed(loop, String.valueOf(error.getMessage()));
        metrics.recordLoopError(loop);
        try {
            errorHandler.onError(loop, error);
        } catch (RuntimeException ignored) {
            // the error handler must not throw; if it does, the loop still must not die
        }
    }

    // ---- reads (leaders and followers alike) ------------------------------------------------------------------

    /** @return the accepted tx with {@code hash} and its batch, if storage has it */
    public Optional<TxInfo> findTx(Hash hash) {
        return storage.findTx(hash.toBytes()).map(stored -> new TxInfo(Tx.decode(stored.canonicalTx()), stored.seq(),
                stored.admittedMs(), storage.findBatchContaining(stored.seq())));
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
        return Readiness.of(health.reasons(state, stateReason));
    }

    /**
     * A snapshot for {@code GET /status}. Counts, the chain head and the heartbeat are read from storage; if
     * storage fails, the last known values are shown and readiness says storage is failing.
     */
    public SequencerStatus status() {
        SequencerState current = state;
        SequencerStatus previous = lastStatus;
        SequencerStatus.Leader leader;
        SequencerStatus.Pool poolStatus;
        SequencerStatus.Batches batches;
        try {
            LeaderRecord record = storage.readLeader();
            BatchCounts counts = storage.countBatches();
            SequenceState sequence = storage.readSequenceState();
            leader = new SequencerStatus.Leader(config.leaderMode().wireName(), current == SequencerState.LEADER,
                    config.leaderId(), leaderPubkey, config.term(), record.lastHeartbeatMs(), record.term(),
                    record.leaderId());
            poolStatus = new SequencerStatus.Pool(sequence.pendingCount(), config.admissionCap());
            long last = sequence.nextBatchNumber() - 1;
            batches = new SequencerStatus.Batches(counts.committed() + counts.failed(),
                    counts.posted() + counts.included(), counts.confirmed(), counts.failed(), last,
                    last == 0 ? null : Hex.encode(sequence.headBatchHash()));
            health.storageOk();
        } catch (StorageException e) {
            health.storageFailed(e);
            leader = previous != null ? previous.leader() : new SequencerStatus.Leader(
                    config.leaderMode().wireName(), false, config.leaderId(), leaderPubkey, config.term(), 0, 0, null);
            poolStatus = previous != null ? previous.pool() : new SequencerStatus.Pool(0, config.admissionCap());
            batches = previous != null ? previous.batches() : new SequencerStatus.Batches(0, 0, 0, 0, 0, null);
            leader = new SequencerStatus.Leader(leader.mode(), current == SequencerState.LEADER, leader.id(),
                    leader.leaderPubkey(), leader.termId(), leader.lastHeartbeatMs(), leader.storedTerm(),
                    leader.storedLeaderId());
        }
        SequencerStatus.L1 l1Status = new SequencerStatus.L1(reconciler.l1Height(), reconciler.l1FinalizedHeight(),
                health.lastL1Error());
        SequencerStatus status = new SequencerStatus(current, leader, poolStatus, batches, l1Status, readiness());
        lastStatus = status;
        return status;
    }

    // ---- builder ------------------------------------------------------------------------------------------------

    /** Builds a {@link Sequencer}; validates everything once, with messages that name the field. */
    public static final class Builder {
        private SequencerConfig config;
        private Storage storage;
        private L1Poster l1;
        private EnvelopeSigner signer;
        private EpochClock wallClock = EpochClock.SYSTEM;
        private NanoClock nanoClock = NanoClock.SYSTEM;
        private SequencerMetrics metrics = SequencerMetrics.NONE;
        private ErrorHandler errorHandler = (loop, error) -> LOG.error("error in {}", loop, error);
        private OrderingPolicy ordering = OrderingPolicy.ADMISSION_ORDER;
        private final List<LeaderTask> leaderTasks = new ArrayList<>();
        private long randomSeed = 0x5EED_5EEDL;

        private Builder() {}

        /** Required: identity, role, limits and tunables. */
        public Builder config(SequencerConfig value) {
            this.config = value;
            return this;
        }

        /** Required: the storage port. */
        public Builder storage(Storage value) {
            this.storage = value;
            return this;
        }

        /** Required: the L1 port. */
        public Builder l1Poster(L1Poster value) {
            this.l1 = value;
            return this;
        }

        /**
         * Optional: the envelope signer (a KMS/HSM seam). Without one, the key of
         * {@link SequencerConfig#sequencerKeyPath()} is loaded when set; without either, envelopes are posted
         * unsigned (a warning is logged once).
         */
        public Builder signer(EnvelopeSigner value) {
            this.signer = value;
            return this;
        }

        /** Optional: the wall clock (default: the system's). */
        public Builder wallClock(EpochClock value) {
            this.wallClock = value;
            return this;
        }

        /** Optional: the monotonic clock (default: the JVM's). */
        public Builder nanoClock(NanoClock value) {
            this.nanoClock = value;
            return this;
        }

        /** Optional: the metrics listener (default: none). */
        public Builder metrics(SequencerMetrics value) {
            this.metrics = value;
            return this;
        }

        /** Optional: where loop and admission errors go (default: logged). */
        public Builder errorHandler(ErrorHandler value) {
            this.errorHandler = value;
            return this;
        }

        /** Optional: the ordering policy (default: admission order). */
        public Builder ordering(OrderingPolicy value) {
            this.ordering = value;
            return this;
        }

        /** Optional: a task that runs only while this node leads; may be called several times. */
        public Builder leaderTask(LeaderTask task) {
            this.leaderTasks.add(Objects.requireNonNull(task, "leaderTask"));
            return this;
        }

        /** Optional: the seed of the backoff jitter, for repeatable tests. */
        public Builder randomSeed(long value) {
            this.randomSeed = value;
            return this;
        }

        /**
         * @return the engine, not started
         * @throws IllegalArgumentException naming the first missing or invalid field
         * @throws org.ippan.l2.core.crypto.KeyLoadException if the configured key file cannot be used
         */
        public Sequencer build() {
            require(config, "config");
            require(storage, "storage");
            require(l1, "l1Poster");
            require(wallClock, "wallClock");
            require(nanoClock, "nanoClock");
            require(metrics, "metrics");
            require(errorHandler, "errorHandler");
            require(ordering, "ordering");
            if (signer == null && config.sequencerKeyPath().isPresent()) {
                signer = SequencerKeys.load(config.sequencerKeyPath().get()); // KeyLoadException names the problem
            }
            if (signer != null && signer.publicKey().length != EnvelopeSigner.PUBLIC_KEY_LENGTH) {
                throw new IllegalArgumentException("signer: public key must be 32 bytes, got "
                        + signer.publicKey().length);
            }
            if (signer == null && config.role() == Role.LEADER) {
                LOG.warn("no sequencer key configured (L2_SEQUENCER_KEY_PATH): batch envelopes are posted unsigned");
            }
            return new Sequencer(this);
        }

        private static void require(Object value, String field) {
            if (value == null) {
                throw new IllegalArgumentException(field + " is required");
            }
        }
    }
}
