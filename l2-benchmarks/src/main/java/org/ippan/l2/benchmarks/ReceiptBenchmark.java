package org.ippan.l2.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.GroupReceipts;
import org.ippan.l2.core.receipt.ReceiptGroup;
import org.ippan.l2.core.receipt.ReceiptTree;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a signed admission receipt costs per tx, by the size of the admission group it is signed in (receipts v1):
 * {@code seal} is the work the engine does inside a group's storage write (the group's tree of (seq, tx hash)
 * leaves, one Ed25519 signature over its root and the compact encoding stored with the group); {@code answer} adds
 * what answering every tx with its receipt object costs (each leaf's path); {@code verify} is a client checking one
 * receipt. Average time per group; divide by {@code groupSize} for the cost per tx. A node under load writes large
 * groups (up to {@code maxAdmissionGroup}, 1,000 by default); one tx per group is the worst case, a lone client.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReceiptBenchmark {
    /** Txs per admission group. */
    @Param({"1", "10", "100", "1000"})
    public int groupSize;

    private byte[][] txHashes;
    private Ed25519Signer signer;
    private AdmissionReceipt lastReceipt;

    /** Random tx hashes and the spec's test key (seed of 32 bytes 0x42). */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(11);
        txHashes = new byte[groupSize][32];
        for (byte[] hash : txHashes) {
            random.nextBytes(hash);
        }
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x42);
        signer = new Ed25519Signer(seed);
        lastReceipt = sealGroup().receipt(groupSize, txHashes[groupSize - 1]);
        if (!lastReceipt.verify(signer.publicKey()).isValid()) {
            throw new IllegalStateException("setup: the receipt does not verify");
        }
    }

    private GroupReceipts sealGroup() {
        ReceiptTree tree = ReceiptTree.build(1, txHashes, groupSize);
        ReceiptGroup group = ReceiptGroup.sign(signer, 1, 1, 1, groupSize, 1_735_000_000_000L,
                1_735_000_060_000L, tree.root());
        group.encode();
        return new GroupReceipts(group, tree);
    }

    /** @return the group's receipts: tree, signature, stored encoding */
    @Benchmark
    public GroupReceipts seal() {
        return sealGroup();
    }

    /** @return a byte of every tx's receipt, after sealing the group */
    @Benchmark
    public int answer() {
        GroupReceipts receipts = sealGroup();
        int sink = 0;
        for (int i = 0; i < groupSize; i++) {
            sink += receipts.receipt(1 + i, txHashes[i]).path().size();
        }
        return sink;
    }

    /** @return whether one receipt verifies (a client's check: path, then signature) */
    @Benchmark
    public boolean verify() {
        return lastReceipt.verify(signer.publicKey()).isValid();
    }
}
