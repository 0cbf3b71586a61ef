package org.ippan.l2.storage;

/**
 * {@link Storage#pruneConfirmed} pruned some batches (perhaps none) and the change is durable.
 *
 * @param batchCount how many batches this call pruned, at least 0
 */
public record Pruned(int batchCount) implements PruneOutcome {

    /**
     * Validates the components.
     *
     * @param batchCount see {@link #batchCount()}
     * @throws IllegalArgumentException if {@code batchCount} is negative
     */
    public Pruned {
        StorageArguments.requireNonNegative(batchCount, "batchCount");
    }
}
