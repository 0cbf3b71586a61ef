package org.ippan.l2.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.testing.RandomTxs;
import org.ippan.l2.core.testing.Seeds;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

/** Seeded property-style tests of the cutting rule over many random pools, limits and times. */
class BatchCutterPropertyTest {
    private static final long SEED = Seeds.seed(0x5EED_0002L);
    private static final int CASES = 20_000;

    @Test
    void cutter_neverExceedsLimits_neverCutsEmpty_takesTheLongestFittingPrefix() {
        SplittableRandom random = new SplittableRandom(SEED);
        int[] reasons = new int[CutReason.values().length];
        for (int c = 0; c < CASES; c++) {
            Case k = Case.random(random);
            CutDecision decision = new BatchCutter(k.limits).decide(k.pending, k.nowMs, k.flush);
            String where = "seed " + SEED + ", case " + c + ": " + k;
            if (k.pending.isEmpty()) {
                assertThat(decision).as(where).isEqualTo(new CutDecision.Wait(CutDecision.Wait.NO_DEADLINE));
                continue;
            }
            if (decision instanceof CutDecision.Cut cut) {
                reasons[cut.reason().ordinal()]++;
                assertThat(cut.txCount()).as(where).isBetween(1, Math.min(k.limits.maxTxs(), k.pending.size()));
                List<Tx> txs = new ArrayList<>();
                for (int i = 0; i < cut.txCount(); i++) {
                    txs.add(k.pending.get(i).tx());
                }
                Batch batch = new Batch(1, 1, txs, k.nowMs);
                assertThat((long) batch.encodedSize()).as(where).isEqualTo(cut.batchBytes())
                        .isLessThanOrEqualTo(k.limits.maxBytes());
                boolean moreAvailable = cut.txCount() < k.pending.size();
                if (moreAvailable && cut.txCount() < k.limits.maxTxs()) {
                    long withNext = cut.batchBytes() + k.pending.get(cut.txCount()).batchBytes();
                    assertThat(withNext).as(where + ": a shorter batch than fits").isGreaterThan(k.limits.maxBytes());
                    assertThat(cut.reason()).as(where).isEqualTo(CutReason.BYTES);
                }
                if (cut.reason() == CutReason.COUNT) {
                    assertThat(cut.txCount()).as(where).isEqualTo(k.limits.maxTxs());
                }
            } else {
                CutDecision.Wait wait = (CutDecision.Wait) decision;
                assertThat(k.flush).as(where + ": flush never waits on a non-empty pool").isFalse();
                assertThat(k.pending.size()).as(where).isLessThan(k.limits.maxTxs());
                assertThat(Batch.encodedSize(k.pending.stream().map(PendingTx::tx).toList()))
                        .as(where).isLessThanOrEqualTo(k.limits.maxBytes());
                assertThat(wait.deadlineMs()).as(where).isEqualTo(k.pending.get(0).admittedMs() + k.limits.maxWaitMs())
                        .isGreaterThan(k.nowMs);
            }
        }
        for (CutReason reason : CutReason.values()) {
            assertThat(reasons[reason.ordinal()]).as("seed %d: reason %s exercised", SEED, reason).isGreaterThan(50);
        }
    }

    @Test
    void cutter_cutsByAgeExactlyWhenTheOldestReachesMaxWait() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int c = 0; c < CASES / 4; c++) {
            long maxWaitMs = random.nextInt(5_000);
            BatchLimits limits = new BatchLimits(1_000, 1 << 20, maxWaitMs);
            BatchCutter cutter = new BatchCutter(limits);
            long oldest = 1_700_000_000_000L + random.nextInt(1_000_000);
            List<PendingTx> pending = new ArrayList<>();
            int count = 1 + random.nextInt(20);
            long admitted = oldest;
            for (int i = 0; i < count; i++) {
                pending.add(new PendingTx(i + 1, RandomTxs.txForChain(random, 1, 100), admitted));
                admitted += random.nextInt(50);
            }
            long deadline = oldest + maxWaitMs;
            String where = "seed " + (SEED + 1) + ", case " + c;
            assertThat(cutter.decide(pending, deadline - 1, false)).as(where).isEqualTo(new CutDecision.Wait(deadline));
            CutDecision atDeadline = cutter.decide(pending, deadline, false);
            assertThat(atDeadline).as(where).isInstanceOf(CutDecision.Cut.class);
            assertThat(((CutDecision.Cut) atDeadline).reason()).as(where).isEqualTo(CutReason.AGE);
            assertThat(((CutDecision.Cut) atDeadline).txCount()).as(where).isEqualTo(count);
        }
    }

    /** One random input of the cutter. */
    private record Case(BatchLimits limits, List<PendingTx> pending, long nowMs, boolean flush) {
        static Case random(SplittableRandom random) {
            int maxTxs = 1 + random.nextInt(random.nextBoolean() ? 5 : 60);
            long maxBytes = BatchLimits.MIN_MAX_BYTES + 300 + random.nextInt(random.nextBoolean() ? 500 : 8_000);
            long maxWaitMs = random.nextInt(1_000);
            BatchLimits limits = new BatchLimits(maxTxs, maxBytes, maxWaitMs);
            long base = 1_700_000_000_000L;
            long admitted = base + random.nextInt(1_000);
            List<PendingTx> pending = new ArrayList<>();
            int count = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 8 : 120);
            int maxPayload = (int) Math.min(200, maxBytes - BatchLimits.MIN_MAX_BYTES - 20);
            for (int i = 0; i < count; i++) {
                pending.add(new PendingTx(i + 1, RandomTxs.txForChain(random, 1, maxPayload), admitted));
                admitted += random.nextInt(30);
            }
            long nowMs = base + random.nextInt(2_500);
            return new Case(limits, pending, nowMs, random.nextInt(6) == 0);
        }

        @Override
        public String toString() {
            return limits + ", " + pending.size() + " pending, now " + nowMs + ", flush " + flush;
        }
    }
}
