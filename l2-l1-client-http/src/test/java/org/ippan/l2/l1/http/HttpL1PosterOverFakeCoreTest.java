package org.ippan.l2.l1.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.L1TransientException;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.http.FakeCoreServer.DuplicateAnswer;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpL1Poster} against {@link FakeCoreServer} beyond the contract kit: the simulator's faults and refusals
 * as CORE would answer them over HTTP, and many calls in flight at once.
 */
class HttpL1PosterOverFakeCoreTest {

    private static final long AWAIT_SECONDS = 10;

    private final SimulatedL1 chain = SimulatedL1.builder().finalityDepth(1).build();
    private final FakeCoreServer server = new FakeCoreServer(chain, DuplicateAnswer.CONFLICT_ALREADY_EXISTS);
    private final HttpL1Poster poster = new HttpL1Poster(server.configBuilder().build());

    @AfterEach
    void closeEverything() {
        poster.close();
        server.close();
    }

    private static L1Submission submission(long sequence) {
        SplittableRandom random = new SplittableRandom(sequence);
        byte[] key = new byte[32];
        random.nextBytes(key);
        String batchId = HexFormat.of().formatHex(key);
        String body = "{\"batch_id\":\"" + batchId + "\",\"idempotency_key\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(key) + "\",\"sequence\":" + sequence + "}";
        return new L1Submission(key, sequence, batchId, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            Object value = future.get(AWAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected the call to fail, it answered " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void submit_throttledByCore_failsTransiently_withTheRetryAfterHint_andAppliesNothing() throws Exception {
        chain.throttleNextCalls(SimulatedL1.Call.SUBMIT, 1, 2_000);

        Throwable failure = failureOf(poster.submit(submission(1)));

        assertThat(failure).isInstanceOf(L1TransientException.class).hasMessageContaining("HTTP 429");
        assertThat(((L1TransientException) failure).retryAfterMs()).isEqualTo(OptionalLong.of(2_000));
        assertThat(chain.applyCount(submission(1).idempotencyKey())).isZero();
    }

    @Test
    void getInclusion_coreUnavailable_failsTransiently_thenAnswers() throws Exception {
        chain.failNextCalls(SimulatedL1.Call.GET_INCLUSION, 1, SimulatedL1.Failure.TRANSIENT);

        Throwable failure = failureOf(poster.getInclusion(submission(1).idempotencyKey()));

        assertThat(failure).isInstanceOf(L1TransientException.class).hasMessageContaining("HTTP 503");
        assertThat(poster.getInclusion(submission(1).idempotencyKey()).get(AWAIT_SECONDS, TimeUnit.SECONDS))
                .isEmpty();
    }

    @Test
    void chainStatus_coreRefusesTheRequest_failsPermanently() throws Exception {
        chain.failNextCalls(SimulatedL1.Call.CHAIN_STATUS, 1, SimulatedL1.Failure.PERMANENT);

        assertThat(failureOf(poster.chainStatus())).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("HTTP 400");
    }

    @Test
    void submit_refusedByCore_isRejectedWithItsCodeAndMessage() throws Exception {
        chain.rejectNextSubmits(1, "invalid_commitment", "tx_root does not match");

        SubmitResult result = poster.submit(submission(1)).get(AWAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(result).isEqualTo(new SubmitResult.Rejected("invalid_commitment", "tx_root does not match"));
    }

    @Test
    void manyConcurrentSubmits_areEachAppliedOnce_andLeaveNothingInFlight() throws Exception {
        int count = 64;
        List<CompletableFuture<SubmitResult>> answers = new ArrayList<>();
        for (long sequence = 1; sequence <= count; sequence++) {
            answers.add(poster.submit(submission(sequence)));
        }
        for (long sequence = 1; sequence <= count; sequence++) {
            answers.add(poster.submit(submission(sequence))); // every key twice: the second is already known
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(AWAIT_SECONDS, TimeUnit.SECONDS);

        long alreadyKnown = answers.stream().map(CompletableFuture::join)
                .filter(result -> ((SubmitResult.Accepted) result).alreadyKnown()).count();
        assertThat(alreadyKnown).isEqualTo(count);
        for (long sequence = 1; sequence <= count; sequence++) {
            assertThat(chain.applyCount(submission(sequence).idempotencyKey())).isEqualTo(1);
        }
        assertThat(chain.mempool()).hasSize(count);
        assertThat(poster.inFlightCount()).isZero();
    }
}
