package org.ippan.l2.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where admission and batching stand. Txs with seq in {@code [nextUnbatchedSeq, nextSeq)} are pending: admitted,
 * not yet in a batch. The head hash array is not copied: neither side mutates it after handing it over.
 *
 * @param nextSeq          the sequence number the next admitted tx gets (1 on a fresh store)
 * @param nextUnbatchedSeq the first seq not yet in a batch: the next batch starts here (1 on a fresh store)
 * @param nextBatchNumber  the number the next batch gets (1 on a fresh store)
 * @param headBatchHash    the hash of the last batch, which the next batch names as its previous one; 32 zero
 *                         bytes before batch 1
 */
public record SequenceState(long nextSeq, long nextUnbatchedSeq, long nextBatchNumber, byte[] headBatchHash) {

    /**
     * Validates the components.
     *
     * @param nextSeq see {@link #nextSeq()}
     * @param nextUnbatchedSeq see {@link #nextUnbatchedSeq()}
     * @param nextBatchNumber see {@link #nextBatchNumber()}
     * @param headBatchHash see {@link #headBatchHash()}
     * @throws NullPointerException     if {@code headBatchHash} is null
     * @throws IllegalArgumentException if a number is below 1, {@code nextUnbatchedSeq > nextSeq}, or
     *                                  {@code headBatchHash} is not 32 bytes
     */
    public SequenceState {
        StorageArguments.requirePositive(nextSeq, "nextSeq");
        StorageArguments.requirePositive(nextUnbatchedSeq, "nextUnbatchedSeq");
        StorageArguments.requirePositive(nextBatchNumber, "nextBatchNumber");
        StorageArguments.requireHash(headBatchHash, "headBatchHash");
        if (nextUnbatchedSeq > nextSeq) {
            throw new IllegalArgumentException(
                    "nextUnbatchedSeq (" + nextUnbatchedSeq + ") must be <= nextSeq (" + nextSeq + ")");
        }
    }

    /** @return the state of a fresh store: everything at 1, head hash all zero */
    public static SequenceState initial() {
        return new SequenceState(1, 1, 1, new byte[StorageArguments.HASH_LENGTH]);
    }

    /** @return the number of pending txs: admitted, not yet in a batch */
    public long pendingCount() {
        return nextSeq - nextUnbatchedSeq;
    }

    /** Equal if every field is equal, the hash by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceState other
                && nextSeq == other.nextSeq
                && nextUnbatchedSeq == other.nextUnbatchedSeq
                && nextBatchNumber == other.nextBatchNumber
                && Arrays.equals(headBatchHash, other.headBatchHash);
    }

    /** A hash over every field, the hash by content. */
    @Override
    public int hashCode() {
        return Objects.hash(nextSeq, nextUnbatchedSeq, nextBatchNumber, Arrays.hashCode(headBatchHash));
    }

    /** Every field, the hash in hex. */
    @Override
    public String toString() {
        return "SequenceState[nextSeq=" + nextSeq + ", nextUnbatchedSeq=" + nextUnbatchedSeq
                + ", nextBatchNumber=" + nextBatchNumber + ", headBatchHash=" + Bytes.hex(headBatchHash) + "]";
    }
}
