package org.ippan.l2.core.admission;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.GroupReceipts;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;

/**
 * The answers to a bulk submission, one per tx in submission order, kept column by column so that a host can
 * reuse one instance for call after call and admit txs without an object per tx: accepted with a sequence number
 * (perhaps as a duplicate), or refused with a typed {@link Refusal}. {@link #get(int)} gives the same answer as a
 * {@link SubmitResult} (a new object).
 *
 * <p>Filled by {@code Sequencer.submitAll(List, SubmitResults)}, which first empties it. Not thread-safe: read it
 * on the thread that submitted, after the call returned.
 */
public final class SubmitResults {
    /** {@link #states} value of a tx that has no answer yet. */
    private static final long PENDING = Long.MIN_VALUE;
    private static final Tx[] NO_TXS = new Tx[0];

    private Tx[] txs;
    /** Per tx: its sequence number if newly accepted, minus it for a duplicate, 0 if refused, or PENDING. */
    private long[] states;
    private Refusal[] refusals;
    /** Per newly accepted tx: the receipts of its admission group, or null. */
    private GroupReceipts[] receipts;
    private int size;

    /** Empty results, which grow to the size of the submissions they answer. */
    public SubmitResults() {
        this(0);
    }

    /**
     * Empty results with room for {@code capacity} answers before they grow.
     *
     * @param capacity at least 0
     * @throws IllegalArgumentException if {@code capacity < 0}
     */
    public SubmitResults(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        txs = capacity == 0 ? NO_TXS : new Tx[capacity];
        states = new long[capacity];
        refusals = new Refusal[capacity];
        receipts = new GroupReceipts[capacity];
    }

    /**
     * Empties the results and sizes them for {@code submitted}, every answer pending: the first thing
     * {@code Sequencer.submitAll} does with them. The writing methods ({@code reset}, {@link #accept},
     * {@link #refuse}) are public because the engine, in another package, answers through them; they touch only
     * this object, which belongs to whoever submits, so anyone may fill their own results (a test double of the
     * engine, say). Calling them while a {@code submitAll} fills the same object is the misuse the class comment
     * forbids: sharing it between threads.
     *
     * @param submitted the txs to be answered, in submission order (the list is read, not kept)
     */
    public void reset(List<Tx> submitted) {
        int n = submitted.size();
        if (n > txs.length) {
            txs = new Tx[n];
            states = new long[n];
            refusals = new Refusal[n];
            receipts = new GroupReceipts[n];
        } else if (size > n) {
            Arrays.fill(txs, n, size, null); // forget what the last call held beyond this one's size
            Arrays.fill(refusals, n, size, null);
            Arrays.fill(receipts, n, size, null);
        }
        for (int i = 0; i < n; i++) {
            txs[i] = submitted.get(i);
        }
        Arrays.fill(states, 0, n, PENDING);
        Arrays.fill(refusals, 0, n, null);
        Arrays.fill(receipts, 0, n, null);
        size = n;
    }

    /**
     * @param i the tx's index in the submission
     * @return true if the tx has no answer yet
     */
    public boolean isPending(int i) {
        return states[Objects.checkIndex(i, size)] == PENDING;
    }

    /**
     * Answers tx {@code i}: accepted with {@code seq}, as a duplicate or not (see {@link #reset}).
     *
     * @param i the tx's index in the submission
     * @param seq its admission sequence number, at least 1
     * @param duplicate true if it was accepted as a duplicate of an accepted tx
     * @throws IllegalArgumentException if {@code seq < 1}
     */
    public void accept(int i, long seq, boolean duplicate) {
        accept(i, seq, duplicate, null);
    }

    /**
     * Answers tx {@code i}: accepted with {@code seq}, as a duplicate or not, with the receipts of its admission
     * group (see {@link #reset}).
     *
     * @param i the tx's index in the submission
     * @param seq its admission sequence number, at least 1
     * @param duplicate true if it was accepted as a duplicate of an accepted tx
     * @param groupReceipts the receipts of the group that stored it, or null (always null for a duplicate)
     * @throws IllegalArgumentException if {@code seq < 1}, or {@code groupReceipts} is given for a duplicate or
     *     does not hold {@code seq}
     */
    public void accept(int i, long seq, boolean duplicate, GroupReceipts groupReceipts) {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1, got " + seq);
        }
        if (groupReceipts != null && (duplicate || !groupReceipts.group().contains(seq))) {
            throw new IllegalArgumentException("groupReceipts must be the group of a newly stored seq " + seq);
        }
        states[Objects.checkIndex(i, size)] = duplicate ? -seq : seq;
        refusals[i] = null;
        receipts[i] = groupReceipts;
    }

    /**
     * Answers tx {@code i}: refused (see {@link #reset}).
     *
     * @param i the tx's index in the submission
     * @param refusal why
     */
    public void refuse(int i, Refusal refusal) {
        Objects.requireNonNull(refusal, "refusal");
        states[Objects.checkIndex(i, size)] = 0;
        refusals[i] = refusal;
        receipts[i] = null;
    }

    /** @return the number of answers: the number of txs submitted */
    public int size() {
        return size;
    }

    /**
     * @param i the tx's index in the submission
     * @return true if the tx was accepted (newly, or as a duplicate of an accepted tx)
     */
    public boolean isAccepted(int i) {
        return state(i) != 0;
    }

    /**
     * @param i the tx's index in the submission
     * @return true if the tx was accepted as a duplicate: nothing new was stored, and {@link #seq} is the first
     *     acceptance's
     */
    public boolean isDuplicate(int i) {
        return state(i) < 0;
    }

    /**
     * @param i the tx's index in the submission
     * @return the accepted tx's admission sequence number
     * @throws IllegalStateException if the tx was refused
     */
    public long seq(int i) {
        long state = state(i);
        if (state == 0) {
            throw new IllegalStateException("tx " + i + " was refused (" + refusals[i].code() + "), it has no seq");
        }
        return Math.abs(state);
    }

    /**
     * @param i the tx's index in the submission
     * @return why the tx was refused
     * @throws IllegalStateException if the tx was accepted
     */
    public Refusal refusal(int i) {
        if (state(i) != 0) {
            throw new IllegalStateException("tx " + i + " was accepted, it has no refusal");
        }
        return refusals[i];
    }

    /**
     * @param i the tx's index in the submission
     * @return the signed admission receipt of the newly accepted tx (a new object), or null: refused, a duplicate,
     *     or no receipts issued (see {@link SubmitResult.Accepted#receipt()})
     */
    public AdmissionReceipt receipt(int i) {
        long state = state(i);
        GroupReceipts group = receipts[i];
        return state <= 0 || group == null ? null : group.receipt(state, txs[i].hash().toBytes());
    }

    /**
     * @param i the tx's index in the submission
     * @return the tx submitted at that index
     */
    public Tx tx(int i) {
        return txs[Objects.checkIndex(i, size)];
    }

    /** @return how many txs were accepted, duplicates included */
    public int acceptedCount() {
        int accepted = 0;
        for (int i = 0; i < size; i++) {
            if (states[i] != 0) {
                accepted++;
            }
        }
        return accepted;
    }

    /**
     * @param i the tx's index in the submission
     * @return the answer as a {@link SubmitResult} (a new object)
     */
    public SubmitResult get(int i) {
        long state = state(i);
        if (state == 0) {
            return new SubmitResult.Refused(refusals[i]);
        }
        Hash hash = txs[i].hash();
        return new SubmitResult.Accepted(hash, Math.abs(state), state < 0, receipt(i));
    }

    /** @return every answer as a {@link SubmitResult}, in submission order (new objects, unmodifiable list) */
    public List<SubmitResult> toList() {
        List<SubmitResult> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(get(i));
        }
        return List.copyOf(out);
    }

    private long state(int i) {
        long state = states[Objects.checkIndex(i, size)];
        if (state == PENDING) {
            throw new IllegalStateException("tx " + i + " has no answer yet");
        }
        return state;
    }

    /** The size and how many were accepted. */
    @Override
    public String toString() {
        return "SubmitResults[size=" + size + ", accepted=" + acceptedCount() + "]";
    }
}
