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
     * Validates the fields. A null {@code tx} needs a batch, but not one that reads as pruned: a reader whose batch
     * came from a cache filled before the prune may still see the batch unpruned.
     *
     * @throws IllegalArgumentException if {@code tx} is null (pruned) but {@code batch} is empty (pending)
     */
    public TxInfo {
        Objects.requireNonNull(batch, "batch");
        if (tx == null && batch.isEmpty()) {
            throw new IllegalArgumentException("tx is null (pruned) but it is in no batch");
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
