package org.ippan.l2.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.testing.RandomTxs;
import org.ippan.l2.core.testing.Seeds;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
    private static final long SEED = Seeds.seed(0x5EED_0003L);

    /** One admission: the tx and when it became durable. */
    record Admission(Tx tx, long admittedMs) {}

    /** A batch as cut, with the sequence range it consumed. */
    record Cut(Batch batch, Hash prevBatchHash, long firstSeq, CutReason reason) {}

    /**
     * Replays an admission log against decision times the way a sequencer does: at each time, admit what has
     * arrived, then cut until the planner says wait. Returns every batch cut.
     */
    static List<Cut> replay(List<Admission> log, long[] decisionTimesMs, BatchLimits limits, OrderingPolicy ordering) {
        BatchPlanner planner = new BatchPlanner(1, new BatchCutter(limits), ordering);
        List<PendingTx> pending = new ArrayList<>();
        List<Cut> cuts = new ArrayList<>();
        long nextSeq = 1;
        int admitted = 0;
        long nextBatchNumber = 1;
        Hash head = Hash.ZERO;
        for (int d = 0; d < decisionTimesMs.length; d++) {
            long now = decisionTimesMs[d];
            while (admitted < log.size() && log.get(admitted).admittedMs() <= now) {
                pending.add(new PendingTx(nextSeq++, log.get(admitted).tx(), log.get(admitted).admittedMs()));
                admitted++;
            }
            boolean flush = d == decisionTimesMs.length - 1;
            while (true) {
                BatchPlanner.Plan plan = planner.plan(pending, nextBatchNumber, head, now, flush);
                if (plan instanceof BatchPlanner.Plan.Waiting) {
                    break;
                }
                PlannedBatch batch = ((BatchPlanner.Plan.Ready) plan).batch();
                cuts.add(new Cut(batch.batch(), batch.prevBatchHash(), batch.firstSeq(), batch.reason()));
                pending.subList(0, batch.batch().txCount()).clear();
                nextBatchNumber++;
                head = batch.batch().hash();
            }
        }
        return cuts;
    }

    static List<Admission> randomLog(SplittableRandom random, int count, int maxGapMs) {
        List<Admission> log = new ArrayList<>();
        long at = 1_735_000_000_000L;
        for (int i = 0; i < count; i++) {
            // bursts and lulls, so that every cut reason occurs
            at += (i / 200) % 2 == 0 ? random.nextInt(2) : random.nextInt(maxGapMs);
            log.add(new Admission(RandomTxs.txForChain(random, 1, 300), at));
        }
        return log;
    }

    static long[] decisionTimes(SplittableRandom random, List<Admission> log) {
        long start = log.get(0).admittedMs();
        long end = log.get(log.size() - 1).admittedMs() + 10;
        List<Long> times = new ArrayList<>();
        for (long t = start; t < end; t += 1 + random.nextInt(120)) {
            times.add(t);
        }
        times.add(end);
        return times.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void replay_sameLogAndDecisionTimes_givesByteIdenticalBatchesTwice() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int run = 0; run < 30; run++) {
            List<Admission> log = randomLog(random, 200 + random.nextInt(800), 40);
            long[] times = decisionTimes(random, log);
            BatchLimits limits = new BatchLimits(1 + random.nextInt(100), 2_000 + random.nextInt(20_000),
                    random.nextInt(300));
            List<Cut> first = replay(log, times, limits, OrderingPolicy.ADMISSION_ORDER);
            List<Cut> second = replay(List.copyOf(log), times.clone(), limits, OrderingPolicy.ADMISSION_ORDER);
            assertThat(second).as("seed %d, run %d", SEED, run).hasSameSizeAs(first);
            for (int i = 0; i < first.size(); i++) {
                assertThat(second.get(i).batch().hash()).as("seed %d, run %d, batch %d", SEED, run, i)
                        .isEqualTo(first.get(i).batch().hash());
                assertThat(second.get(i).batch().encode()).isEqualTo(first.get(i).batch().encode());
            }
        }
    }

    @Test
    void replay_batchesAreContiguousRangesInAdmissionOrder_chainedByHash() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        List<Admission> log = randomLog(random, 3_000, 80);
        List<Cut> cuts = replay(log, decisionTimes(random, log), new BatchLimits(40, 8_000, 200),
                OrderingPolicy.ADMISSION_ORDER);
        long expectedSeq = 1;
        Hash prev = Hash.ZERO;
        int logIndex = 0;
        for (int i = 0; i < cuts.size(); i++) {
            Cut cut = cuts.get(i);
            assertThat(cut.batch().batchNumber()).isEqualTo(i + 1);
            assertThat(cut.firstSeq()).isEqualTo(expectedSeq);
            assertThat(cut.prevBatchHash()).isEqualTo(prev);
            for (Tx tx : cut.batch().txs()) {
                assertThat(tx).isEqualTo(log.get(logIndex++).tx());
            }
            expectedSeq += cut.batch().txCount();
            prev = cut.batch().hash();
        }
        assertThat(logIndex).as("every admitted tx is batched exactly once (last decision flushes)").isEqualTo(log.size());
        assertThat(cuts).extracting(Cut::reason).contains(CutReason.COUNT, CutReason.BYTES, CutReason.AGE);
    }

    @Test
    void plan_createdMsIsTheDecisionTime_andBatchRecordsItsRange() {
        BatchPlanner planner = new BatchPlanner(9, new BatchCutter(new BatchLimits(2, 10_000, 100)),
                OrderingPolicy.ADMISSION_ORDER);
        List<PendingTx> pending = List.of(new PendingTx(5, new Tx(9, 1, "a", new byte[] {1}), 10),
                new PendingTx(6, new Tx(9, 2, "a", new byte[] {2}), 11), new PendingTx(7, new Tx(9, 3, "a", new byte[0]), 12));
        Hash head = Hash.blake3(new byte[] {1});
        PlannedBatch batch = ((BatchPlanner.Plan.Ready) planner.plan(pending, 3, head, 777, false)).batch();
        assertThat(batch.batch().createdMs()).isEqualTo(777);
        assertThat(batch.batch().chainId()).isEqualTo(9);
        assertThat(batch.batch().batchNumber()).isEqualTo(3);
        assertThat(batch.firstSeq()).isEqualTo(5);
        assertThat(batch.lastSeq()).isEqualTo(6);
        assertThat(batch.prevBatchHash()).isEqualTo(head);
        assertThat(batch.reason()).isEqualTo(CutReason.COUNT);
    }

    @Test
    void plan_usesTheOrderingPolicy_withoutTouchingTheCutter() {
        OrderingPolicy newestFirst = pending -> {
            List<PendingTx> reversed = new ArrayList<>(pending);
            java.util.Collections.reverse(reversed);
            return reversed;
        };
        BatchPlanner planner = new BatchPlanner(1, new BatchCutter(new BatchLimits(10, 10_000, 0)), newestFirst);
        List<PendingTx> pending = List.of(new PendingTx(1, new Tx(1, 1, "a", new byte[0]), 0),
                new PendingTx(2, new Tx(1, 2, "a", new byte[0]), 0));
        PlannedBatch batch = ((BatchPlanner.Plan.Ready) planner.plan(pending, 1, Hash.ZERO, 0, false)).batch();
        assertThat(batch.batch().txs()).extracting(Tx::nonce).containsExactly(2L, 1L);
    }

    @Test
    void plan_invalidArguments_areRefusedNamingTheField() {
        BatchPlanner planner = new BatchPlanner(1, new BatchCutter(BatchLimits.DEFAULTS), OrderingPolicy.ADMISSION_ORDER);
        assertThatThrownBy(() -> planner.plan(List.of(), 0, Hash.ZERO, 0, false)).hasMessageContaining("nextBatchNumber");
        assertThatThrownBy(() -> planner.plan(List.of(), 1, null, 0, false)).hasMessageContaining("prevBatchHash");
        assertThat(planner.plan(List.of(), 1, Hash.ZERO, 0, true)).isInstanceOf(BatchPlanner.Plan.Waiting.class);
    }
}
