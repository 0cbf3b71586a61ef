package org.ippan.l2.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * A batch as cut: everything fixed at cut time, stored once and never changed, so that the batch re-encodes
 * and re-posts to the same bytes forever. It holds the txs with seq in {@code [firstSeq, firstSeq + txCount)}.
 * The arrays are not copied: after handing them over, neither side mutates them.
 *
 * @param batchNumber     the batch number (from 1, contiguous)
 * @param batchHash       the batch hash (32 bytes), its identity
 * @param prevBatchHash   the previous batch's hash; 32 zero bytes for batch 1
 * @param firstSeq        the seq of its first tx
 * @param txCount         how many txs it holds, at least 1
 * @param createdMs       wall-clock ms at which it was cut
 * @param term            the term of the leader that cut it
 * @param txRoot          the root over its tx hashes (32 bytes)
 * @param txBytes         the sum of its txs' payload lengths
 * @param envelopeHash    the hash of its batch payload (32 bytes)
 * @param sequencerPubkey the sequencer's public key; empty if unsigned
 * @param sequencerSig    the sequencer's signature over the envelope; empty if unsigned
 * @param idempotencyKey  the L1 idempotency key (32 bytes): every post of this batch carries it
 * @param l1Envelope      the exact request body posted to L1
 */
public record NewBatch(
        long batchNumber,
        byte[] batchHash,
        byte[] prevBatchHash,
        long firstSeq,
        int txCount,
        long createdMs,
        long term,
        byte[] txRoot,
        long txBytes,
        byte[] envelopeHash,
        byte[] sequencerPubkey,
        byte[] sequencerSig,
        byte[] idempotencyKey,
        byte[] l1Envelope) {

    /**
     * Validates the components.
     *
     * @param batchNumber see {@link #batchNumber()}
     * @param batchHash see {@link #batchHash()}
     * @param prevBatchHash see {@link #prevBatchHash()}
     * @param firstSeq see {@link #firstSeq()}
     * @param txCount see {@link #txCount()}
     * @param createdMs see {@link #createdMs()}
     * @param term see {@link #term()}
     * @param txRoot see {@link #txRoot()}
     * @param txBytes see {@link #txBytes()}
     * @param envelopeHash see {@link #envelopeHash()}
     * @param sequencerPubkey see {@link #sequencerPubkey()}
     * @param sequencerSig see {@link #sequencerSig()}
     * @param idempotencyKey see {@link #idempotencyKey()}
     * @param l1Envelope see {@link #l1Envelope()}
     * @throws NullPointerException     if an array is null
     * @throws IllegalArgumentException if {@code batchNumber}, {@code firstSeq} or {@code txCount} is below 1,
     *                                  {@code term} or {@code txBytes} is negative, or a hash is not 32 bytes
     */
    public NewBatch {
        StorageArguments.requirePositive(batchNumber, "batchNumber");
        StorageArguments.requireHash(batchHash, "batchHash");
        StorageArguments.requireHash(prevBatchHash, "prevBatchHash");
        StorageArguments.requirePositive(firstSeq, "firstSeq");
        StorageArguments.requirePositive(txCount, "txCount");
        StorageArguments.requireTerm(term);
        StorageArguments.requireHash(txRoot, "txRoot");
        StorageArguments.requireNonNegative(txBytes, "txBytes");
        StorageArguments.requireHash(envelopeHash, "envelopeHash");
        Objects.requireNonNull(sequencerPubkey, "sequencerPubkey");
        Objects.requireNonNull(sequencerSig, "sequencerSig");
        StorageArguments.requireHash(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(l1Envelope, "l1Envelope");
    }

    /** @return the seq just past its last tx: {@code firstSeq + txCount} */
    public long endSeq() {
        return firstSeq + txCount;
    }

    /**
     * @param seq a sequence number
     * @return true if the tx with that seq is in this batch
     */
    public boolean containsSeq(long seq) {
        return seq >= firstSeq && seq < endSeq();
    }

    /** Equal if every field is equal, arrays by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof NewBatch other
                && batchNumber == other.batchNumber
                && firstSeq == other.firstSeq
                && txCount == other.txCount
                && createdMs == other.createdMs
                && term == other.term
                && txBytes == other.txBytes
                && Arrays.equals(batchHash, other.batchHash)
                && Arrays.equals(prevBatchHash, other.prevBatchHash)
                && Arrays.equals(txRoot, other.txRoot)
                && Arrays.equals(envelopeHash, other.envelopeHash)
                && Arrays.equals(sequencerPubkey, other.sequencerPubkey)
                && Arrays.equals(sequencerSig, other.sequencerSig)
                && Arrays.equals(idempotencyKey, other.idempotencyKey)
                && Arrays.equals(l1Envelope, other.l1Envelope);
    }

    /** A hash over every field, arrays by content. */
    @Override
    public int hashCode() {
        return Objects.hash(batchNumber, firstSeq, txCount, createdMs, term, txBytes,
                Arrays.hashCode(batchHash), Arrays.hashCode(prevBatchHash), Arrays.hashCode(txRoot),
                Arrays.hashCode(envelopeHash), Arrays.hashCode(sequencerPubkey), Arrays.hashCode(sequencerSig),
                Arrays.hashCode(idempotencyKey), Arrays.hashCode(l1Envelope));
    }

    /** Every field; hashes in hex, the L1 envelope by length. */
    @Override
    public String toString() {
        return "NewBatch[batchNumber=" + batchNumber
                + ", batchHash=" + Bytes.hex(batchHash)
                + ", prevBatchHash=" + Bytes.hex(prevBatchHash)
                + ", firstSeq=" + firstSeq
                + ", txCount=" + txCount
                + ", createdMs=" + createdMs
                + ", term=" + term
                + ", txRoot=" + Bytes.hex(txRoot)
                + ", txBytes=" + txBytes
                + ", envelopeHash=" + Bytes.hex(envelopeHash)
                + ", sequencerPubkey=" + Bytes.brief(sequencerPubkey)
                + ", sequencerSig=" + Bytes.brief(sequencerSig)
                + ", idempotencyKey=" + Bytes.hex(idempotencyKey)
                + ", l1Envelope=" + Bytes.length(l1Envelope) + "]";
    }
}
