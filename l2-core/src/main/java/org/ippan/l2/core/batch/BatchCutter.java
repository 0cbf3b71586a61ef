package org.ippan.l2.core.batch;

import java.util.List;
import java.util.Objects;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Tx;

/**
 * The batch cutting rule, a pure function of (ordered candidates with their encoded sizes and admission times,
 * limits, now, flush).
 *
 * <p>The batch is the longest prefix of the candidates that holds at most {@code maxTxs} txs and whose encoded
 * size is at most {@code maxBytes}. It is cut:
 * <ul>
 *   <li>{@link CutReason#COUNT} when that prefix holds {@code maxTxs} txs;</li>
 *   <li>{@link CutReason#BYTES} when the next candidate would not fit, or what is left under {@code maxBytes} is too
 *       small for any tx;</li>
 *   <li>{@link CutReason#AGE} when {@code now - admittedMs(oldest candidate) >= maxWaitMs} (exactly at the
 *       deadline, not a millisecond later);</li>
 *   <li>{@link CutReason#FLUSH} when the host asks for a flush;</li>
 * </ul>
 * in that order of precedence; otherwise it waits until the oldest candidate's deadline. It never cuts an empty
 * batch and never exceeds either limit. A candidate that alone exceeds {@code maxBytes} (possible only if the limit
 * was lowered after it was admitted) is reported with {@link UnbatchableTxException}, never silently cut or
 * dropped. Work is bounded by {@code maxTxs}, whatever the number of candidates.
 */
public final class BatchCutter {
    private static final int MIN_TX_BODY_BYTES = Tx.FIXED_BODY_BYTES;

    private final BatchLimits limits;

    /** @param limits the cutting limits */
    public BatchCutter(BatchLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** @return the limits this cutter applies */
    public BatchLimits limits() {
        return limits;
    }

    /**
     * Decides whether to cut now.
     *
     * @param candidates the pending txs in batch order (as the {@link OrderingPolicy} returned them)
     * @param nowMs the current wall-clock time in ms, on the same clock as {@link PendingTx#admittedMs()}
     * @param flush true to cut whatever is pending without waiting
     * @return the decision
     * @throws UnbatchableTxException if the first candidate alone exceeds {@code maxBytes}
     */
    public CutDecision decide(List<PendingTx> candidates, long nowMs, boolean flush) {
        return decide(PendingTxs.of(candidates), nowMs, flush);
    }

    /**
     * Decides whether to cut now, reading the candidates by index (no object per tx).
     *
     * @param candidates the pending txs in batch order
     * @param nowMs the current wall-clock time in ms, on the same clock as the txs' admission times
     * @param flush true to cut whatever is pending without waiting
     * @return the decision
     * @throws UnbatchableTxException if the first candidate alone exceeds {@code maxBytes}
     */
    public CutDecision decide(PendingTxs candidates, long nowMs, boolean flush) {
        int available = candidates.size();
        if (available == 0) {
            return new CutDecision.Wait(CutDecision.Wait.NO_DEADLINE);
        }
        long bytes = Batch.OVERHEAD_BYTES;
        int count = 0;
        int limit = Math.min(available, limits.maxTxs());
        boolean nextDoesNotFit = false;
        while (count < limit) {
            long withNext = bytes + candidates.batchBytes(count);
            if (withNext > limits.maxBytes()) {
                nextDoesNotFit = true;
                break;
            }
            bytes = withNext;
            count++;
        }
        if (count == 0) {
            throw new UnbatchableTxException(candidates.seq(0), Batch.OVERHEAD_BYTES + (long) candidates.batchBytes(0),
                    limits.maxBytes());
        }
        if (count == limits.maxTxs()) {
            return new CutDecision.Cut(count, bytes, CutReason.COUNT);
        }
        if (nextDoesNotFit || limits.maxBytes() - bytes < MIN_TX_BODY_BYTES) {
            return new CutDecision.Cut(count, bytes, CutReason.BYTES);
        }
        long deadlineMs = deadline(candidates.admittedMs(0));
        if (nowMs >= deadlineMs) {
            return new CutDecision.Cut(count, bytes, CutReason.AGE);
        }
        if (flush) {
            return new CutDecision.Cut(count, bytes, CutReason.FLUSH);
        }
        return new CutDecision.Wait(deadlineMs);
    }

    private long deadline(long oldestAdmittedMs) {
        long deadline = oldestAdmittedMs + limits.maxWaitMs();
        // saturate instead of wrapping: an absurd clock value must not turn into an immediate cut
        return ((oldestAdmittedMs ^ deadline) & (limits.maxWaitMs() ^ deadline)) < 0 ? Long.MAX_VALUE - 1 : deadline;
    }
}
