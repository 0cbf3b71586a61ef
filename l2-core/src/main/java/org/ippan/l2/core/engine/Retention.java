package org.ippan.l2.core.engine;

import java.util.List;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.PruneOutcome;
import org.ippan.l2.storage.Pruned;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StoredBatch;

/**
 * Retention of confirmed data, a loop of its own that works only while this node leads, off the admission path:
 * <ul>
 *   <li>{@code L2_RETAIN_CONFIRMED}: confirmed batches past this {@link Horizon} are <em>pruned</em>
 *       ({@link Storage#pruneConfirmed}): they lose their L1 request bodies and their txs' encodings, while tx
 *       hashes and seqs stay, so duplicates are still recognised and receipts still rebuilt;</li>
 *   <li>{@code L2_FORGET_CONFIRMED}: confirmed batches past this one are <em>forgotten</em> whole
 *       ({@link Storage#forgetConfirmed}): batch row, tx hashes, receipt seals. This is the duplicate window: a tx
 *       re-sent after its batch was forgotten is admitted again.</li>
 * </ul>
 * Each step prunes and forgets at most {@value #MAX_BATCHES_PER_STEP} batches each, in one small write each. While a
 * step finds more due than that (retention switched on over a large store, or a backlog), the next step follows
 * {@link #CATCH_UP_GAP_NS} later; otherwise one reconcile interval later. Batches are confirmed in order, so the
 * confirmed prefix ends just below the lowest unconfirmed batch; an age horizon is found by a binary search of the
 * batches' creation times (the leader's wall clock; across leaders with skewed clocks the boundary is approximate).
 * A fenced write takes the usual fencing path; a failing one goes to the error path and is retried a reconcile
 * interval later. Not thread-safe: one host thread steps it, like every loop.
 */
final class Retention implements DutyLoop {
    /** The loop's name, in logs, metrics and readiness. */
    static final String NAME = "retention";
    /** The most batches one write prunes or forgets, so that a step stays a small write. */
    static final int MAX_BATCHES_PER_STEP = 16;
    /** The pause between two steps while more is due: up to 100 steps, 1,600 batches, a second. */
    static final long CATCH_UP_GAP_NS = 10_000_000L;

    private final LoopContext ctx;
    private final Horizon retain;
    private final Horizon forget;
    private final long intervalNs;
    private long nextStepNs = Long.MIN_VALUE;
    private long ledTerm = -1;

    Retention(LoopContext ctx, SequencerConfig config) {
        this.ctx = ctx;
        this.retain = config.retainConfirmed();
        this.forget = config.forgetConfirmed();
        this.intervalNs = config.reconcileIntervalMs() * 1_000_000L;
    }

    @Override
    public String name() {
        return NAME;
    }

    private boolean off() {
        return retain.keepsAll() && forget.keepsAll();
    }

    @Override
    public int doWork(long nowNs) {
        if (off() || !ctx.leadership().isLeader()) {
            return 0;
        }
        long term = ctx.leadership().term();
        if (term != ledTerm) { // leading in a new term: step at once
            ledTerm = term;
            nextStepNs = Long.MIN_VALUE;
        }
        if (nextStepNs != Long.MIN_VALUE && nowNs - nextStepNs < 0) {
            return 0;
        }
        nextStepNs = nowNs + intervalNs;
        try {
            int work = step(nowNs, term);
            ctx.errors().ok(NAME);
            return work;
        } catch (RuntimeException e) {
            ctx.errors().failed(NAME, e);
            return 0;
        }
    }

    @Override
    public long nextDeadlineNs(long nowNs) {
        if (off() || !ctx.leadership().isLeader()) {
            return nowNs + LoopContext.NOT_LEADING_IDLE_NS;
        }
        return nextStepNs == Long.MIN_VALUE || ctx.leadership().term() != ledTerm ? nowNs : nextStepNs;
    }

    /** One step: prune, then forget, whatever is past each horizon, a bounded amount of each. */
    private int step(long nowNs, long term) {
        Storage storage = ctx.storage();
        List<StoredBatch> lowestUnconfirmed = storage.listBatchesInStatus(Reconciler.UNCONFIRMED, 1);
        long lastConfirmed = (lowestUnconfirmed.isEmpty() ? storage.readSequenceState().nextBatchNumber()
                : lowestUnconfirmed.get(0).batchNumber()) - 1;
        long nowMs = ctx.wallClock().currentTimeMs();
        long forgottenThrough = storage.readCursor(Storage.FORGOTTEN_THROUGH_CURSOR);
        int pruned = apply(storage.pruneConfirmed(term,
                through(retain, lastConfirmed, forgottenThrough, nowMs), MAX_BATCHES_PER_STEP));
        if (pruned < 0) {
            return 0;
        }
        ctx.metrics().recordBatchesPruned(pruned);
        int forgotten = apply(storage.forgetConfirmed(term,
                through(forget, lastConfirmed, forgottenThrough, nowMs), MAX_BATCHES_PER_STEP));
        if (forgotten < 0) {
            return pruned;
        }
        ctx.metrics().recordBatchesForgotten(forgotten);
        if (forgottenThrough + forgotten > 0) { // the lowest seq still stored: admission's cache must not go below
            List<StoredBatch> firstKept = storage.listBatches(forgottenThrough + forgotten + 1, 1);
            ctx.signals().forgottenBelow(firstKept.isEmpty() ? storage.readSequenceState().nextUnbatchedSeq()
                    : firstKept.get(0).batch().firstSeq());
        }
        if (pruned == MAX_BATCHES_PER_STEP || forgotten == MAX_BATCHES_PER_STEP) {
            nextStepNs = nowNs + CATCH_UP_GAP_NS; // more is due: catch up in small steps
        }
        return pruned + forgotten;
    }

    /** The count of a write, or -1 if it was fenced (and the fencing reported). */
    private int apply(PruneOutcome outcome) {
        if (outcome instanceof Fenced fenced) {
            ctx.leadership().fenced(fenced.storedTerm(), NAME);
            return -1;
        }
        return ((Pruned) outcome).batchCount();
    }

    /**
     * The highest batch number past {@code horizon}, 0 if none: by count, all but the last {@code count}
     * confirmed; by age, the last confirmed batch cut at or before {@code nowMs - age} (a binary search over the
     * batches still known, whose creation times rise with their numbers).
     */
    private long through(Horizon horizon, long lastConfirmed, long forgottenThrough, long nowMs) {
        if (horizon.keepsAll() || lastConfirmed < 1) {
            return 0;
        }
        if (horizon.batchCount() > 0) {
            return Math.max(0, lastConfirmed - horizon.batchCount());
        }
        long cutoffMs = nowMs - horizon.ageMs();
        long low = forgottenThrough; // known past the horizon (or 0)
        long high = lastConfirmed + 1; // treated as within it
        while (high - low > 1) {
            long middle = low + (high - low) / 2;
            // a batch forgotten meanwhile is past every horizon
            boolean past = ctx.storage().findBatchByNumber(middle)
                    .map(batch -> batch.batch().createdMs() <= cutoffMs).orElse(true);
            if (past) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
