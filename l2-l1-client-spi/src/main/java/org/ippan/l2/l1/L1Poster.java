package org.ippan.l2.l1;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Posts batches to IPPAN L1 (CORE) and asks what became of them (wire-format-v1 §6).
 *
 * <p>Every call returns at once with a future; the caller never blocks on it (the sequencer core polls
 * {@code isDone()} from its duty-cycle steps). A future completes normally with the answer of the L1, or
 * exceptionally with exactly one kind of {@link L1Exception}:
 * <ul>
 *   <li>{@link L1TransientException}: nothing was applied, or repeating is safe; retry later (see {@link Backoff}).</li>
 *   <li>{@link L1UnknownResultException}: the request may or may not have been applied (e.g. a timeout after the
 *       request was sent). Before posting the same batch again, ask {@link #getInclusion(byte[])}.</li>
 *   <li>{@link L1PermanentException}: repeating the same call will not help (4xx other than the retriable ones,
 *       undecodable answers).</li>
 * </ul>
 * Futures may complete on a thread of the implementation; callers must not run blocking work in dependent
 * stages attached to them.
 *
 * <p>Invalid arguments are programming errors and are thrown directly, not through the future: {@code null}
 * arguments throw {@link NullPointerException}, malformed ones {@link IllegalArgumentException}. Calls after
 * {@link #close()} throw {@link IllegalStateException}.
 *
 * <p>Implementations are safe for use by several threads.
 */
public interface L1Poster extends AutoCloseable {

    /**
     * Posts one batch. Idempotent by {@link L1Submission#idempotencyKey()}: posting a key that the L1 already has
     * (in its mempool or its chain) answers {@link SubmitResult.Accepted} with {@code alreadyKnown = true} and
     * changes nothing.
     *
     * @param submission the batch to post; handed over (its arrays must not be mutated afterwards)
     * @return a future of {@link SubmitResult.Accepted} or {@link SubmitResult.Rejected} (a permanent refusal of
     *         this batch), or failed with an {@link L1Exception}
     * @throws NullPointerException if {@code submission} is null
     * @throws IllegalStateException if this poster is closed
     */
    CompletableFuture<SubmitResult> submit(L1Submission submission);

    /**
     * Asks whether the batch with this idempotency key is included in an L1 block.
     *
     * @param idempotencyKey the 32-byte key of the batch; only read
     * @return a future of the inclusion, or of empty when the L1 has not included it (yet) (§6: 404)
     * @throws NullPointerException if {@code idempotencyKey} is null
     * @throws IllegalArgumentException if {@code idempotencyKey} is not 32 bytes long
     * @throws IllegalStateException if this poster is closed
     */
    CompletableFuture<Optional<L1Inclusion>> getInclusion(byte[] idempotencyKey);

    /**
     * Asks for the inclusion and finality of an L1 transaction.
     *
     * @param l1TxId the L1 transaction id, as answered by {@link #submit} or {@link #getInclusion}
     * @return a future of the inclusion (with its current {@link L1Inclusion#finalized()} flag), or of empty when
     *         the L1 does not know this transaction as included (§6: 404)
     * @throws NullPointerException if {@code l1TxId} is null
     * @throws IllegalArgumentException if {@code l1TxId} is empty
     * @throws IllegalStateException if this poster is closed
     */
    CompletableFuture<Optional<L1Inclusion>> getFinality(String l1TxId);

    /**
     * Asks for the current status of the L1 chain.
     *
     * @return a future of the chain status
     * @throws IllegalStateException if this poster is closed
     */
    CompletableFuture<L1ChainStatus> chainStatus();

    /**
     * Whether this L1 has a forced-inclusion inbox for the chain (and this poster knows how to reach it). The
     * engine runs its forced-inclusion watcher only when it does.
     *
     * @return true if {@link #submitForced} and {@link #readForcedInbox} are served
     */
    boolean supportsForcedInbox();

    /**
     * Posts a tx to the chain's forced-inclusion inbox. The L1 records it with its height; posting a tx the inbox
     * already holds answers the existing entry and records nothing. The L1 judges the tx (a decodable v1 tx of the
     * chain, within the size rules): a refusal fails the future with {@link L1PermanentException} naming the
     * problem, as does a poster without an inbox ({@link #supportsForcedInbox()} false).
     *
     * @param canonicalTx the tx's canonical v1 bytes, not empty; handed over
     * @return a future of the inbox entry (new or existing), or failed with an {@link L1Exception}
     * @throws NullPointerException if {@code canonicalTx} is null
     * @throws IllegalArgumentException if {@code canonicalTx} is empty
     * @throws IllegalStateException if this poster is closed
     */
    CompletableFuture<ForcedInboxEntry> submitForced(byte[] canonicalTx);

    /**
     * Reads the chain's forced-inclusion inbox from an index on.
     *
     * @param fromIndex the first index to read, at least 0
     * @param maxCount  the most entries to return, at least 1
     * @return a future of the page (entries from {@code fromIndex}, in index order, and the L1's height), or failed
     *         with an {@link L1Exception} ({@link L1PermanentException} when there is no inbox)
     * @throws IllegalArgumentException if {@code fromIndex} is negative or {@code maxCount} below 1
     * @throws IllegalStateException if this poster is closed
     */
    CompletableFuture<ForcedInboxPage> readForcedInbox(long fromIndex, int maxCount);

    /**
     * Checks the arguments of {@link #readForcedInbox}, for implementations.
     *
     * @param fromIndex the first index
     * @param maxCount  the most entries
     * @throws IllegalArgumentException naming the argument out of range
     */
    static void checkInboxRead(long fromIndex, int maxCount) {
        if (fromIndex < 0) {
            throw new IllegalArgumentException("fromIndex must be >= 0, was " + fromIndex);
        }
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be >= 1, was " + maxCount);
        }
    }

    /**
     * Checks the argument of {@link #submitForced}, for implementations.
     *
     * @param canonicalTx the tx bytes
     * @return {@code canonicalTx}
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is empty
     */
    static byte[] checkForcedTx(byte[] canonicalTx) {
        java.util.Objects.requireNonNull(canonicalTx, "canonicalTx");
        if (canonicalTx.length == 0) {
            throw new IllegalArgumentException("canonicalTx must not be empty");
        }
        return canonicalTx;
    }

    /**
     * Releases the resources of this poster. Idempotent. Futures still pending may complete exceptionally; later
     * calls throw {@link IllegalStateException}.
     */
    @Override
    void close();
}
