package org.ippan.l2.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tx to admit. The arrays are not copied: after handing them over, neither side mutates them.
 *
 * @param txHash      the tx hash (32 bytes), its identity: a second tx with the same hash is a duplicate
 * @param canonicalTx the tx's canonical encoding, stored as given
 * @param admittedMs  wall-clock ms at which the tx was accepted
 */
public record NewTx(byte[] txHash, byte[] canonicalTx, long admittedMs) {

    /**
     * Validates the components.
     *
     * @param txHash see {@link #txHash()}
     * @param canonicalTx see {@link #canonicalTx()}
     * @param admittedMs see {@link #admittedMs()}
     * @throws NullPointerException     if an array is null
     * @throws IllegalArgumentException if {@code txHash} is not 32 bytes
     */
    public NewTx {
        StorageArguments.requireHash(txHash, "txHash");
        Objects.requireNonNull(canonicalTx, "canonicalTx");
    }

    /** Equal if every field is equal, arrays by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof NewTx other
                && admittedMs == other.admittedMs
                && Arrays.equals(txHash, other.txHash)
                && Arrays.equals(canonicalTx, other.canonicalTx);
    }

    /** A hash over every field, arrays by content. */
    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(txHash), Arrays.hashCode(canonicalTx), admittedMs);
    }

    /** The hash in hex and the length of the tx. */
    @Override
    public String toString() {
        return "NewTx[txHash=" + Bytes.hex(txHash) + ", canonicalTx=" + Bytes.length(canonicalTx)
                + ", admittedMs=" + admittedMs + "]";
    }
}
