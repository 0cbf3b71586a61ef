package org.ippan.l2.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The txs of one {@link Storage#appendTxs} call, stored column by column, and the result of each, which storage
 * fills in. The caller fills it, hands it to one call and reads the results once that call answered
 * {@link Appended}; then it may {@link #clear()} it and fill it again. Reused this way, admitting a group creates
 * no object per tx: this is the admission hot path.
 *
 * <p>The arrays are not copied: after handing them over, neither side mutates them. Not thread-safe: one thread
 * at a time fills it, appends it or reads it (the call that hands it over is the hand-off).
 *
 * <p>For storage adapters: for every index {@code i} in {@code 0 .. size() - 1}, in order, report exactly one of
 * {@link #stored(int, long)} (the tx got the next sequence number) or {@link #duplicate(int, long)} (its hash was
 * already stored, or came earlier in the call) before answering {@link Appended}. A refused call
 * ({@link Fenced}, an exception) may leave results half set: the caller does not read them.
 */
public final class TxAppend {
    private static final int DEFAULT_CAPACITY = 16;

    private byte[][] txHashes;
    private byte[][] canonicalTxs;
    private long[] admittedMs;
    /** The result of each tx: its sequence number, negated for a duplicate; 0 while it has none. */
    private long[] results;
    private int size;
    /** What storage stores with the txs a call stores, or null. */
    private GroupSeal seal;

    /** An empty buffer with room for a few txs; it grows as txs are added. */
    public TxAppend() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * An empty buffer with room for {@code capacity} txs before it grows.
     *
     * @param capacity the initial capacity, at least 0
     * @throws IllegalArgumentException if {@code capacity < 0}
     */
    public TxAppend(int capacity) {
        StorageArguments.requireNonNegative(capacity, "capacity");
        txHashes = new byte[capacity][];
        canonicalTxs = new byte[capacity][];
        admittedMs = new long[capacity];
        results = new long[capacity];
    }

    /**
     * A buffer holding {@code txs}, in order.
     *
     * @param txs the txs
     * @return a new buffer
     * @throws NullPointerException if {@code txs} or an element is null
     */
    public static TxAppend of(List<NewTx> txs) {
        Objects.requireNonNull(txs, "txs");
        TxAppend append = new TxAppend(txs.size());
        for (int i = 0; i < txs.size(); i++) {
            NewTx tx = Objects.requireNonNull(txs.get(i), "txs[" + i + "]");
            append.add(tx.txHash(), tx.canonicalTx(), tx.admittedMs());
        }
        return append;
    }

    /**
     * Adds a tx at index {@link #size()}, with no result yet.
     *
     * @param txHash the tx hash (32 bytes), its identity: a second tx with the same hash is a duplicate
     * @param canonicalTx the tx's canonical encoding, stored as given
     * @param admittedMs wall-clock ms at which the tx was accepted
     * @return this buffer
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if {@code txHash} is not 32 bytes
     */
    public TxAppend add(byte[] txHash, byte[] canonicalTx, long admittedMs) {
        StorageArguments.requireHash(txHash, "txHash");
        Objects.requireNonNull(canonicalTx, "canonicalTx");
        if (size == txHashes.length) {
            grow();
        }
        txHashes[size] = txHash;
        canonicalTxs[size] = canonicalTx;
        this.admittedMs[size] = admittedMs;
        results[size] = 0;
        size++;
        return this;
    }

    private void grow() {
        int capacity = Math.max(DEFAULT_CAPACITY, txHashes.length * 2);
        txHashes = Arrays.copyOf(txHashes, capacity);
        canonicalTxs = Arrays.copyOf(canonicalTxs, capacity);
        admittedMs = Arrays.copyOf(admittedMs, capacity);
        results = Arrays.copyOf(results, capacity);
    }

    /**
     * Sets what storage calls, inside each {@link Storage#appendTxs} call that stores a tx of this buffer, to make
     * the bytes it stores with the group (see {@link GroupSeal}). Kept by {@link #clear()}.
     *
     * @param seal the seal, or null for none
     * @return this buffer
     */
    public TxAppend sealWith(GroupSeal seal) {
        this.seal = seal;
        return this;
    }

    /**
     * For storage adapters: seals the txs a call stored, once every result is reported, inside the write.
     *
     * @param firstSeq the sequence number of the first tx stored
     * @param count    how many txs were stored, at least 1
     * @return the bytes to store with the group, or null if this buffer has no seal
     * @throws IllegalStateException if the seal answered null or more than {@link GroupSeal#MAX_LENGTH} bytes
     */
    public byte[] sealStored(long firstSeq, int count) {
        StorageArguments.requirePositive(firstSeq, "firstSeq");
        StorageArguments.requirePositive(count, "count");
        if (seal == null) {
            return null;
        }
        byte[] bytes = seal.seal(this, firstSeq, count);
        if (bytes == null || bytes.length > GroupSeal.MAX_LENGTH) {
            throw new IllegalStateException("the group seal answered " + (bytes == null ? "null"
                    : bytes.length + " bytes") + "; it must answer at most " + GroupSeal.MAX_LENGTH + " bytes");
        }
        return bytes;
    }

    /** Empties the buffer, keeping its capacity and its seal; it no longer refers to the arrays it held. */
    public void clear() {
        Arrays.fill(txHashes, 0, size, null);
        Arrays.fill(canonicalTxs, 0, size, null);
        size = 0;
    }

    /** @return the number of txs */
    public int size() {
        return size;
    }

    /** @return true if it holds no tx */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return the hash of tx {@code i} (not a copy)
     */
    public byte[] txHash(int i) {
        return txHashes[checkIndex(i)];
    }

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return the canonical encoding of tx {@code i} (not a copy)
     */
    public byte[] canonicalTx(int i) {
        return canonicalTxs[checkIndex(i)];
    }

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return the admission time of tx {@code i}, wall-clock ms
     */
    public long admittedMs(int i) {
        return admittedMs[checkIndex(i)];
    }

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return tx {@code i} as a record (a new object: for tests and tools, not the hot path)
     */
    public NewTx tx(int i) {
        return new NewTx(txHash(i), canonicalTx(i), admittedMs(i));
    }

    // ---- results, reported by storage ----------------------------------------------------------------------

    /**
     * Storage reports that tx {@code i} was stored with a new sequence number.
     *
     * @param i the index, {@code 0 .. size() - 1}
     * @param seq the sequence number it got, at least 1
     * @throws IllegalArgumentException if {@code seq < 1}
     */
    public void stored(int i, long seq) {
        StorageArguments.requirePositive(seq, "seq");
        results[checkIndex(i)] = seq;
    }

    /**
     * Storage reports that tx {@code i} was a duplicate: a tx with its hash was already stored, or came earlier in
     * the call; nothing was stored for it.
     *
     * @param i the index, {@code 0 .. size() - 1}
     * @param seq the sequence number the earlier tx has, at least 1
     * @throws IllegalArgumentException if {@code seq < 1}
     */
    public void duplicate(int i, long seq) {
        StorageArguments.requirePositive(seq, "seq");
        results[checkIndex(i)] = -seq;
    }

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return true if storage reported a result for tx {@code i}
     */
    public boolean hasResult(int i) {
        return results[checkIndex(i)] != 0;
    }

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return the sequence number of tx {@code i}: newly assigned, or the one it already had
     * @throws IllegalStateException if storage reported no result for it
     */
    public long seq(int i) {
        long result = results[checkIndex(i)];
        if (result == 0) {
            throw noResult(i);
        }
        return Math.abs(result);
    }

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return true if tx {@code i} was a duplicate, so nothing new was stored for it
     * @throws IllegalStateException if storage reported no result for it
     */
    public boolean isDuplicate(int i) {
        long result = results[checkIndex(i)];
        if (result == 0) {
            throw noResult(i);
        }
        return result < 0;
    }

    /**
     * Checks that storage reported a result for every tx (callers do this once an append answered
     * {@link Appended}, so that an adapter that forgets one fails loudly instead of acknowledging a tx wrongly).
     *
     * @throws IllegalStateException naming the first tx without a result
     */
    public void requireResults() {
        for (int i = 0; i < size; i++) {
            if (results[i] == 0) {
                throw noResult(i);
            }
        }
    }

    /**
     * @return the results as records, in order (new objects: for tests and tools, not the hot path)
     * @throws IllegalStateException if a tx has no result
     */
    public List<AppendedTx> results() {
        List<AppendedTx> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new AppendedTx(seq(i), isDuplicate(i)));
        }
        return List.copyOf(out);
    }

    private int checkIndex(int i) {
        return Objects.checkIndex(i, size);
    }

    private static IllegalStateException noResult(int i) {
        return new IllegalStateException("storage reported no result for tx " + i + " of the append");
    }

    /** The size and the results reported so far. */
    @Override
    public String toString() {
        int reported = 0;
        for (int i = 0; i < size; i++) {
            if (results[i] != 0) {
                reported++;
            }
        }
        return "TxAppend[size=" + size + ", results=" + reported + "]";
    }
}
