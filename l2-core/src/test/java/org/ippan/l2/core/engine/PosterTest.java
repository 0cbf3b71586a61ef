package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.engine.SequencerMetrics.PostFailure;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.l1.Backoff;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.Test;

/** The poster loop against every class of L1 answer, its ordering, its window and its effect on readiness. */
class PosterTest {
    private final EngineFixture f = new EngineFixture();

    /** One tx per batch, so every submitted tx is cut at once (COUNT). */
    private static SequencerConfig.Builder oneTxPerBatch() {
        return EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100));
    }

    /** Commits {@code count} more batches of one tx each. */
    private void commitBatches(Sequencer sequencer, int count) {
        long next = f.batchCount() + 1;
        sequencer.submitAll(txs((int) next, (int) next + count));
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        assertThat(f.batchCount()).isEqualTo(next + count - 1);
    }

    private int post(Sequencer sequencer) {
        return Loops.named(sequencer, Poster.NAME).doWork(f.now());
    }

    private long submits() {
        return f.l1.callCount(Call.SUBMIT);
    }

    private long postFailures(PostFailure kind) {
        return f.metrics.snapshot().postFailures().get(kind);
    }

    // ---- accepted ---------------------------------------------------------------------------------------------------

    @Test
    void accepted_marksThePostedBatchWithItsL1TxId() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);

        assertThat(post(sequencer)).isEqualTo(1); // sent
        post(sequencer); // answer collected, state saved

        StoredBatch batch = f.batch(1);
        assertThat(batch.status()).isEqualTo(L1Status.POSTED);
        assertThat(batch.l1State().l1TxId()).isEqualTo("sim-tx-1");
        assertThat(batch.l1State().postAttempts()).isEqualTo(1);
        assertThat(batch.l1State().updatedMs()).isEqualTo(f.nowMs());
        L1Submission sent = f.l1.mempool().get(0);
        NewBatch stored = batch.batch();
        assertThat(sent.idempotencyKey()).isEqualTo(stored.idempotencyKey());
        assertThat(sent.sequence()).isEqualTo(1);
        assertThat(sent.batchId()).isEqualTo(Hex.encode(stored.batchHash()));
        assertThat(sent.body()).isEqualTo(stored.l1Envelope());
        assertThat(f.metrics.snapshot().postsSucceeded()).isEqualTo(1);
        assertThat(f.metrics.snapshot().postFailuresTotal()).isZero();
        assertThat(submits()).isEqualTo(1);
    }

    // ---- unknown results ------------------------------------------------------------------------------------------

    @Test
    void timeoutAfterApply_resubmitIsAlreadyKnown_postedAndAppliedOnce() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);
        byte[] key = f.batch(1).batch().idempotencyKey();
        f.l1.timeOutNextSubmitsAfterApplying(1);

        post(sequencer);
        post(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.COMMITTED);
        assertThat(postFailures(PostFailure.UNKNOWN_RESULT)).isEqualTo(1);

        f.advanceMs(100);
        post(sequencer); // asks by key
        assertThat(f.l1.callCount(Call.GET_INCLUSION)).isEqualTo(1);
        assertThat(submits()).isEqualTo(1);
        post(sequencer); // not mined yet, so unknown to L1: posts again with the same key, L1 already knows it
        assertThat(submits()).isEqualTo(2);
        post(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.batch(1).l1State().l1TxId()).isEqualTo("sim-tx-1");
        assertThat(f.l1.applyCount(key)).isEqualTo(1);
        assertThat(f.metrics.snapshot().postsSucceeded()).isEqualTo(1);
    }

    @Test
    void unknownResult_whenL1HasTheBatch_asksByKeyAndDoesNotSubmitAgain() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);
        byte[] key = f.batch(1).batch().idempotencyKey();
        f.l1.timeOutNextSubmitsAfterApplying(1);
        post(sequencer);
        post(sequencer);
        f.l1.mineBlock();

        f.advanceMs(99);
        post(sequencer);
        assertThat(f.l1.callCount(Call.GET_INCLUSION)).as("not before the backoff").isZero();
        f.advanceMs(1);
        post(sequencer);
        assertThat(f.l1.callCount(Call.GET_INCLUSION)).isEqualTo(1);
        post(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.batch(1).l1State().l1TxId()).isEqualTo("sim-tx-1");
        assertThat(submits()).as("no second submit").isEqualTo(1);
        assertThat(f.l1.applyCount(key)).isEqualTo(1);
    }

    @Test
    void unknownResult_whenL1DoesNotHaveTheBatch_isPostedAgainAfterAsking() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);
        byte[] key = f.batch(1).batch().idempotencyKey();
        f.l1.failNextCalls(Call.SUBMIT, 1, Failure.UNKNOWN_RESULT); // applies nothing
        post(sequencer);
        post(sequencer);
        assertThat(f.l1.applyCount(key)).isZero();

        f.advanceMs(100);
        post(sequencer); // asks by key
        assertThat(f.l1.callCount(Call.GET_INCLUSION)).isEqualTo(1);
        assertThat(submits()).isEqualTo(1);
        post(sequencer); // unknown to L1: posts again
        assertThat(submits()).isEqualTo(2);
        post(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.l1.applyCount(key)).isEqualTo(1);
        assertThat(postFailures(PostFailure.UNKNOWN_RESULT)).isEqualTo(1);
    }

    @Test
    void unexpectedExceptionFromTheL1Client_isAnUnknownResultAndReported() {
        List<CompletableFuture<SubmitResult>> answers = new ArrayList<>();
        ScriptedL1 l1 = new ScriptedL1(answers) {
            @Override
            public CompletableFuture<SubmitResult> submit(L1Submission submission) {
                super.submit(submission);
                throw new IllegalStateException("client bug");
            }
        };
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), f.storage, l1).build();
        sequencer.start();
        commitBatches(sequencer, 1);

        post(sequencer);
        post(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.COMMITTED);
        assertThat(postFailures(PostFailure.UNKNOWN_RESULT)).isEqualTo(1);
        assertThat(f.errorsOf(Poster.NAME)).singleElement().satisfies(e -> assertThat(e).hasMessage("client bug"));
        f.advanceMs(100);
        post(sequencer);
        assertThat(l1.inclusionQueries).as("asks L1 by key before posting again").isEqualTo(1);
    }

    // ---- transient failures -----------------------------------------------------------------------------------------

    @Test
    void transientFailure_retriesWithBackoff_notBefore() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);
        f.l1.failNextCalls(Call.SUBMIT, 2, Failure.TRANSIENT);
        Backoff backoff = sequencer.config().postBackoff();
        long firstDelayMs = backoff.delayMs(1, 0);
        long secondDelayMs = backoff.delayMs(2, 0);
        assertThat(firstDelayMs).isEqualTo(100);
        assertThat(secondDelayMs).isEqualTo(200);

        post(sequencer);
        post(sequencer); // failure 1 collected
        f.advanceMs(firstDelayMs - 1);
        post(sequencer);
        assertThat(submits()).isEqualTo(1);
        f.advanceMs(1);
        post(sequencer);
        assertThat(submits()).isEqualTo(2);
        post(sequencer); // failure 2 collected
        f.advanceMs(secondDelayMs - 1);
        post(sequencer);
        assertThat(submits()).isEqualTo(2);
        f.advanceMs(1);
        post(sequencer);
        assertThat(submits()).isEqualTo(3);
        post(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.batch(1).l1State().postAttempts()).isEqualTo(3);
        CountingMetrics.Snapshot metrics = f.metrics.snapshot();
        assertThat(metrics.postFailures()).containsEntry(PostFailure.TRANSIENT, 2L)
                .containsEntry(PostFailure.UNKNOWN_RESULT, 0L).containsEntry(PostFailure.PERMANENT, 0L);
        assertThat(metrics.postFailuresTotal()).as("l2_post_failures_total").isEqualTo(2);
        assertThat(metrics.postsSucceeded()).isEqualTo(1);
        assertThat(metrics.postLatency().count()).as("every attempt is observed").isEqualTo(3);
        assertThat(sequencer.status().l1().lastError()).contains("TRANSIENT");
    }

    @Test
    void transientFailure_withJitter_retriesWithinTheBackoffBounds() {
        Backoff jittered = new Backoff(100, 10_000, 0.5);
        Sequencer sequencer = f.start(oneTxPerBatch().postBackoff(jittered).build());
        commitBatches(sequencer, 1);
        f.l1.failNextCalls(Call.SUBMIT, 1, Failure.TRANSIENT);
        post(sequencer);
        post(sequencer);

        long retriedAfterMs = -1;
        for (long ms = 1; ms <= 100 && retriedAfterMs < 0; ms++) {
            f.advanceMs(1);
            post(sequencer);
            if (submits() == 2) {
                retriedAfterMs = ms;
            }
        }

        long base = jittered.baseDelayMs(1);
        assertThat(retriedAfterMs).isBetween(base - (long) (base * jittered.jitterFraction()), base);
    }

    @Test
    void throttled_honoursRetryAfter() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);
        f.l1.throttleNextCalls(Call.SUBMIT, 1, 700);

        post(sequencer);
        post(sequencer);
        f.advanceMs(699);
        post(sequencer);
        assertThat(submits()).as("the hint beats the 100 ms backoff").isEqualTo(1);
        f.advanceMs(1);
        post(sequencer);
        assertThat(submits()).isEqualTo(2);
        post(sequencer);

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(postFailures(PostFailure.TRANSIENT)).isEqualTo(1);
    }

    @Test
    void transientFailure_ofOneBatch_holdsBackTheBatchesBehindIt() {
        Sequencer sequencer = f.start(oneTxPerBatch().maxPostsInFlight(1).build());
        commitBatches(sequencer, 3);
        f.l1.failNextCalls(Call.SUBMIT, 1, Failure.TRANSIENT);

        post(sequencer);
        post(sequencer);
        post(sequencer);
        assertThat(submits()).as("batch 2 waits for batch 1").isEqualTo(1);
        for (int i = 0; i < 4; i++) {
            f.advanceMs(100);
            post(sequencer);
        }

        assertThat(f.l1.mempool()).extracting(L1Submission::sequence).containsExactly(1L, 2L, 3L);
    }

    // ---- permanent refusal ------------------------------------------------------------------------------------------

    @Test
    void permanentRefusal_failsTheBatch_haltsPosting_untilResumed() {
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);
        f.l1.rejectNextSubmits(1, "bad_batch", "refused for good");

        post(sequencer);
        post(sequencer);

        StoredBatch failed = f.batch(1);
        assertThat(failed.status()).isEqualTo(L1Status.FAILED);
        assertThat(failed.l1State().lastError()).contains("bad_batch").contains("refused for good");
        assertThat(postFailures(PostFailure.PERMANENT)).isEqualTo(1);
        assertThat(sequencer.readiness().ready()).isFalse();
        assertThat(sequencer.readiness().reasons()).anySatisfy(r -> assertThat(r).startsWith("posting halted: ")
                .contains("bad_batch"));
        assertThat(sequencer.status().batches().failed()).isEqualTo(1);

        commitBatches(sequencer, 2);
        for (int i = 0; i < 5; i++) {
            f.advanceMs(1_000);
            post(sequencer);
        }
        assertThat(submits()).as("nothing behind the refused batch is posted").isEqualTo(1);
        assertThat(f.status(2)).isEqualTo(L1Status.COMMITTED);
        assertThat(f.status(3)).isEqualTo(L1Status.COMMITTED);

        assertThat(sequencer.resumePosting()).isTrue();
        post(sequencer);
        post(sequencer);

        assertThat(f.l1.mempool()).extracting(L1Submission::sequence).containsExactly(1L, 2L, 3L);
        for (long n = 1; n <= 3; n++) {
            assertThat(f.status(n)).isEqualTo(L1Status.POSTED);
        }
        assertThat(f.l1.mempool().get(0).idempotencyKey()).isEqualTo(failed.batch().idempotencyKey());
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
        assertThat(sequencer.resumePosting()).as("nothing to resume").isFalse();
    }

    @Test
    void permanentRefusal_withOnePostInFlight_postsNothingBehindIt() {
        Sequencer sequencer = f.start(oneTxPerBatch().maxPostsInFlight(1).build());
        commitBatches(sequencer, 3);
        f.l1.rejectSequence(1, "bad_batch", "refused");

        for (int i = 0; i < 5; i++) {
            post(sequencer);
            f.advanceMs(1_000);
        }
        assertThat(submits()).isEqualTo(1);
        assertThat(f.status(1)).isEqualTo(L1Status.FAILED);

        f.l1.clearFaults();
        sequencer.resumePosting();
        for (int i = 0; i < 5; i++) {
            post(sequencer);
        }
        assertThat(f.l1.mempool()).extracting(L1Submission::sequence).containsExactly(1L, 2L, 3L);
    }

    @Test
    void permanentRefusal_haltSurvivesARestart() {
        Sequencer first = f.start(oneTxPerBatch().build());
        commitBatches(first, 1);
        f.l1.rejectNextSubmits(1, "bad_batch", "refused");
        post(first);
        post(first);
        first.close();

        Sequencer second = f.start(oneTxPerBatch().build());
        commitBatches(second, 1);
        for (int i = 0; i < 3; i++) {
            Loops.named(second, Poster.NAME).doWork(f.now());
            f.advanceMs(1_000);
        }

        assertThat(submits()).isEqualTo(1);
        assertThat(second.readiness().reasons()).anySatisfy(r -> assertThat(r).startsWith("posting halted"));
        assertThat(second.resumePosting()).isTrue();
        Loops.named(second, Poster.NAME).doWork(f.now());
        assertThat(f.l1.mempool()).extracting(L1Submission::sequence).containsExactly(1L, 2L);
    }

    // ---- the window -------------------------------------------------------------------------------------------------

    /** An L1 whose submits are answered by the test (or never); everything else answers "nothing" at once. */
    private static class ScriptedL1 implements BatchOnlyL1 {
        final List<L1Submission> submitted = new ArrayList<>();
        final List<CompletableFuture<SubmitResult>> answers;
        int inclusionQueries;

        ScriptedL1(List<CompletableFuture<SubmitResult>> answers) {
            this.answers = answers;
        }

        @Override
        public synchronized CompletableFuture<SubmitResult> submit(L1Submission submission) {
            CompletableFuture<SubmitResult> answer = new CompletableFuture<>();
            submitted.add(submission);
            answers.add(answer);
            return answer;
        }

        synchronized long outstanding() {
            return answers.stream().filter(a -> !a.isDone()).count();
        }

        synchronized void accept(int index) {
            answers.get(index).complete(new SubmitResult.Accepted("manual-" + (index + 1), false));
        }

        @Override
        public synchronized CompletableFuture<Optional<L1Inclusion>> getInclusion(byte[] idempotencyKey) {
            inclusionQueries++;
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletableFuture<Optional<L1Inclusion>> getFinality(String l1TxId) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletableFuture<L1ChainStatus> chainStatus() {
            return CompletableFuture.completedFuture(new L1ChainStatus("scripted", 0, OptionalLong.empty(), 0));
        }

        @Override
        public void close() {}
    }

    @Test
    void maxPostsInFlight_boundsOutstandingRequests_andKeepsOrder() {
        ScriptedL1 l1 = new ScriptedL1(new ArrayList<>());
        Sequencer sequencer = f.builder(oneTxPerBatch().maxPostsInFlight(2).build(), f.storage, l1).build();
        sequencer.start();
        commitBatches(sequencer, 5);

        post(sequencer);
        post(sequencer);
        assertThat(l1.submitted).extracting(L1Submission::sequence).containsExactly(1L, 2L);
        assertThat(l1.outstanding()).isEqualTo(2);

        l1.accept(0);
        post(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.batch(1).l1State().l1TxId()).isEqualTo("manual-1");
        assertThat(l1.submitted).extracting(L1Submission::sequence).containsExactly(1L, 2L, 3L);
        assertThat(l1.outstanding()).isEqualTo(2);

        l1.accept(2); // batch 3 answers before batch 2
        post(sequencer);
        assertThat(f.status(3)).isEqualTo(L1Status.POSTED);
        assertThat(l1.submitted).extracting(L1Submission::sequence).containsExactly(1L, 2L, 3L, 4L);
        assertThat(l1.outstanding()).isEqualTo(2);

        l1.accept(1);
        l1.accept(3);
        post(sequencer);
        assertThat(l1.submitted).extracting(L1Submission::sequence).containsExactly(1L, 2L, 3L, 4L, 5L);
        l1.accept(4);
        post(sequencer);
        for (long n = 1; n <= 5; n++) {
            assertThat(f.status(n)).isEqualTo(L1Status.POSTED);
        }
        assertThat(l1.submitted).hasSize(5);
    }

    @Test
    void nextDeadline_atTheInFlightLimitWithBatchesWaiting_isNotNow() {
        // Nothing can be posted before an answer arrives (which wakes the loop): a deadline of "now" made the
        // runner step the poster in a busy loop for as long as a post was in flight and more batches waited.
        ScriptedL1 l1 = new ScriptedL1(new ArrayList<>());
        Sequencer sequencer = f.builder(oneTxPerBatch().maxPostsInFlight(1).build(), f.storage, l1).build();
        sequencer.start();
        commitBatches(sequencer, 3);
        post(sequencer);
        assertThat(l1.outstanding()).isEqualTo(1);

        assertThat(Loops.named(sequencer, Poster.NAME).doWork(f.now())).isZero();
        assertThat(Loops.named(sequencer, Poster.NAME).nextDeadlineNs(f.now())).isGreaterThan(f.now());

        l1.accept(0);
        post(sequencer);
        assertThat(l1.submitted).extracting(L1Submission::sequence).containsExactly(1L, 2L);
    }

    @Test
    void cutting_holdsBackAtMaxUnpostedBatches_andGoesOnAsL1AcceptsThem() {
        ScriptedL1 l1 = new ScriptedL1(new ArrayList<>());
        Sequencer sequencer = f.builder(oneTxPerBatch().maxPostsInFlight(1).maxUnpostedBatches(3).build(),
                f.storage, l1).build();
        sequencer.start();
        post(sequencer); // the poster has read storage once: from now on the batcher knows how far L1 is

        sequencer.submitAll(txs(1, 11));
        for (int i = 0; i < 5; i++) {
            sequencer.doWork(f.now());
        }
        assertThat(f.batchCount()).as("3 batches not accepted by L1 yet").isEqualTo(3);
        assertThat(f.memory.readSequenceState().pendingCount()).as("the rest waits, accepted").isEqualTo(7);

        l1.accept(0);
        for (int i = 0; i < 5; i++) {
            sequencer.doWork(f.now());
        }
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.batchCount()).isEqualTo(4);
        assertThat(f.memory.readSequenceState().pendingCount()).isEqualTo(6);
    }

    @Test
    void postingNeverBlocksCutting_whenL1NeverAnswers() {
        ScriptedL1 l1 = new ScriptedL1(new ArrayList<>());
        Sequencer sequencer = f.builder(oneTxPerBatch().build(), f.storage, l1).build();
        sequencer.start();

        for (int n = 1; n <= 20; n++) {
            sequencer.submit(EngineFixture.tx(n));
            f.advanceMs(10);
            sequencer.doWork(f.now());
        }

        assertThat(f.batchCount()).isEqualTo(20);
        assertThat(f.memory.readSequenceState().pendingCount()).isZero();
        assertThat(l1.outstanding()).isEqualTo(sequencer.config().maxPostsInFlight());
        assertThat(l1.submitted).extracting(L1Submission::sequence).containsExactly(1L, 2L, 3L, 4L);
        assertThat(sequencer.status().batches().pending()).isEqualTo(20);
    }

    // ---- readiness --------------------------------------------------------------------------------------------------

    @Test
    void l1FailingPastTheThreshold_turnsReadinessRed_andASuccessClearsIt() {
        Sequencer sequencer = f.start(oneTxPerBatch().l1FailureThreshold(3).build());
        commitBatches(sequencer, 1);
        f.l1.failNextCalls(Call.SUBMIT, 3, Failure.TRANSIENT);

        post(sequencer);
        post(sequencer);
        assertThat(sequencer.readiness().ready()).as("1 failure").isTrue();
        f.advanceMs(100);
        post(sequencer);
        post(sequencer);
        assertThat(sequencer.readiness().ready()).as("2 failures").isTrue();
        f.advanceMs(200);
        post(sequencer);
        post(sequencer);
        assertThat(sequencer.readiness().ready()).as("3 failures").isFalse();
        assertThat(sequencer.readiness().reasons()).singleElement().asString()
                .startsWith("L1 failing: 3 consecutive failures, last: batch 1: TRANSIENT");

        f.advanceMs(400);
        post(sequencer);
        post(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
    }

    @Test
    void l1SubmitsFailingForGood_turnReadinessRed_evenWhileTheReconcilersCallsSucceed() {
        // The host runs every loop. L1 answers chain status and inclusion queries, but every submit fails: the
        // batch can never be posted, so readiness must turn red past the threshold (5).
        Sequencer sequencer = f.start(oneTxPerBatch().build());
        commitBatches(sequencer, 1);
        f.l1.failNextCalls(Call.SUBMIT, 1_000, Failure.TRANSIENT);

        boolean red = false;
        for (int i = 0; i < 600 && !red; i++) { // 60 s, stepped every 100 ms
            sequencer.doWork(f.now());
            red = sequencer.readiness().reasons().stream().anyMatch(r -> r.startsWith("L1 failing"));
            f.advanceMs(100);
        }

        assertThat(submits()).isGreaterThanOrEqualTo(5);
        assertThat(f.l1.callCount(Call.CHAIN_STATUS)).as("successful rounds in between").isGreaterThanOrEqualTo(2);
        assertThat(red).as("readiness turned red while every submit failed").isTrue();
    }
}
