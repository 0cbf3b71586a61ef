package org.ippan.l2.node;

import java.util.concurrent.atomic.LongAdder;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.engine.CountingMetrics;
import org.ippan.l2.core.engine.SequencerMetrics;
import org.ippan.l2.core.engine.SequencerState;

/**
 * The node's metrics listener: everything goes to a {@link CountingMetrics}; on top, the node counts its leadership
 * changes (became leader, stopped leading) and its lease renew failures, which {@link CountingMetrics} does not keep.
 */
final class NodeMetrics implements SequencerMetrics {
    private final CountingMetrics counting;
    private final LongAdder leaderChanges = new LongAdder();
    private final LongAdder leaseRenewFailures = new LongAdder();

    NodeMetrics(CountingMetrics counting) {
        this.counting = counting;
    }

    /** @return the counters and histograms of the engine */
    CountingMetrics counting() {
        return counting;
    }

    /** @return how often this node became leader or stopped leading */
    long leaderChanges() {
        return leaderChanges.sum();
    }

    /** @return how often this node, leading, could not renew its lease */
    long leaseRenewFailures() {
        return leaseRenewFailures.sum();
    }

    @Override
    public void recordStateChange(SequencerState from, SequencerState to) {
        if ((from == SequencerState.LEADER) != (to == SequencerState.LEADER)) {
            leaderChanges.increment();
        }
        counting.recordStateChange(from, to);
    }

    @Override
    public void recordLeaseRenewFailed() {
        leaseRenewFailures.increment();
        counting.recordLeaseRenewFailed();
    }

    @Override
    public void recordAdmitted(int accepted, int duplicates, long latencyNs) {
        counting.recordAdmitted(accepted, duplicates, latencyNs);
    }

    @Override
    public void recordDuplicatesFromCache(int count) {
        counting.recordDuplicatesFromCache(count);
    }

    @Override
    public void recordRejected(RefusalCode code, int count) {
        counting.recordRejected(code, count);
    }

    @Override
    public void recordBatchCut(CutReason reason, int txCount, long encodedBytes) {
        counting.recordBatchCut(reason, txCount, encodedBytes);
    }

    @Override
    public void recordPostSucceeded(long latencyNs) {
        counting.recordPostSucceeded(latencyNs);
    }

    @Override
    public void recordPostFailed(PostFailure kind, long latencyNs) {
        counting.recordPostFailed(kind, latencyNs);
    }

    @Override
    public void recordBatchConfirmed() {
        counting.recordBatchConfirmed();
    }

    @Override
    public void recordBatchReposted() {
        counting.recordBatchReposted();
    }

    @Override
    public void recordLoopError(String loop) {
        counting.recordLoopError(loop);
    }

    @Override
    public void recordForcedTxs(int admitted, int skipped) {
        counting.recordForcedTxs(admitted, skipped);
    }
}
