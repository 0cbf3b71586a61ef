package org.ippan.l2.storage;

/**
 * What the caller of {@link Storage#appendTxs} stores with the txs the call stores: for the sequencer, the signed
 * admission receipt of the group (its Merkle root and signature), which depends on the sequence numbers storage
 * assigns and so can only be made inside the write. Storage does not read the bytes; it keeps them with the group's
 * range of sequence numbers and gives them back through {@link Storage#findSealedGroup}.
 *
 * <p>Storage calls it at most once per call, inside the write: after reporting every result into the
 * {@link TxAppend}, before the write commits, and only when the call stores at least one tx. The txs a call stores
 * always get consecutive sequence numbers, so the group is {@code [firstSeq, firstSeq + count)}; they are the
 * txs of the {@code TxAppend} that are not duplicates, in index order. If it throws, the write is rolled back and
 * the exception reaches the caller of {@code appendTxs}.
 */
@FunctionalInterface
public interface GroupSeal {
    /** The most bytes a seal may have. */
    int MAX_LENGTH = 4096;

    /**
     * Seals the txs this call stores.
     *
     * @param txs      the call's txs with every result reported
     * @param firstSeq the sequence number of the first tx stored
     * @param count    how many txs are stored, at least 1
     * @return the bytes to store with the group: not null, at most {@link #MAX_LENGTH} long, not changed afterwards
     */
    byte[] seal(TxAppend txs, long firstSeq, int count);
}
