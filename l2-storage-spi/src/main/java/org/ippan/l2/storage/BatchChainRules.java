package org.ippan.l2.storage;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The rules of the batch chain, written once for every {@link Storage} adapter: when a batch may be committed,
 * what the sequence state becomes when it is, and when a batch's L1 state may be written. An adapter reads its
 * stored state inside its atomic write, after the term check (a stale term is {@link Fenced} before any of these
 * rules is asked), applies the rule and writes only if it found no {@link Conflict}.
 *
 * <p>A batch extends the stored state exactly, or it is a conflict; the rules are checked in this order and the
 * first that fails is the reason:
 * <ol>
 *   <li>its number is the next batch number;</li>
 *   <li>its first seq is the next unbatched seq (no tx batched twice or skipped);</li>
 *   <li>its txs are all admitted: {@code firstSeq + txCount <= nextSeq};</li>
 *   <li>its previous hash is the head batch hash (the chain has no gap);</li>
 *   <li>no stored batch has its hash.</li>
 * </ol>
 * Each reason names the values it compared. The rules allocate only when they find a conflict.
 */
public final class BatchChainRules {

    private BatchChainRules() {
    }

    /**
     * Finds a stored batch by hash, for the rule that a batch hash is stored once. An adapter answers from its
     * store, inside the write that asks.
     *
     * @param <E> the checked exception the lookup may throw ({@link RuntimeException} if none)
     */
    @FunctionalInterface
    public interface StoredBatchNumbers<E extends Exception> {

        /**
         * @param batchHash a batch hash, 32 bytes
         * @return the number of the stored batch with that hash, or empty if none has it
         * @throws E if the store could not be read
         */
        OptionalLong numberOf(byte[] batchHash) throws E;
    }

    /**
     * Checks whether {@code batch} extends the stored chain exactly (the rules of the class documentation).
     *
     * @param <E>    the checked exception {@code stored} may throw
     * @param state  the stored sequence state, read in the same atomic write
     * @param batch  the batch to commit
     * @param stored the stored batches by hash; asked only once every other rule holds
     * @return the conflict naming the first rule that fails, or empty if the batch may be committed
     * @throws E if {@code stored} fails
     */
    public static <E extends Exception> Optional<Conflict> commitConflict(
            SequenceState state, NewBatch batch, StoredBatchNumbers<E> stored) throws E {
        if (batch.batchNumber() != state.nextBatchNumber()) {
            return conflict("batchNumber " + batch.batchNumber() + " is not the next batch number "
                    + state.nextBatchNumber());
        }
        if (batch.firstSeq() != state.nextUnbatchedSeq()) {
            return conflict("firstSeq " + batch.firstSeq() + " is not the next unbatched seq "
                    + state.nextUnbatchedSeq());
        }
        if (batch.endSeq() > state.nextSeq()) {
            return conflict("txs up to seq " + (batch.endSeq() - 1) + " are not all admitted: the batch holds seqs "
                    + batch.firstSeq() + " to " + (batch.endSeq() - 1) + ", the last admitted seq is "
                    + (state.nextSeq() - 1));
        }
        if (!Arrays.equals(batch.prevBatchHash(), state.headBatchHash())) {
            return conflict("prevBatchHash " + Bytes.hex(batch.prevBatchHash()) + " is not the head batch hash "
                    + Bytes.hex(state.headBatchHash()));
        }
        OptionalLong holder = stored.numberOf(batch.batchHash());
        if (holder.isPresent()) {
            return conflict("batchHash " + Bytes.hex(batch.batchHash()) + " is already stored, as batch "
                    + holder.getAsLong());
        }
        return Optional.empty();
    }

    /**
     * The sequence state once {@code batch} is committed: the next unbatched seq moves past its txs, the next
     * batch number by one and the head hash to its hash; the next seq is unchanged.
     *
     * @param state the stored sequence state, on which {@link #commitConflict} found no conflict
     * @param batch the committed batch
     * @return the new sequence state
     */
    public static SequenceState afterCommit(SequenceState state, NewBatch batch) {
        return new SequenceState(state.nextSeq(), batch.endSeq(), batch.batchNumber() + 1, batch.batchHash());
    }

    /**
     * Checks whether the L1 state of batch {@code batchNumber} may be written: only a stored batch has one.
     * Storage does not judge the L1 status transition itself.
     *
     * @param nextBatchNumber the stored next batch number, read in the same atomic write
     * @param batchNumber     the batch whose L1 state is to be written, at least 1
     * @return the conflict naming the missing batch, or empty if the batch is stored
     */
    public static Optional<Conflict> l1UpdateConflict(long nextBatchNumber, long batchNumber) {
        if (batchNumber < nextBatchNumber) {
            return Optional.empty();
        }
        return conflict("no batch numbered " + batchNumber + (nextBatchNumber == 1
                ? ": no batch is stored yet"
                : ": the stored batches are numbered 1 to " + (nextBatchNumber - 1)));
    }

    private static Optional<Conflict> conflict(String reason) {
        return Optional.of(new Conflict(reason));
    }
}
