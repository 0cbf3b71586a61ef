package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.Test;

/**
 * A reconciler round in detail: what it writes (and what it leaves alone), the order in which it confirms across
 * gaps and failed questions, the readiness it reports, rounds longer than its window, and writes that meet a higher
 * term.
 */
class ReconcilerRoundTest {
    private final EngineFixture f = new EngineFixture();

    private static SequencerConfig.Builder oneTxPerBatch() {
        return EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100));
    }

    private void commitAndPost(Sequencer sequencer, int count) {
        long next = f.batchCount() + 1;
        sequencer.submitAll(txs((int) next, (int) next + count));
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
    }

    private DutyLoop reconciler(Sequencer sequencer) {
        return Loops.named(sequencer, Reconciler.NAME);
    }

    /** One round: ask L1, then apply the answers; returns the work of the applying step. */
    private int reconcile(Sequencer sequencer) {
        ((Reconciler) reconciler(sequencer)).requestRound();
        assertThat(reconciler(sequencer).doWork(f.now())).as("round started").isEqualTo(1);
        return reconciler(sequencer).doWork(f.now());
    }

    private int l1StateWrites() {
        return f.storage.count(EngineFixture.Op.UPDATE_L1_STATE);
    }

    // ---- what a round writes -----------------------------------------------------------------------------------

    @Test
    void round_countsTheBatchesItMoved_andRewritesNothingUnchanged() {
        Sequencer sequencer = f.start(oneTxPerBatch().finalityConfirmations(3).build());
        commitAndPost(sequencer, 2);
        f.l1.mineBlock();

        assertThat(reconcile(sequencer)).as("2 batches included").isEqualTo(2);
        int writes = l1StateWrites();
        assertThat(reconcile(sequencer)).as("nothing changed").isZero();
        assertThat(l1StateWrites()).as("no write for a batch already included at that height").isEqualTo(writes);

        f.l1.mineBlocks(3);
        assertThat(reconcile(sequencer)).as("both 3 deep: confirmed").isEqualTo(2);
        StoredBatch confirmed = f.batch(1);
        assertThat(confirmed.status()).isEqualTo(L1Status.CONFIRMED);
        assertThat(confirmed.l1State().postAttempts()).as("kept").isEqualTo(1);
        assertThat(confirmed.l1State().lastError()).isNull();
        assertThat(confirmed.l1State().updatedMs()).isEqualTo(f.nowMs());
        assertThat(f.metrics.snapshot().confirmed()).isEqualTo(2);
    }

    @Test
    void includedBatchFoundInAnotherBlock_savesItsNewHeight() {
        Sequencer sequencer = f.start(oneTxPerBatch().finalityConfirmations(5).build());
        commitAndPost(sequencer, 1);
        byte[] key = f.batch(1).batch().idempotencyKey();
        f.l1.mineBlock();
        reconcile(sequencer);
        assertThat(f.batch(1).l1State().inclusionHeight()).isEqualTo(1);

        f.l1.lose(key); // reorganised out, and included again two blocks later before the next round
        f.l1.mineBlock();
        f.l1.submit(new L1Submission(key, 1, org.ippan.l2.core.wire.Hex.encode(f.batch(1).batch().batchHash()),
                f.batch(1).batch().l1Envelope())).join();
        f.l1.mineBlock();

        assertThat(reconcile(sequencer)).isEqualTo(1);
        assertThat(f.status(1)).isEqualTo(L1Status.INCLUDED);
        assertThat(f.batch(1).l1State().inclusionHeight()).isEqualTo(3);
    }

    @Test
    void roundWithNoPostedBatch_behindACommittedOne_isNoError() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        f.l1.failNextCalls(Call.SUBMIT, 1, Failure.TRANSIENT);
        commitAndPost(sequencer, 1);
        assertThat(f.status(1)).isEqualTo(L1Status.COMMITTED);

        assertThat(reconcile(sequencer)).isZero();

        assertThat(f.errorsOf(Reconciler.NAME)).isEmpty();
        assertThat(sequencer.readiness().reasons()).noneSatisfy(r -> assertThat(r).contains("reconciler"));
    }

    // ---- order ----------------------------------------------------------------------------------------------------

    @Test
    void confirmation_stopsAtAGap_aBatchAfterAnUnpostedOneIsOnlyIncluded() {
        Sequencer sequencer = f.start(oneTxPerBatch().maxPostsInFlight(4).build()); // 2 confirmations
        sequencer.submitAll(txs(1, 4));
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        f.l1.rejectSequence(2, "later", "not yet"); // batch 2 is refused: halts, 1 and 3 are posted
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.status(2)).isEqualTo(L1Status.FAILED);
        assertThat(f.status(3)).isEqualTo(L1Status.POSTED);
        f.l1.mineBlocks(5);

        reconcile(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.CONFIRMED);
        assertThat(f.status(3)).as("deep enough, but batch 2 before it is not on L1").isEqualTo(L1Status.INCLUDED);
        assertThat(f.metrics.snapshot().confirmed()).isEqualTo(1);
    }

    @Test
    void confirmation_stopsAtABatchWhoseInclusionCouldNotBeLearnt() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitAndPost(sequencer, 2);
        f.l1.mineBlocks(5);
        f.l1.failNextCalls(Call.GET_INCLUSION, 1, Failure.TRANSIENT); // the question about batch 1

        reconcile(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.status(2)).as("deep enough, but batch 1 is not known to be").isEqualTo(L1Status.INCLUDED);
        assertThat(sequencer.status().l1().lastError()).startsWith("inclusion of batch 1: ")
                .contains("simulated TRANSIENT failure of GET_INCLUSION");
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.CONFIRMED);
        assertThat(f.status(2)).isEqualTo(L1Status.CONFIRMED);
    }

    // ---- readiness ------------------------------------------------------------------------------------------------

    @Test
    void chainStatusFailure_isReportedWithL1sMessage_andARoundAnsweredInFullEndsTheStreak() {
        Sequencer sequencer = f.start(oneTxPerBatch().l1FailureThreshold(1).build());
        commitAndPost(sequencer, 1);
        f.l1.failNextCalls(Call.CHAIN_STATUS, 1, Failure.TRANSIENT);

        assertThat(reconcile(sequencer)).isZero();
        assertThat(sequencer.status().l1().lastError())
                .isEqualTo("chain status: simulated TRANSIENT failure of CHAIN_STATUS");
        assertThat(sequencer.readiness().ready()).isFalse();

        reconcile(sequencer);
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
    }

    @Test
    void storageFailingAtTheStartOfARound_isALoopError_clearedByTheNextRound() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitAndPost(sequencer, 1);
        f.storage.failNextReads(1);
        ((Reconciler) reconciler(sequencer)).requestRound();

        assertThat(reconciler(sequencer).doWork(f.now())).isZero();
        assertThat(f.errorsOf(Reconciler.NAME)).hasSize(1);
        assertThat(sequencer.readiness().ready()).isFalse();

        f.advanceMs(1_000);
        reconcile(sequencer);
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
    }

    // ---- more than a window ---------------------------------------------------------------------------------------

    @Test
    void moreThan256PostedBatches_aSecondRoundFollowsAtOnce() {
        Sequencer sequencer = f.start(oneTxPerBatch().maxPostsInFlight(64).maxUnpostedBatches(1_000).build());
        sequencer.submitAll(txs(1, 258));
        for (int i = 0; i < 100 && f.memory.countBatches().posted() < 257; i++) {
            Loops.named(sequencer, Batcher.NAME).doWork(f.now());
            Loops.named(sequencer, Poster.NAME).doWork(f.now());
            f.advanceMs(1_000);
        }
        assertThat(f.memory.countBatches().posted()).isEqualTo(257);
        f.l1.mineBlocks(3);
        long now = f.now();
        reconcile(sequencer);
        assertThat(f.memory.countBatches().confirmed()).as("one window").isEqualTo(256);

        assertThat(reconciler(sequencer).nextDeadlineNs(now)).as("due at once").isEqualTo(now);
        assertThat(reconciler(sequencer).doWork(now)).as("a second round starts").isEqualTo(1);
        reconciler(sequencer).doWork(now);
        assertThat(f.status(257)).isEqualTo(L1Status.CONFIRMED);
    }

    // ---- fencing --------------------------------------------------------------------------------------------------

    @Test
    void requeueMeetingAHigherTerm_fencesTheNode_andCountsNoRepost() {
        ScriptedStorage storage = new ScriptedStorage(f.memory);
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), storage, f.l1).build();
        sequencer.start();
        sequencer.submitAll(txs(1, 2));
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        f.l1.mineBlock();
        reconcile(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.INCLUDED);
        f.l1.lose(f.batch(1).batch().idempotencyKey());
        storage.nextL1State(L1Status.COMMITTED, new Fenced(9));

        assertThat(reconcile(sequencer)).as("nothing moved").isZero();

        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);
        assertThat(sequencer.stateReason()).contains("term 9").contains("reconciler");
        assertThat(f.metrics.snapshot().reposted()).isZero();
        assertThat(f.status(1)).isEqualTo(L1Status.INCLUDED);
    }

    // ---- an L1 client that throws ---------------------------------------------------------------------------------

    @Test
    void l1ClientThrowingInsteadOfAnswering_isAFailedRound_notALoopError() {
        L1Poster throwing = new BatchOnlyL1() {
            @Override
            public CompletableFuture<SubmitResult> submit(L1Submission submission) {
                return f.l1.submit(submission);
            }

            @Override
            public CompletableFuture<Optional<L1Inclusion>> getInclusion(byte[] idempotencyKey) {
                throw new IllegalStateException("no inclusion today");
            }

            @Override
            public CompletableFuture<Optional<L1Inclusion>> getFinality(String l1TxId) {
                return f.l1.getFinality(l1TxId);
            }

            @Override
            public CompletableFuture<L1ChainStatus> chainStatus() {
                throw new IllegalStateException("no status today");
            }

            @Override
            public void close() {}
        };
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), f.storage, throwing).build();
        sequencer.start();
        commitAndPost(sequencer, 1);

        assertThat(reconcile(sequencer)).isZero();

        assertThat(sequencer.status().l1().lastError()).isEqualTo("chain status: no status today");
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.errorsOf(Reconciler.NAME)).isEmpty();
    }

    @Test
    void roundWithAnInclusionAnswerOutstanding_waitsForIt() {
        CompletableFuture<Optional<L1Inclusion>> held = new CompletableFuture<>();
        L1Poster slowInclusion = new BatchOnlyL1() {
            @Override
            public CompletableFuture<SubmitResult> submit(L1Submission submission) {
                return f.l1.submit(submission);
            }

            @Override
            public CompletableFuture<Optional<L1Inclusion>> getInclusion(byte[] idempotencyKey) {
                return held;
            }

            @Override
            public CompletableFuture<Optional<L1Inclusion>> getFinality(String l1TxId) {
                return f.l1.getFinality(l1TxId);
            }

            @Override
            public CompletableFuture<L1ChainStatus> chainStatus() {
                return f.l1.chainStatus();
            }

            @Override
            public void close() {}
        };
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), f.storage, slowInclusion).build();
        sequencer.start();
        commitAndPost(sequencer, 1);
        f.l1.mineBlock();
        ((Reconciler) reconciler(sequencer)).requestRound();
        assertThat(reconciler(sequencer).doWork(f.now())).isEqualTo(1);

        assertThat(reconciler(sequencer).doWork(f.now())).as("the chain status is in, the inclusion is not").isZero();
        assertThat(reconciler(sequencer).nextDeadlineNs(f.now())).isGreaterThan(f.now());
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);

        held.complete(f.l1.getInclusion(f.batch(1).batch().idempotencyKey()).join());
        assertThat(reconciler(sequencer).doWork(f.now())).isEqualTo(1);
        assertThat(f.status(1)).isEqualTo(L1Status.INCLUDED);
    }
}
