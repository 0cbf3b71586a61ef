package org.ippan.l2.core.batch;

import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Tx;

/**
 * When a batch is cut.
 *
 * @param maxTxs most txs in one batch, at least 1
 * @param maxBytes most bytes of the <em>encoded</em> batch ({@code canonical(Batch)}), never exceeded; at least
 *     enough for one minimal tx
 * @param maxWaitMs longest time the oldest pending tx waits before a batch is cut, at least 0
 */
public record BatchLimits(int maxTxs, long maxBytes, long maxWaitMs) {
    /** The node's defaults: 1000 txs, 1 MiB, 1000 ms. */
    public static final BatchLimits DEFAULTS = new BatchLimits(1000, 1 << 20, 1000);

    /** The smallest usable byte limit: a batch holding one tx with a 1-byte {@code from} and an empty payload. */
    public static final long MIN_MAX_BYTES = Batch.OVERHEAD_BYTES + Tx.FIXED_BODY_BYTES + 1;

    /** Validates the limits; messages name the field. */
    public BatchLimits {
        if (maxTxs < 1) {
            throw new IllegalArgumentException("maxTxs must be >= 1, got " + maxTxs);
        }
        if (maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("maxBytes must be >= " + MIN_MAX_BYTES
                    + " (one minimal tx in a batch), got " + maxBytes);
        }
        if (maxWaitMs < 0) {
            throw new IllegalArgumentException("maxWaitMs must be >= 0, got " + maxWaitMs);
        }
    }
}
