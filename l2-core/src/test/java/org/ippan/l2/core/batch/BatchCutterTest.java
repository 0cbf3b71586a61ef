package org.ippan.l2.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

class BatchCutterTest {
    /** A tx whose body is exactly {@code bodyBytes} (from = "a"). */
    static Tx txOfBody(int bodyBytes, long nonce) {
        return new Tx(1, nonce, "a", new byte[bodyBytes - Tx.FIXED_BODY_BYTES - 1]);
    }

    static List<PendingTx> pending(int count, int bodyBytes, long admittedMs) {
        List<PendingTx> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new PendingTx(i + 1, txOfBody(bodyBytes, i), admittedMs));
        }
        return out;
    }

    @Test
    void decide_nothingPending_waitsWithoutDeadline_evenOnFlush() {
        BatchCutter cutter = new BatchCutter(new BatchLimits(10, 10_000, 100));
        CutDecision decision = cutter.decide(List.of(), 5, true);
        assertThat(decision).isEqualTo(new CutDecision.Wait(CutDecision.Wait.NO_DEADLINE));
        assertThat(((CutDecision.Wait) decision).hasDeadline()).isFalse();
    }

    @Test
    void decide_fewYoungTxs_waitsUntilOldestReachesMaxWait() {
        BatchCutter cutter = new BatchCutter(new BatchLimits(10, 10_000, 100));
        List<PendingTx> txs = pending(3, 50, 1_000);
        CutDecision decision = cutter.decide(txs, 1_099, false);
        assertThat(decision).isEqualTo(new CutDecision.Wait(1_100));
        assertThat(((CutDecision.Wait) decision).hasDeadline()).isTrue();
    }

    @Test
    void decide_atExactlyMaxWait_cutsByAge() {
        BatchCutter cutter = new BatchCutter(new BatchLimits(10, 10_000, 100));
        assertThat(cutter.decide(pending(3, 50, 1_000), 1_100, false))
                .isEqualTo(new CutDecision.Cut(3, Batch.OVERHEAD_BYTES + 150, CutReason.AGE));
    }

    @Test
    void decide_maxTxsReached_cutsByCount_withoutWaiting() {
        BatchCutter cutter = new BatchCutter(new BatchLimits(4, 10_000, 100));
        assertThat(cutter.decide(pending(9, 50, 1_000), 1_000, false))
                .isEqualTo(new CutDecision.Cut(4, Batch.OVERHEAD_BYTES + 200, CutReason.COUNT));
    }

    @Test
    void decide_nextTxDoesNotFit_cutsByBytes_neverExceedingTheLimit() {
        long maxBytes = Batch.OVERHEAD_BYTES + 3 * 50 + 49; // three fit, the fourth would exceed by one byte
        BatchCutter cutter = new BatchCutter(new BatchLimits(100, maxBytes, 100));
        CutDecision decision = cutter.decide(pending(5, 50, 1_000), 1_000, false);
        assertThat(decision).isEqualTo(new CutDecision.Cut(3, Batch.OVERHEAD_BYTES + 150, CutReason.BYTES));
    }

    @Test
    void decide_exactlyFullByBytes_cutsByBytes() {
        long maxBytes = Batch.OVERHEAD_BYTES + 2 * 50;
        BatchCutter cutter = new BatchCutter(new BatchLimits(100, maxBytes, 100));
        assertThat(cutter.decide(pending(2, 50, 1_000), 1_000, false))
                .isEqualTo(new CutDecision.Cut(2, maxBytes, CutReason.BYTES));
    }

    @Test
    void decide_roomLeftTooSmallForAnyTx_cutsByBytes() {
        long maxBytes = Batch.OVERHEAD_BYTES + 50 + Tx.FIXED_BODY_BYTES - 1;
        BatchCutter cutter = new BatchCutter(new BatchLimits(100, maxBytes, 100));
        assertThat(cutter.decide(pending(1, 50, 1_000), 1_000, false))
                .isEqualTo(new CutDecision.Cut(1, Batch.OVERHEAD_BYTES + 50, CutReason.BYTES));
    }

    @Test
    void decide_flush_cutsWhatIsPending() {
        BatchCutter cutter = new BatchCutter(new BatchLimits(10, 10_000, 100));
        assertThat(cutter.decide(pending(2, 50, 1_000), 1_000, true))
                .isEqualTo(new CutDecision.Cut(2, Batch.OVERHEAD_BYTES + 100, CutReason.FLUSH));
    }

    @Test
    void decide_precedence_countBeforeAgeBeforeFlush() {
        BatchCutter cutter = new BatchCutter(new BatchLimits(2, 10_000, 100));
        assertThat(cutter.decide(pending(2, 50, 0), 500, true)).extracting(d -> ((CutDecision.Cut) d).reason())
                .isEqualTo(CutReason.COUNT);
        BatchCutter roomy = new BatchCutter(new BatchLimits(10, 10_000, 100));
        assertThat(roomy.decide(pending(2, 50, 0), 500, true)).extracting(d -> ((CutDecision.Cut) d).reason())
                .isEqualTo(CutReason.AGE);
    }

    @Test
    void decide_ageIsMeasuredFromTheOldestCandidate() {
        BatchCutter cutter = new BatchCutter(new BatchLimits(10, 10_000, 100));
        List<PendingTx> txs = new ArrayList<>(pending(1, 50, 1_000));
        txs.add(new PendingTx(2, txOfBody(50, 2), 1_090));
        assertThat(cutter.decide(txs, 1_100, false)).isEqualTo(new CutDecision.Cut(2, Batch.OVERHEAD_BYTES + 100,
                CutReason.AGE));
    }

    @Test
    void decide_zeroMaxWait_cutsAtOnce() {
        BatchCutter cutter = new BatchCutter(new BatchLimits(10, 10_000, 0));
        assertThat(cutter.decide(pending(1, 50, 1_000), 1_000, false)).extracting(d -> ((CutDecision.Cut) d).reason())
                .isEqualTo(CutReason.AGE);
    }

    @Test
    void decide_clockBehindAdmission_waits() {
        BatchCutter cutter = new BatchCutter(new BatchLimits(10, 10_000, 100));
        assertThat(cutter.decide(pending(1, 50, 1_000), 900, false)).isEqualTo(new CutDecision.Wait(1_100));
    }

    @Test
    void decide_hugeAdmissionTime_doesNotOverflowIntoACut() {
        BatchCutter cutter = new BatchCutter(new BatchLimits(10, 10_000, 100));
        CutDecision decision = cutter.decide(pending(1, 50, Long.MAX_VALUE - 10), 0, false);
        assertThat(decision).isInstanceOf(CutDecision.Wait.class);
        assertThat(((CutDecision.Wait) decision).hasDeadline()).isTrue();
    }

    @Test
    void decide_firstTxAloneOverTheLimit_isReportedNotCutOrDropped() {
        long maxBytes = Batch.OVERHEAD_BYTES + 40;
        BatchCutter cutter = new BatchCutter(new BatchLimits(10, maxBytes, 100));
        List<PendingTx> txs = pending(1, 50, 0);
        assertThatThrownBy(() -> cutter.decide(txs, 1_000, true))
                .isInstanceOfSatisfying(UnbatchableTxException.class, e -> assertThat(e.seq()).isEqualTo(1))
                .hasMessageContaining("raise maxBytes");
    }

    @Test
    void limits_invalidValues_areRefusedNamingTheField() {
        assertThatThrownBy(() -> new BatchLimits(0, 10_000, 1)).hasMessageContaining("maxTxs");
        assertThatThrownBy(() -> new BatchLimits(1, 10, 1)).hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> new BatchLimits(1, 10_000, -1)).hasMessageContaining("maxWaitMs");
        assertThat(new BatchLimits(1, BatchLimits.MIN_MAX_BYTES, 0).maxBytes()).isEqualTo(BatchLimits.MIN_MAX_BYTES);
        assertThat(BatchLimits.DEFAULTS).isEqualTo(new BatchLimits(1000, 1_048_576, 1000));
    }
}
