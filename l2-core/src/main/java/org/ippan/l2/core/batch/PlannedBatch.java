package org.ippan.l2.core.batch;

import java.util.Objects;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;

/**
 * A batch the planner has cut, with what storage needs to commit it: the sequence range it consumes and the
 * previous batch's hash it chains to.
 *
 * @param batch the batch (its bytes, {@code batch_hash} and {@code tx_root})
 * @param prevBatchHash the previous batch's {@code batch_hash}, {@link Hash#ZERO} for batch 1
 * @param firstSeq admission sequence number of its first tx; its txs hold {@code firstSeq .. lastSeq()}
 * @param reason why it was cut
 */
public record PlannedBatch(Batch batch, Hash prevBatchHash, long firstSeq, CutReason reason) {
    /** Validates the fields. */
    public PlannedBatch {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(prevBatchHash, "prevBatchHash");
        Objects.requireNonNull(reason, "reason");
        if (firstSeq < 1) {
            throw new IllegalArgumentException("firstSeq must be >= 1, got " + firstSeq);
        }
    }

    /** @return admission sequence number of its last tx */
    public long lastSeq() {
        return firstSeq + batch.txCount() - 1;
    }
}
