package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.engine.SequencerMetrics.PostFailure;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.L1Status;
import org.junit.jupiter.api.Test;

/**
 * The poster's step as a runner sees it (the work it reports, when it reads storage again, what it publishes to the
 * batcher) and the unknown-result path end to end: an answer that cannot be read, an inclusion check and what
 * follows each of its answers, and a resume that meets a higher term.
 */
class PosterStepTest {
    private final EngineFixture f = new EngineFixture();

    private static SequencerConfig.Builder oneTxPerBatch() {
        return EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100));
    }

    private void commitBatches(Sequencer sequencer, int count) {
        long next = f.batchCount() + 1;
        sequencer.submitAll(txs((int) next, (int) next + count));
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        assertThat(f.batchCount()).isEqualTo(next + count - 1);
    }

    private static int post(Sequencer sequencer, long nowNs) {
        return Loops.named(sequencer, Poster.NAME).doWork(nowNs);
    }

    private int post(Sequencer sequencer) {
        return post(sequencer, f.now());
    }

    private long submits() {
        return f.l1.callCount(Call.SUBMIT);
    }

    private long inclusionChecks() {
        return f.l1.callCount(Call.GET_INCLUSION);
    }

    /** The simulated L1, except that the answers to submits can be replaced by the test. */
    private class WrappedL1 implements L1Poster {
        final List<CompletableFuture<SubmitResult>> replacements = new ArrayList<>();

        @Override
        public CompletableFuture<SubmitResult> submit(L1Submission submission) {
            CompletableFuture<SubmitResult> answer = f.l1.submit(submission);
            return replacements.isEmpty() ? answer : replacements.remove(0);
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
            return f.l1.chainStatus();
        }

        @Override
        public boolean supportsForcedInbox() {
            return f.l1.supportsForcedInbox();
        }

        @Override
        public CompletableFuture<ForcedInboxEntry> submitForced(byte[] canonicalTx) {
            return f.l1.submitForced(canonicalTx);
        }

        @Override
        public CompletableFuture<ForcedInboxPage> readForcedInbox(long fromIndex, int maxCount) {
            return f.l1.readForcedInbox(fromIndex, maxCount);
        }

        @Override
        public void close() {}
    }

    /** An answer that is there, but whose first reading is interrupted (the thread was asked to stop). */
    private static final class InterruptedOnceAnswer extends CompletableFuture<SubmitResult> {
        private boolean interrupted;

        InterruptedOnceAnswer() {
            complete(new SubmitResult.Accepted("read-later", false));
        }

        @Override
        public SubmitResult get() throws InterruptedException, ExecutionException {
            if (!interrupted) {
                interrupted = true;
                throw new InterruptedException("stop");
            }
            return super.get();
        }
    }

    // ---- the work a runner steers by ---------------------------------------------------------------------------

    @Test
    void doWork_countsPostsSentAndAnswersCollected() {
        Sequencer sequencer = f.start(oneTxPerBatch().build()); // 4 in flight
        commitBatches(sequencer, 3);

        assertThat(post(sequencer)).as("3 sent").isEqualTo(3);
        assertThat(post(sequencer)).as("3 answers collected, nothing left to send").isEqualTo(3);
        assertThat(post(sequencer)).as("idle").isZero();

        commitBatches(sequencer, 2);
        f.l1.failNextCalls(Call.SUBMIT, 1, Failure.TRANSIENT);
        assertThat(post(sequencer)).as("2 sent").isEqualTo(2);
        assertThat(post(sequencer)).as("2 answers; batch 4 waits for its backoff, 5 is saved").isEqualTo(2);
        f.advanceMs(100);
        assertThat(post(sequencer)).as("batch 4 sent again").isEqualTo(1);
        assertThat(post(sequencer)).isEqualTo(1);
        assertThat(f.status(4)).isEqualTo(L1Status.POSTED);
    }

    @Test
    void resumePosting_countsTheBatchesPutBackAsWork() {
        Sequencer sequencer = f.start(oneTxPerBatch().maxPostsInFlight(1).build());
        commitBatches(sequencer, 1);
        f.l1.rejectNextSubmits(1, "bad_batch", "refused");
        post(sequencer);
        post(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.FAILED);
        assertThat(post(sequencer)).as("halted: nothing to do").isZero();

        assertThat(sequencer.resumePosting()).isTrue();
        assertThat(post(sequencer)).as("1 batch put back, 1 post sent").isEqualTo(2);
    }

    // ---- reading storage again ---------------------------------------------------------------------------------

    @Test
    void batchCommittedAgainWithoutNews_isPostedAtTheNextRefresh_oneSecondLater() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);
        post(sequencer);
        post(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        long term = f.memory.readLeader().term();
        // put back behind the poster's back: no signal tells it, only its periodic look at storage finds it
        f.memory.updateL1State(term, 1, BatchL1State.committed(f.nowMs()));

        f.advanceMs(999);
        post(sequencer);
        assertThat(submits()).as("not before the refresh interval").isEqualTo(1);
        f.advanceMs(1);
        post(sequencer);
        assertThat(submits()).isEqualTo(2);
        post(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
    }

    @Test
    void idleSteps_readStorageOncePerRefreshInterval() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        post(sequencer);
        int reads = f.storage.count(EngineFixture.Op.READ);

        for (int i = 0; i < 10; i++) {
            f.advanceMs(99);
            post(sequencer);
        }
        assertThat(f.storage.count(EngineFixture.Op.READ)).as("990 ms: no refresh").isEqualTo(reads);
        f.advanceMs(10);
        post(sequencer);
        assertThat(f.storage.count(EngineFixture.Op.READ)).as("1 s: one refresh").isGreaterThan(reads);
    }

    @Test
    void storageReadFailing_refreshIsRetriedAfter100Ms_notBeforeAndNotAfterASecond() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);
        f.storage.failNextReads(1);

        assertThat(post(sequencer)).isZero();
        assertThat(f.errorsOf(Poster.NAME)).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("injected"));
        assertThat(sequencer.readiness().ready()).isFalse();
        f.advanceMs(99);
        post(sequencer);
        assertThat(submits()).isZero();
        f.advanceMs(1);
        assertThat(post(sequencer)).isEqualTo(1);
        assertThat(submits()).isEqualTo(1);
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
    }

    // ---- what the batcher is told ------------------------------------------------------------------------------

    @Test
    void postedThrough_countsOnlyAnUnbrokenRunOfAcceptedBatches() {
        List<CompletableFuture<SubmitResult>> held = new ArrayList<>();
        WrappedL1 l1 = new WrappedL1();
        Sequencer sequencer = f.builder(oneTxPerBatch().maxUnpostedBatches(2).build(), f.storage, l1).build();
        sequencer.start();
        post(sequencer); // the poster read storage: the batcher now knows how far L1 is
        for (int i = 0; i < 2; i++) {
            CompletableFuture<SubmitResult> answer = new CompletableFuture<>();
            held.add(answer);
            l1.replacements.add(answer);
        }
        sequencer.submitAll(txs(1, 6));
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        assertThat(f.batchCount()).as("2 unposted at most").isEqualTo(2);
        post(sequencer);

        held.get(1).complete(new SubmitResult.Accepted("tx-2", false)); // batch 2 before batch 1
        post(sequencer);
        assertThat(f.status(2)).isEqualTo(L1Status.POSTED);
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        assertThat(f.batchCount()).as("batch 1 is not accepted yet: still 2 ahead").isEqualTo(2);

        List<String> woken = new ArrayList<>();
        sequencer.onWorkAvailable(loop -> woken.add(loop.name()));
        held.get(0).complete(new SubmitResult.Accepted("tx-1", false));
        post(sequencer);
        assertThat(woken).as("accepted through 2: the held-back batcher is woken").contains(Batcher.NAME,
                Reconciler.NAME);
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        assertThat(f.batchCount()).isEqualTo(4);
    }

    @Test
    void beforeThePosterHasReadStorage_theBatcherIsNotHeldBackByAFigureNobodyRead() {
        SequencerConfig config = oneTxPerBatch().maxUnpostedBatches(2).build();
        Sequencer first = f.start(config);
        commitBatches(first, 2);
        post(first);
        post(first);
        assertThat(f.status(2)).isEqualTo(L1Status.POSTED);
        first.close();

        Sequencer second = f.start(config);
        f.storage.failNextReads(1);
        post(second); // its first look at storage fails
        post(second); // too early to look again
        second.submitAll(txs(3, 4));
        Loops.named(second, Batcher.NAME).doWork(f.now());

        assertThat(f.batchCount()).as("batches 1 and 2 are on L1: batch 3 is cut").isEqualTo(3);
    }

    // ---- an answer that cannot be read -------------------------------------------------------------------------

    @Test
    void interruptedWhileReadingAnAnswer_keepsTheInterrupt_andReadsTheAnswerAtTheNextStep_postingNothingTwice() {
        WrappedL1 l1 = new WrappedL1();
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), f.storage, l1).build();
        sequencer.start();
        l1.replacements.add(new InterruptedOnceAnswer());
        commitBatches(sequencer, 2);
        post(sequencer);
        assertThat(submits()).isEqualTo(2);

        int work;
        boolean interrupted;
        try {
            work = post(sequencer);
        } finally {
            interrupted = Thread.interrupted(); // clears it for the next tests
        }

        assertThat(interrupted).as("the interrupt is kept for the host").isTrue();
        assertThat(work).as("no answer read, nothing sent").isZero();
        assertThat(f.status(2)).as("nothing else collected in that step").isEqualTo(L1Status.COMMITTED);
        assertThat(submits()).as("not posted again without its answer").isEqualTo(2);

        assertThat(post(sequencer)).as("both answers read").isEqualTo(2);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.batch(1).l1State().l1TxId()).isEqualTo("read-later");
        assertThat(f.status(2)).isEqualTo(L1Status.POSTED);
        assertThat(submits()).isEqualTo(2);
    }

    @Test
    void cancelledAnswer_isAnUnknownResult_soL1IsAskedBeforePostingAgain() {
        WrappedL1 l1 = new WrappedL1();
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), f.storage, l1).build();
        sequencer.start();
        CompletableFuture<SubmitResult> cancelled = new CompletableFuture<>();
        cancelled.cancel(false);
        l1.replacements.add(cancelled);
        commitBatches(sequencer, 1);

        post(sequencer);
        assertThat(post(sequencer)).isEqualTo(1);
        assertThat(f.metrics.snapshot().postFailures()).containsEntry(PostFailure.UNKNOWN_RESULT, 1L);
        f.l1.mineBlock(); // the submit itself reached L1
        f.advanceMs(100);
        post(sequencer);
        assertThat(inclusionChecks()).isEqualTo(1);
        post(sequencer); // L1 has it: POSTED, no second submit
        assertThat(submits()).isEqualTo(1);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
    }

    // ---- the inclusion check after an unknown result -----------------------------------------------------------

    @Test
    void inclusionCheck_findsTheBatch_savesPostedWithL1sTxIdWithoutRepost_andEndsTheL1FailureStreak() {
        Sequencer sequencer = f.start(oneTxPerBatch().l1FailureThreshold(2).build());
        commitBatches(sequencer, 1);
        f.l1.timeOutNextSubmitsAfterApplying(1);
        f.l1.failNextCalls(Call.GET_INCLUSION, 1, Failure.TRANSIENT);
        post(sequencer);
        post(sequencer); // unknown result: failure 1
        f.l1.mineBlock();
        f.advanceMs(100);
        post(sequencer);
        assertThat(inclusionChecks()).isEqualTo(1);
        post(sequencer); // the check failed: failure 2, readiness red
        assertThat(sequencer.readiness().reasons()).anySatisfy(r -> assertThat(r).startsWith("L1 failing"));

        f.advanceMs(199);
        post(sequencer);
        assertThat(inclusionChecks()).as("asks again, after the backoff of attempt 2").isEqualTo(1);
        f.advanceMs(1);
        post(sequencer);
        assertThat(inclusionChecks()).isEqualTo(2);
        assertThat(submits()).as("never posted blind").isEqualTo(1);
        post(sequencer); // L1 has it

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.batch(1).l1State().l1TxId()).isEqualTo("sim-tx-1");
        assertThat(f.batch(1).l1State().postAttempts()).isEqualTo(3);
        assertThat(submits()).isEqualTo(1);
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
        assertThat(f.errorsOf(Poster.NAME)).as("a timeout and a transient failure are no errors of the loop").isEmpty();
    }

    @Test
    void inclusionCheck_doesNotFindTheBatch_postsItAgainAtOnceWithTheSameKey() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);
        byte[] key = f.batch(1).batch().idempotencyKey();
        f.l1.failNextCalls(Call.SUBMIT, 1, Failure.UNKNOWN_RESULT);
        post(sequencer);
        post(sequencer);
        f.advanceMs(100);
        post(sequencer); // asks
        DutyLoop poster = Loops.named(sequencer, Poster.NAME);

        assertThat(post(sequencer)).as("the answer, and the post again in the same step").isEqualTo(2);
        assertThat(submits()).isEqualTo(2);
        assertThat(f.l1.mempool()).singleElement().extracting(L1Submission::idempotencyKey).isEqualTo(key);
        post(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(poster.nextDeadlineNs(f.now())).isGreaterThan(f.now());
    }

    // ---- resuming meets a higher term --------------------------------------------------------------------------

    @Test
    void resumePosting_fencedWhilePuttingTheRefusedBatchBack_fencesTheNodeAndPostsNothing() {
        ScriptedStorage storage = new ScriptedStorage(f.memory);
        Sequencer sequencer = f.builder(oneTxPerBatch().maxPostsInFlight(1).build(), storage, f.l1).build();
        sequencer.start();
        sequencer.submitAll(txs(1, 3));
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        f.l1.rejectNextSubmits(1, "bad_batch", "refused");
        post(sequencer);
        post(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.FAILED);
        storage.nextL1State(L1Status.COMMITTED, new Fenced(7));

        sequencer.resumePosting();
        assertThat(post(sequencer)).isZero();

        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);
        assertThat(sequencer.stateReason()).contains("term 7").contains("poster");
        assertThat(f.status(1)).isEqualTo(L1Status.FAILED);
        f.advanceMs(5_000);
        post(sequencer);
        assertThat(submits()).isEqualTo(1);
    }

    // ---- answers of other shapes -------------------------------------------------------------------------------

    @Test
    void permanentFailureOfTheCall_haltsPosting_andAResumePostsTheBatchAgainAndSavesIt() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 3);
        f.l1.failNextCalls(Call.SUBMIT, 1, Failure.PERMANENT);
        post(sequencer);
        post(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.FAILED);
        assertThat(f.metrics.snapshot().postFailures()).containsEntry(PostFailure.PERMANENT, 1L);
        commitBatches(sequencer, 1);
        post(sequencer); // batch 4 is loaded, not posted
        DutyLoop poster = Loops.named(sequencer, Poster.NAME);
        assertThat(poster.nextDeadlineNs(f.now())).as("halted: nothing due").isGreaterThan(f.now());

        sequencer.resumePosting();
        post(sequencer);
        post(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.status(4)).isEqualTo(L1Status.POSTED);
        assertThat(f.l1.applyCount(f.batch(1).batch().idempotencyKey())).isEqualTo(1);
    }

    @Test
    void acceptedWithoutAnL1TxId_isSavedPostedWithoutOne() {
        WrappedL1 l1 = new WrappedL1();
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), f.storage, l1).build();
        sequencer.start();
        l1.replacements.add(CompletableFuture.completedFuture(new SubmitResult.Accepted(null, false)));
        commitBatches(sequencer, 1);

        post(sequencer);
        post(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.batch(1).l1State().l1TxId()).isNull();
    }

    @Test
    void savePostedFailingOnce_storageTurnsReadyAgainWhenTheRetriedSaveLands() {
        ScriptedStorage storage = new ScriptedStorage(f.storage);
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), storage, f.l1).build();
        sequencer.start();
        commitBatches(sequencer, 1);
        storage.nextL1StateThrows(L1Status.POSTED, new org.ippan.l2.storage.StorageException("disk full"));
        post(sequencer);
        post(sequencer);
        assertThat(sequencer.readiness().ready()).isFalse();

        f.advanceMs(100);
        post(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
        int reads = f.storage.count(EngineFixture.Op.READ);
        f.advanceMs(10);
        post(sequencer);
        assertThat(f.storage.count(EngineFixture.Op.READ)).as("the saved batch is not looked up again").isEqualTo(reads);
    }

    @Test
    void nextDeadline_withAPostInFlightBelowTheLimitAndNothingElse_isNotNow() {
        WrappedL1 l1 = new WrappedL1();
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), f.storage, l1).build(); // 4 in flight
        sequencer.start();
        l1.replacements.add(new CompletableFuture<>()); // never answered
        commitBatches(sequencer, 1);
        post(sequencer);

        assertThat(Loops.named(sequencer, Poster.NAME).nextDeadlineNs(f.now())).isGreaterThan(f.now());
    }

    @Test
    void aFailedSaveThatLanded_isFoundOnTheRetry_andTheReconcilerIsToldAtOnce() {
        ScriptedStorage storage = new ScriptedStorage(f.storage);
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), storage, f.l1).build();
        sequencer.start();
        commitBatches(sequencer, 1);
        storage.afterWriting().nextL1StateThrows(L1Status.POSTED, new org.ippan.l2.storage.StorageException("lost"));
        post(sequencer);
        post(sequencer); // POSTED lands, the store answers with an error
        DutyLoop reconciler = Loops.named(sequencer, Reconciler.NAME);
        reconciler.doWork(f.now());
        reconciler.doWork(f.now()); // a round, as the interval asks: nothing requested after it
        f.advanceMs(100);
        assertThat(reconciler.nextDeadlineNs(f.now())).isGreaterThan(f.now());

        post(sequencer); // the retry finds POSTED in storage

        assertThat(reconciler.nextDeadlineNs(f.now())).as("a round is asked for").isEqualTo(f.now());
        assertThat(storage.l1StateWrites()).hasSize(1);
    }
}
