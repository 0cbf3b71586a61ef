package org.ippan.l2.core.engine;

import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.CutReason;

/**
 * What the engine reports as it works: a dependency-free listener (Caffeine's {@code StatsCounter} pattern).
 * Every method has a no-op default, so an implementation overrides what it records; {@link #NONE} records nothing.
 * Methods are called on the engine's threads (the host's executors and submitting threads) and must be cheap,
 * thread-safe and never throw.
 *
 * <p>Gauges (batches per L1 state, pending txs, leadership, term, L1 heights) are not pushed here: they are read
 * from {@code Sequencer.status()} when scraped, so they are always consistent with storage.
 * {@link CountingMetrics} is a ready implementation with counters and latency histograms.
 */
public interface SequencerMetrics {
    /** Records nothing. */
    SequencerMetrics NONE = new SequencerMetrics() {};

    /**
     * A group of txs was written to storage (one call per group write).
     *
     * @param accepted txs newly accepted in the write
     * @param duplicates txs storage recognised as already accepted
     * @param latencyNs from the oldest submission of the group to the end of the write
     */
    default void recordAdmitted(int accepted, int duplicates, long latencyNs) {}

    /**
     * Txs were answered as duplicates from the engine's cache of recently accepted txs, without a storage write
     * (so without an admission latency to report).
     *
     * @param count how many txs
     */
    default void recordDuplicatesFromCache(int count) {}

    /**
     * Txs were refused.
     *
     * @param code why
     * @param count how many txs
     */
    default void recordRejected(RefusalCode code, int count) {}

    /**
     * A batch was committed.
     *
     * @param reason why it was cut
     * @param txCount its txs
     * @param encodedBytes its encoded size
     */
    default void recordBatchCut(CutReason reason, int txCount, long encodedBytes) {}

    /**
     * An L1 submission of a batch was answered with success (accepted or already known).
     *
     * @param latencyNs from sending the submission to its answer
     */
    default void recordPostSucceeded(long latencyNs) {}

    /**
     * An L1 posting attempt failed (transient, unknown result, or permanent refusal).
     *
     * @param kind the failure class
     * @param latencyNs from sending the submission to the failure
     */
    default void recordPostFailed(PostFailure kind, long latencyNs) {}

    /** A batch reached the confirmed state. */
    default void recordBatchConfirmed() {}

    /** A batch that L1 had lost (no longer included) was queued to be posted again with the same key. */
    default void recordBatchReposted() {}

    /**
     * Retention pruned confirmed batches ({@code L2_RETAIN_CONFIRMED}): their L1 request bodies and tx encodings.
     *
     * @param count how many batches, at least 0
     */
    default void recordBatchesPruned(int count) {}

    /**
     * Retention forgot confirmed batches whole ({@code L2_FORGET_CONFIRMED}): batch, tx hashes, receipt seals.
     *
     * @param count how many batches, at least 0
     */
    default void recordBatchesForgotten(int count) {}

    /**
     * The engine changed state.
     *
     * @param from the previous state
     * @param to the new state
     */
    default void recordStateChange(SequencerState from, SequencerState to) {}

    /** Lease mode: the leader could not reach the lease store to renew its lease (it retries until its deadline). */
    default void recordLeaseRenewFailed() {}

    /**
     * A loop step failed (the error also went to the error handler).
     *
     * @param loop the loop's name
     */
    default void recordLoopError(String loop) {}

    /**
     * The forced-inclusion watcher took txs from the L1 inbox.
     *
     * @param admitted txs admitted (new or already known)
     * @param skipped  txs it could not admit: undecodable or refused by the admission rules (logged with their hash;
     *                 the inbox's own checks should make this 0)
     */
    default void recordForcedTxs(int admitted, int skipped) {}

    /** The classes of L1 posting failures. */
    enum PostFailure {
        /** Retriable: timeouts before sending, connection errors, 5xx, 408, 425, 429. */
        TRANSIENT,
        /** The request may or may not have been applied; L1 is asked by key before posting again. */
        UNKNOWN_RESULT,
        /** L1 refused the batch for good; posting halts. */
        PERMANENT
    }
}
