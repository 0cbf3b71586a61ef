package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ippan.l2.core.batch.BatchCutter;
import org.ippan.l2.core.batch.BatchPlanner;
import org.ippan.l2.core.batch.CutDecision;
import org.ippan.l2.core.batch.PlannedBatch;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.envelope.EnvelopeBuffer;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.Committed;
import org.ippan.l2.storage.Conflict;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.NewBatch;

/**
 * The batcher loop: asks the cutter, and commits each batch — its txs' range, the cursor, the chain head,
 * {@code created_ms}, the term, the signed envelope and the exact L1 request — in one term-conditional storage write.
 * The cut limits are read from {@link LiveLimits} once per cut decision, so an operator's change applies whole
 * between two cuts.
 *
 * <p><b>Two stages, when the host gives a seal executor</b> ({@code Sequencer.Builder.sealExecutor}): the batcher
 * then cuts up to {@code sealThreads + 2} batches ahead of their commit, each chained to the one cut before
 * it, and hands each to a {@link SealPipeline} to be sealed (envelope, signature, L1 request; in two halves that two
 * threads can do at once) on the host's threads or, when it has nothing else to do, on its own; it commits the sealed ones oldest first, each with its
 * term-checked write, exactly as it would have on one thread. Without an executor it cuts, seals and commits one
 * batch at a time, on its own thread.
 */
final class Batcher implements DutyLoop {
    static final String NAME = "batcher";
    /** Most batches cut in one step, so one step stays short under a backlog. */
    private static final int MAX_CUTS_PER_STEP = 16;
    private static final long STORAGE_RETRY_NS = 100_000_000L;
    private static final long IDLE_NS = 1_000_000_000L;

    private final LoopContext ctx;
    private final PendingPool pool;
    /** Rebuilds the pool from storage when it may have drifted. */
    private final Runnable recovery;
    /** The planner for {@link #plannedWith}; replaced when the live limits change. */
    private BatchPlanner planner;
    private RuntimeLimits plannedWith;
    private final LiveLimits limits;
    /** Flush callers waiting for the step that takes their request. */
    private final ConcurrentLinkedQueue<CompletableFuture<FlushResult>> flushWaiters = new ConcurrentLinkedQueue<>();
    private final int maxUnpostedBatches;
    private final Hub hub;
    private final long batchFee;
    /** The pending txs a cut decision looks at, copied from the pool at each decision (reused: no copy per tx). */
    private final PendingPool.Candidates candidates = new PendingPool.Candidates();
    /** The signer, or null: the batches are then unsigned. */
    private final EnvelopeSigner signer;
    /** The batches cut ahead and being sealed on the host's threads; null without a seal executor. */
    private final SealPipeline sealing;
    /**
     * The envelope of the batch being recorded, in a buffer reused for every batch (grown for a larger one, never
     * shrunk: the batch byte limit bounds it). Used by the one-stage path only (each sealing job has its own), on
     * the batcher's thread.
     */
    private final EnvelopeBuffer envelope = new EnvelopeBuffer();
    /**
     * Set while a step runs. The engine's contract is one thread at a time per loop; should a host break it, a
     * second step fails loudly here instead of racing the first on {@link #candidates} and {@link #envelope}, which
     * could mix two batches' bytes into one signed envelope (storage would accept it, and L1 would get it).
     */
    private final AtomicBoolean stepping = new AtomicBoolean();
    private volatile boolean flushRequested;
    private long retryAtNs = Long.MIN_VALUE;
    private long nextDeadlineNs = Long.MIN_VALUE;
    /** The term this loop writes with: read once per step, so one step's writes never mix two terms. */
    private long ledTerm = -1;

    /**
     * @param pool the pending txs, filled by admission
     * @param recovery rebuilds {@code pool} from storage
     * @param settings the engine's settings: the envelope signer (or null for unsigned envelopes) and the host's
     *     seal executor (or null: one stage)
     */
    Batcher(LoopContext ctx, PendingPool pool, Runnable recovery, BatchPlanner planner, SequencerSettings<?> settings,
            SequencerConfig config, LiveLimits limits) {
        this.ctx = ctx;
        this.pool = pool;
        this.recovery = recovery;
        this.planner = planner;
        this.signer = settings.signer;
        this.limits = limits;
        this.plannedWith = RuntimeLimits.of(config);
        this.maxUnpostedBatches = config.maxUnpostedBatches();
        this.hub = config.hub();
        this.batchFee = config.batchFee();
        this.sealing = settings.sealExecutor == null ? null : new SealPipeline(settings.sealExecutor,
                config.sealThreads() + 2, signer, hub, batchFee, ctx.signals()::batchSealed);
    }

    @Override
    public String name() {
        return NAME;
    }

    void requestFlush() {
        flushRequested = true;
    }

    /** Asks for a cut now; the future completes at the end of the step that takes the request. */
    CompletableFuture<FlushResult> requestFlushAndWait() {
        CompletableFuture<FlushResult> done = new CompletableFuture<>();
        flushWaiters.add(done);
        flushRequested = true;
        return done;
    }

    @Override
    public int doWork(long nowNs) {
        if (!ctx.leadership().isLeader()) {
            if (sealing != null && !sealing.isEmpty() && stepping.compareAndSet(false, true)) {
                sealing.discardAll(); // cut in a term this node no longer leads in: never committed
                stepping.set(false);
            }
            failFlushWaiters(new NotLeadingException("stopped leading before the flush: "
                    + ctx.leadership().notLeaderMessage()));
            return 0;
        }
        if ((retryAtNs != Long.MIN_VALUE && nowNs - retryAtNs < 0)) {
            return 0;
        }
        if (!stepping.compareAndSet(false, true)) {
            ctx.errors().failed(NAME, new IllegalStateException("the batcher loop is being stepped by two threads at"
                    + " once; each loop must be run by one thread at a time"));
            return 0;
        }
        try {
            return step(nowNs);
        } finally {
            stepping.set(false);
        }
    }

    private int step(long nowNs) {
        int cut = 0;
        List<CompletableFuture<FlushResult>> flushers = takeFlushWaiters();
        boolean nothingPending = false;
        long lastCut = 0;
        RuntimeException failure = null;
        long term = ctx.leadership().term();
        if (term != ledTerm) { // leading in a new term (lease mode): nothing of the last one carries over
            ledTerm = term;
            if (sealing != null) {
                sealing.discardAll();
            }
            retryAtNs = Long.MIN_VALUE;
            nextDeadlineNs = Long.MIN_VALUE;
        }
        try {
            if (pool.inconsistent()) {
                if (sealing != null) {
                    sealing.discardAll(); // cut from a view that drifted
                }
                recovery.run();
            }
            if (sealing != null) {
                cut = pipelinedSteps(nowNs);
                if (cut > 0) {
                    lastCut = lastCommitted;
                }
                nothingPending = sealing.isEmpty() && pendingSeenEmpty;
            }
            while (sealing == null && cut < MAX_CUTS_PER_STEP && ctx.leadership().isLeader()) {
                long nowMs = ctx.wallClock().currentTimeMs();
                RuntimeLimits now = limits.get();
                if (now != plannedWith) { // an operator's change: it applies from this cut on, whole
                    planner = planner.withCutter(new BatchCutter(now.batchLimits()));
                    plannedWith = now;
                }
                pool.view(now.maxBatchTxs(), candidates);
                long postedThrough = ctx.signals().postedThrough();
                if (postedThrough >= 0
                        && candidates.nextBatchNumber() - 1 - postedThrough >= maxUnpostedBatches) {
                    // L1 is behind: leave the txs pending (the admission cap then refuses new ones) rather than
                    // pile up batches; the poster wakes this loop when L1 accepts one
                    nextDeadlineNs = nowNs + IDLE_NS;
                    break;
                }
                boolean flush = flushRequested;
                BatchPlanner.Plan plan = planner.plan(candidates, candidates.nextBatchNumber(),
                        candidates.head(), nowMs, flush);
                if (plan instanceof BatchPlanner.Plan.Waiting waiting) {
                    if (candidates.size() == 0) {
                        nothingPending = true;
                        if (flush) {
                            flushRequested = false;
                        }
                    }
                    CutDecision.Wait wait = waiting.decision();
                    nextDeadlineNs = wait.hasDeadline()
                            ? nowNs + Math.max(0, wait.deadlineMs() - nowMs) * 1_000_000L
                            : nowNs + IDLE_NS;
                    break;
                }
                PlannedBatch ready = ((BatchPlanner.Plan.Ready) plan).batch();
                if (!commit(ready, SealPipeline.record(ready, ledTerm, envelope, signer, hub, batchFee))) {
                    break;
                }
                lastCut = ready.batch().batchNumber();
                cut++;
            }
            retryAtNs = Long.MIN_VALUE;
            ctx.errors().ok(NAME);
        } catch (RuntimeException e) {
            // storage failures and UnbatchableTxException alike: reported, readiness red, retried later; nothing
            // is dropped
            if (sealing != null) {
                sealing.discardAll();
            }
            ctx.errors().failed(NAME, e);
            retryAtNs = nowNs + STORAGE_RETRY_NS;
            failure = e;
        }
        answerFlushWaiters(flushers, cut > 0 ? new FlushResult(true, lastCut)
                : nothingPending ? FlushResult.NOTHING_PENDING : null, failure);
        if (cut > 0) {
            ctx.signals().batchesCommitted();
        }
        return cut;
    }

    private List<CompletableFuture<FlushResult>> takeFlushWaiters() {
        if (flushWaiters.isEmpty()) {
            return List.of();
        }
        List<CompletableFuture<FlushResult>> taken = new ArrayList<>();
        for (CompletableFuture<FlushResult> f; (f = flushWaiters.poll()) != null; ) {
            taken.add(f);
        }
        return taken;
    }

    /**
     * Answers the flush callers of this step: what it cut, or that nothing was pending, or its failure; when it did
     * none of these (held back because L1 is behind, fenced, stopped leading), they wait for a later step.
     */
    private void answerFlushWaiters(List<CompletableFuture<FlushResult>> waiting, FlushResult result,
            RuntimeException failure) {
        if (waiting.isEmpty()) {
            return;
        }
        for (CompletableFuture<FlushResult> f : waiting) {
            if (result != null) {
                f.complete(result);
            } else if (failure != null) {
                f.completeExceptionally(failure);
            } else {
                flushWaiters.add(f);
            }
        }
    }

    private void failFlushWaiters(RuntimeException why) {
        for (CompletableFuture<FlushResult> f : takeFlushWaiters()) {
            f.completeExceptionally(why);
        }
    }

    /** The last batch committed by {@link #pipelinedSteps}. */
    private long lastCommitted;
    /** Whether {@link #pipelinedSteps} last found nothing pending beyond the batches in flight. */
    private boolean pendingSeenEmpty;

    /**
     * One step with a seal executor: cuts ahead while there is room (the cheap part: choosing the txs and their
     * {@code batch_hash}), commits the sealed batches oldest first, and does the oldest piece of sealing nobody has
     * started; again while that did something. Never waits for a batch being sealed on another thread: it is committed at a
     * later step (the sealing thread wakes this loop).
     *
     * @return how many batches were committed
     */
    private int pipelinedSteps(long nowNs) {
        int committed = 0;
        int cuts = 0; // at most MAX_CUTS_PER_STEP per step, as in the one-stage loop: the same cuts at the same steps
        pendingSeenEmpty = false;
        boolean progress = true;
        while (progress && committed < MAX_CUTS_PER_STEP && ctx.leadership().isLeader()) {
            progress = false;
            while (sealing.hasRoom() && cuts < MAX_CUTS_PER_STEP && cutAhead(nowNs)) {
                cuts++;
                progress = true;
            }
            for (SealPipeline.Job head; (head = sealing.sealedHead()) != null; ) {
                if (!commit(head.planned(), head.record())) {
                    sealing.discardAll();
                    return committed;
                }
                lastCommitted = head.planned().batch().batchNumber();
                sealing.committed(head);
                committed++;
                progress = true;
            }
            if (!progress && sealing.helpOne()) {
                progress = true;
            }
        }
        if (!sealing.isEmpty()) {
            nextDeadlineNs = nowNs; // batches in flight: come back soon (their sealing thread also wakes this loop)
        }
        return committed;
    }

    /** Cuts the next batch after those in flight, if the limits say so, and hands it to be sealed. */
    private boolean cutAhead(long nowNs) {
        long nowMs = ctx.wallClock().currentTimeMs();
        RuntimeLimits now = limits.get();
        if (now != plannedWith) { // an operator's change: it applies from this cut on, whole
            planner = planner.withCutter(new BatchCutter(now.batchLimits()));
            plannedWith = now;
        }
        PlannedBatch last = sealing.lastCut();
        if (last == null) {
            pool.view(now.maxBatchTxs(), candidates);
        } else {
            pool.viewAfter(sealing.txsInFlight(), last, now.maxBatchTxs(), candidates);
        }
        long postedThrough = ctx.signals().postedThrough();
        if (postedThrough >= 0 && candidates.nextBatchNumber() - 1 - postedThrough >= maxUnpostedBatches) {
            nextDeadlineNs = nowNs + IDLE_NS; // L1 is behind: as in the one-stage loop
            return false;
        }
        boolean flush = flushRequested;
        BatchPlanner.Plan plan = planner.plan(candidates, candidates.nextBatchNumber(), candidates.head(), nowMs,
                flush);
        if (plan instanceof BatchPlanner.Plan.Waiting waiting) {
            if (candidates.size() == 0) {
                pendingSeenEmpty = true;
                if (flush && sealing.isEmpty()) {
                    flushRequested = false;
                }
            }
            CutDecision.Wait wait = waiting.decision();
            nextDeadlineNs = wait.hasDeadline()
                    ? nowNs + Math.max(0, wait.deadlineMs() - nowMs) * 1_000_000L
                    : nowNs + IDLE_NS;
            return false;
        }
        sealing.start(((BatchPlanner.Plan.Ready) plan).batch(), ledTerm);
        return true;
    }

    /** @return true if the batch was committed */
    private boolean commit(PlannedBatch planned, NewBatch record) {
        CommitOutcome outcome = ctx.storage().commitBatch(ledTerm, record);
        if (outcome instanceof Fenced fenced) {
            ctx.leadership().fenced(fenced.storedTerm(), "batch commit");
            return false;
        }
        if (outcome instanceof Conflict conflict) {
            // someone else changed the chain, or the view drifted: rebuild it from storage and try again
            pool.markInconsistent();
            ctx.errors().failed(NAME, new IllegalStateException("batch " + planned.batch().batchNumber()
                    + " not committed: " + conflict.reason()));
            return false;
        }
        Committed committed = (Committed) outcome;
        pool.committed(planned);
        Batch batch = planned.batch();
        ctx.metrics().recordBatchCut(planned.reason(), batch.txCount(), batch.encodedSize());
        if (committed.sequenceState().pendingCount() == 0) {
            flushRequested = false;
        }
        return true;
    }

    @Override
    public long nextDeadlineNs(long nowNs) {
        if (!ctx.leadership().isLeader()) {
            return nowNs + LoopContext.NOT_LEADING_IDLE_NS;
        }
        if (retryAtNs != Long.MIN_VALUE) {
            return retryAtNs;
        }
        return nextDeadlineNs == Long.MIN_VALUE ? nowNs : nextDeadlineNs;
    }
}
