package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.ForwardingStorage;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.PruneOutcome;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.junit.jupiter.api.Test;

/**
 * Retention, the engine's own loop: {@code L2_RETAIN_CONFIRMED} prunes the confirmed batches past its horizon (a
 * count or an age), {@code L2_FORGET_CONFIRMED} forgets them whole; a step every reconcile interval, as leader, and
 * small steps {@link Retention#CATCH_UP_GAP_NS} apart while more is due.
 */
class RetentionTest {
    private final EngineFixture f = new EngineFixture();
    /** What the next prune answers instead of the store, if set; a RuntimeException is thrown. */
    private final AtomicReference<Object> nextPrune = new AtomicReference<>();

    private Sequencer start(Horizon retain, Horizon forget) {
        return start(retain, forget, 0);
    }

    private Sequencer start(Horizon retain, Horizon forget, int dedupCacheSize) {
        ForwardingStorage scripted = new ForwardingStorage(f.storage) {
            @Override
            public PruneOutcome pruneConfirmed(long term, long throughBatchNumber, int maxBatches) {
                Object scriptedAnswer = nextPrune.getAndSet(null);
                if (scriptedAnswer instanceof RuntimeException failure) {
                    throw failure;
                }
                return scriptedAnswer != null ? (PruneOutcome) scriptedAnswer
                        : super.pruneConfirmed(term, throughBatchNumber, maxBatches);
            }
        };
        SequencerConfig config = EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100))
                .dedupCacheSize(dedupCacheSize).retainConfirmed(retain).forgetConfirmed(forget).build();
        Sequencer sequencer = f.builder(config, scripted, f.l1).build();
        sequencer.start();
        return sequencer;
    }

    private Sequencer start(long retainBatches) {
        return start(Horizon.batches(retainBatches), Horizon.KEEP);
    }

    /** Cuts and posts {@code count} batches of one tx, mines them deep and runs rounds until they are confirmed. */
    private void confirmBatches(Sequencer sequencer, int count) {
        long next = f.batchCount() + 1;
        sequencer.submitAll(txs((int) next, (int) next + count));
        for (int i = 0; i < count; i++) {
            Loops.named(sequencer, Batcher.NAME).doWork(f.now());
            Loops.named(sequencer, Poster.NAME).doWork(f.now());
            Loops.named(sequencer, Poster.NAME).doWork(f.now());
        }
        f.l1.mineBlocks(3);
        Reconciler reconciler = (Reconciler) Loops.named(sequencer, Reconciler.NAME);
        reconciler.requestRound();
        reconciler.doWork(f.now());
        reconciler.doWork(f.now());
        assertThat(f.status(f.batchCount())).isEqualTo(L1Status.CONFIRMED);
    }

    /** One step of the retention loop, now. */
    private int retention(Sequencer sequencer) {
        return Loops.named(sequencer, Retention.NAME).doWork(f.now());
    }

    private long retentionDeadlineNs(Sequencer sequencer) {
        return Loops.named(sequencer, Retention.NAME).nextDeadlineNs(f.now()) - f.now();
    }

    private int prunes() {
        return f.storage.count(EngineFixture.Op.PRUNE_CONFIRMED);
    }

    @Test
    void retainOne_prunesAllButTheLastConfirmedBatch_atMostOncePerInterval() {
        Sequencer sequencer = start(1);
        confirmBatches(sequencer, 3);
        assertThat(retentionDeadlineNs(sequencer)).as("a new leader steps at once").isZero();

        assertThat(retention(sequencer)).isEqualTo(2);

        assertThat(f.batch(1).pruned()).isTrue();
        assertThat(f.batch(2).pruned()).isTrue();
        assertThat(f.batch(3).pruned()).as("the last confirmed batch is kept").isFalse();
        assertThat(f.errorsOf(Retention.NAME)).isEmpty();
        confirmBatches(sequencer, 1);
        int before = prunes();
        assertThat(retention(sequencer)).as("within the interval of the last step").isZero();
        assertThat(prunes()).isEqualTo(before);
        assertThat(retentionDeadlineNs(sequencer)).isPositive().isLessThanOrEqualTo(1_000_000_000L);
        f.advanceMs(1_000);
        assertThat(retention(sequencer)).isEqualTo(1);
        assertThat(f.batch(3).pruned()).isTrue();

        TxInfo pruned = sequencer.findTx(tx(1).hash()).orElseThrow();
        assertThat(pruned.pruned()).isTrue();
        assertThat(pruned.tx()).isNull();
        assertThat(pruned.seq()).isEqualTo(1);
        assertThat(pruned.batch().orElseThrow().batchNumber()).isEqualTo(1);
        assertThat(sequencer.inclusionProof(tx(1).hash())).as("no proof of a pruned batch").isEmpty();
        assertThat(sequencer.findTx(tx(4).hash()).orElseThrow().tx()).isEqualTo(tx(4));
        assertThat(sequencer.inclusionProof(tx(4).hash())).isPresent();

        SubmitResult.Accepted again = accepted(sequencer.submit(tx(1)));
        assertThat(again.duplicate()).as("a pruned tx is still a duplicate").isTrue();
        assertThat(again.seq()).isEqualTo(1);
    }

    @Test
    void keepAll_neverPrunesNorForgets_andTheLoopIdles() {
        Sequencer sequencer = start(Horizon.KEEP, Horizon.KEEP);
        confirmBatches(sequencer, 3);
        f.advanceMs(1_000);

        assertThat(retention(sequencer)).isZero();

        assertThat(prunes()).isZero();
        assertThat(f.storage.count(EngineFixture.Op.FORGET_CONFIRMED)).isZero();
        assertThat(f.batch(1).pruned()).isFalse();
        assertThat(retentionDeadlineNs(sequencer)).isEqualTo(LoopContext.NOT_LEADING_IDLE_NS);
    }

    @Test
    void forgetTwo_forgetsOlderConfirmedBatchesWhole_andTheirTxsAreNewAgain() {
        Sequencer sequencer = start(Horizon.batches(1), Horizon.batches(2));
        confirmBatches(sequencer, 5);

        assertThat(retention(sequencer)).as("4 pruned, 3 forgotten").isEqualTo(7);

        assertThat(f.storage.findBatchByNumber(3)).isEmpty();
        assertThat(f.batch(4).pruned()).isTrue();
        assertThat(f.batch(5).pruned()).isFalse();
        assertThat(f.storage.readCursor(Storage.FORGOTTEN_THROUGH_CURSOR)).isEqualTo(3);
        assertThat(sequencer.findTx(tx(1).hash())).as("forgotten").isEmpty();
        assertThat(sequencer.receipt(tx(1).hash())).isEmpty();
        assertThat(sequencer.findTx(tx(4).hash()).orElseThrow().pruned()).isTrue();
        assertThat(sequencer.status().batches().confirmed()).as("forgotten batches were confirmed").isEqualTo(5);
        assertThat(sequencer.status().batches().lastBatchNumber()).isEqualTo(5);

        SubmitResult.Accepted again = accepted(sequencer.submit(tx(1)));
        assertThat(again.duplicate()).as("past the duplicate window, a re-sent tx is new").isFalse();
        assertThat(again.seq()).isEqualTo(6);
        assertThat(accepted(sequencer.submit(tx(4))).duplicate()).as("a pruned tx is still known").isTrue();

        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        assertThat(f.batch(6).batch().prevBatchHash()).as("the chain goes on from the head")
                .isEqualTo(f.batch(5).batch().batchHash());
    }

    @Test
    void forgottenTxs_areNewAgain_evenWhileTheDuplicateCacheStillHoldsThem() {
        Sequencer sequencer = start(Horizon.KEEP, Horizon.batches(1), 1_000);
        confirmBatches(sequencer, 3);
        assertThat(accepted(sequencer.submit(tx(1))).duplicate()).as("cached, not yet forgotten").isTrue();

        assertThat(retention(sequencer)).isEqualTo(2);

        SubmitResult.Accepted again = accepted(sequencer.submit(tx(2)));
        assertThat(again.duplicate()).as("the cache holds seq 2, forgotten").isFalse();
        assertThat(again.seq()).isEqualTo(4);
        assertThat(accepted(sequencer.submit(tx(3))).duplicate()).as("batch 3 is kept").isTrue();
        assertThat(accepted(sequencer.submit(tx(2))).seq()).as("the new copy is cached").isEqualTo(4);
    }

    @Test
    void ageHorizon_prunesTheConfirmedBatchesCutLongerAgo() {
        Sequencer sequencer = start(Horizon.age(Duration.ofSeconds(10)), Horizon.KEEP);
        confirmBatches(sequencer, 2); // cut at t0
        f.advanceMs(6_000);
        confirmBatches(sequencer, 2); // cut at t0 + 6 s
        f.advanceMs(5_000);

        assertThat(retention(sequencer)).as("at t0 + 11 s, the first two are past 10 s").isEqualTo(2);
        assertThat(f.batch(2).pruned()).isTrue();
        assertThat(f.batch(3).pruned()).isFalse();

        f.advanceMs(5_000);
        assertThat(retention(sequencer)).isEqualTo(2);
        assertThat(f.batch(4).pruned()).isTrue();
    }

    @Test
    void aLargeBacklog_isCaughtUpInSmallStepsCatchUpGapApart() {
        Sequencer sequencer = start(1);
        int batches = 2 * Retention.MAX_BATCHES_PER_STEP + 5;
        confirmBatches(sequencer, batches);

        assertThat(retention(sequencer)).isEqualTo(Retention.MAX_BATCHES_PER_STEP);
        assertThat(retentionDeadlineNs(sequencer)).isEqualTo(Retention.CATCH_UP_GAP_NS);
        f.advanceMs(Retention.CATCH_UP_GAP_NS / 1_000_000);
        assertThat(retention(sequencer)).isEqualTo(Retention.MAX_BATCHES_PER_STEP);
        f.advanceMs(Retention.CATCH_UP_GAP_NS / 1_000_000);
        assertThat(retention(sequencer)).isEqualTo(4);
        assertThat(retentionDeadlineNs(sequencer)).as("caught up: back to the interval").isEqualTo(1_000_000_000L);
        assertThat(f.batch(batches - 1).pruned()).isTrue();
        assertThat(f.batch(batches).pruned()).isFalse();
    }

    @Test
    void pruneMeetingAHigherTerm_fencesTheNode() {
        Sequencer sequencer = start(1);
        confirmBatches(sequencer, 2);
        nextPrune.set(new Fenced(9));

        retention(sequencer);

        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);
        assertThat(sequencer.stateReason()).contains("term 9").contains("retention");
        assertThat(f.batch(1).pruned()).isFalse();
    }

    @Test
    void failingPrune_isReportedAsRetentionsError_andTheNextIntervalPrunes() {
        Sequencer sequencer = start(1);
        confirmBatches(sequencer, 2);
        nextPrune.set(new StorageException("disk unplugged"));

        assertThat(retention(sequencer)).isZero();

        assertThat(f.errorsOf(Retention.NAME)).hasSize(1);
        assertThat(f.errorsOf(Retention.NAME).get(0)).hasMessageContaining("disk unplugged");
        assertThat(sequencer.state()).isEqualTo(SequencerState.LEADER);
        assertThat(retention(sequencer)).as("not before the interval").isZero();
        f.advanceMs(1_000);
        assertThat(retention(sequencer)).isEqualTo(1);
        assertThat(f.batch(1).pruned()).isTrue();
        assertThat(f.batch(2).pruned()).isFalse();
    }

    @Test
    void config_readsCountsAndDurations_andRefusesWhatIsNeither() {
        assertThat(SequencerConfig.fromEnvironment(Map.of()).retainConfirmed()).isEqualTo(Horizon.KEEP);
        assertThat(SequencerConfig.fromEnvironment(Map.of()).forgetConfirmed()).isEqualTo(Horizon.KEEP);
        assertThat(SequencerConfig.fromEnvironment(Map.of("L2_RETAIN_CONFIRMED", "1000")).retainConfirmed())
                .isEqualTo(Horizon.batches(1000));
        SequencerConfig aged = SequencerConfig.fromEnvironment(
                Map.of("L2_RETAIN_CONFIRMED", "7d", "L2_FORGET_CONFIRMED", " 90s "));
        assertThat(aged.retainConfirmed()).isEqualTo(Horizon.age(Duration.ofDays(7)));
        assertThat(aged.forgetConfirmed().ageMs()).isEqualTo(90_000);
        assertThat(SequencerConfig.fromEnvironment(Map.of("L2_RETAIN_CONFIRMED", "0")).retainConfirmed().keepsAll())
                .isTrue();
        for (String bad : new String[] {"7x", "-1", "1.5h", "h", "12 h", "99999999999999999999", "36600000d"}) {
            ConfigException refusal = catchThrowableOfType(ConfigException.class,
                    () -> SequencerConfig.fromEnvironment(Map.of("L2_FORGET_CONFIRMED", bad)));
            assertThat(refusal).as(bad).hasMessageContaining("L2_FORGET_CONFIRMED");
        }
        assertThat(catchThrowableOfType(ConfigException.class, () -> SequencerConfig.fromEnvironment(
                Map.of("L2_RETAIN_CONFIRMED", "3w")))).hasMessageContaining("unknown unit 'w'");
        assertThat(catchThrowableOfType(ConfigException.class,
                () -> SequencerConfig.builder().retainConfirmed(null).build())).hasMessageContaining("retainConfirmed");
    }

    @Test
    void horizon_writesItsEnvironmentFormBack_andRefusesBadValues() {
        for (String text : new String[] {"0", "1000", "7d", "12h", "30m", "90s", "1500ms"}) {
            assertThat(Horizon.parse(text)).hasToString(text);
        }
        assertThat(Horizon.parse("120s")).hasToString("2m").isEqualTo(Horizon.age(Duration.ofMinutes(2)));
        assertThat(Horizon.batches(0)).isSameAs(Horizon.KEEP);
        assertThat(Horizon.age(Duration.ZERO)).isSameAs(Horizon.KEEP);
        assertThatThrownBy(() -> Horizon.batches(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> Horizon.age(Duration.ofNanos(5))).hasMessageContaining("1 ms");
        assertThatThrownBy(() -> Horizon.age(Duration.ofDays(-1))).hasMessageContaining("1 ms .. 100 years");
    }
}
