package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.Test;

/** The reconciler loop: inclusion, confirmation in batch order, batches L1 lost, and L1 failures. */
class ReconcilerTest {
    private EngineFixture f = new EngineFixture();

    private static SequencerConfig.Builder oneTxPerBatch() {
        return EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100));
    }

    /** Commits {@code count} batches of one tx and posts them (two poster steps: send, collect). */
    private void commitAndPost(Sequencer sequencer, int count) {
        long next = f.batchCount() + 1;
        sequencer.submitAll(txs((int) next, (int) next + count));
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
    }

    /** One reconciler round: ask L1, then apply the answers. */
    private void reconcile(Sequencer sequencer) {
        ((Reconciler) Loops.named(sequencer, Reconciler.NAME)).requestRound();
        Loops.named(sequencer, Reconciler.NAME).doWork(f.now());
        Loops.named(sequencer, Reconciler.NAME).doWork(f.now());
    }

    @Test
    void posted_isIncludedWithItsHeight_thenConfirmedAfterTheConfirmations_notOneBlockEarlier() {
        Sequencer sequencer = f.start(oneTxPerBatch().finalityConfirmations(3).build());
        commitAndPost(sequencer, 1);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        reconcile(sequencer);
        assertThat(f.status(1)).as("not in a block yet").isEqualTo(L1Status.POSTED);

        f.l1.mineBlock(); // height 1 includes it
        reconcile(sequencer);
        StoredBatch included = f.batch(1);
        assertThat(included.status()).isEqualTo(L1Status.INCLUDED);
        assertThat(included.l1State().inclusionHeight()).isEqualTo(1);
        assertThat(included.l1State().l1TxId()).isEqualTo("sim-tx-1");

        f.l1.mineBlocks(2); // 2 blocks deep
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.INCLUDED);
        assertThat(f.metrics.snapshot().confirmed()).isZero();

        f.l1.mineBlock(); // 3 blocks deep
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.CONFIRMED);
        assertThat(f.batch(1).l1State().inclusionHeight()).isEqualTo(1);
        assertThat(f.metrics.snapshot().confirmed()).isEqualTo(1);
        assertThat(sequencer.status().batches().confirmed()).isEqualTo(1);
        assertThat(sequencer.status().batches().posted()).isZero();
    }

    @Test
    void finalizedFlagOfL1_confirmsBeforeTheConfirmationCount() {
        f = new EngineFixture(SimulatedL1.builder().finalityDepth(1).build());
        Sequencer sequencer = f.start(oneTxPerBatch().finalityConfirmations(10).build());
        commitAndPost(sequencer, 1);
        f.l1.mineBlock();
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.INCLUDED);

        f.l1.mineBlock(); // final at depth 1, far from 10 confirmations
        reconcile(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.CONFIRMED);
    }

    @Test
    void confirmation_isStrictlyInBatchOrder_whenAnEarlierBatchIsNotPostedYet() {
        Sequencer sequencer = f.start(oneTxPerBatch().build()); // 2 confirmations
        f.l1.failNextCalls(Call.SUBMIT, 1, Failure.TRANSIENT); // batch 1 fails once, batch 2 goes through
        commitAndPost(sequencer, 2);
        assertThat(f.status(1)).isEqualTo(L1Status.COMMITTED);
        assertThat(f.status(2)).isEqualTo(L1Status.POSTED);
        f.l1.mineBlocks(5);

        reconcile(sequencer);
        assertThat(f.status(2)).as("deep enough, but batch 1 is not confirmed").isEqualTo(L1Status.INCLUDED);

        f.advanceMs(100);
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        f.l1.mineBlock();
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.INCLUDED);
        assertThat(f.status(2)).isEqualTo(L1Status.INCLUDED);

        f.l1.mineBlocks(2);
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.CONFIRMED);
        assertThat(f.status(2)).isEqualTo(L1Status.CONFIRMED);
        assertThat(f.metrics.snapshot().confirmed()).isEqualTo(2);
    }

    @Test
    void confirmation_isStrictlyInBatchOrder_whenAnEarlierPostedBatchIsNotIncluded() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitAndPost(sequencer, 2);
        f.l1.lose(f.batch(1).batch().idempotencyKey()); // dropped from L1's mempool
        f.l1.mineBlocks(5);

        reconcile(sequencer);

        assertThat(f.status(1)).as("unknown, but not for repostAfterMs yet").isEqualTo(L1Status.POSTED);
        assertThat(f.status(2)).isEqualTo(L1Status.INCLUDED);
        assertThat(f.metrics.snapshot().confirmed()).isZero();
    }

    @Test
    void includedBatchLostByL1_goesBackToCommitted_isRepostedWithTheSameKey_andConfirmed() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitAndPost(sequencer, 1);
        byte[] key = f.batch(1).batch().idempotencyKey();
        f.l1.mineBlock();
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.INCLUDED);

        assertThat(f.l1.lose(key)).isTrue(); // a reorganisation
        reconcile(sequencer);

        StoredBatch requeued = f.batch(1);
        assertThat(requeued.status()).isEqualTo(L1Status.COMMITTED);
        assertThat(requeued.l1State().lastError()).contains("does not know").contains("INCLUDED");
        assertThat(f.metrics.snapshot().reposted()).isEqualTo(1);

        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.l1.mempool()).singleElement().extracting(L1Submission::idempotencyKey).isEqualTo(key);
        assertThat(f.l1.applyCount(key)).isEqualTo(2);
        assertThat(f.batch(1).l1State().l1TxId()).isEqualTo("sim-tx-2");

        f.l1.mineBlocks(3);
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.CONFIRMED);
        assertThat(f.metrics.snapshot().reposted()).isEqualTo(1);
    }

    @Test
    void postedBatchUnknownToL1_isRepostedAfterRepostAfterMs_notBefore() {
        Sequencer sequencer = f.start(oneTxPerBatch().repostAfterMs(5_000).build());
        commitAndPost(sequencer, 1);
        byte[] key = f.batch(1).batch().idempotencyKey();
        f.l1.lose(key);

        f.advanceMs(4_999);
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        f.advanceMs(1);
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.COMMITTED);
        assertThat(f.metrics.snapshot().reposted()).isEqualTo(1);

        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.l1.applyCount(key)).isEqualTo(2);
        f.l1.mineBlocks(3);
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.CONFIRMED);
    }

    @Test
    void chainStatusFailing_confirmsNothing_andReportsTheL1Error() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitAndPost(sequencer, 1);
        f.l1.mineBlocks(5);
        f.l1.failNextCalls(Call.CHAIN_STATUS, 1, Failure.TRANSIENT);

        reconcile(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.metrics.snapshot().confirmed()).isZero();
        assertThat(sequencer.status().l1().lastError()).startsWith("chain status: ").contains("TRANSIENT");
        assertThat(sequencer.status().l1().height()).as("never seen").isZero();

        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.CONFIRMED);
    }

    @Test
    void status_showsTheL1HeightsLastSeen() {
        f = new EngineFixture(SimulatedL1.builder().finalityDepth(2).build());
        Sequencer sequencer = f.leader();
        assertThat(sequencer.status().l1()).isEqualTo(new SequencerStatus.L1(0, 0, null));

        f.l1.mineBlocks(5);
        reconcile(sequencer);

        assertThat(sequencer.status().l1()).isEqualTo(new SequencerStatus.L1(5, 3, null));
        f.l1.mineBlocks(2);
        assertThat(sequencer.status().l1().height()).as("what the reconciler saw, not a live query").isEqualTo(5);
        reconcile(sequencer);
        assertThat(sequencer.status().l1()).isEqualTo(new SequencerStatus.L1(7, 5, null));
    }

    @Test
    void rounds_runEveryReconcileInterval() {
        Sequencer sequencer = f.leader(); // 1000 ms
        Loops.named(sequencer, Reconciler.NAME).doWork(f.now());
        assertThat(f.l1.callCount(Call.CHAIN_STATUS)).isEqualTo(1);
        Loops.named(sequencer, Reconciler.NAME).doWork(f.now()); // applies

        f.advanceMs(999);
        Loops.named(sequencer, Reconciler.NAME).doWork(f.now());
        assertThat(f.l1.callCount(Call.CHAIN_STATUS)).isEqualTo(1);
        f.advanceMs(1);
        Loops.named(sequencer, Reconciler.NAME).doWork(f.now());
        assertThat(f.l1.callCount(Call.CHAIN_STATUS)).isEqualTo(2);
    }

    @Test
    void inclusionQueriesFailingForGood_turnReadinessRed_evenWhileChainStatusSucceeds() {
        Sequencer sequencer = f.start(oneTxPerBatch().build()); // threshold 5
        commitAndPost(sequencer, 1);
        f.l1.mineBlock();
        f.l1.failNextCalls(Call.GET_INCLUSION, 1_000, Failure.TRANSIENT);

        boolean red = false;
        for (int i = 0; i < 20 && !red; i++) {
            f.advanceMs(1_000);
            sequencer.doWork(f.now());
            sequencer.doWork(f.now());
            red = sequencer.readiness().reasons().stream().anyMatch(r -> r.startsWith("L1 failing"));
        }

        assertThat(f.l1.callCount(Call.GET_INCLUSION)).isGreaterThanOrEqualTo(5);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(red).as("readiness turned red while no inclusion could be learnt").isTrue();
    }

    @Test
    void nextDeadline_whileARoundIsOut_isNotNow_thenNowOnceL1HasAnswered() {
        // L1's answers wake the loop (signalWork); a deadline of "now" while they were out made a runner step the
        // reconciler in a busy loop, ~100,000 empty steps a second under load.
        List<CompletableFuture<L1ChainStatus>> held = new ArrayList<>();
        L1Poster slowStatus = new BatchOnlyL1() {
            @Override
            public CompletableFuture<SubmitResult> submit(L1Submission submission) {
                return f.l1.submit(submission);
            }

            @Override
            public CompletableFuture<Optional<L1Inclusion>> getInclusion(byte[] idempotencyKey) {
                return f.l1.getInclusion(idempotencyKey);
            }

            @Override
            public CompletableFuture<Optional<L1Inclusion>> getFinality(String l1TxId) {
                return f.l1.getFinality(l1TxId);
            }

            @Override
            public CompletableFuture<L1ChainStatus> chainStatus() {
                CompletableFuture<L1ChainStatus> answer = new CompletableFuture<>();
                held.add(answer);
                return answer;
            }

            @Override
            public void close() {}
        };
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), f.storage, slowStatus).build();
        sequencer.start();
        commitAndPost(sequencer, 1);
        f.l1.mineBlock();

        ((Reconciler) Loops.named(sequencer, Reconciler.NAME)).requestRound();
        assertThat(Loops.named(sequencer, Reconciler.NAME).doWork(f.now())).as("round started").isEqualTo(1);
        assertThat(held).hasSize(1);
        assertThat(Loops.named(sequencer, Reconciler.NAME).doWork(f.now())).as("nothing to do while L1 has not answered").isZero();
        assertThat(Loops.named(sequencer, Reconciler.NAME).nextDeadlineNs(f.now())).isGreaterThan(f.now());
        ((Reconciler) Loops.named(sequencer, Reconciler.NAME)).requestRound(); // news from the poster does not start a second round while one is out
        assertThat(Loops.named(sequencer, Reconciler.NAME).nextDeadlineNs(f.now())).isGreaterThan(f.now());

        held.get(0).complete(f.l1.chainStatus().join());
        assertThat(Loops.named(sequencer, Reconciler.NAME).nextDeadlineNs(f.now())).as("answers to apply").isEqualTo(f.now());
        assertThat(Loops.named(sequencer, Reconciler.NAME).doWork(f.now())).isPositive();
        assertThat(f.status(1)).isEqualTo(L1Status.INCLUDED);
    }

    @Test
    void nextDeadline_ofANodeThatDoesNotLead_isNotNow() {
        Sequencer notStarted = f.builder(oneTxPerBatch().build()).build();
        for (DutyLoop loop : notStarted.loops()) {
            assertThat(loop.doWork(f.now())).as(loop.name()).isZero();
            assertThat(loop.nextDeadlineNs(f.now())).as(loop.name()).isGreaterThan(f.now());
        }
    }
}
