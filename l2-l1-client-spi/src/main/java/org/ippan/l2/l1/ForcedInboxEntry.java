package org.ippan.l2.l1;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One tx in a chain's forced-inclusion inbox on L1: anyone may post a tx there, and the L1 records where and at
 * which height. The sequencer must include every inbox tx in a batch posted within the chain's window of L1 blocks
 * after {@link #l1Height()}, or the L1 refuses its batches.
 *
 * <p>The arrays are held by reference, not copied (the hand-over rule of this package).
 *
 * @param index       the entry's position in the chain's inbox, from 0, without gaps
 * @param l1Height    the L1 height at which the inbox recorded it, at least 0
 * @param txHash      the tx hash (BLAKE3-256 of {@code canonicalTx}), 32 bytes
 * @param canonicalTx the tx's canonical v1 bytes, not empty
 */
public record ForcedInboxEntry(long index, long l1Height, byte[] txHash, byte[] canonicalTx) {

    /** The length of a tx hash. */
    public static final int TX_HASH_LENGTH = 32;

    /**
     * Validates the components.
     *
     * @throws NullPointerException if an array is null (the message names it)
     * @throws IllegalArgumentException if a component is out of range (the message names it)
     */
    public ForcedInboxEntry {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        if (l1Height < 0) {
            throw new IllegalArgumentException("l1Height must be >= 0, was " + l1Height);
        }
        Objects.requireNonNull(txHash, "txHash");
        if (txHash.length != TX_HASH_LENGTH) {
            throw new IllegalArgumentException("txHash must be " + TX_HASH_LENGTH + " bytes, was " + txHash.length);
        }
        Objects.requireNonNull(canonicalTx, "canonicalTx");
        if (canonicalTx.length == 0) {
            throw new IllegalArgumentException("canonicalTx must not be empty");
        }
    }

    /** @return the tx hash in lowercase hex */
    public String txHashHex() {
        return HexFormat.of().formatHex(txHash);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ForcedInboxEntry that && index == that.index && l1Height == that.l1Height
                && Arrays.equals(txHash, that.txHash) && Arrays.equals(canonicalTx, that.canonicalTx);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, l1Height, Arrays.hashCode(txHash), Arrays.hashCode(canonicalTx));
    }

    @Override
    public String toString() {
        return "ForcedInboxEntry[index=" + index + ", l1Height=" + l1Height + ", txHash=" + txHashHex()
                + ", canonicalTx=<" + canonicalTx.length + " bytes>]";
    }
}
