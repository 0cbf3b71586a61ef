package org.ippan.l2.l1.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.L1TransientException;
import org.ippan.l2.l1.L1UnknownResultException;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fault switches, time handling and observations of {@link SimulatedL1}. */
class SimulatedL1FaultsTest {

    private final SimulatedL1 chain = SimulatedL1.builder().finalityDepth(2).blockIntervalMs(1000)
            .genesisTimeMs(10_000).networkId("sim-test").forcedInbox(SimulatedL1InboxTest::sha256).build();

    private static L1Submission batch(long sequence) {
        SplittableRandom random = new SplittableRandom(sequence * 7919);
        byte[] key = new byte[32];
        byte[] hash = new byte[32];
        random.nextBytes(key);
        random.nextBytes(hash);
        return new L1Submission(key, sequence, HexFormat.of().formatHex(hash),
                ("{\"sequence\":" + sequence + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        return assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .actual().getCause();
    }

    private SubmitResult submit(L1Submission submission) throws Exception {
        return await(chain.submit(submission));
    }

    private Optional<L1Inclusion> inclusion(L1Submission submission) throws Exception {
        return await(chain.getInclusion(submission.idempotencyKey()));
    }

    private static CompletableFuture<?> call(SimulatedL1 chain, Call call, L1Submission submission) {
        return switch (call) {
            case SUBMIT -> chain.submit(submission);
            case GET_INCLUSION -> chain.getInclusion(submission.idempotencyKey());
            case GET_FINALITY -> chain.getFinality("sim-tx-1");
            case CHAIN_STATUS -> chain.chainStatus();
            case SUBMIT_FORCED -> chain.submitForced(new byte[] {1, 2, 3});
            case READ_FORCED_INBOX -> chain.readForcedInbox(0, 10);
        };
    }

    // ---- injected failures -------------------------------------------------------------------------------------

    @Test
    void failNextCalls_transientSubmit_failsThatManyWithoutApplying_thenAccepts() throws Exception {
        L1Submission first = batch(1);
        chain.failNextCalls(Call.SUBMIT, 2, Failure.TRANSIENT);

        assertThat(failureOf(chain.submit(first))).isInstanceOf(L1TransientException.class);
        assertThat(failureOf(chain.submit(first))).isInstanceOf(L1TransientException.class)
                .satisfies(e -> assertThat(((L1TransientException) e).retryAfterMs()).isEmpty());
        assertThat(chain.applyCount(first.idempotencyKey())).isZero();
        assertThat(chain.mempool()).isEmpty();

        assertThat(submit(first)).isEqualTo(new SubmitResult.Accepted("sim-tx-1", false));
        assertThat(chain.applyCount(first.idempotencyKey())).isEqualTo(1);
        assertThat(chain.callCount(Call.SUBMIT)).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void failNextCalls_eachKindAndFailure_failsOnlyThatKindOnce(Call failing) throws Exception {
        L1Submission first = batch(1);
        submit(first);
        chain.mineBlock();
        chain.failNextCalls(failing, 1, Failure.TRANSIENT);
        for (Call other : Call.values()) {
            if (other != failing) {
                assertThat(call(chain, other, first)).as("%s while %s fails", other, failing).isCompleted()
                        .isNotCompletedExceptionally();
            }
        }

        assertThat(failureOf(call(chain, failing, first))).isInstanceOf(L1TransientException.class);
        assertThat(call(chain, failing, first)).isCompleted().isNotCompletedExceptionally();
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void failNextCalls_failureKind_mapsToItsExceptionType(Failure failure) {
        chain.failNextCalls(Call.CHAIN_STATUS, 1, failure);

        Class<?> expected = switch (failure) {
            case TRANSIENT -> L1TransientException.class;
            case UNKNOWN_RESULT -> L1UnknownResultException.class;
            case PERMANENT -> L1PermanentException.class;
        };
        assertThat(failureOf(chain.chainStatus())).isExactlyInstanceOf(expected);
    }

    @Test
    void failNextCalls_unknownResultOnSubmit_appliesNothing() throws Exception {
        L1Submission first = batch(1);
        chain.failNextCalls(Call.SUBMIT, 1, Failure.UNKNOWN_RESULT);

        assertThat(failureOf(chain.submit(first))).isInstanceOf(L1UnknownResultException.class);
        chain.mineBlock();

        assertThat(inclusion(first)).isEmpty();
        assertThat(chain.applyCount(first.idempotencyKey())).isZero();
    }

    @Test
    void failNextCalls_queueInOrderOfInjection() {
        chain.failNextCalls(Call.GET_INCLUSION, 1, Failure.PERMANENT);
        chain.throttleNextCalls(Call.GET_INCLUSION, 1, 750);
        chain.failNextCalls(Call.GET_INCLUSION, 1, Failure.UNKNOWN_RESULT);
        byte[] key = batch(1).idempotencyKey();

        assertThat(failureOf(chain.getInclusion(key))).isInstanceOf(L1PermanentException.class);
        assertThat(failureOf(chain.getInclusion(key))).isInstanceOf(L1TransientException.class);
        assertThat(failureOf(chain.getInclusion(key))).isInstanceOf(L1UnknownResultException.class);
        assertThat(chain.getInclusion(key)).isCompletedWithValue(Optional.empty());
    }

    @Test
    void throttleNextCalls_transientFailureCarriesRetryAfterHint() {
        chain.throttleNextCalls(Call.CHAIN_STATUS, 1, 1500);

        Throwable failure = failureOf(chain.chainStatus());

        assertThat(failure).isInstanceOf(L1TransientException.class);
        assertThat(((L1TransientException) failure).retryAfterMs()).isEqualTo(OptionalLong.of(1500));
        assertThat(chain.chainStatus()).isCompleted().isNotCompletedExceptionally();
    }

    @Test
    void getInclusionTransientFailure_hidesAnIncludedBatchOnlyForThatCall() throws Exception {
        L1Submission first = batch(1);
        submit(first);
        chain.mineBlock();
        chain.failNextCalls(Call.GET_INCLUSION, 1, Failure.TRANSIENT);

        assertThat(failureOf(chain.getInclusion(first.idempotencyKey()))).isInstanceOf(L1TransientException.class);
        assertThat(inclusion(first)).isPresent();
    }

    // ---- refusals ------------------------------------------------------------------------------------------------

    @Test
    void rejectNextSubmits_refusesThatManyWithCodeAndMessage_withoutApplying() throws Exception {
        chain.rejectNextSubmits(2, "bad_signature", "signature does not verify");

        assertThat(submit(batch(1))).isEqualTo(new SubmitResult.Rejected("bad_signature", "signature does not verify"));
        assertThat(submit(batch(2))).isInstanceOf(SubmitResult.Rejected.class);
        assertThat(submit(batch(3))).isEqualTo(new SubmitResult.Accepted("sim-tx-1", false));
        chain.mineBlock();

        assertThat(chain.includedSubmissions()).extracting(SimulatedL1.IncludedSubmission::sequence)
                .containsExactly(3L);
        assertThat(chain.applyCount(batch(1).idempotencyKey())).isZero();
    }

    @Test
    void rejectNextSubmits_doesNotRefuseAKeyAlreadyKnown() throws Exception {
        L1Submission first = batch(1);
        submit(first);
        chain.rejectNextSubmits(1, "too_late", "refused");

        assertThat(submit(first)).isEqualTo(new SubmitResult.Accepted("sim-tx-1", true));
        assertThat(submit(batch(2))).isInstanceOf(SubmitResult.Rejected.class);
    }

    @Test
    void rejectSequence_refusesEverySubmitOfThatSequence_untilFaultsCleared() throws Exception {
        chain.rejectNextSubmits(1, "next", "queued refusal");
        chain.rejectSequence(2, "gap", "sequence 2 refused");

        assertThat(submit(batch(2))).isEqualTo(new SubmitResult.Rejected("gap", "sequence 2 refused"));
        assertThat(submit(batch(2))).isEqualTo(new SubmitResult.Rejected("gap", "sequence 2 refused"));
        assertThat(submit(batch(1))).as("the queued refusal was not consumed by the sequence refusal")
                .isEqualTo(new SubmitResult.Rejected("next", "queued refusal"));
        assertThat(submit(batch(3))).isInstanceOf(SubmitResult.Accepted.class);

        chain.clearFaults();

        assertThat(submit(batch(2))).isInstanceOf(SubmitResult.Accepted.class);
    }

    // ---- time-out after applying -----------------------------------------------------------------------------------

    @Test
    void timeOutNextSubmitsAfterApplying_appliesButAnswersUnknown_andGetInclusionThenFindsIt() throws Exception {
        L1Submission first = batch(1);
        chain.timeOutNextSubmitsAfterApplying(1);

        assertThat(failureOf(chain.submit(first))).isInstanceOf(L1UnknownResultException.class);
        assertThat(chain.mempool()).containsExactly(first);
        chain.mineBlock();

        assertThat(inclusion(first)).map(L1Inclusion::l1TxId).contains("sim-tx-1");
        assertThat(submit(first)).isEqualTo(new SubmitResult.Accepted("sim-tx-1", true));
        assertThat(chain.applyCount(first.idempotencyKey())).isEqualTo(1);
    }

    @Test
    void timeOutNextSubmitsAfterApplying_alsoLosesTheAnswerOfAnAlreadyKnownSubmit_butNotOfARefusal()
            throws Exception {
        L1Submission first = batch(1);
        submit(first);
        chain.rejectSequence(2, "no", "no");
        chain.timeOutNextSubmitsAfterApplying(2);

        assertThat(submit(batch(2))).isInstanceOf(SubmitResult.Rejected.class);
        assertThat(failureOf(chain.submit(first))).isInstanceOf(L1UnknownResultException.class);
        assertThat(failureOf(chain.submit(batch(3)))).isInstanceOf(L1UnknownResultException.class);
        assertThat(submit(batch(4))).isInstanceOf(SubmitResult.Accepted.class);
        assertThat(chain.applyCount(first.idempotencyKey())).isEqualTo(1);
        assertThat(chain.applyCount(batch(3).idempotencyKey())).isEqualTo(1);
    }

    // ---- lose ------------------------------------------------------------------------------------------------------

    @Test
    void lose_pendingSubmission_isNeverIncluded_andAResubmitIsAppliedAgainWithANewTxId() throws Exception {
        L1Submission first = batch(1);
        submit(first);

        assertThat(chain.lose(first.idempotencyKey())).isTrue();
        chain.mineBlock();
        assertThat(inclusion(first)).isEmpty();

        assertThat(submit(first)).isEqualTo(new SubmitResult.Accepted("sim-tx-2", false));
        chain.mineBlock();
        assertThat(inclusion(first)).map(L1Inclusion::height).contains(2L);
        assertThat(chain.applyCount(first.idempotencyKey())).isEqualTo(2);
    }

    @Test
    void lose_includedButNotFinal_removesItFromTheChain() throws Exception {
        L1Submission first = batch(1);
        L1Submission second = batch(2);
        submit(first);
        submit(second);
        chain.mineBlock();

        assertThat(chain.lose(first.idempotencyKey())).isTrue();

        assertThat(inclusion(first)).isEmpty();
        assertThat(await(chain.getFinality("sim-tx-1"))).isEmpty();
        assertThat(inclusion(second)).isPresent();
        assertThat(chain.includedSubmissions()).extracting(SimulatedL1.IncludedSubmission::submission)
                .containsExactly(second);
    }

    @Test
    void lose_finalizedSubmission_isRefused() throws Exception {
        L1Submission first = batch(1);
        submit(first);
        chain.mineBlocks(3);

        assertThatThrownBy(() -> chain.lose(first.idempotencyKey())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("final");
        assertThat(inclusion(first)).map(L1Inclusion::finalized).contains(true);
    }

    @Test
    void lose_unknownKey_changesNothing() throws Exception {
        submit(batch(1));

        assertThat(chain.lose(batch(2).idempotencyKey())).isFalse();
        assertThat(chain.mempool()).containsExactly(batch(1));
    }

    // ---- clearFaults ------------------------------------------------------------------------------------------------

    @Test
    void clearFaults_removesEveryPendingFault() throws Exception {
        for (Call call : Call.values()) {
            chain.failNextCalls(call, 3, Failure.TRANSIENT);
        }
        chain.rejectNextSubmits(3, "no", "no");
        chain.rejectSequence(1, "no", "no");
        chain.timeOutNextSubmitsAfterApplying(3);

        chain.clearFaults();

        for (Call call : Call.values()) {
            assertThat(call(chain, call, batch(1))).as("%s", call).isCompleted().isNotCompletedExceptionally();
        }
        assertThat(chain.applyCount(batch(1).idempotencyKey())).isEqualTo(1);
    }

    @Test
    void faultSwitches_refuseNegativeCountsAndNulls() {
        assertThatThrownBy(() -> chain.failNextCalls(Call.SUBMIT, -1, Failure.TRANSIENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count");
        assertThatThrownBy(() -> chain.failNextCalls(null, 1, Failure.TRANSIENT))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> chain.failNextCalls(Call.SUBMIT, 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> chain.throttleNextCalls(Call.SUBMIT, 1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAfterMs");
        assertThatThrownBy(() -> chain.rejectNextSubmits(-1, "x", "y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> chain.rejectNextSubmits(1, " ", "y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errorCode");
        assertThatThrownBy(() -> chain.timeOutNextSubmitsAfterApplying(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- chain, time and observations ------------------------------------------------------------------------------

    @Test
    void mineBlock_includesTheWholeMempoolInSubmissionOrder() throws Exception {
        List<L1Submission> submitted = new ArrayList<>();
        for (long sequence : new long[] {5, 3, 9, 1, 7}) {
            submitted.add(batch(sequence));
            submit(batch(sequence));
        }

        assertThat(chain.mineBlock()).isEqualTo(1);

        assertThat(chain.includedSubmissions()).extracting(SimulatedL1.IncludedSubmission::sequence)
                .containsExactly(5L, 3L, 9L, 1L, 7L);
        assertThat(chain.includedSubmissions()).extracting(SimulatedL1.IncludedSubmission::height)
                .containsOnly(1L);
        assertThat(chain.includedSubmissions()).extracting(SimulatedL1.IncludedSubmission::l1TxId)
                .containsExactly("sim-tx-1", "sim-tx-2", "sim-tx-3", "sim-tx-4", "sim-tx-5");
        assertThat(chain.mempool()).isEmpty();
    }

    @Test
    void mineBlocks_putsTheMempoolInTheFirstOfThem() throws Exception {
        submit(batch(1));

        assertThat(chain.mineBlocks(4)).isEqualTo(4);

        assertThat(inclusion(batch(1))).map(L1Inclusion::height).contains(1L);
        assertThat(chain.mineBlocks(0)).isEqualTo(4);
        assertThatThrownBy(() -> chain.mineBlocks(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void advanceTo_minesOneBlockPerElapsedInterval_andCarriesPartialIntervals() throws Exception {
        submit(batch(1));

        assertThat(chain.advanceTo(10_999)).isZero();
        assertThat(chain.height()).isZero();
        assertThat(chain.advanceTo(11_000)).isEqualTo(1);
        assertThat(inclusion(batch(1))).map(L1Inclusion::height).contains(1L);
        assertThat(chain.advanceTo(13_500)).isEqualTo(2);
        assertThat(chain.advanceTo(14_000)).as("the half interval left at 13 500 counts").isEqualTo(1);
        assertThat(chain.height()).isEqualTo(4);

        L1ChainStatus status = await(chain.chainStatus());
        assertThat(status.height()).isEqualTo(4);
        assertThat(status.timeMicros()).isEqualTo(14_000_000L);
        assertThat(status.finalizedHeight()).isEqualTo(OptionalLong.of(2));
        assertThat(status.networkId()).isEqualTo("sim-test");
    }

    @Test
    void advanceTo_anEarlierTime_changesNothing() throws Exception {
        chain.advanceTo(12_500);

        assertThat(chain.advanceTo(11_000)).isZero();

        assertThat(chain.height()).isEqualTo(2);
        assertThat(chain.chainTimeMs()).isEqualTo(12_500);
        assertThat(await(chain.chainStatus()).timeMicros()).isEqualTo(12_500_000L);
    }

    @Test
    void advanceTo_farFuture_minesManyBlocksAtOnce() {
        long blocks = chain.advanceTo(10_000 + 1000L * 1_000_000_000L);

        assertThat(blocks).isEqualTo(1_000_000_000L);
        assertThat(chain.height()).isEqualTo(1_000_000_000L);
    }

    @Test
    void chainStatus_beforeFinalityDepthBlocks_hasNoFinalizedHeight() throws Exception {
        assertThat(await(chain.chainStatus()).finalizedHeight()).isEmpty();
        chain.mineBlock();
        assertThat(await(chain.chainStatus()).finalizedHeight()).isEmpty();
        chain.mineBlock();
        assertThat(await(chain.chainStatus()).finalizedHeight()).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void getFinality_ofAPendingSubmission_isEmptyUntilIncluded() throws Exception {
        submit(batch(1));

        assertThat(await(chain.getFinality("sim-tx-1"))).isEmpty();
        chain.mineBlock();
        assertThat(await(chain.getFinality("sim-tx-1"))).map(L1Inclusion::height).contains(1L);
    }

    @Test
    void callCount_countsEveryCallOfEachKind_includingFailedOnes() throws Exception {
        chain.failNextCalls(Call.GET_FINALITY, 1, Failure.PERMANENT);
        submit(batch(1));
        submit(batch(1));
        chain.getInclusion(batch(1).idempotencyKey());
        chain.getFinality("sim-tx-1");
        chain.getFinality("sim-tx-1");
        chain.chainStatus();

        assertThat(chain.callCount(Call.SUBMIT)).isEqualTo(2);
        assertThat(chain.callCount(Call.GET_INCLUSION)).isEqualTo(1);
        assertThat(chain.callCount(Call.GET_FINALITY)).isEqualTo(2);
        assertThat(chain.callCount(Call.CHAIN_STATUS)).isEqualTo(1);
    }

    @Test
    void concurrentResubmitsOfTheSameKeys_applyEachKeyExactlyOnce() throws Exception {
        int threads = 8;
        int keys = 200;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> newlyApplied = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                newlyApplied.add(executor.submit(() -> {
                    start.await();
                    int fresh = 0;
                    for (int sequence = 1; sequence <= keys; sequence++) {
                        SubmitResult result = chain.submit(batch(sequence)).get(5, TimeUnit.SECONDS);
                        if (!((SubmitResult.Accepted) result).alreadyKnown()) {
                            fresh++;
                        }
                        if (sequence % 50 == 0) {
                            chain.mineBlock();
                        }
                    }
                    return fresh;
                }));
            }
            start.countDown();
            int totalFresh = 0;
            for (Future<Integer> future : newlyApplied) {
                totalFresh += future.get(30, TimeUnit.SECONDS);
            }
            chain.mineBlock();

            assertThat(totalFresh).isEqualTo(keys);
            for (int sequence = 1; sequence <= keys; sequence++) {
                assertThat(chain.applyCount(batch(sequence).idempotencyKey())).isEqualTo(1);
            }
            assertThat(chain.includedSubmissions()).hasSize(keys);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void builder_refusesInvalidSettings_namingTheField() {
        assertInvalid(b -> b.networkId(" "), "networkId");
        assertInvalid(b -> b.networkId(null), "networkId");
        assertInvalid(b -> b.finalityDepth(-1), "finalityDepth");
        assertInvalid(b -> b.blockIntervalMs(0), "blockIntervalMs");
        assertInvalid(b -> b.genesisTimeMs(-1), "genesisTimeMs");
    }

    private static void assertInvalid(Function<SimulatedL1.Builder, SimulatedL1.Builder> setting, String field) {
        assertThatThrownBy(() -> setting.apply(SimulatedL1.builder()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    }

    @Test
    void closedChain_keepsItsObservations() throws Exception {
        submit(batch(1));
        chain.close();

        assertThat(chain.mempool()).containsExactly(batch(1));
        assertThat(chain.callCount(Call.SUBMIT)).isEqualTo(1);
        assertThat(chain.mineBlock()).isEqualTo(1);
        assertThat(chain.includedSubmissions()).hasSize(1);
    }
}
