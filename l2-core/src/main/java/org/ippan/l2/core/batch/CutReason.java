package org.ippan.l2.core.batch;

/** Why a batch was cut. The names are stable: they label the {@code l2_batches_cut_total} metric. */
public enum CutReason {
    /** The batch holds {@code maxTxs} txs. */
    COUNT,
    /** The next tx would not fit the byte limit (or no tx could fit in what is left). */
    BYTES,
    /** The oldest pending tx has waited {@code maxWaitMs}. */
    AGE,
    /** The host asked for the pending txs to be flushed (for example on shutdown). */
    FLUSH
}
