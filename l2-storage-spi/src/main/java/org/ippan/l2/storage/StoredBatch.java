package org.ippan.l2.storage;

import java.util.Objects;

/**
 * A stored batch: what was fixed when it was cut, and its current L1 state.
 *
 * @param batch   the batch as cut
 * @param l1State its current standing with the L1
 */
public record StoredBatch(NewBatch batch, BatchL1State l1State) {

    /**
     * Validates the components.
     *
     * @param batch see {@link #batch()}
     * @param l1State see {@link #l1State()}
     * @throws NullPointerException if an argument is null
     */
    public StoredBatch {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(l1State, "l1State");
    }

    /** @return the batch number */
    public long batchNumber() {
        return batch.batchNumber();
    }

    /** @return the batch hash (not copied) */
    public byte[] batchHash() {
        return batch.batchHash();
    }

    /** @return the current L1 status */
    public L1Status status() {
        return l1State.status();
    }

    /**
     * Whether the batch was pruned ({@link Storage#pruneConfirmed}): its L1 request body and its txs' encodings
     * are gone, everything else remains. Cut batches have non-empty request bodies, so an empty one means pruned.
     *
     * @return true if the batch's {@link NewBatch#l1Envelope()} is empty
     */
    public boolean pruned() {
        return batch.l1Envelope().length == 0;
    }

    /**
     * @param newState the new L1 state
     * @return this batch with {@code newState}
     */
    public StoredBatch withL1State(BatchL1State newState) {
        return new StoredBatch(batch, newState);
    }
}
