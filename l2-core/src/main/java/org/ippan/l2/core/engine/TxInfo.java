package org.ippan.l2.core.engine;

import java.util.Objects;
import java.util.Optional;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.StoredBatch;

/**
 * An accepted tx as storage knows it.
 *
 * @param tx the tx; null once its batch was pruned ({@link #pruned()}, {@code L2_RETAIN_CONFIRMED})
 * @param seq its admission sequence number
 * @param admittedMs when it was accepted
 * @param batch the batch holding it, empty while it is pending
 */
public record TxInfo(Tx tx, long seq, long admittedMs, Optional<StoredBatch> batch) {
    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if {@code tx} is null but {@code batch} is not a pruned batch
     */
    public TxInfo {
        Objects.requireNonNull(batch, "batch");
        if (tx == null && !batch.map(StoredBatch::pruned).orElse(false)) {
            throw new IllegalArgumentException("tx is null but its batch is not pruned");
        }
    }

    /**
     * @return true if the tx's body was pruned with its confirmed batch: {@link #tx()} is null, the seq and the
     *     batch remain, and the batch has no inclusion proof any more
     */
    public boolean pruned() {
        return tx == null;
    }
}
