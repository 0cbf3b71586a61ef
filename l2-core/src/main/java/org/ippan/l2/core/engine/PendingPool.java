package org.ippan.l2.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.ippan.l2.core.batch.PendingTx;
import org.ippan.l2.core.batch.PlannedBatch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.storage.SequenceState;

/**
 * The leader's in-memory view of what storage holds: the accepted, not yet batched txs in sequence order, and the
 * chain head. Admission appends, the batcher takes prefixes; storage stays the source of truth and the view is
 * rebuilt from it on start and whenever it could have drifted ({@link #inconsistent()}). Thread-safe.
 */
final class PendingPool {
    /** The chain head and the pending txs a cut decision looks at. */
    record View(List<PendingTx> candidates, long nextBatchNumber, Hash head) {}

    private final ArrayDeque<PendingTx> pending = new ArrayDeque<>();
    private long nextSeq = 1;
    private long nextBatchNumber = 1;
    private Hash head = Hash.ZERO;
    private boolean inconsistent = true;
    /**
     * Txs stored while the view was stale. A rebuild may have read storage before they landed, so {@link #reset}
     * adds back those it did not read; without this they would wait unbatched until the next admission.
     */
    private final List<PendingTx> storedWhileInconsistent = new ArrayList<>();

    synchronized void reset(SequenceState state, List<PendingTx> txs) {
        pending.clear();
        pending.addAll(txs);
        nextSeq = state.nextSeq();
        nextBatchNumber = state.nextBatchNumber();
        head = Hash.of(state.headBatchHash());
        inconsistent = false;
        List<PendingTx> late = new ArrayList<>(storedWhileInconsistent);
        storedWhileInconsistent.clear();
        late.removeIf(tx -> tx.seq() < nextSeq); // the rebuild read these from storage
        appended(late);
    }

    /**
     * Adds newly stored txs; a gap in the sequence (a write that failed after applying) marks the view stale. Txs
     * stored while the view is stale are kept aside for the next {@link #reset}.
     */
    synchronized void appended(List<PendingTx> txs) {
        for (PendingTx tx : txs) {
            if (!inconsistent && tx.seq() != nextSeq) {
                inconsistent = true;
            }
            if (inconsistent) {
                storedWhileInconsistent.add(tx);
                continue;
            }
            pending.addLast(tx);
            nextSeq++;
        }
    }

    synchronized void markInconsistent() {
        inconsistent = true;
    }

    synchronized boolean inconsistent() {
        return inconsistent;
    }

    synchronized View view(int maxCandidates) {
        List<PendingTx> candidates = new ArrayList<>(Math.min(maxCandidates, pending.size()));
        Iterator<PendingTx> it = pending.iterator();
        while (it.hasNext() && candidates.size() < maxCandidates) {
            candidates.add(it.next());
        }
        return new View(candidates, nextBatchNumber, head);
    }

    /** Removes the batch's txs and advances the head, after storage committed the batch. */
    synchronized void committed(PlannedBatch batch) {
        for (int i = 0; i < batch.batch().txCount(); i++) {
            pending.pollFirst();
        }
        nextBatchNumber = batch.batch().batchNumber() + 1;
        head = batch.batch().hash();
    }

    synchronized long pendingCount() {
        return pending.size() + storedWhileInconsistent.size();
    }
}
