package org.ippan.l2.l1.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.SubmitResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The promises every {@link L1Poster} adapter keeps. An adapter's test extends this class and supplies a fresh,
 * empty chain per test ({@link #newPoster()}) and a way to mine blocks on it ({@link #advanceChain}); the chain
 * must not mine on its own while a test runs.
 *
 * <p>Futures are awaited with {@link #await(CompletableFuture)} (a timeout, never a sleep).
 */
public abstract class L1PosterContractTest {

    private static final HexFormat HEX = HexFormat.of();

    /** The poster under test, fresh for each test. */
    protected L1Poster poster;

    /** For subclasses. */
    protected L1PosterContractTest() {
    }

    /**
     * A poster on a fresh chain that holds none of the submissions {@link #submission(long)} builds.
     *
     * @return the poster
     */
    protected abstract L1Poster newPoster();

    /**
     * Makes the chain behind {@code poster} mine exactly {@code blocks} blocks; the first includes every pending
     * submission.
     *
     * @param poster the poster from {@link #newPoster()}
     * @param blocks how many blocks, at least 1
     */
    protected abstract void advanceChain(L1Poster poster, int blocks);

    /**
     * How many blocks must follow a block before the chain calls it final.
     *
     * @return the finality depth of the chain behind {@link #newPoster()}
     */
    protected abstract int finalityDepth();

    /**
     * The submissions in the chain in inclusion order, when the adapter's chain can show them; lets the kit check
     * "included once" and the order within a block. Empty by default.
     *
     * @param poster the poster from {@link #newPoster()}
     * @return the submissions, or empty when not observable
     */
    protected Optional<List<L1Submission>> includedInOrder(L1Poster poster) {
        return Optional.empty();
    }

    /**
     * How long to wait for a future before failing the test.
     *
     * @return the timeout
     */
    protected Duration futureTimeout() {
        return Duration.ofSeconds(10);
    }

    /**
     * A well-formed submission for batch {@code sequence}, with a key and batch id derived deterministically
     * from it. Override to post bodies the adapter's chain accepts as real envelopes.
     *
     * @param sequence the batch number, at least 1
     * @return the submission
     */
    protected L1Submission submission(long sequence) {
        SplittableRandom random = new SplittableRandom(0x4C31_5350_4921L ^ sequence);
        byte[] key = new byte[L1Submission.IDEMPOTENCY_KEY_LENGTH];
        byte[] batchHash = new byte[32];
        random.nextBytes(key);
        random.nextBytes(batchHash);
        String batchId = HEX.formatHex(batchHash);
        String body = "{\"batch_id\":\"" + batchId + "\",\"commitment\":\"" + "00".repeat(32)
                + "\",\"contract_version\":\"v1\",\"fee\":0,\"hub\":\"Fin\",\"idempotency_key\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(key)
                + "\",\"payload\":{\"content_type\":\"application/octet-stream\",\"contract_version\":\"v1\","
                + "\"hub\":\"Fin\",\"payload\":\"AQA\",\"schema_version\":\"batch-envelope-v1\"},\"sequence\":"
                + sequence + ",\"tx_count\":0}";
        return new L1Submission(key, sequence, batchId, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Waits for a future, at most {@link #futureTimeout()}.
     *
     * @param future the future
     * @param <T> its value type
     * @return its value
     * @throws Exception when it fails or times out
     */
    protected <T> T await(CompletableFuture<T> future) throws Exception {
        assertThat(future).as("an L1Poster never answers null").isNotNull();
        return future.get(futureTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Opens {@link #poster} on a fresh chain. */
    @BeforeEach
    protected final void openPoster() {
        poster = newPoster();
    }

    /** Closes {@link #poster}. */
    @AfterEach
    protected final void closePoster() {
        if (poster != null) {
            poster.close();
        }
    }

    private SubmitResult.Accepted submitAccepted(L1Submission submission) throws Exception {
        SubmitResult result = await(poster.submit(submission));
        assertThat(result).isInstanceOf(SubmitResult.Accepted.class);
        return (SubmitResult.Accepted) result;
    }

    private L1Inclusion inclusionOf(L1Submission submission) throws Exception {
        Optional<L1Inclusion> inclusion = await(poster.getInclusion(submission.idempotencyKey()));
        assertThat(inclusion).as("inclusion of %s", submission).isPresent();
        return inclusion.orElseThrow();
    }

    private long chainHeight() throws Exception {
        return await(poster.chainStatus()).height();
    }

    // ---- submit ----------------------------------------------------------------------------------------------

    @Test
    public void submit_newKey_isAcceptedAsNotAlreadyKnown() throws Exception {
        SubmitResult.Accepted accepted = submitAccepted(submission(1));

        assertThat(accepted.alreadyKnown()).isFalse();
    }

    @Test
    public void submit_sameKeyAgainBeforeInclusion_isAlreadyKnownWithSameTxIdAndIncludedOnce() throws Exception {
        L1Submission batch = submission(1);
        SubmitResult.Accepted first = submitAccepted(batch);

        SubmitResult.Accepted second = submitAccepted(batch);
        advanceChain(poster, 1);

        assertThat(second.alreadyKnown()).isTrue();
        if (first.l1TxId() != null && second.l1TxId() != null) {
            assertThat(second.l1TxId()).isEqualTo(first.l1TxId());
        }
        L1Inclusion inclusion = inclusionOf(batch);
        if (first.l1TxId() != null) {
            assertThat(inclusion.l1TxId()).isEqualTo(first.l1TxId());
        }
        includedInOrder(poster).ifPresent(included -> assertThat(included)
                .filteredOn(s -> Arrays.equals(s.idempotencyKey(), batch.idempotencyKey()))
                .hasSize(1));
    }

    @Test
    public void submit_sameKeyAgainAfterInclusion_isAlreadyKnownAndKeepsItsInclusion() throws Exception {
        L1Submission batch = submission(1);
        submitAccepted(batch);
        advanceChain(poster, 1);
        L1Inclusion before = inclusionOf(batch);

        SubmitResult.Accepted again = submitAccepted(batch);
        advanceChain(poster, 1);

        assertThat(again.alreadyKnown()).isTrue();
        if (again.l1TxId() != null) {
            assertThat(again.l1TxId()).isEqualTo(before.l1TxId());
        }
        L1Inclusion after = inclusionOf(batch);
        assertThat(after.l1TxId()).isEqualTo(before.l1TxId());
        assertThat(after.height()).isEqualTo(before.height());
        includedInOrder(poster).ifPresent(included -> assertThat(included)
                .filteredOn(s -> Arrays.equals(s.idempotencyKey(), batch.idempotencyKey()))
                .hasSize(1));
    }

    // ---- inclusion and finality ------------------------------------------------------------------------------

    @Test
    public void getInclusion_isEmptyUntilABlockIsMined_thenAtTheNewHeight() throws Exception {
        L1Submission batch = submission(1);
        SubmitResult.Accepted accepted = submitAccepted(batch);
        long heightBefore = chainHeight();

        assertThat(await(poster.getInclusion(batch.idempotencyKey()))).isEmpty();

        advanceChain(poster, 1);

        L1Inclusion inclusion = inclusionOf(batch);
        assertThat(inclusion.height()).isEqualTo(heightBefore + 1);
        assertThat(inclusion.l1TxId()).isNotEmpty();
        if (accepted.l1TxId() != null) {
            assertThat(inclusion.l1TxId()).isEqualTo(accepted.l1TxId());
        }
    }

    @Test
    public void getInclusion_unknownKey_isEmpty() throws Exception {
        submitAccepted(submission(1));
        advanceChain(poster, 1);

        assertThat(await(poster.getInclusion(submission(2).idempotencyKey()))).isEmpty();
    }

    @Test
    public void inclusion_isFinalizedExactlyWhenFinalityDepthBlocksFollowIt() throws Exception {
        int depth = finalityDepth();
        L1Submission batch = submission(1);
        submitAccepted(batch);
        advanceChain(poster, 1);
        long includedAt = inclusionOf(batch).height();

        for (int following = 0; following <= depth + 1; following++) {
            L1Inclusion inclusion = inclusionOf(batch);
            L1ChainStatus status = await(poster.chainStatus());
            boolean shouldBeFinal = following >= depth;

            assertThat(inclusion.finalized()).as("finalized with %d blocks after it (depth %d)", following, depth)
                    .isEqualTo(shouldBeFinal);
            assertThat(inclusion.height()).isEqualTo(includedAt);
            assertThat(await(poster.getFinality(inclusion.l1TxId())).map(L1Inclusion::finalized))
                    .contains(shouldBeFinal);
            if (shouldBeFinal) {
                assertThat(status.finalizedHeight()).isPresent();
                assertThat(status.finalizedHeight().getAsLong()).isGreaterThanOrEqualTo(includedAt);
            } else {
                assertThat(status.finalizedHeight().orElse(-1)).isLessThan(includedAt);
            }
            advanceChain(poster, 1);
        }
    }

    @Test
    public void getFinality_byL1TxId_answersTheSameInclusion() throws Exception {
        L1Submission batch = submission(1);
        submitAccepted(batch);
        advanceChain(poster, 1);
        L1Inclusion inclusion = inclusionOf(batch);

        Optional<L1Inclusion> finality = await(poster.getFinality(inclusion.l1TxId()));

        assertThat(finality).isPresent();
        assertThat(finality.orElseThrow().l1TxId()).isEqualTo(inclusion.l1TxId());
        assertThat(finality.orElseThrow().height()).isEqualTo(inclusion.height());
        assertThat(finality.orElseThrow().finalized()).isEqualTo(inclusion.finalized());
    }

    @Test
    public void getFinality_unknownTxId_isEmpty() throws Exception {
        submitAccepted(submission(1));
        advanceChain(poster, 1);

        assertThat(await(poster.getFinality("no-such-l1-tx"))).isEmpty();
    }

    // ---- chain status and ordering ---------------------------------------------------------------------------

    @Test
    public void chainStatus_heightGrowsByTheMinedBlocks_andTimeNeverGoesBack() throws Exception {
        L1ChainStatus before = await(poster.chainStatus());

        advanceChain(poster, 3);
        L1ChainStatus after = await(poster.chainStatus());

        assertThat(after.height()).isEqualTo(before.height() + 3);
        assertThat(after.networkId()).isEqualTo(before.networkId()).isNotBlank();
        assertThat(after.timeMicros()).isGreaterThanOrEqualTo(before.timeMicros());
        assertThat(after.finalizedHeight().orElse(-1)).isGreaterThanOrEqualTo(before.finalizedHeight().orElse(-1));
    }

    @Test
    public void distinctKeys_areIncludedInSubmissionOrder() throws Exception {
        List<L1Submission> firstBlock = List.of(submission(1), submission(2), submission(3));
        List<L1Submission> secondBlock = List.of(submission(4), submission(5));
        List<String> txIds = new ArrayList<>();
        for (L1Submission batch : firstBlock) {
            assertThat(submitAccepted(batch).alreadyKnown()).isFalse();
        }
        advanceChain(poster, 1);
        for (L1Submission batch : secondBlock) {
            assertThat(submitAccepted(batch).alreadyKnown()).isFalse();
        }
        advanceChain(poster, 1);

        long firstHeight = inclusionOf(firstBlock.get(0)).height();
        for (L1Submission batch : firstBlock) {
            L1Inclusion inclusion = inclusionOf(batch);
            assertThat(inclusion.height()).as("height of %s", batch).isEqualTo(firstHeight);
            txIds.add(inclusion.l1TxId());
        }
        for (L1Submission batch : secondBlock) {
            L1Inclusion inclusion = inclusionOf(batch);
            assertThat(inclusion.height()).as("height of %s", batch).isEqualTo(firstHeight + 1);
            txIds.add(inclusion.l1TxId());
        }
        assertThat(txIds).doesNotHaveDuplicates();
        List<L1Submission> all = new ArrayList<>(firstBlock);
        all.addAll(secondBlock);
        includedInOrder(poster).ifPresent(included -> assertThat(included).containsExactlyElementsOf(all));
    }

    // ---- argument validation and close -----------------------------------------------------------------------

    @Test
    public void submit_null_throwsNullPointerException() {
        assertThatThrownBy(() -> poster.submit(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    public void getInclusion_nullKey_throwsNullPointerException_wrongLength_throwsIllegalArgument() {
        assertThatThrownBy(() -> poster.getInclusion(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> poster.getInclusion(new byte[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idempotencyKey");
        assertThatThrownBy(() -> poster.getInclusion(new byte[33])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idempotencyKey");
    }

    @Test
    public void getFinality_nullTxId_throwsNullPointerException_emptyTxId_throwsIllegalArgument() {
        assertThatThrownBy(() -> poster.getFinality(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> poster.getFinality("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("l1TxId");
    }

    @Test
    public void close_isIdempotent_andLaterCallsThrowIllegalState() {
        poster.close();
        poster.close();

        assertThatThrownBy(() -> poster.submit(submission(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> poster.getInclusion(submission(1).idempotencyKey()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> poster.getFinality("sim-tx-1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> poster.chainStatus()).isInstanceOf(IllegalStateException.class);
    }
}
