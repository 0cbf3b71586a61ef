package org.ippan.l2.core.batch;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;

/**
 * Turns the pending txs into the next batch: the {@link OrderingPolicy} orders them, the {@link BatchCutter}
 * decides, and the planner builds the {@link Batch}. Pure and deterministic: the same pending txs, chain head and
 * {@code nowMs} give a byte-identical batch (same {@code batch_hash}), because {@code created_ms} is the
 * {@code nowMs} of the decision and nothing else varies.
 */
public final class BatchPlanner {
    private final long chainId;
    private final BatchCutter cutter;
    private final OrderingPolicy ordering;

    /**
     * @param chainId the chain id written into every batch
     * @param cutter the cutting rule
     * @param ordering the ordering policy ({@link OrderingPolicy#ADMISSION_ORDER} for the library's rule)
     */
    public BatchPlanner(long chainId, BatchCutter cutter, OrderingPolicy ordering) {
        this.chainId = chainId;
        this.cutter = Objects.requireNonNull(cutter, "cutter");
        this.ordering = Objects.requireNonNull(ordering, "ordering");
    }

    /**
     * @param newCutter the cutting rule to apply instead (run-time limits)
     * @return a planner like this one (same chain id and ordering) that cuts with {@code newCutter}
     */
    public BatchPlanner withCutter(BatchCutter newCutter) {
        return new BatchPlanner(chainId, newCutter, ordering);
    }

    /** The outcome of planning: a batch to commit, or the decision to wait. */
    public sealed interface Plan permits Plan.Ready, Plan.Waiting {
        /** @param batch the batch to commit */
        record Ready(PlannedBatch batch) implements Plan {}

        /** @param decision the cutter's wait decision, with the next deadline */
        record Waiting(CutDecision.Wait decision) implements Plan {}
    }

    /**
     * Plans the next batch.
     *
     * @param pendingInAdmissionOrder pending txs, ascending by sequence number without gaps
     * @param nextBatchNumber the number the batch gets (1 for the first)
     * @param prevBatchHash the head of the chain ({@link Hash#ZERO} before batch 1)
     * @param nowMs wall-clock ms now: the cut decision's time and the batch's {@code created_ms}
     * @param flush cut whatever is pending without waiting
     * @return the batch, or the wait decision
     * @throws UnbatchableTxException if the next candidate alone exceeds the byte limit
     */
    public Plan plan(List<PendingTx> pendingInAdmissionOrder, long nextBatchNumber, Hash prevBatchHash, long nowMs,
            boolean flush) {
        return plan(PendingTxs.of(pendingInAdmissionOrder), nextBatchNumber, prevBatchHash, nowMs, flush);
    }

    /**
     * Plans the next batch, reading the pending txs by index. With {@link OrderingPolicy#ADMISSION_ORDER} it
     * makes no object per pending tx; another policy is given them as a list of {@link PendingTx} records.
     *
     * @param pendingInAdmissionOrder pending txs, ascending by sequence number without gaps
     * @param nextBatchNumber the number the batch gets (1 for the first)
     * @param prevBatchHash the head of the chain ({@link Hash#ZERO} before batch 1)
     * @param nowMs wall-clock ms now: the cut decision's time and the batch's {@code created_ms}
     * @param flush cut whatever is pending without waiting
     * @return the batch, or the wait decision
     * @throws UnbatchableTxException if the next candidate alone exceeds the byte limit
     */
    public Plan plan(PendingTxs pendingInAdmissionOrder, long nextBatchNumber, Hash prevBatchHash, long nowMs,
            boolean flush) {
        if (nextBatchNumber < 1) {
            throw new IllegalArgumentException("nextBatchNumber must be >= 1, got " + nextBatchNumber);
        }
        Objects.requireNonNull(prevBatchHash, "prevBatchHash");
        Objects.requireNonNull(pendingInAdmissionOrder, "pendingInAdmissionOrder");
        PendingTxs candidates = ordering == OrderingPolicy.ADMISSION_ORDER
                ? pendingInAdmissionOrder
                : PendingTxs.of(ordering.order(pendingInAdmissionOrder.toList()));
        CutDecision decision = cutter.decide(candidates, nowMs, flush);
        if (decision instanceof CutDecision.Wait wait) {
            return new Plan.Waiting(wait);
        }
        CutDecision.Cut cut = (CutDecision.Cut) decision;
        // the batch copies the cut's txs straight from the candidates, through a view: one copy, no list between
        Batch batch = new Batch(chainId, nextBatchNumber, new FirstTxs(candidates, cut.txCount()), nowMs);
        return new Plan.Ready(new PlannedBatch(batch, prevBatchHash, candidates.seq(0), cut.reason()));
    }

    /** The first {@code count} candidates' txs, read through: what a cut puts in its batch. */
    private static final class FirstTxs extends AbstractList<Tx> implements RandomAccess {
        private final PendingTxs candidates;
        private final int count;

        FirstTxs(PendingTxs candidates, int count) {
            this.candidates = candidates;
            this.count = count;
        }

        @Override
        public Tx get(int index) {
            return candidates.tx(Objects.checkIndex(index, count));
        }

        @Override
        public int size() {
            return count;
        }
    }
}
