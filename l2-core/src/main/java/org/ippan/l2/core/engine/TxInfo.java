package org.ippan.l2.core.engine;

import java.util.Objects;
import java.util.Optional;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.StoredBatch;

/**
 * An accepted tx as storage knows it.
 *
 * @param tx the tx
 * @param seq its admission sequence number
 * @param admittedMs when it was accepted
 * @param batch the batch holding it, empty while it is pending
 */
public record TxInfo(Tx tx, long seq, long admittedMs, Optional<StoredBatch> batch) {
    /** Validates the fields. */
    public TxInfo {
        Objects.requireNonNull(tx, "tx");
        Objects.requireNonNull(batch, "batch");
    }
}
