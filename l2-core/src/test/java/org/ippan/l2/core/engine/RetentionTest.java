package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.ForwardingStorage;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.PruneOutcome;
import org.ippan.l2.storage.StorageException;
import org.junit.jupiter.api.Test;

/**
 * Retention ({@code L2_RETAIN_CONFIRMED}): the reconciler's rounds prune the confirmed batches older than the last
 * N confirmed ones, once per reconcile interval, as leader; pruned txs stay known by hash, without body or proof.
 */
class RetentionTest {
    private final EngineFixture f = new EngineFixture();
    /** What the next prune answers instead of the store, if set; a RuntimeException is thrown. */
    private final AtomicReference<Object> nextPrune = new AtomicReference<>();

    private static SequencerConfig.Builder config(long retain) {
        return EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100)).dedupCacheSize(0)
                .retainConfirmed(retain);
    }

    private Sequencer start(long retain) {
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
        Sequencer sequencer = f.builder(config(retain).build(), scripted, f.l1).build();
        sequencer.start();
        return sequencer;
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
        round(sequencer);
        assertThat(f.status(f.batchCount())).isEqualTo(L1Status.CONFIRMED);
    }

    /** One reconciler round: start it (the retention step runs then) and apply L1's answers. */
    private void round(Sequencer sequencer) {
        Reconciler reconciler = (Reconciler) Loops.named(sequencer, Reconciler.NAME);
        reconciler.requestRound();
        reconciler.doWork(f.now());
        reconciler.doWork(f.now());
    }

    private int prunes() {
        return f.storage.count(EngineFixture.Op.PRUNE_CONFIRMED);
    }

    @Test
    void retainOne_prunesAllButTheLastConfirmedBatch_atMostOncePerInterval() {
        Sequencer sequencer = start(1);
        confirmBatches(sequencer, 3);
        assertThat(f.batch(1).pruned()).as("confirmed only at the end of the last round").isFalse();

        round(sequencer); // within the interval of the first step: no prune
        assertThat(f.batch(1).pruned()).isFalse();
        int before = prunes();
        f.advanceMs(1_000);
        round(sequencer);

        assertThat(prunes()).isEqualTo(before + 1);
        assertThat(f.batch(1).pruned()).isTrue();
        assertThat(f.batch(2).pruned()).isTrue();
        assertThat(f.batch(3).pruned()).as("the last confirmed batch is kept").isFalse();
        assertThat(f.errorsOf(Reconciler.NAME)).isEmpty();

        TxInfo pruned = sequencer.findTx(tx(1).hash()).orElseThrow();
        assertThat(pruned.pruned()).isTrue();
        assertThat(pruned.tx()).isNull();
        assertThat(pruned.seq()).isEqualTo(1);
        assertThat(pruned.batch().orElseThrow().batchNumber()).isEqualTo(1);
        assertThat(sequencer.inclusionProof(tx(1).hash())).as("no proof of a pruned batch").isEmpty();
        assertThat(sequencer.findTx(tx(3).hash()).orElseThrow().tx()).isEqualTo(tx(3));
        assertThat(sequencer.inclusionProof(tx(3).hash())).isPresent();

        SubmitResult.Accepted again = accepted(sequencer.submit(tx(1)));
        assertThat(again.duplicate()).as("a pruned tx is still a duplicate").isTrue();
        assertThat(again.seq()).isEqualTo(1);
    }

    @Test
    void retainZero_neverPrunes() {
        Sequencer sequencer = start(0);
        confirmBatches(sequencer, 3);
        f.advanceMs(1_000);
        round(sequencer);

        assertThat(prunes()).isZero();
        assertThat(f.batch(1).pruned()).isFalse();
    }

    @Test
    void pruneMeetingAHigherTerm_fencesTheNode() {
        Sequencer sequencer = start(1);
        confirmBatches(sequencer, 2);
        f.advanceMs(1_000);
        nextPrune.set(new Fenced(9));

        round(sequencer);

        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);
        assertThat(sequencer.stateReason()).contains("term 9").contains("retention");
        assertThat(f.batch(1).pruned()).isFalse();
    }

    @Test
    void failingPrune_isReportedAsTheReconcilersError_andTheRoundStillRuns_andTheNextIntervalPrunes() {
        Sequencer sequencer = start(1);
        confirmBatches(sequencer, 2);
        f.advanceMs(1_000);
        nextPrune.set(new StorageException("disk unplugged"));

        round(sequencer);

        assertThat(f.errorsOf(Reconciler.NAME)).hasSize(1);
        assertThat(f.errorsOf(Reconciler.NAME).get(0)).hasMessageContaining("disk unplugged");
        assertThat(sequencer.state()).isEqualTo(SequencerState.LEADER);
        f.advanceMs(1_000);
        round(sequencer);
        assertThat(f.batch(1).pruned()).isTrue();
        assertThat(f.batch(2).pruned()).isFalse();
    }

    @Test
    void config_readsL2RetainConfirmed_andRefusesWhatIsNotACount() {
        assertThat(SequencerConfig.fromEnvironment(Map.of()).retainConfirmed()).isZero();
        assertThat(SequencerConfig.fromEnvironment(Map.of("L2_RETAIN_CONFIRMED", "1000")).retainConfirmed())
                .isEqualTo(1000);
        ConfigException refusal = catchThrowableOfType(ConfigException.class,
                () -> SequencerConfig.fromEnvironment(Map.of("L2_RETAIN_CONFIRMED", "7d")));
        assertThat(refusal).hasMessageContaining("L2_RETAIN_CONFIRMED");
        assertThat(catchThrowableOfType(ConfigException.class,
                () -> SequencerConfig.builder().retainConfirmed(-1).build())).hasMessageContaining("retainConfirmed");
    }
}
