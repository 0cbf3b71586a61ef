package org.ippan.l2.core.receipt;

import java.util.Arrays;
import java.util.Objects;

/**
 * The receipts of one admission group: its signed {@link ReceiptGroup} and its {@link ReceiptTree}, from which the
 * receipt of any of its txs is made on demand (so answering a group of n txs makes no receipt object until one is
 * asked for). Immutable; thread-safe.
 */
public final class GroupReceipts {
    private final ReceiptGroup group;
    private final ReceiptTree tree;

    /**
     * @param group the signed group
     * @param tree  its tree
     * @throws IllegalArgumentException if the tree's size or root is not the group's
     */
    public GroupReceipts(ReceiptGroup group, ReceiptTree tree) {
        this.group = Objects.requireNonNull(group, "group");
        this.tree = Objects.requireNonNull(tree, "tree");
        if (tree.count() != group.count() || !Arrays.equals(tree.root(), group.root())) {
            throw new IllegalArgumentException("the tree (" + tree.count() + " leaves) is not the group's ("
                    + group.count() + " txs, root of the signed statement)");
        }
    }

    /** @return the signed group */
    public ReceiptGroup group() {
        return group;
    }

    /**
     * @param seq    a sequence number of the group
     * @param txHash the hash of the tx with that sequence number, 32 bytes
     * @return the tx's receipt
     * @throws IllegalArgumentException if {@code seq} is not in the group
     */
    public AdmissionReceipt receipt(long seq, byte[] txHash) {
        if (!group.contains(seq)) {
            throw new IllegalArgumentException("seq " + seq + " is not in the group " + group.firstSeq() + ".."
                    + (group.firstSeq() + group.count() - 1));
        }
        return AdmissionReceipt.of(group, tree, (int) (seq - group.firstSeq()), txHash);
    }
}
