package org.ippan.l2.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.batch.BatchCutter;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.batch.BatchPlanner;
import org.ippan.l2.core.batch.CutDecision;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.batch.OrderingPolicy;
import org.ippan.l2.core.batch.PendingTx;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Batch cutting, single thread, on a pool of 10,000 pending txs with 256-byte payloads (297 or 298 bytes of body
 * each), at several limits ({@link Limit}): count-limited cuts of 100, 1,000 and 10,000 txs (byte limit out of
 * reach), and a byte-limited cut at the node's default of 1 MiB (3,530 txs; {@code maxTxs} 10,000 out of reach).
 * Every decision is checked in setup to be the cut its name says.
 *
 * <ul>
 *   <li>{@code decide}: the cut-or-wait decision alone (walks at most {@code maxTxs} candidates);</li>
 *   <li>{@code cutBatch}: decision plus building the batch (its canonical bytes) and its {@code batch_hash} and
 *       {@code tx_root}, tx hashes already known (they are computed once, at admission);</li>
 *   <li>{@code hashBatchBytesFloor}: BLAKE3 of the same number of bytes and of the concatenated tx hashes, the
 *       hashing the format mandates and so the floor {@code cutBatch} cannot go under, measured in the same run
 *       so the two compare as a ratio.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchCuttingBenchmark {
    private static final int POOL = 10_000;
    private static final int PAYLOAD_BYTES = 256;
    private static final long NOW_MS = 1_735_000_000_000L;

    /** The limits of a cut, and which of them binds. */
    public enum Limit {
        /** 100 txs (COUNT cut). */
        COUNT_100(100, 64 << 20, CutReason.COUNT),
        /** 1,000 txs, the node's default (COUNT cut). */
        COUNT_1000(1000, 64 << 20, CutReason.COUNT),
        /** 10,000 txs (COUNT cut). */
        COUNT_10000(10_000, 64 << 20, CutReason.COUNT),
        /** 1 MiB, the node's default byte limit, with 10,000 txs allowed (BYTES cut of 3,530 txs). */
        BYTES_1MIB(10_000, 1 << 20, CutReason.BYTES);

        final int maxTxs;
        final long maxBytes;
        final CutReason expected;

        Limit(int maxTxs, long maxBytes, CutReason expected) {
            this.maxTxs = maxTxs;
            this.maxBytes = maxBytes;
            this.expected = expected;
        }
    }

    /** The limits of the cut. */
    @Param({"COUNT_100", "COUNT_1000", "COUNT_10000", "BYTES_1MIB"})
    public Limit limit;

    private List<PendingTx> pending;
    private BatchCutter cutter;
    private BatchPlanner planner;
    private byte[] sameSizeBytes;
    private byte[] txHashBytes;

    /** Builds the pool, with every tx hash computed as admission would have. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        pending = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            byte[] payload = new byte[PAYLOAD_BYTES];
            for (int b = 0; b < payload.length; b++) {
                payload[b] = (byte) random.nextInt(256);
            }
            Tx tx = new Tx(1, i, "sender-" + (i % 97), payload);
            tx.hash();
            pending.add(new PendingTx(i + 1, tx, NOW_MS - 5));
        }
        BatchLimits limits = new BatchLimits(limit.maxTxs, limit.maxBytes, 1000);
        cutter = new BatchCutter(limits);
        planner = new BatchPlanner(1, cutter, OrderingPolicy.ADMISSION_ORDER);
        CutDecision.Cut cut = (CutDecision.Cut) cutter.decide(pending, NOW_MS, false);
        if (cut.reason() != limit.expected) {
            throw new IllegalStateException(limit + ": expected a " + limit.expected + " cut, got " + cut);
        }
        sameSizeBytes = new byte[(int) cut.batchBytes()];
        random.nextBytes(sameSizeBytes);
        txHashBytes = new byte[cut.txCount() * Hash.LENGTH];
        random.nextBytes(txHashBytes);
    }

    /** @return the decision for a full pool (the cut {@link #limit} names) */
    @Benchmark
    public CutDecision decide() {
        return cutter.decide(pending, NOW_MS, false);
    }

    /** @return the batch hash of the batch cut from the pool */
    @Benchmark
    public Hash cutBatch(Blackhole blackhole) {
        Batch batch = ((BatchPlanner.Plan.Ready) planner.plan(pending, 1, Hash.ZERO, NOW_MS, false)).batch().batch();
        blackhole.consume(batch.txRoot());
        return batch.hash();
    }

    /** @return BLAKE3 of as many bytes as the cut batch encodes to, after BLAKE3 of its concatenated tx hashes */
    @Benchmark
    public Hash hashBatchBytesFloor(Blackhole blackhole) {
        blackhole.consume(Hash.blake3(txHashBytes));
        return Hash.blake3(sameSizeBytes);
    }
}
