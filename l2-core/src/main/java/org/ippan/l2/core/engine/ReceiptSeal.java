package org.ippan.l2.core.engine;

import java.util.Arrays;

import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.receipt.GroupReceipts;
import org.ippan.l2.core.receipt.ReceiptGroup;
import org.ippan.l2.core.receipt.ReceiptTree;
import org.ippan.l2.storage.GroupSeal;
import org.ippan.l2.storage.TxAppend;

/**
 * Signs each admission group inside its storage write (receipts v1): storage calls {@link #seal} once it has given
 * the group's txs their sequence numbers, so the signed statement names them, and stores the signed group with the
 * txs, in the same atomic write. One signature per group, over the root of a tree of its (seq, tx hash) leaves; the
 * admission room then answers each tx with its receipt.
 *
 * <p>Used under the admission room's commit lock only: {@link #prepare} before each write, {@link #take} after.
 */
final class ReceiptSeal implements GroupSeal {
    private final EnvelopeSigner signer;
    private final long chainId;
    private final long deadlineMs;
    private long term = -1;
    private byte[][] hashes = new byte[16][];
    private GroupReceipts sealed;

    ReceiptSeal(EnvelopeSigner signer, long chainId, long deadlineMs) {
        this.signer = signer;
        this.chainId = chainId;
        this.deadlineMs = deadlineMs;
    }

    /** Before a write: the term the write is made in; forgets the last group. */
    void prepare(long writeTerm) {
        this.term = writeTerm;
        this.sealed = null;
    }

    /** @return the receipts of the group the last write stored, or null if it stored no tx */
    GroupReceipts take() {
        GroupReceipts group = sealed;
        sealed = null;
        return group;
    }

    @Override
    public byte[] seal(TxAppend txs, long firstSeq, int count) {
        if (hashes.length < count) {
            hashes = new byte[Math.max(count, 2 * hashes.length)][];
        }
        int stored = 0;
        long acceptedMs = 0;
        for (int i = 0; i < txs.size(); i++) {
            if (txs.isDuplicate(i)) {
                continue;
            }
            if (stored == count || txs.seq(i) != firstSeq + stored) {
                throw new IllegalStateException("storage sealed seqs " + firstSeq + "+" + count
                        + " but reported seq " + txs.seq(i) + " for the stored tx " + i);
            }
            if (stored == 0) {
                acceptedMs = txs.admittedMs(i); // one admission time per group
            }
            hashes[stored++] = txs.txHash(i);
        }
        if (stored != count) {
            throw new IllegalStateException("storage sealed " + count + " txs but reported " + stored + " stored");
        }
        try {
            ReceiptTree tree = ReceiptTree.build(firstSeq, hashes, count);
            ReceiptGroup group = ReceiptGroup.sign(signer, chainId, term, firstSeq, count, acceptedMs,
                    acceptedMs + deadlineMs, tree.root());
            sealed = new GroupReceipts(group, tree);
            return group.encode();
        } finally {
            Arrays.fill(hashes, 0, count, null);
        }
    }
}
