package org.ippan.l2.core.batch;

import java.util.List;

/**
 * The ordering seam: which pending txs the next batch is cut from, and in which order.
 *
 * <p>The {@link BatchCutter} only ever takes a prefix of what the policy returns, so a new policy (a
 * forced-inclusion lane, per-sender nonce order) plugs in here without touching the cutter. The default,
 * {@link #ADMISSION_ORDER}, is the rule of this library: ascending admission sequence, each batch the contiguous
 * range right after the previous one's. Storage's "next unbatched" cursor relies on that contiguity; a policy that
 * reorders must come with a storage model that tracks batched txs individually.
 *
 * <p>Implementations must be deterministic: the same input gives the same output, with no clock or randomness.
 */
@FunctionalInterface
public interface OrderingPolicy {
    /** Admission order: returns the pending txs as they are, ascending by sequence number. */
    OrderingPolicy ADMISSION_ORDER = pending -> pending;

    /**
     * @param pendingInAdmissionOrder the pending txs, ascending by sequence number without gaps
     * @return the candidates of the next batch in batch order (the cutter takes a prefix)
     */
    List<PendingTx> order(List<PendingTx> pendingInAdmissionOrder);
}
