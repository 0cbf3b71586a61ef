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
import org.ippan.l2.core.admission.AdmissionRules;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.batch.PendingTx;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.receipt.GroupReceipts;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageCorruptException;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StorageFullException;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TxAppend;

/**
 * The admission room: the admission rules, the duplicate cache, the admission cap, the flat-combining group commit
 * and the pending pool it fills.
 *
 * <p>A submission is checked against the rules, answered from the duplicate cache if it can be, counted against the
 * cap and queued; the submitting thread that takes the commit lock writes queued submissions in term-conditional
 * storage writes of up to {@code maxAdmissionGroup} txs, until its own is written, then wakes the thread waiting for
 * the next queued one to carry on; the others wait. A tx is acknowledged only once that write returned, with its
 * admission sequence number; then it is in the pending pool, which the batcher cuts from. A write that meets a higher
 * term fences the node through the {@link LeaderGate}; one whose outcome is unknown marks the pool stale, and it is
 * rebuilt from storage ({@link #recover}) before the next cut.
 *
 * <p>Thread-safe: any number of threads may submit.
 */
final class Admission {
    private static final int RECOVERY_PAGE = 10_000;
    /** The retry hint when storage is full (or damaged): space does not return in a moment. */
    static final long STORAGE_FULL_RETRY_MS = 5_000;
    /** The retry hint when a storage write failed otherwise. */
    static final long STORAGE_FAILED_RETRY_MS = 1_000;

    private final LeaderGate leadership;
    private final Storage storage;
    private final AdmissionRules rules;
    /** The admission cap in force is {@code limits.get().admissionCap()}, read once per reservation. */
    private final LiveLimits limits;
    private final int maxAdmissionGroup;
    private final EpochClock wallClock;
    private final NanoClock nanoClock;
    private final SequencerMetrics metrics;
    private final Health health;
    private final ErrorHandler errorHandler;
    private final Signals signals;
    private final PendingPool pool = new PendingPool();
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
    /** The answer when the admission cap is reached, for the cap it names (rebuilt when the cap changes). */
    private volatile Refusal queueFull;
    private volatile int queueFullCap;
    private final long retryAfterMs;
    /** Signs each group's receipts inside its write; null when the node issues no receipts. */
    private final ReceiptSeal receiptSeal;

    Admission(SequencerConfig config, LeaderGate leadership, Storage storage, EnvelopeSigner signer,
            EpochClock wallClock, NanoClock nanoClock, SequencerMetrics metrics, Health health,
            ErrorHandler errorHandler, Signals signals, LiveLimits limits) {
        this.leadership = leadership;
        this.storage = storage;
        this.rules = new AdmissionRules(config.chainId(), config.maxTxSize(), config.batchLimits());
        this.limits = limits;
        this.maxAdmissionGroup = config.maxAdmissionGroup();
        this.wallClock = wallClock;
        this.nanoClock = nanoClock;
        this.metrics = metrics;
        this.health = health;
        this.errorHandler = errorHandler;
        this.signals = signals;
        // eviction on the writing thread, not later on the common pool: a size of 0 then really disables the cache
        this.recentTxs = config.dedupCacheSize() == 0 ? null : new RecentTxs(config.dedupCacheSize());
        this.receiptSeal = signer == null || config.inclusionDeadlineMs() == 0 ? null
                : new ReceiptSeal(signer, config.chainId(), config.inclusionDeadlineMs());
        group.sealWith(receiptSeal);
        this.retryAfterMs = Math.max(1, config.batchLimits().maxWaitMs());
        this.queueFull = queueFull(config.admissionCap());
        this.queueFullCap = config.admissionCap();
    }

    /** @return the pending pool, which the batcher cuts from */
    PendingPool pool() {
        return pool;
    }

    /** Rebuilds the pending pool from storage: the pending txs and the chain head. */
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
        signals.requestPostingRefresh();
    }


    /** {@code Sequencer.submit}: waits until the tx is durable or refused, perhaps writing for others. */
    SubmitResult submit(Tx tx) {
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

    /** {@code Sequencer.submitAll(List)}: a {@link SubmitResult} per tx. */
    List<SubmitResult> submitAll(List<Tx> txs) {
        Objects.requireNonNull(txs, "txs");
        return submitAll(txs, new SubmitResults(txs.size())).toList();
    }

    /**
     * {@code Sequencer.submitAll(List, SubmitResults)}: the call's queued txs are one submission; when the cap
     * leaves room for only some, the first candidates in list order are queued and the others refused.
     */
    SubmitResults submitAll(List<Tx> txs, SubmitResults results) {
        return admitAll(txs, results, null);
    }

    /**
     * The forced-inclusion path ({@link ForcedInclusionWatcher}): as {@link #submitAll(List, SubmitResults)}, with
     * the same rules and the same group commit (so a forced tx is durable and pending once answered), but never
     * refused {@code QUEUE_FULL} (txs from the L1 inbox must be included whatever the backlog), and never waiting for
     * another thread's write: like {@code submitAsync}, the caller writes the group if the commit lock is free, and
     * otherwise the lock's holder does. The caller (a leader task, stepped under the leader tasks' lock that fencing
     * takes) must not park there while a writer that meets a higher term waits for that lock.
     *
     * @return a future completed once every queued tx of {@code txs} is answered in {@code results}
     */
    CompletableFuture<?> submitForced(List<Tx> txs, SubmitResults results) {
        CompletableFuture<SubmitResult> answered = new CompletableFuture<>();
        admitAll(txs, results, answered);
        return answered;
    }

    /** Bulk admission; {@code forced} non-null: the forced path, completed when answered (see above). */
    private SubmitResults admitAll(List<Tx> txs, SubmitResults results, CompletableFuture<SubmitResult> forced) {
        SubmitResults answered = admitAllUntilQueued(txs, results, forced);
        if (forced != null && answered != null) {
            forced.complete(null); // nothing was queued: every tx is answered already
        }
        return results;
    }

    /** @return {@code results} when nothing was queued for a forced submission, else null once queued */
    private SubmitResults admitAllUntilQueued(List<Tx> txs, SubmitResults results,
            CompletableFuture<SubmitResult> forced) {
        Objects.requireNonNull(txs, "txs");
        Objects.requireNonNull(results, "results");
        for (int i = 0; i < txs.size(); i++) {
            if (txs.get(i) == null) {
                throw new NullPointerException("txs[" + i + "]");
            }
        }
        results.reset(txs);
        if (txs.isEmpty()) {
            return results;
        }
        if (!leadership.isLeader()) {
            Refusal refusal = Refusal.of(RefusalCode.NOT_LEADER, leadership.notLeaderMessage());
            for (int i = 0; i < txs.size(); i++) {
                results.refuse(i, refusal);
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
                results.refuse(i, refusal);
                metrics.recordRejected(refusal.code(), 1);
                continue;
            }
            long knownSeq = cachedSeq(tx);
            if (knownSeq != RecentTxs.ABSENT) {
                results.accept(i, knownSeq, true);
                fromCache++;
            } else {
                candidates++;
            }
        }
        // the cap takes the first candidates in list order; the rest are refused
        int toQueue = forced != null ? reserveBeyondCap(candidates) : reserve(candidates);
        if (toQueue < candidates) {
            int skipped = 0;
            for (int i = 0; i < txs.size(); i++) {
                if (results.isPending(i) && skipped++ >= toQueue) {
                    results.refuse(i, queueFull());
                }
            }
            metrics.recordRejected(RefusalCode.QUEUE_FULL, candidates - toQueue);
        }
        if (fromCache > 0) {
            metrics.recordDuplicatesFromCache(fromCache);
        }
        if (toQueue > 0 && forced != null) {
            Submission submission = new Submission(null, results, toQueue, forced, nanoClock.nanoTime(), null);
            queue.add(submission);
            combineUntilDone(submission);
            return null;
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
     * {@code Sequencer.submitAsync}: the caller may write the group holding its tx, and the queued submissions
     * after it that no thread waits for (other {@code submitAsync} calls), since nobody else is sure to.
     */
    CompletableFuture<SubmitResult> submitAsync(Tx tx) {
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
        if (!leadership.isLeader()) {
            metrics.recordRejected(RefusalCode.NOT_LEADER, 1);
            return SubmitResult.Refused.of(RefusalCode.NOT_LEADER, leadership.notLeaderMessage());
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
            return new SubmitResult.Refused(queueFull());
        }
        return null;
    }

    /**
     * Hashes the tx (before the commit lock, so the writer does not) and looks it up in the duplicate cache; a seq
     * that retention has since forgotten is not a duplicate any more ({@code L2_FORGET_CONFIRMED}).
     */
    private long cachedSeq(Tx tx) {
        Hash hash = tx.hash();
        long seq = recentTxs == null ? RecentTxs.ABSENT : recentTxs.seqOf(hash);
        return seq != RecentTxs.ABSENT && seq < signals.forgottenBelowSeq() ? RecentTxs.ABSENT : seq;
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
        long admissionCap = limits.get().admissionCap();
        while (true) {
            int alreadyQueued = queued.get();
            int granted = (int) Math.max(0, Math.min(wanted, admissionCap - pending - alreadyQueued));
            if (granted == 0 || queued.compareAndSet(alreadyQueued, alreadyQueued + granted)) {
                return granted;
            }
        }
    }

    /** @return the refusal naming the cap in force */
    private Refusal queueFull() {
        int cap = limits.get().admissionCap();
        Refusal refusal = queueFull;
        if (cap != queueFullCap) { // the cap changed: a refusal naming the new one (a benign race rebuilds twice)
            refusal = queueFull(cap);
            queueFull = refusal;
            queueFullCap = cap;
        }
        return refusal;
    }

    private Refusal queueFull(int cap) {
        return new Refusal(RefusalCode.QUEUE_FULL, "admission cap of " + cap + " pending txs reached; retry later",
                retryAfterMs);
    }

    /** Counts {@code wanted} txs as queued whatever the cap (forced txs): later submissions see less room. */
    private int reserveBeyondCap(int wanted) {
        queued.addAndGet(wanted);
        return wanted;
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
        int max = maxAdmissionGroup;
        for (Submission s = head; s != null && group.size() < max; s = queue.peek()) {
            if (s.tx != null) {
                addToGroup(s, 0, s.tx, nowMs);
            } else {
                int count = s.results.size();
                while (group.size() < max && s.next < count) {
                    int i = s.next++;
                    if (s.results.isPending(i)) {
                        addToGroup(s, i, s.results.tx(i), nowMs); // the call's own copy, not the caller's list
                    }
                }
                while (s.next < count && !s.results.isPending(s.next)) {
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
        tx.appendTo(group, nowMs); // the tx's own arrays, not copies: storage hand-overs that nobody mutates
        groupOwners[k] = owner;
        groupIndexes[k] = index;
        groupTxs[k] = tx;
    }

    /** Writes the group in one storage write and answers every tx of it (under the commit lock). */
    private void writeGroup() {
        int n = group.size();
        try {
            if (!leadership.isLeader()) {
                refuseGroup(Refusal.of(RefusalCode.NOT_LEADER, leadership.notLeaderMessage()));
                return;
            }
            AppendOutcome outcome;
            long term = leadership.term();
            if (receiptSeal != null) {
                receiptSeal.prepare(term);
            }
            try {
                outcome = storage.appendTxs(term, group);
            } catch (StorageException e) {
                // readiness has seen it: the engine's storage reports every write to Health
                pool.markInconsistent(); // the write may have applied after all: rebuild the view from storage
                errorHandler.onError("admission", e);
                refuseGroup(storageRefusal(e));
                return;
            }
            if (outcome instanceof Fenced fenced) {
                leadership.fenced(fenced.storedTerm(), "admission");
                refuseGroup(Refusal.of(RefusalCode.NOT_LEADER, leadership.notLeaderMessage()));
                return;
            }
            group.requireResults();
            GroupReceipts receipts = receiptSeal == null ? null : receiptSeal.take();
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
                groupOwners[k].accept(groupIndexes[k], seq, duplicate, duplicate ? null : receipts);
            }
            metrics.recordAdmitted(n - duplicates, duplicates, nanoClock.nanoTime() - groupOwners[0].enqueuedNs);
            if (duplicates < n) {
                signals.txsAdmitted();
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

    /** The answer to a group whose write failed: {@code UNAVAILABLE}, with a retry hint. */
    private static Refusal storageRefusal(StorageException e) {
        if (e instanceof StorageFullException) {
            return new Refusal(RefusalCode.UNAVAILABLE, "storage full (" + e.getMessage()
                    + "); nothing was stored: resubmit later, resubmission is idempotent", STORAGE_FULL_RETRY_MS);
        }
        if (e instanceof StorageCorruptException) {
            return new Refusal(RefusalCode.UNAVAILABLE, "storage corrupt (" + e.getMessage()
                    + "); the node cannot take txs until its store is restored", STORAGE_FULL_RETRY_MS);
        }
        return new Refusal(RefusalCode.UNAVAILABLE, "storage failed (" + e.getMessage()
                + "); the txs may or may not be stored: resubmit them, resubmission is idempotent",
                STORAGE_FAILED_RETRY_MS);
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

    /**
     * Waits until the group being written, if any, is written and answered (after stepping down, before the last
     * heartbeat and the lease are given up). Must not be called by a thread that holds the commit lock.
     */
    void awaitWriter() {
        commitLock.lock();
        commitLock.unlock();
    }

    /** Refuses whatever is queued (after fencing or closing): the writer would refuse it anyway. */
    void failQueued() {
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

        void accept(int index, long seq, boolean duplicate, GroupReceipts receipts) {
            if (tx != null) {
                if (result == null) {
                    result = new SubmitResult.Accepted(tx.hash(), seq, duplicate,
                            receipts == null ? null : receipts.receipt(seq, tx.hash().toBytes()));
                    answered();
                }
            } else if (results.isPending(index)) {
                results.accept(index, seq, duplicate, receipts);
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
            } else if (results.isPending(index)) {
                results.refuse(index, refusal);
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

    /** @return the txs queued and not yet written */
    int queuedCount() {
        return queued.get();
    }
}
