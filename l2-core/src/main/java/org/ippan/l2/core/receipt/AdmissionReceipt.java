package org.ippan.l2.core.receipt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.wire.Hex;

/**
 * A signed admission receipt (receipts v1, {@code docs/spec/receipts-v1.md}): the sequencer's statement, signed once
 * for the whole admission group, that tx {@code txHash} was durably accepted with sequence number {@code seq}, and
 * the path that ties the tx's leaf to the group's signed root. A receipt whose deadline has passed while no
 * inclusion proof of its tx exists is the evidence of a delay the sequencer promised not to cause.
 *
 * @param group  the signed group the tx belongs to
 * @param seq    the tx's admission sequence number
 * @param txHash the tx's hash, 32 bytes
 * @param path   the sibling hashes from the tx's leaf up to the group's root, 32 bytes each
 */
public record AdmissionReceipt(ReceiptGroup group, long seq, byte[] txHash, List<byte[]> path) {

    /**
     * Checks the shape only ({@link #verify} checks the content).
     *
     * @throws NullPointerException     if a component or a path element is null
     * @throws IllegalArgumentException if {@code txHash} or a path element is not 32 bytes
     */
    public AdmissionReceipt {
        Objects.requireNonNull(group, "group");
        ReceiptGroup.requireLength(txHash, ReceiptTree.HASH_LENGTH, "txHash");
        Objects.requireNonNull(path, "path");
        List<byte[]> copy = new ArrayList<>(path.size());
        for (int i = 0; i < path.size(); i++) {
            ReceiptGroup.requireLength(path.get(i), ReceiptTree.HASH_LENGTH, "path[" + i + "]");
            copy.add(path.get(i).clone());
        }
        txHash = txHash.clone();
        path = Collections.unmodifiableList(copy);
    }

    /**
     * The receipt of leaf {@code index} of a group's tree.
     *
     * @param group  the signed group
     * @param tree   the group's tree
     * @param index  the leaf's index: the tx's sequence number less the group's first
     * @param txHash the tx's hash
     * @return the receipt
     */
    public static AdmissionReceipt of(ReceiptGroup group, ReceiptTree tree, int index, byte[] txHash) {
        return new AdmissionReceipt(group, group.firstSeq() + index, txHash, Arrays.asList(tree.path(index)));
    }

    /** @return the tx hash, a copy */
    @Override
    public byte[] txHash() {
        return txHash.clone();
    }

    /**
     * Checks the receipt, in this order, and names the first check that fails: the group is signed by
     * {@code publicKey}; the sequence number lies in the group; the deadline is not before the acceptance; the path
     * leads from the tx's leaf to the group's root; the signature verifies.
     *
     * @param publicKey the sequencer key the receipt must be signed by, 32 bytes
     * @return {@link ReceiptVerification.Status#VALID}, or the first check that failed with what was found
     */
    public ReceiptVerification verify(byte[] publicKey) {
        ReceiptGroup.requireLength(publicKey, Ed25519Signer.PUBLIC_KEY_LENGTH, "publicKey");
        if (!Arrays.equals(publicKey, group.sequencerPubkey())) {
            return ReceiptVerification.fail(ReceiptVerification.Status.WRONG_KEY, "signed by "
                    + Hex.encode(group.sequencerPubkey()) + ", expected " + Hex.encode(publicKey));
        }
        if (!group.contains(seq)) {
            return ReceiptVerification.fail(ReceiptVerification.Status.SEQ_OUTSIDE_GROUP, "seq " + seq
                    + " is not in the group's " + group.firstSeq() + ".." + (group.firstSeq() + group.count() - 1));
        }
        if (group.deadlineMs() < group.acceptedMs()) {
            return ReceiptVerification.fail(ReceiptVerification.Status.DEADLINE_BEFORE_ACCEPTANCE, "deadline "
                    + group.deadlineMs() + " is before acceptance " + group.acceptedMs());
        }
        byte[] root = ReceiptTree.rootFromPath(seq - group.firstSeq(), group.count(),
                ReceiptTree.leafHash(seq, txHash), path);
        if (root == null) {
            return ReceiptVerification.fail(ReceiptVerification.Status.BAD_PATH, "a path of " + path.size()
                    + " hashes does not fit leaf " + (seq - group.firstSeq()) + " of " + group.count());
        }
        if (!Arrays.equals(root, group.root())) {
            return ReceiptVerification.fail(ReceiptVerification.Status.BAD_PATH, "the path leads to root "
                    + Hex.encode(root) + ", the group's is " + Hex.encode(group.root()));
        }
        byte[] message = group.signedMessage();
        if (!Ed25519Signer.verify(group.sequencerPubkey(), group.signature(), message, 0, message.length)) {
            return ReceiptVerification.fail(ReceiptVerification.Status.BAD_SIGNATURE,
                    "the signature does not verify for public key " + Hex.encode(group.sequencerPubkey()));
        }
        return ReceiptVerification.VALID;
    }

    /**
     * @param nowMs wall-clock ms now
     * @return true if the deadline has passed: with no inclusion proof of the tx, this receipt proves a delay
     */
    public boolean isOverdue(long nowMs) {
        return nowMs > group.deadlineMs();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AdmissionReceipt r) || seq != r.seq || !group.equals(r.group)
                || !Arrays.equals(txHash, r.txHash) || path.size() != r.path.size()) {
            return false;
        }
        for (int i = 0; i < path.size(); i++) {
            if (!Arrays.equals(path.get(i), r.path.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(group, seq, Arrays.hashCode(txHash));
        for (byte[] p : path) {
            h = 31 * h + Arrays.hashCode(p);
        }
        return h;
    }

    @Override
    public String toString() {
        return "AdmissionReceipt[seq=" + seq + ", txHash=" + Hex.encode(txHash) + ", path=" + path.size()
                + " hashes, group=" + group + "]";
    }
}
