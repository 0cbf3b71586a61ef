package org.ippan.l2.storage;

/**
 * The admission result of one tx.
 *
 * @param seq       its admission sequence number: newly assigned, or the one it already had
 * @param duplicate true if a tx with the same hash was already stored (or came earlier in the same call), so
 *                  nothing new was stored for it
 */
public record AppendedTx(long seq, boolean duplicate) {

    /**
     * Validates the components.
     *
     * @param seq see {@link #seq()}
     * @param duplicate see {@link #duplicate()}
     * @throws IllegalArgumentException if {@code seq < 1}
     */
    public AppendedTx {
        StorageArguments.requirePositive(seq, "seq");
    }
}
