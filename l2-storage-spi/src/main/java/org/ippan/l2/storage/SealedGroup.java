package org.ippan.l2.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * The seal stored with a group of txs admitted by one {@link Storage#appendTxs} call (see {@link GroupSeal}).
 *
 * @param firstSeq the sequence number of the group's first tx, at least 1
 * @param count    the number of txs in the group, at least 1: their sequence numbers are
 *                 {@code [firstSeq, firstSeq + count)}
 * @param seal     the bytes {@link GroupSeal#seal} returned (not copied)
 */
public record SealedGroup(long firstSeq, int count, byte[] seal) {

    /**
     * @throws IllegalArgumentException if {@code firstSeq} or {@code count} is below 1, or the seal is too long
     * @throws NullPointerException if {@code seal} is null
     */
    public SealedGroup {
        StorageArguments.requirePositive(firstSeq, "firstSeq");
        StorageArguments.requirePositive(count, "count");
        Objects.requireNonNull(seal, "seal");
        if (seal.length > GroupSeal.MAX_LENGTH) {
            throw new IllegalArgumentException("seal must be at most " + GroupSeal.MAX_LENGTH + " bytes, got "
                    + seal.length);
        }
    }

    /**
     * @param seq a sequence number
     * @return true if the tx with that sequence number is in this group
     */
    public boolean contains(long seq) {
        return seq >= firstSeq && seq - firstSeq < count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedGroup other && firstSeq == other.firstSeq && count == other.count
                && Arrays.equals(seal, other.seal);
    }

    @Override
    public int hashCode() {
        return Objects.hash(firstSeq, count, Arrays.hashCode(seal));
    }

    @Override
    public String toString() {
        return "SealedGroup[firstSeq=" + firstSeq + ", count=" + count + ", seal=" + seal.length + " bytes]";
    }
}
