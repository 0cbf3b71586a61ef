package org.ippan.l2.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * An admitted tx as stored. The arrays are not copied: after handing them over, neither side mutates them.
 *
 * @param seq         its admission sequence number (from 1, contiguous)
 * @param txHash      the tx hash (32 bytes)
 * @param canonicalTx the tx's canonical encoding as admitted; empty once its batch was pruned
 *                    ({@link #bodyPruned()})
 * @param admittedMs  wall-clock ms at which the tx was accepted
 */
public record StoredTx(long seq, byte[] txHash, byte[] canonicalTx, long admittedMs) {

    /**
     * Validates the components.
     *
     * @param seq see {@link #seq()}
     * @param txHash see {@link #txHash()}
     * @param canonicalTx see {@link #canonicalTx()}
     * @param admittedMs see {@link #admittedMs()}
     * @throws NullPointerException     if an array is null
     * @throws IllegalArgumentException if {@code seq < 1} or {@code txHash} is not 32 bytes
     */
    public StoredTx {
        StorageArguments.requirePositive(seq, "seq");
        StorageArguments.requireHash(txHash, "txHash");
        Objects.requireNonNull(canonicalTx, "canonicalTx");
    }

    /**
     * @param seq the sequence number assigned to {@code tx}
     * @param tx  the admitted tx
     * @return the stored form of {@code tx}, sharing its arrays
     */
    public static StoredTx of(long seq, NewTx tx) {
        return new StoredTx(seq, tx.txHash(), tx.canonicalTx(), tx.admittedMs());
    }

    /**
     * Whether the tx's body was pruned ({@link Storage#pruneConfirmed}): its encoding is gone, its seq, hash and
     * admission time remain. Admitted txs have non-empty encodings, so an empty one means pruned.
     *
     * @return true if {@link #canonicalTx()} is empty
     */
    public boolean bodyPruned() {
        return canonicalTx.length == 0;
    }

    /** Equal if every field is equal, arrays by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StoredTx other
                && seq == other.seq
                && admittedMs == other.admittedMs
                && Arrays.equals(txHash, other.txHash)
                && Arrays.equals(canonicalTx, other.canonicalTx);
    }

    /** A hash over every field, arrays by content. */
    @Override
    public int hashCode() {
        return Objects.hash(seq, Arrays.hashCode(txHash), Arrays.hashCode(canonicalTx), admittedMs);
    }

    /** The hash in hex and the length of the tx. */
    @Override
    public String toString() {
        return "StoredTx[seq=" + seq + ", txHash=" + Bytes.hex(txHash) + ", canonicalTx="
                + Bytes.length(canonicalTx) + ", admittedMs=" + admittedMs + "]";
    }
}
