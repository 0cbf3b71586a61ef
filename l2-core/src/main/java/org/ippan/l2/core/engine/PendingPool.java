package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ippan.l2.core.batch.PendingTx;
import org.ippan.l2.core.batch.PendingTxs;
import org.ippan.l2.core.batch.PlannedBatch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.TxAppend;

/**
 * The leader's in-memory view of what storage holds: the accepted, not yet batched txs in sequence order, and the
 * chain head. Admission appends, the batcher takes prefixes; storage stays the source of truth and the view is
 * rebuilt from it on start and whenever it could have drifted ({@link #inconsistent()}). Thread-safe.
 *
 * <p>The pending txs are kept column by column in a ring (tx, sequence number, admission time), and the batcher
 * reads them through its own reused {@link Candidates}, so admitting and cutting make no object per tx.
 */
final class PendingPool {
    private static final int INITIAL_CAPACITY = 1024;

    // the ring: pending tx i (0 = oldest) is at (first + i) % capacity
    private Tx[] txs = new Tx[INITIAL_CAPACITY];
    private long[] seqs = new long[INITIAL_CAPACITY];
    private long[] admittedMs = new long[INITIAL_CAPACITY];
    private int first;
    private int count;

    private long nextSeq = 1;
    private long nextBatchNumber = 1;
    private Hash head = Hash.ZERO;
    private boolean inconsistent = true;
    /**
     * Txs stored while the view was stale. A rebuild may have read storage before they landed, so {@link #reset}
     * adds back those it did not read; without this they would wait unbatched until the next admission.
     */
    private final List<PendingTx> storedWhileInconsistent = new ArrayList<>();

    synchronized void reset(SequenceState state, List<PendingTx> pending) {
        Arrays.fill(txs, null);
        first = 0;
        count = 0;
        for (PendingTx tx : pending) {
            push(tx.seq(), tx.tx(), tx.admittedMs());
        }
        nextSeq = state.nextSeq();
        nextBatchNumber = state.nextBatchNumber();
        head = Hash.of(state.headBatchHash());
        inconsistent = false;
        List<PendingTx> late = new ArrayList<>(storedWhileInconsistent);
        storedWhileInconsistent.clear();
        for (PendingTx tx : late) {
            if (tx.seq() >= nextSeq) { // the rebuild read the others from storage
                add(tx.seq(), tx.tx(), tx.admittedMs());
            }
        }
    }

    /**
     * Adds the newly stored txs of an admission group (its duplicates are skipped); a gap in the sequence (a write
     * that failed after applying) marks the view stale. Txs stored while the view is stale are kept aside for the
     * next {@link #reset}.
     *
     * @param group the group as storage answered it
     * @param groupTxs the group's txs, index for index
     */
    synchronized void appended(TxAppend group, Tx[] groupTxs) {
        for (int k = 0; k < group.size(); k++) {
            if (!group.isDuplicate(k)) {
                add(group.seq(k), groupTxs[k], group.admittedMs(k));
            }
        }
    }

    /** Adds one newly stored tx (see {@link #appended}); the caller holds the lock. */
    private void add(long seq, Tx tx, long admitted) {
        if (!inconsistent && seq != nextSeq) {
            inconsistent = true;
        }
        if (inconsistent) {
            storedWhileInconsistent.add(new PendingTx(seq, tx, admitted));
            return;
        }
        push(seq, tx, admitted);
        nextSeq++;
    }

    private void push(long seq, Tx tx, long admitted) {
        if (count == txs.length) {
            grow();
        }
        int at = (first + count) % txs.length;
        txs[at] = tx;
        seqs[at] = seq;
        admittedMs[at] = admitted;
        count++;
    }

    private void grow() {
        int capacity = txs.length * 2;
        Tx[] newTxs = new Tx[capacity];
        long[] newSeqs = new long[capacity];
        long[] newAdmittedMs = new long[capacity];
        for (int i = 0; i < count; i++) {
            int at = (first + i) % txs.length;
            newTxs[i] = txs[at];
            newSeqs[i] = seqs[at];
            newAdmittedMs[i] = admittedMs[at];
        }
        txs = newTxs;
        seqs = newSeqs;
        admittedMs = newAdmittedMs;
        first = 0;
    }

    synchronized void markInconsistent() {
        inconsistent = true;
    }

    synchronized boolean inconsistent() {
        return inconsistent;
    }

    /** Copies the oldest {@code maxCandidates} pending txs, the next batch number and the head into {@code into}. */
    synchronized void view(int maxCandidates, Candidates into) {
        int n = Math.min(maxCandidates, count);
        into.resize(n);
        for (int i = 0; i < n; i++) {
            int at = (first + i) % txs.length;
            into.txs[i] = txs[at];
            into.seqs[i] = seqs[at];
            into.admittedMs[i] = admittedMs[at];
        }
        into.nextBatchNumber = nextBatchNumber;
        into.head = head;
    }

    /**
     * {@link #view}, after the oldest {@code skip} pending txs: those of the batches cut ahead and not committed
     * yet, the last of which is {@code lastCut} (the next batch follows it and chains to it).
     */
    synchronized void viewAfter(int skip, PlannedBatch lastCut, int maxCandidates, Candidates into) {
        int n = Math.max(0, Math.min(maxCandidates, count - skip));
        into.resize(n);
        for (int i = 0; i < n; i++) {
            int at = (first + skip + i) % txs.length;
            into.txs[i] = txs[at];
            into.seqs[i] = seqs[at];
            into.admittedMs[i] = admittedMs[at];
        }
        into.nextBatchNumber = lastCut.batch().batchNumber() + 1;
        into.head = lastCut.batch().hash();
    }

    /** Removes the batch's txs and advances the head, after storage committed the batch. */
    synchronized void committed(PlannedBatch batch) {
        int n = Math.min(batch.batch().txCount(), count);
        for (int i = 0; i < n; i++) {
            txs[(first + i) % txs.length] = null;
        }
        first = (first + n) % txs.length;
        count -= n;
        nextBatchNumber = batch.batch().batchNumber() + 1;
        head = batch.batch().hash();
    }

    synchronized long pendingCount() {
        return count + storedWhileInconsistent.size();
    }

    /**
     * The batcher's copy of the oldest pending txs with the chain head: what a cut decision looks at, read by
     * index. Reused from view to view; not thread-safe (the batcher's own).
     */
    static final class Candidates implements PendingTxs {
        private Tx[] txs = new Tx[0];
        private long[] seqs = new long[0];
        private long[] admittedMs = new long[0];
        private int size;
        private long nextBatchNumber;
        private Hash head;

        private void resize(int n) {
            if (n > txs.length) {
                int capacity = Math.max(n, 2 * txs.length);
                txs = new Tx[capacity];
                seqs = new long[capacity];
                admittedMs = new long[capacity];
            } else if (n < size) {
                Arrays.fill(txs, n, size, null); // hold no tx the pool no longer holds
            }
            size = n;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public long seq(int i) {
            return seqs[check(i)];
        }

        @Override
        public Tx tx(int i) {
            return txs[check(i)];
        }

        @Override
        public long admittedMs(int i) {
            return admittedMs[check(i)];
        }

        private int check(int i) {
            if (i >= size) {
                throw new IndexOutOfBoundsException("candidate " + i + " of " + size);
            }
            return i;
        }

        /** @return the number the next batch gets */
        long nextBatchNumber() {
            return nextBatchNumber;
        }

        /** @return the chain head: the last batch's hash, {@link Hash#ZERO} before batch 1 */
        Hash head() {
            return head;
        }
    }
}
