package org.ippan.l2.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.ippan.l2.core.testing.Seeds;
import org.ippan.l2.core.wire.Hash;
import org.junit.jupiter.api.Test;

/**
 * The receipt tree against RFC 9162 §2.1.1 (tree shape) and §2.1.3.2 (path verification). The reference here is
 * computed independently of {@link ReceiptTree}: the recursive definition of the RFC over {@link Hash#blake3}, with
 * the prefixes and leaf bytes written out by hand.
 */
class ReceiptTreeTest {
    private static final long SEED = Seeds.seed(9162L);
    private static final int MAX_LEAVES = 33;

    /** BLAKE3(0x00 || u64le(seq) || txHash), spelled out. */
    static byte[] referenceLeaf(long seq, byte[] txHash) {
        byte[] in = new byte[1 + 8 + 32];
        in[0] = 0x00;
        for (int i = 0; i < 8; i++) {
            in[1 + i] = (byte) (seq >>> (8 * i));
        }
        System.arraycopy(txHash, 0, in, 9, 32);
        return Hash.blake3(in).toBytes();
    }

    static byte[] referenceNode(byte[] left, byte[] right) {
        byte[] in = new byte[65];
        in[0] = 0x01;
        System.arraycopy(left, 0, in, 1, 32);
        System.arraycopy(right, 0, in, 33, 32);
        return Hash.blake3(in).toBytes();
    }

    /** MTH(D[from:to]) of RFC 9162 §2.1.1: k is the largest power of two smaller than n. */
    static byte[] referenceRoot(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = Integer.highestOneBit(n - 1);
        return referenceNode(referenceRoot(leaves, from, from + k), referenceRoot(leaves, from + k, to));
    }

    /** PATH(m, D[from:to]) of RFC 9162 §2.1.3.1, from the leaf up. */
    static List<byte[]> referencePath(List<byte[]> leaves, int m, int from, int to) {
        int n = to - from;
        List<byte[]> path = new ArrayList<>();
        if (n == 1) {
            return path;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m < k) {
            path.addAll(referencePath(leaves, m, from, from + k));
            path.add(referenceRoot(leaves, from + k, to));
        } else {
            path.addAll(referencePath(leaves, m - k, from + k, to));
            path.add(referenceRoot(leaves, from, from + k));
        }
        return path;
    }

    private static byte[][] randomHashes(SplittableRandom random, int n) {
        byte[][] hashes = new byte[n][32];
        for (byte[] h : hashes) {
            random.nextBytes(h);
        }
        return hashes;
    }

    @Test
    void build_oneTo33Leaves_rootAndPathsEqualTheRecursiveRfcDefinition() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int n = 1; n <= MAX_LEAVES; n++) {
            long firstSeq = 1 + random.nextLong(1_000_000);
            byte[][] txHashes = randomHashes(random, n);
            ReceiptTree tree = ReceiptTree.build(firstSeq, txHashes, n);
            List<byte[]> leaves = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                leaves.add(referenceLeaf(firstSeq + i, txHashes[i]));
                assertThat(tree.leaf(i)).as("seed %d, n %d, leaf %d", SEED, n, i).isEqualTo(leaves.get(i));
            }
            byte[] expectedRoot = referenceRoot(leaves, 0, n);
            assertThat(tree.count()).isEqualTo(n);
            assertThat(tree.root()).as("seed %d, root of %d leaves", SEED, n).isEqualTo(expectedRoot);
            for (int i = 0; i < n; i++) {
                List<byte[]> path = Arrays.asList(tree.path(i));
                List<byte[]> expectedPath = referencePath(leaves, i, 0, n);
                assertThat(path).as("seed %d, path of leaf %d of %d", SEED, i, n)
                        .usingElementComparator(Arrays::compare).containsExactlyElementsOf(expectedPath);
                assertThat(ReceiptTree.rootFromPath(i, n, leaves.get(i), path))
                        .as("seed %d, root from the path of leaf %d of %d", SEED, i, n).isEqualTo(expectedRoot);
            }
        }
    }

    @Test
    void rootFromPath_wrongLengthIndexOrCount_isRefusedOrLeadsElsewhere() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int n = 1; n <= MAX_LEAVES; n++) {
            byte[][] txHashes = randomHashes(random, n);
            ReceiptTree tree = ReceiptTree.build(1, txHashes, n);
            byte[] root = tree.root();
            for (int i = 0; i < n; i++) {
                List<byte[]> path = new ArrayList<>(Arrays.asList(tree.path(i)));
                byte[] leaf = tree.leaf(i);
                String at = "seed " + SEED + ", leaf " + i + " of " + n;
                // one hash too many: refused
                List<byte[]> longer = new ArrayList<>(path);
                longer.add(new byte[32]);
                assertThat(ReceiptTree.rootFromPath(i, n, leaf, longer)).as(at + ", path too long").isNull();
                // one hash too few: refused
                if (!path.isEmpty()) {
                    List<byte[]> shorter = path.subList(0, path.size() - 1);
                    assertThat(ReceiptTree.rootFromPath(i, n, leaf, shorter)).as(at + ", path too short").isNull();
                }
                // index or count outside the tree: refused
                assertThat(ReceiptTree.rootFromPath(n, n, leaf, path)).as(at + ", index = count").isNull();
                assertThat(ReceiptTree.rootFromPath(-1, n, leaf, path)).as(at + ", index -1").isNull();
                assertThat(ReceiptTree.rootFromPath(i, 0, leaf, path)).as(at + ", count 0").isNull();
                // another index or count in range: refused, or a different root (never this root)
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        assertThat(ReceiptTree.rootFromPath(j, n, leaf, path)).as(at + ", as index " + j)
                                .satisfiesAnyOf(r -> assertThat(r).isNull(), r -> assertThat(r).isNotEqualTo(root));
                    }
                }
                // (another count may accept the same path: leaf 0 of 5 and of 6 have the same directions, so the
                // count is bound by the signed group, not by the path; see receipts-v1.md)
                assertThat(ReceiptTree.rootFromPath(i, i, leaf, path)).as(at + ", count = index").isNull();
                // a path element of the wrong length, or null: refused
                if (!path.isEmpty()) {
                    List<byte[]> badElement = new ArrayList<>(path);
                    badElement.set(0, new byte[31]);
                    assertThat(ReceiptTree.rootFromPath(i, n, leaf, badElement)).as(at + ", 31-byte element")
                            .isNull();
                    badElement.set(0, null);
                    assertThat(ReceiptTree.rootFromPath(i, n, leaf, badElement)).as(at + ", null element")
                            .isNull();
                }
                assertThat(ReceiptTree.rootFromPath(i, n, new byte[31], path)).as(at + ", short leaf").isNull();
                assertThat(ReceiptTree.rootFromPath(i, n, leaf, null)).as(at + ", no path").isNull();
            }
        }
    }

    @Test
    void rootFromPath_leavesAndPathsAreNotMutated() {
        byte[][] txHashes = randomHashes(new SplittableRandom(SEED + 2), 5);
        ReceiptTree tree = ReceiptTree.build(10, txHashes, 5);
        byte[] leaf = tree.leaf(4);
        byte[] leafCopy = leaf.clone();
        List<byte[]> path = Arrays.asList(tree.path(4));
        List<byte[]> pathCopy = new ArrayList<>();
        path.forEach(p -> pathCopy.add(p.clone()));
        assertThat(ReceiptTree.rootFromPath(4, 5, leaf, path)).isEqualTo(tree.root());
        assertThat(leaf).isEqualTo(leafCopy);
        assertThat(path).usingElementComparator(Arrays::compare).containsExactlyElementsOf(pathCopy);
    }

    @Test
    void leafHash_dependsOnSeqAndNodeHashOnOrder() {
        byte[] tx = new byte[32];
        assertThat(ReceiptTree.leafHash(1, tx)).isNotEqualTo(ReceiptTree.leafHash(2, tx));
        byte[] a = ReceiptTree.leafHash(1, tx);
        byte[] b = ReceiptTree.leafHash(2, tx);
        assertThat(ReceiptTree.nodeHash(a, b)).isEqualTo(referenceNode(a, b)).isNotEqualTo(ReceiptTree.nodeHash(b, a));
        // a leaf is never mistaken for a node: different prefix bytes
        assertThat(ReceiptTree.leafHash(1, tx)).isEqualTo(referenceLeaf(1, tx));
    }
}
