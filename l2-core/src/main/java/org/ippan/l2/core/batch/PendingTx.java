package org.ippan.l2.core.batch;

import java.util.Objects;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.core.wire.WireFormatException;
import org.ippan.l2.storage.StoredTx;

/**
 * An accepted tx that is not yet in a batch.
 *
 * @param seq its admission sequence number (1, 2, 3 … in the order txs became durable)
 * @param tx the tx
 * @param admittedMs wall-clock ms at which it was admitted; the batch age is measured from the oldest
 */
public record PendingTx(long seq, Tx tx, long admittedMs) {
    /** Validates the fields. */
    public PendingTx {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1, got " + seq);
        }
        Objects.requireNonNull(tx, "tx");
    }

    /**
     * Rebuilds a pending tx from its stored form, checking that the stored bytes still hash to the stored hash.
     *
     * @throws WireFormatException if the stored bytes are not a canonical tx
     * @throws IllegalStateException if they do not hash to the stored tx hash (storage corruption)
     */
    public static PendingTx fromStored(StoredTx stored) {
        Tx tx = Tx.decode(stored.canonicalTx());
        if (!tx.hash().contentEquals(stored.txHash())) {
            throw new IllegalStateException("stored tx #" + stored.seq() + " does not hash to its stored tx hash");
        }
        return new PendingTx(stored.seq(), tx, stored.admittedMs());
    }

    /** @return what this tx adds to the encoded size of a batch: its body, {@link Tx#bodySize()} */
    public int batchBytes() {
        return tx.bodySize();
    }
}
