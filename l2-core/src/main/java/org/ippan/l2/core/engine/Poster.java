package org.ippan.l2.core.engine;

import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ippan.l2.core.engine.SequencerMetrics.PostFailure;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.l1.Backoff;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.L1TransientException;
import org.ippan.l2.l1.L1UnknownResultException;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.Conflict;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.WriteOutcome;

/**
 * The poster loop: posts committed batches to L1 in batch order, each with its idempotency key, with at most
 * {@code maxPostsInFlight} requests outstanding. It never blocks: requests are futures it polls.
 *
 * <p>Failures by class: transient → capped, jittered exponential backoff (honouring a retry-after hint); unknown
 * result (a timeout after sending) → ask L1 by key before posting again; permanent (L1 refused the batch) → the
 * batch is marked {@code FAILED}, posting halts and readiness turns red until it is resumed
 * ({@code Sequencer.resumePosting()}).
 * A batch behind one that waits is not posted before it, so L1 receives batches in order and none is skipped.
 */
final class Poster implements DutyLoop {
    static final String NAME = "poster";
    private static final int WINDOW = 256;
    private static final long REFRESH_NS = 1_000_000_000L;
    private static final long STORAGE_RETRY_NS = 100_000_000L;

    /** One committed batch the poster is responsible for. */
    private static final class Job {
        final NewBatch batch;
        int attempts;
        long notBeforeNs = Long.MIN_VALUE;
        boolean askBeforePosting;
        CompletableFuture<?> inFlight;
        boolean inFlightIsInclusionCheck;
        long sentNs;
        /** L1 accepted it; only saving the new state to storage is left. */
        String acceptedL1TxId;
        /** Nothing left to do: removed after the current pass. */
        boolean done;

        Job(NewBatch batch) {
            this.batch = batch;
        }
    }

    private final LoopContext ctx;
    private final L1Poster l1;
    private final int maxPostsInFlight;
    private final Backoff backoff;
    private final SplittableRandom random;
    private final TreeMap<Long, Job> jobs = new TreeMap<>();
    private volatile String haltedReason;
    /**
     * Paused by an operator ({@link SequencerControl#pausePosting}): no new post is sent; answers to posts already
     * sent are still collected and saved. Set and cleared under this loop's lock, so once {@link #pause} returns no
     * step is sending.
     */
    private volatile boolean paused;
    private final AtomicBoolean resumeRequested = new AtomicBoolean();
    private long nextRefreshNs = Long.MIN_VALUE;
    private int inFlight;
    /** The last batch number committed when the last refresh began. */
    private long committedThrough;
    private boolean refreshed;
    /** The term this loop writes with, set at the first step of each term it leads in. */
    private long ledTerm = -1;

    /** @param randomSeed the seed of the backoff jitter */
    Poster(LoopContext ctx, L1Poster l1, int maxPostsInFlight, Backoff backoff, long randomSeed) {
        this.ctx = ctx;
        this.l1 = l1;
        this.maxPostsInFlight = maxPostsInFlight;
        this.backoff = backoff;
        this.random = new SplittableRandom(randomSeed);
    }

    @Override
    public String name() {
        return NAME;
    }

    boolean resume() {
        if (haltedReason == null) {
            return false;
        }
        resumeRequested.set(true);
        return true;
    }

    /** @return true if posting was running and is now paused (returns after any step in progress has ended) */
    synchronized boolean pause() {
        boolean was = paused;
        paused = true;
        return !was;
    }

    /** @return true if posting was paused and now runs again */
    synchronized boolean unpause() {
        boolean was = paused;
        paused = false;
        return was;
    }

    /** @return true while an operator holds posting paused */
    boolean paused() {
        return paused;
    }

    @Override
    public synchronized int doWork(long nowNs) {
        if (!ctx.leadership().isLeader()) {
            return 0;
        }
        long term = ctx.leadership().term();
        if (term != ledTerm) {
            startTerm(term);
        }
        int work = 0;
        try {
            work += collectAnswers(nowNs);
            if (resumeRequested.getAndSet(false)) {
                work += resumeHalted();
            }
            if (ctx.signals().takePostingRefresh() || nowNs - nextRefreshNs >= 0 || nextRefreshNs == Long.MIN_VALUE) {
                refresh(nowNs);
            }
            if (haltedReason == null && !paused) {
                work += send(nowNs);
            }
            publishPostedThrough();
            ctx.errors().ok(NAME);
        } catch (RuntimeException e) {
            if (ctx.errors().failed(NAME, e)) {
                nextRefreshNs = nowNs + STORAGE_RETRY_NS;
            }
        }
        return work;
    }

    /**
     * Starts leading in a new term (lease mode: this node may lead again after another did): forgets every job, and
     * answers still in flight from the last term, and reads storage afresh, as a newly started poster does.
     */
    private void startTerm(long term) {
        ledTerm = term;
        jobs.clear();
        inFlight = 0;
        haltedReason = null;
        resumeRequested.set(false);
        nextRefreshNs = Long.MIN_VALUE;
        committedThrough = 0;
        refreshed = false;
    }

    /**
     * Publishes the batch number up to which every batch is accepted by L1 (the batcher holds back when it is
     * {@code maxUnpostedBatches} ahead of it); the signals wake a held-back batcher when it moved forward.
     */
    private void publishPostedThrough() {
        if (!refreshed) {
            return; // storage not read yet
        }
        long through = jobs.isEmpty() ? committedThrough : Math.max(committedThrough, jobs.lastKey());
        for (Job job : jobs.values()) {
            if (!job.done) {
                through = job.batch.batchNumber() - 1;
                break;
            }
        }
        ctx.signals().postedThrough(through);
    }

    /** Loads committed batches from storage (new ones, and ones the reconciler queued again). */
    private void refresh(long nowNs) {
        nextRefreshNs = nowNs + REFRESH_NS;
        // first: every batch up to it that is still COMMITTED is among those listed next (up to the window)
        long committed = ctx.storage().readSequenceState().nextBatchNumber() - 1;
        List<StoredBatch> failed = ctx.storage().listBatchesInStatus(EnumSet.of(L1Status.FAILED), 1);
        if (!failed.isEmpty() && haltedReason == null) {
            StoredBatch batch = failed.get(0);
            halt("batch " + batch.batchNumber() + " was refused by L1: " + batch.l1State().lastError());
        }
        for (StoredBatch stored : ctx.storage().listBatchesInStatus(EnumSet.of(L1Status.COMMITTED), WINDOW)) {
            jobs.computeIfAbsent(stored.batchNumber(), n -> new Job(stored.batch()));
        }
        committedThrough = committed;
        refreshed = true;
    }

    private int send(long nowNs) {
        int sent = 0;
        for (Job job : jobs.values()) {
            if (!ctx.leadership().isLeader() || inFlight >= maxPostsInFlight) {
                break; // fenced by a save in this step: post nothing more
            }
            if (job.inFlight != null) {
                continue;
            }
            if (job.notBeforeNs != Long.MIN_VALUE && nowNs - job.notBeforeNs < 0) {
                break; // keep L1 order: nothing after a batch that waits is posted before it
            }
            if (job.acceptedL1TxId != null) {
                // a retried save: the failed one may have landed, and the reconciler moved the batch on since
                if (!savedMeanwhile(job) && !savePosted(job, job.acceptedL1TxId, nowNs)) {
                    break;
                }
                continue;
            }
            start(job, nowNs);
            sent++;
        }
        jobs.values().removeIf(job -> job.done);
        return sent;
    }

    private void start(Job job, long nowNs) {
        NewBatch batch = job.batch;
        job.sentNs = nowNs;
        job.inFlightIsInclusionCheck = job.askBeforePosting;
        CompletableFuture<?> future;
        try {
            future = job.askBeforePosting
                    ? l1.getInclusion(batch.idempotencyKey())
                    : l1.submit(new L1Submission(batch.idempotencyKey(), batch.batchNumber(),
                            Hex.encode(batch.batchHash()), batch.l1Envelope()));
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        job.inFlight = future;
        inFlight++;
        future.whenComplete((result, error) -> ctx.signals().answerArrived(this));
    }

    private int collectAnswers(long nowNs) {
        int handled = 0;
        Iterator<Job> it = jobs.values().iterator();
        while (it.hasNext() && ctx.leadership().isLeader()) { // a save that met a higher term fenced us: stop at once
            Job job = it.next();
            if (job.inFlight == null || !job.inFlight.isDone()) {
                continue;
            }
            CompletableFuture<?> future = job.inFlight;
            job.inFlight = null;
            inFlight--;
            handled++;
            long latencyNs = nowNs - job.sentNs;
            Object result;
            try {
                result = future.get();
            } catch (ExecutionException | CompletionException e) {
                failed(job, e.getCause() == null ? e : e.getCause(), latencyNs, nowNs);
                if (job.done) {
                    it.remove(); // refused for good: left here, a resume would post it and drop it in flight
                }
                continue;
            } catch (InterruptedException e) {
                // the answer is there but unread: keep it for the next step, or the batch would be posted again
                // without asking L1 first (a re-post after an unknown result)
                job.inFlight = future;
                inFlight++;
                Thread.currentThread().interrupt();
                return handled - 1;
            } catch (RuntimeException e) {
                failed(job, e, latencyNs, nowNs);
                if (job.done) {
                    it.remove();
                }
                continue;
            }
            if (job.inFlightIsInclusionCheck) {
                inclusionAnswered(job, result, nowNs);
            } else {
                submitAnswered(job, (SubmitResult) result, latencyNs, nowNs);
            }
            if (job.done) {
                it.remove();
            }
        }
        return handled;
    }

    private void inclusionAnswered(Job job, Object result, long nowNs) {
        @SuppressWarnings("unchecked") // getInclusion's future holds an Optional<L1Inclusion>
        Optional<L1Inclusion> inclusion = (Optional<L1Inclusion>) result;
        ctx.health().l1Ok(NAME);
        job.askBeforePosting = false;
        if (inclusion.isPresent()) {
            job.acceptedL1TxId = inclusion.get().l1TxId();
            savePosted(job, job.acceptedL1TxId, nowNs);
        } else {
            job.notBeforeNs = Long.MIN_VALUE; // L1 does not have it: post it again, same key
        }
    }

    private void submitAnswered(Job job, SubmitResult result, long latencyNs, long nowNs) {
        if (result instanceof SubmitResult.Accepted accepted) {
            ctx.metrics().recordPostSucceeded(latencyNs);
            ctx.health().l1Ok(NAME);
            job.acceptedL1TxId = accepted.l1TxId() == null ? "" : accepted.l1TxId();
            savePosted(job, job.acceptedL1TxId, nowNs);
            return;
        }
        SubmitResult.Rejected rejected = (SubmitResult.Rejected) result;
        ctx.metrics().recordPostFailed(PostFailure.PERMANENT, latencyNs);
        refusedForGood(job, "L1 refused batch " + job.batch.batchNumber() + ": " + rejected.errorCode() + ": "
                + rejected.message());
    }

    private void failed(Job job, Throwable error, long latencyNs, long nowNs) {
        if (error instanceof L1PermanentException) {
            ctx.metrics().recordPostFailed(PostFailure.PERMANENT, latencyNs);
            refusedForGood(job, "L1 call failed permanently for batch " + job.batch.batchNumber() + ": "
                    + error.getMessage());
            return;
        }
        OptionalLong retryAfterMs = OptionalLong.empty();
        PostFailure kind;
        if (error instanceof L1TransientException transientError) {
            kind = PostFailure.TRANSIENT;
            retryAfterMs = transientError.retryAfterMs();
        } else {
            // L1UnknownResultException, or anything unexpected: the request may have been applied
            kind = PostFailure.UNKNOWN_RESULT;
            if (!(error instanceof L1UnknownResultException)) {
                ctx.errors().unexpected(NAME, error);
            }
            job.askBeforePosting = true;
        }
        if (job.inFlightIsInclusionCheck) {
            job.askBeforePosting = true;
        }
        job.attempts++;
        ctx.metrics().recordPostFailed(kind, latencyNs);
        ctx.health().l1Failed(NAME, "batch " + job.batch.batchNumber() + ": " + kind + ": " + error.getMessage());
        long delayMs = backoff.delayMs(job.attempts, random.nextLong(), retryAfterMs);
        job.notBeforeNs = nowNs + delayMs * 1_000_000L;
    }

    /** @return true (the job is done) if storage shows the batch past COMMITTED: never write POSTED over that */
    private boolean savedMeanwhile(Job job) {
        Optional<StoredBatch> stored = ctx.storage().findBatchByNumber(job.batch.batchNumber());
        if (stored.isEmpty() || stored.get().status() == L1Status.COMMITTED) {
            return false;
        }
        job.done = true;
        ctx.signals().batchPosted();
        return true;
    }

    /** @return true if saved (the job is done), false if storage failed (retried at the next step) */
    private boolean savePosted(Job job, String l1TxId, long nowNs) {
        BatchL1State posted = new BatchL1State(L1Status.POSTED, l1TxId.isEmpty() ? null : l1TxId, 0,
                job.attempts + 1, null, ctx.wallClock().currentTimeMs());
        WriteOutcome outcome;
        try {
            outcome = ctx.storage().updateL1State(ledTerm, job.batch.batchNumber(), posted);
        } catch (StorageException e) {
            ctx.errors().failed(NAME, e);
            job.notBeforeNs = nowNs + STORAGE_RETRY_NS;
            return false;
        }
        if (outcome instanceof Fenced fenced) {
            ctx.leadership().fenced(fenced.storedTerm(), "poster");
        } else if (outcome instanceof Conflict conflict) {
            ctx.errors().failed(NAME, new IllegalStateException("batch " + job.batch.batchNumber()
                    + " state not saved: " + conflict.reason()));
        }
        job.done = true;
        ctx.signals().batchPosted();
        return true;
    }

    private void refusedForGood(Job job, String reason) {
        ctx.health().l1Failed(NAME, reason);
        halt(reason); // first: even if saving FAILED fails (or lands unacknowledged), nothing is posted until resumed
        BatchL1State failedState = new BatchL1State(L1Status.FAILED, null, 0, job.attempts + 1, reason,
                ctx.wallClock().currentTimeMs());
        WriteOutcome outcome = ctx.storage().updateL1State(ledTerm, job.batch.batchNumber(), failedState);
        if (outcome instanceof Fenced fenced) {
            ctx.leadership().fenced(fenced.storedTerm(), "poster");
            return;
        }
        job.done = true;
    }

    private void halt(String reason) {
        haltedReason = reason;
        ctx.health().postingHalted(reason);
        ctx.errors().failed(NAME, new IllegalStateException("posting halted: " + reason));
    }

    /** Puts the batches L1 refused back to committed, in order, and lifts the halt. */
    private int resumeHalted() {
        int resumed = 0;
        for (StoredBatch failed : ctx.storage().listBatchesInStatus(EnumSet.of(L1Status.FAILED), WINDOW)) {
            BatchL1State again = new BatchL1State(L1Status.COMMITTED, null, 0, failed.l1State().postAttempts(),
                    failed.l1State().lastError(), ctx.wallClock().currentTimeMs());
            WriteOutcome outcome = ctx.storage().updateL1State(ledTerm, failed.batchNumber(), again);
            if (outcome instanceof Fenced fenced) {
                ctx.leadership().fenced(fenced.storedTerm(), "poster");
                return resumed;
            }
            resumed++;
        }
        haltedReason = null;
        ctx.health().postingHalted(null);
        ctx.signals().requestPostingRefresh();
        return resumed;
    }

    @Override
    public synchronized long nextDeadlineNs(long nowNs) {
        if (!ctx.leadership().isLeader()) {
            return nowNs + LoopContext.NOT_LEADING_IDLE_NS;
        }
        long next = nextRefreshNs == Long.MIN_VALUE ? nowNs : nextRefreshNs;
        if (haltedReason != null || paused || inFlight >= maxPostsInFlight) { // resuming wakes the loop
            // at the in-flight limit nothing can be sent before an answer arrives, and an answer wakes the loop
            // (signalWork): without this a backlog of batches behind a post in flight made the loop spin
            return next;
        }
        for (Job job : jobs.values()) {
            if (job.inFlight != null) {
                continue;
            }
            long at = job.notBeforeNs == Long.MIN_VALUE ? nowNs : job.notBeforeNs;
            if (at - next < 0) {
                next = at;
            }
            break;
        }
        return next;
    }
}
