package org.ippan.l2.core.engine;

import java.util.List;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.PruneOutcome;
import org.ippan.l2.storage.Pruned;
import org.ippan.l2.storage.StoredBatch;

/**
 * Retention of confirmed data ({@code L2_RETAIN_CONFIRMED}): the reconciler, as leader, asks it at each round to
 * prune the confirmed batches older than the last {@code retainConfirmed} confirmed ones, at most
 * {@value #MAX_BATCHES_PER_STEP} batches and at most once per reconcile interval, off the admission path. A pruned
 * batch loses its L1 request body and its txs' encodings ({@link org.ippan.l2.storage.Storage#pruneConfirmed}); tx
 * hashes and seqs stay, so duplicates are still recognised and receipts still rebuilt. A fenced prune takes the
 * usual fencing path; a failing one throws to the reconciler, whose error path reports it. Not thread-safe: only
 * the reconciler's step calls it.
 */
final class Retention {
    /** The most batches one step prunes, so that a step stays a small write. */
    static final int MAX_BATCHES_PER_STEP = 16;

    private final LoopContext ctx;
    private final long retainConfirmed;
    private final long intervalNs;
    private long nextStepNs = Long.MIN_VALUE;

    Retention(LoopContext ctx, SequencerConfig config) {
        this.ctx = ctx;
        this.retainConfirmed = config.retainConfirmed();
        this.intervalNs = config.reconcileIntervalMs() * 1_000_000L;
    }

    /**
     * Prunes, if retention is on and the interval since the last step has passed.
     *
     * @param nowNs         the loop's time now
     * @param term          the term the caller leads in
     * @param unconfirmed   the lowest-numbered unconfirmed batches, ascending (the reconciler's listing)
     * @return the number of batches pruned, 0 if none (or fenced)
     */
    int step(long nowNs, long term, List<StoredBatch> unconfirmed) {
        if (retainConfirmed == 0 || (nextStepNs != Long.MIN_VALUE && nowNs - nextStepNs < 0)) {
            return 0;
        }
        nextStepNs = nowNs + intervalNs;
        // batches are confirmed in order: the confirmed prefix ends just below the lowest unconfirmed batch
        long lastConfirmed = (unconfirmed.isEmpty() ? ctx.storage().readSequenceState().nextBatchNumber()
                : unconfirmed.get(0).batchNumber()) - 1;
        long through = lastConfirmed - retainConfirmed;
        if (through < 1) {
            return 0;
        }
        PruneOutcome outcome = ctx.storage().pruneConfirmed(term, through, MAX_BATCHES_PER_STEP);
        if (outcome instanceof Fenced fenced) {
            ctx.leadership().fenced(fenced.storedTerm(), "retention");
            return 0;
        }
        return ((Pruned) outcome).batchCount();
    }

    /** Starts over in a new term: the next round steps at once. */
    void reset() {
        nextStepNs = Long.MIN_VALUE;
    }
}
