package org.ippan.l2.core.receipt;

import java.util.List;
import java.util.Objects;

import org.ippan.l2.core.internal.Blake3;
import org.ippan.l2.core.internal.Blake3Hasher;

/**
 * The Merkle tree of an admission group (receipts v1, {@code docs/spec/receipts-v1.md}): one leaf per tx the group
 * stored, in sequence order, and the shape of RFC 9162 (Certificate Transparency v2) §2.1.1, with BLAKE3-256:
 * <pre>
 * leaf(seq, tx_hash) = BLAKE3(0x00 || u64le(seq) || tx_hash)
 * node(left, right)  = BLAKE3(0x01 || left || right)
 * root of n leaves   = the leaf if n = 1, else node(root of the first k, root of the other n - k),
 *                      k the largest power of two smaller than n
 * </pre>
 * Built level by level: each level pairs neighbours, and a last node without a neighbour moves up unchanged, which
 * gives that shape. A receipt's path lists the siblings from the leaf up; {@link #rootFromPath} is the verification
 * algorithm of RFC 9162 §2.1.3.2.
 *
 * <p>Immutable once built; thread-safe.
 */
public final class ReceiptTree {
    /** Length of every hash of the tree, in bytes. */
    public static final int HASH_LENGTH = Blake3.LENGTH;
    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    /** {@code levels[0]} the leaves, each level's hashes concatenated; the last level holds the root alone. */
    private final byte[][] levels;
    private final int count;

    private ReceiptTree(byte[][] levels, int count) {
        this.levels = levels;
        this.count = count;
    }

    /**
     * @param seq    the tx's admission sequence number
     * @param txHash the tx's hash, 32 bytes
     * @return the leaf hash of the tx
     */
    public static byte[] leafHash(long seq, byte[] txHash) {
        byte[] out = new byte[HASH_LENGTH];
        leafHash(seq, txHash, out, 0);
        return out;
    }

    /** Writes the leaf hash of the tx to {@code out} at {@code outOffset}. */
    static void leafHash(long seq, byte[] txHash, byte[] out, int outOffset) {
        requireHash(txHash, "txHash");
        Blake3Hasher digest = Blake3.threadDigest();
        digest.update(LEAF_PREFIX);
        for (int shift = 0; shift < 64; shift += 8) {
            digest.update((byte) (seq >>> shift));
        }
        digest.update(txHash, 0, HASH_LENGTH);
        digest.doFinal(out, outOffset);
    }

    /**
     * @param left  the left child's hash, 32 bytes
     * @param right the right child's hash, 32 bytes
     * @return the hash of the inner node with those children
     */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        requireHash(left, "left");
        requireHash(right, "right");
        byte[] out = new byte[HASH_LENGTH];
        nodeHash(left, 0, right, 0, out, 0);
        return out;
    }

    private static void nodeHash(byte[] left, int leftOffset, byte[] right, int rightOffset, byte[] out,
            int outOffset) {
        Blake3Hasher digest = Blake3.threadDigest();
        digest.update(NODE_PREFIX);
        digest.update(left, leftOffset, HASH_LENGTH);
        digest.update(right, rightOffset, HASH_LENGTH);
        digest.doFinal(out, outOffset);
    }

    /**
     * Builds the tree of a group: leaf {@code i} is the tx with sequence number {@code firstSeq + i}.
     *
     * @param firstSeq the sequence number of the group's first tx
     * @param txHashes the txs' hashes in sequence order, 32 bytes each; only the first {@code count} are read
     * @param count    the number of txs, at least 1
     * @return the tree
     */
    public static ReceiptTree build(long firstSeq, byte[][] txHashes, int count) {
        Objects.requireNonNull(txHashes, "txHashes");
        if (count < 1 || count > txHashes.length) {
            throw new IllegalArgumentException("count must be in 1.." + txHashes.length + ", got " + count);
        }
        byte[] leaves = new byte[count * HASH_LENGTH];
        for (int i = 0; i < count; i++) {
            leafHash(firstSeq + i, txHashes[i], leaves, i * HASH_LENGTH);
        }
        return fromLeaves(leaves, count);
    }

    /** Builds the upper levels over {@code leaves}: {@code count} leaf hashes, concatenated (taken, not copied). */
    static ReceiptTree fromLeaves(byte[] leaves, int count) {
        int height = 1;
        for (int n = count; n > 1; n = (n + 1) / 2) {
            height++;
        }
        byte[][] levels = new byte[height][];
        levels[0] = leaves;
        int n = count;
        for (int level = 1; level < height; level++) {
            byte[] below = levels[level - 1];
            int up = (n + 1) / 2;
            byte[] hashes = new byte[up * HASH_LENGTH];
            for (int i = 0; i < n / 2; i++) {
                nodeHash(below, 2 * i * HASH_LENGTH, below, (2 * i + 1) * HASH_LENGTH, hashes, i * HASH_LENGTH);
            }
            if ((n & 1) == 1) { // the last node has no neighbour: it moves up unchanged
                System.arraycopy(below, (n - 1) * HASH_LENGTH, hashes, (up - 1) * HASH_LENGTH, HASH_LENGTH);
            }
            levels[level] = hashes;
            n = up;
        }
        return new ReceiptTree(levels, count);
    }

    /** @return the number of leaves */
    public int count() {
        return count;
    }

    /** @return the root hash (a copy) */
    public byte[] root() {
        return levels[levels.length - 1].clone();
    }

    /**
     * @param index the leaf's index, {@code 0 .. count() - 1}
     * @return the leaf's hash (a copy)
     */
    public byte[] leaf(int index) {
        Objects.checkIndex(index, count);
        byte[] out = new byte[HASH_LENGTH];
        System.arraycopy(levels[0], index * HASH_LENGTH, out, 0, HASH_LENGTH);
        return out;
    }

    /**
     * @param index the leaf's index, {@code 0 .. count() - 1}
     * @return the leaf's audit path: the sibling hashes from the leaf up to the root (new arrays)
     */
    public byte[][] path(int index) {
        Objects.checkIndex(index, count);
        byte[][] path = new byte[levels.length - 1][];
        int length = 0;
        int i = index;
        int n = count;
        for (int level = 0; level < levels.length - 1; level++) {
            int sibling = i ^ 1;
            if (sibling < n) {
                byte[] hash = new byte[HASH_LENGTH];
                System.arraycopy(levels[level], sibling * HASH_LENGTH, hash, 0, HASH_LENGTH);
                path[length++] = hash;
            }
            i >>= 1;
            n = (n + 1) / 2;
        }
        return length == path.length ? path : java.util.Arrays.copyOf(path, length);
    }

    /**
     * Recomputes a root from a leaf and its audit path (RFC 9162 §2.1.3.2).
     *
     * @param index    the leaf's index in the tree
     * @param count    the number of leaves
     * @param leafHash the leaf's hash, 32 bytes
     * @param path     the sibling hashes from the leaf up, 32 bytes each
     * @return the root the path leads to, or null if the path does not fit a tree of {@code count} leaves at
     *         {@code index} (too short, too long, an index outside the tree, a hash of the wrong length)
     */
    public static byte[] rootFromPath(long index, long count, byte[] leafHash, List<byte[]> path) {
        if (index < 0 || count < 1 || index >= count || leafHash == null || leafHash.length != HASH_LENGTH
                || path == null) {
            return null;
        }
        long fn = index;
        long sn = count - 1;
        byte[] r = leafHash.clone();
        for (byte[] p : path) {
            if (p == null || p.length != HASH_LENGTH || sn == 0) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                nodeHash(p, 0, r, 0, r, 0);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                nodeHash(r, 0, p, 0, r, 0);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    private static void requireHash(byte[] hash, String name) {
        Objects.requireNonNull(hash, name);
        if (hash.length != HASH_LENGTH) {
            throw new IllegalArgumentException(name + " must be " + HASH_LENGTH + " bytes, got " + hash.length);
        }
    }
}
