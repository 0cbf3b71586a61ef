package org.ippan.l2.l1.memory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.ForcedTxCheck;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Exception;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.L1TransientException;
import org.ippan.l2.l1.L1UnknownResultException;
import org.ippan.l2.l1.SubmitResult;

/**
 * A small, deterministic, in-memory L1 chain with switchable faults: the reference adapter of {@link L1Poster}
 * and the L1 of the engine's tests.
 *
 * <p><b>Chain.</b> It starts at height 0 (genesis, empty) at {@code genesisTimeMs}. It creates no threads and reads
 * no clock: blocks are mined only by {@link #mineBlock()}, {@link #mineBlocks(int)} and {@link #advanceTo(long)};
 * block {@code h} has the time {@code genesisTimeMs + h * blockIntervalMs}. Accepted submissions wait in a mempool
 * and all go into the next mined block, in submission order. A block at height {@code h} is final when
 * {@code height - h >= finalityDepth}. Transaction ids are {@code "sim-tx-<n>"}, {@code n} counting applied
 * submissions from 1. Answers are already completed futures.
 *
 * <p><b>Idempotency.</b> A submit whose key is in the mempool or the chain answers
 * {@code Accepted(sameL1TxId, alreadyKnown = true)} and adds nothing; the rest of the submission is not compared.
 *
 * <p><b>Faults</b> (all cleared by {@link #clearFaults()}):
 * <ul>
 *   <li>{@link #failNextCalls(Call, int, Failure)} / {@link #throttleNextCalls(Call, int, long)}: the next calls of a
 *       kind fail without applying anything. Queued in order.</li>
 *   <li>{@link #rejectNextSubmits(int, String, String)} and {@link #rejectSequence(long, String, String)}: permanent
 *       refusals ({@link SubmitResult.Rejected}) of submits whose key is not known yet.</li>
 *   <li>{@link #timeOutNextSubmitsAfterApplying(int)}: the submission is applied (or found already known) but the
 *       future fails with {@link L1UnknownResultException}, like a timeout after the request was sent.</li>
 *   <li>{@link #lose(byte[])}: the chain forgets a key that is pending or included but not final.</li>
 * </ul>
 * A submit is handled in this order: injected failure, already known, rejection, apply, time-out-after-applying.
 *
 * <p><b>Forced-inclusion inbox.</b> Built with {@link Builder#forcedInbox(ForcedTxCheck)}, the chain keeps one
 * {@link ForcedInbox}: {@link #submitForced} judges the tx with the check (a refusal fails the future with
 * {@link L1PermanentException} naming the problem) and records it at the current height, once per tx hash;
 * {@link #readForcedInbox} pages through it with the current height. Injected failures apply to both calls. Without
 * a check, {@link #supportsForcedInbox()} is false and both calls fail with {@link L1PermanentException}. The
 * simulated chain does not enforce the inclusion window on batches (its submissions are opaque to it): the devnet L1
 * does, over it.
 *
 * <p>Thread-safe: every method synchronizes on this object.
 */
public final class SimulatedL1 implements L1Poster {

    /** The kinds of {@link L1Poster} calls, for injecting failures and counting calls. */
    public enum Call {
        /** {@link L1Poster#submit(L1Submission)}. */
        SUBMIT,
        /** {@link L1Poster#getInclusion(byte[])}. */
        GET_INCLUSION,
        /** {@link L1Poster#getFinality(String)}. */
        GET_FINALITY,
        /** {@link L1Poster#chainStatus()}. */
        CHAIN_STATUS,
        /** {@link L1Poster#submitForced(byte[])}. */
        SUBMIT_FORCED,
        /** {@link L1Poster#readForcedInbox(long, int)}. */
        READ_FORCED_INBOX
    }

    /** The kinds of injected failures; each completes the future with the matching {@link L1Exception}. */
    public enum Failure {
        /** {@link L1TransientException}: e.g. a connection error, a 503. */
        TRANSIENT,
        /** {@link L1UnknownResultException}: e.g. a timeout of a request that in fact never arrived. */
        UNKNOWN_RESULT,
        /** {@link L1PermanentException}: e.g. a 400 or an undecodable answer. */
        PERMANENT
    }

    /**
     * A submission as it sits in the chain.
     *
     * @param submission the submission as it was applied
     * @param l1TxId its transaction id
     * @param height the height of the block that includes it
     */
    public record IncludedSubmission(L1Submission submission, String l1TxId, long height) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a component is null
         */
        public IncludedSubmission {
            Objects.requireNonNull(submission, "submission");
            Objects.requireNonNull(l1TxId, "l1TxId");
        }

        /**
         * The batch number of the included submission.
         *
         * @return {@code submission().sequence()}
         */
        public long sequence() {
            return submission.sequence();
        }

        /**
         * The idempotency key of the included submission (not a copy; do not mutate).
         *
         * @return {@code submission().idempotencyKey()}
         */
        public byte[] idempotencyKey() {
            return submission.idempotencyKey();
        }
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final long PENDING = -1;

    private static final class Entry {
        final L1Submission submission;
        final String l1TxId;
        long height = PENDING;

        Entry(L1Submission submission, String l1TxId) {
            this.submission = submission;
            this.l1TxId = l1TxId;
        }
    }

    private record InjectedFailure(Failure failure, OptionalLong retryAfterMs) {
    }

    private record Refusal(String errorCode, String message) {
    }

    private final String networkId;
    private final ForcedTxCheck forcedTxCheck;
    private final ForcedInbox forcedInbox = new ForcedInbox();
    private final int finalityDepth;
    private final long blockIntervalMs;

    private long height;
    private long lastBlockTimeMs;
    private long chainTimeMs;
    private long appliedCount;
    private boolean closed;

    /** Keyed by hex of the idempotency key; insertion order is submission order. */
    private final LinkedHashMap<String, Entry> mempool = new LinkedHashMap<>();
    /** Keyed by hex of the idempotency key; insertion order is inclusion order. */
    private final LinkedHashMap<String, Entry> chainByKey = new LinkedHashMap<>();
    private final Map<String, Entry> chainByTxId = new HashMap<>();
    private final Map<String, Integer> applyCountByKey = new HashMap<>();
    private final EnumMap<Call, Long> callCounts = new EnumMap<>(Call.class);

    private final EnumMap<Call, ArrayDeque<InjectedFailure>> injectedFailures = new EnumMap<>(Call.class);
    private final ArrayDeque<Refusal> nextSubmitRefusals = new ArrayDeque<>();
    private final Map<Long, Refusal> refusalBySequence = new HashMap<>();
    private int submitTimeoutsAfterApplying;

    private SimulatedL1(Builder builder) {
        this.networkId = builder.networkId;
        this.forcedTxCheck = builder.forcedTxCheck;
        this.finalityDepth = builder.finalityDepth;
        this.blockIntervalMs = builder.blockIntervalMs;
        this.lastBlockTimeMs = builder.genesisTimeMs;
        this.chainTimeMs = builder.genesisTimeMs;
        for (Call call : Call.values()) {
            callCounts.put(call, 0L);
            injectedFailures.put(call, new ArrayDeque<>());
        }
    }

    /**
     * Starts building a simulated chain. Defaults: network id {@code "simulated-l1"}, finality depth 2, block
     * interval 1000 ms, genesis time 0 ms.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---- L1Poster ------------------------------------------------------------------------------------------------

    /**
     * Posts a batch to the simulated chain; see the class comment for the order in which faults apply.
     *
     * @param submission the batch
     * @return an already completed future
     */
    @Override
    public synchronized CompletableFuture<SubmitResult> submit(L1Submission submission) {
        Objects.requireNonNull(submission, "submission");
        countCall(Call.SUBMIT);
        CompletableFuture<SubmitResult> injected = injectedFailure(Call.SUBMIT);
        if (injected != null) {
            return injected;
        }
        String keyHex = HEX.formatHex(submission.idempotencyKey());
        Entry known = mempool.containsKey(keyHex) ? mempool.get(keyHex) : chainByKey.get(keyHex);
        if (known != null) {
            return answerAccepted(new SubmitResult.Accepted(known.l1TxId, true));
        }
        Refusal refusal = refusalBySequence.get(submission.sequence());
        if (refusal == null) {
            refusal = nextSubmitRefusals.poll();
        }
        if (refusal != null) {
            return CompletableFuture.completedFuture(new SubmitResult.Rejected(refusal.errorCode, refusal.message));
        }
        Entry applied = new Entry(submission, "sim-tx-" + (++appliedCount));
        mempool.put(keyHex, applied);
        applyCountByKey.merge(keyHex, 1, Integer::sum);
        return answerAccepted(new SubmitResult.Accepted(applied.l1TxId, false));
    }

    /**
     * Looks a key up in the chain (not the mempool).
     *
     * @param idempotencyKey the 32-byte key
     * @return an already completed future: the inclusion, or empty while pending or unknown
     */
    @Override
    public synchronized CompletableFuture<Optional<L1Inclusion>> getInclusion(byte[] idempotencyKey) {
        L1Submission.checkIdempotencyKey(idempotencyKey);
        countCall(Call.GET_INCLUSION);
        CompletableFuture<Optional<L1Inclusion>> injected = injectedFailure(Call.GET_INCLUSION);
        if (injected != null) {
            return injected;
        }
        return CompletableFuture.completedFuture(inclusionOf(chainByKey.get(HEX.formatHex(idempotencyKey))));
    }

    /**
     * Looks a transaction id up in the chain (not the mempool).
     *
     * @param l1TxId the transaction id
     * @return an already completed future: the inclusion, or empty while pending or unknown
     */
    @Override
    public synchronized CompletableFuture<Optional<L1Inclusion>> getFinality(String l1TxId) {
        Objects.requireNonNull(l1TxId, "l1TxId");
        if (l1TxId.isEmpty()) {
            throw new IllegalArgumentException("l1TxId must not be empty");
        }
        countCall(Call.GET_FINALITY);
        CompletableFuture<Optional<L1Inclusion>> injected = injectedFailure(Call.GET_FINALITY);
        if (injected != null) {
            return injected;
        }
        return CompletableFuture.completedFuture(inclusionOf(chainByTxId.get(l1TxId)));
    }

    /**
     * The status of the simulated chain; its time is the latest of the last block's time and the latest
     * {@link #advanceTo(long)}.
     *
     * @return an already completed future
     */
    @Override
    public synchronized CompletableFuture<L1ChainStatus> chainStatus() {
        checkOpen();
        countCall(Call.CHAIN_STATUS);
        CompletableFuture<L1ChainStatus> injected = injectedFailure(Call.CHAIN_STATUS);
        if (injected != null) {
            return injected;
        }
        long finalizedHeight = height - finalityDepth;
        return CompletableFuture.completedFuture(new L1ChainStatus(networkId, height,
                finalizedHeight >= 0 ? OptionalLong.of(finalizedHeight) : OptionalLong.empty(),
                Math.multiplyExact(chainTimeMs, 1000L)));
    }

    /** @return true if this chain was built with a forced-inclusion inbox */
    @Override
    public boolean supportsForcedInbox() {
        return forcedTxCheck != null;
    }

    /**
     * Records a tx in the forced-inclusion inbox at the current height (or answers its existing entry).
     *
     * @param canonicalTx the tx's bytes
     * @return an already completed future: the entry, or failed as the class comment says
     */
    @Override
    public synchronized CompletableFuture<ForcedInboxEntry> submitForced(byte[] canonicalTx) {
        L1Poster.checkForcedTx(canonicalTx);
        countCall(Call.SUBMIT_FORCED);
        CompletableFuture<ForcedInboxEntry> injected = injectedFailure(Call.SUBMIT_FORCED);
        if (injected != null) {
            return injected;
        }
        if (forcedTxCheck == null) {
            return noInbox();
        }
        byte[] txHash;
        try {
            txHash = forcedTxCheck.check(canonicalTx);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new L1PermanentException("forced tx refused: " + e.getMessage()));
        }
        return CompletableFuture.completedFuture(forcedInbox.record(canonicalTx, txHash, height));
    }

    /**
     * Reads the forced-inclusion inbox.
     *
     * @param fromIndex the first index
     * @param maxCount the most entries
     * @return an already completed future: the page with the current height, or failed as the class comment says
     */
    @Override
    public synchronized CompletableFuture<ForcedInboxPage> readForcedInbox(long fromIndex, int maxCount) {
        L1Poster.checkInboxRead(fromIndex, maxCount);
        countCall(Call.READ_FORCED_INBOX);
        CompletableFuture<ForcedInboxPage> injected = injectedFailure(Call.READ_FORCED_INBOX);
        if (injected != null) {
            return injected;
        }
        if (forcedTxCheck == null) {
            return noInbox();
        }
        return CompletableFuture.completedFuture(forcedInbox.read(fromIndex, maxCount, height));
    }

    private static <T> CompletableFuture<T> noInbox() {
        return CompletableFuture.failedFuture(new L1PermanentException(
                "this simulated L1 has no forced-inclusion inbox (build it with forcedInbox(check))"));
    }

    /** @return the forced-inclusion inbox (empty and unused without a check) */
    public ForcedInbox forcedInbox() {
        return forcedInbox;
    }

    /**
     * Whether a batch with this idempotency key is in the mempool or the chain.
     *
     * @param idempotencyKey the 32-byte key
     * @return true if a submit of it would answer already known
     */
    public synchronized boolean isKnown(byte[] idempotencyKey) {
        String keyHex = HEX.formatHex(L1Submission.checkIdempotencyKey(idempotencyKey));
        return mempool.containsKey(keyHex) || chainByKey.containsKey(keyHex);
    }

    /** Refuses further {@link L1Poster} calls; the chain, its faults and its observations stay usable. */
    @Override
    public synchronized void close() {
        closed = true;
    }

    // ---- driving the chain ---------------------------------------------------------------------------------------

    /**
     * Mines one block holding the whole mempool, in submission order.
     *
     * @return the height of the new block
     */
    public synchronized long mineBlock() {
        return mineBlocks(1);
    }

    /**
     * Mines {@code count} blocks; the first holds the whole mempool, the others are empty.
     *
     * @param count how many blocks, at least 0
     * @return the new chain height
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public synchronized long mineBlocks(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
        mine(count);
        return height;
    }

    /**
     * Moves the chain's time to {@code nowMs} and mines one block for every {@code blockIntervalMs} elapsed since
     * the last block (the first of them takes the mempool). A time before the chain's time changes nothing.
     * Costs O(1) however many blocks it mines.
     *
     * @param nowMs the time in ms since the Unix epoch
     * @return how many blocks were mined
     */
    public synchronized long advanceTo(long nowMs) {
        if (nowMs <= chainTimeMs) {
            return 0;
        }
        chainTimeMs = nowMs;
        long blocks = (nowMs - lastBlockTimeMs) / blockIntervalMs;
        mine(blocks);
        return blocks;
    }

    private void mine(long blocks) {
        if (blocks == 0) {
            return;
        }
        height = Math.addExact(height, blocks);
        lastBlockTimeMs = Math.addExact(lastBlockTimeMs, Math.multiplyExact(blocks, blockIntervalMs));
        chainTimeMs = Math.max(chainTimeMs, lastBlockTimeMs);
        long includedAt = height - blocks + 1;
        for (Map.Entry<String, Entry> pending : mempool.entrySet()) {
            Entry entry = pending.getValue();
            entry.height = includedAt;
            chainByKey.put(pending.getKey(), entry);
            chainByTxId.put(entry.l1TxId, entry);
        }
        mempool.clear();
    }

    // ---- faults --------------------------------------------------------------------------------------------------

    /**
     * The next {@code count} calls of kind {@code call} fail with {@code failure}, applying nothing. Queued behind
     * failures injected earlier for the same kind.
     *
     * @param call the kind of call
     * @param count how many calls, at least 0
     * @param failure how they fail
     */
    public synchronized void failNextCalls(Call call, int count, Failure failure) {
        Objects.requireNonNull(failure, "failure");
        inject(call, count, new InjectedFailure(failure, OptionalLong.empty()));
    }

    /**
     * The next {@code count} calls of kind {@code call} fail with an {@link L1TransientException} carrying a
     * retry-after hint (like HTTP 429 with {@code Retry-After}), applying nothing. Queued like
     * {@link #failNextCalls}.
     *
     * @param call the kind of call
     * @param count how many calls, at least 0
     * @param retryAfterMs the hint, at least 0
     */
    public synchronized void throttleNextCalls(Call call, int count, long retryAfterMs) {
        if (retryAfterMs < 0) {
            throw new IllegalArgumentException("retryAfterMs must be >= 0, was " + retryAfterMs);
        }
        inject(call, count, new InjectedFailure(Failure.TRANSIENT, OptionalLong.of(retryAfterMs)));
    }

    private void inject(Call call, int count, InjectedFailure injected) {
        Objects.requireNonNull(call, "call");
        checkCount(count);
        ArrayDeque<InjectedFailure> queue = injectedFailures.get(call);
        for (int i = 0; i < count; i++) {
            queue.add(injected);
        }
    }

    /**
     * The next {@code count} submits of keys not known yet are refused permanently with this code and message.
     *
     * @param count how many submits, at least 0
     * @param errorCode the error code of the refusal
     * @param message the message of the refusal
     */
    public synchronized void rejectNextSubmits(int count, String errorCode, String message) {
        checkCount(count);
        Refusal refusal = refusal(errorCode, message);
        for (int i = 0; i < count; i++) {
            nextSubmitRefusals.add(refusal);
        }
    }

    /**
     * Every submit of a batch with this sequence number whose key is not known yet is refused permanently, until
     * {@link #clearFaults()}. Takes precedence over {@link #rejectNextSubmits}, which it does not consume.
     *
     * @param sequence the batch number to refuse
     * @param errorCode the error code of the refusal
     * @param message the message of the refusal
     */
    public synchronized void rejectSequence(long sequence, String errorCode, String message) {
        refusalBySequence.put(sequence, refusal(errorCode, message));
    }

    /**
     * The next {@code count} submits that are accepted (applied, or found already known) have their answer lost:
     * the submission IS in the mempool but the future fails with {@link L1UnknownResultException}, like a timeout
     * after the request was sent.
     *
     * @param count how many submits, at least 0
     */
    public synchronized void timeOutNextSubmitsAfterApplying(int count) {
        checkCount(count);
        submitTimeoutsAfterApplying += count;
    }

    /**
     * Makes the chain forget a key, as an L1 that dropped a batch from its mempool, or from a block that was not
     * final yet (a reorganisation). Afterwards {@link #getInclusion} and {@link #getFinality} answer empty and a
     * new submit of the key is applied again, with a new transaction id: {@link #applyCount} then counts 2 and
     * {@link #includedSubmissions()} no longer lists the lost inclusion. Final blocks are never rewritten.
     *
     * @param idempotencyKey the 32-byte key to forget
     * @return whether the key was pending or included (false: unknown, nothing changed)
     * @throws IllegalStateException if the key is in a final block
     */
    public synchronized boolean lose(byte[] idempotencyKey) {
        String keyHex = HEX.formatHex(L1Submission.checkIdempotencyKey(idempotencyKey));
        if (mempool.remove(keyHex) != null) {
            return true;
        }
        Entry included = chainByKey.get(keyHex);
        if (included == null) {
            return false;
        }
        if (isFinal(included.height)) {
            throw new IllegalStateException("cannot lose " + included.l1TxId + ": block " + included.height
                    + " is final");
        }
        chainByKey.remove(keyHex);
        chainByTxId.remove(included.l1TxId);
        return true;
    }

    /** Removes every pending fault: injected failures, refusals and time-outs. */
    public synchronized void clearFaults() {
        injectedFailures.values().forEach(ArrayDeque::clear);
        nextSubmitRefusals.clear();
        refusalBySequence.clear();
        submitTimeoutsAfterApplying = 0;
    }

    // ---- observations --------------------------------------------------------------------------------------------

    /**
     * How many times a submit put this key into the mempool. At most 1 unless the key was {@link #lose lost}.
     *
     * @param idempotencyKey the 32-byte key
     * @return the count, 0 for an unknown key
     */
    public synchronized int applyCount(byte[] idempotencyKey) {
        return applyCountByKey.getOrDefault(HEX.formatHex(L1Submission.checkIdempotencyKey(idempotencyKey)), 0);
    }

    /**
     * How many calls of a kind were made, including failed and refused ones (calls rejected for invalid
     * arguments or after close are not counted).
     *
     * @param call the kind of call
     * @return the count
     */
    public synchronized long callCount(Call call) {
        return callCounts.get(Objects.requireNonNull(call, "call"));
    }

    /**
     * The submissions in the chain, in inclusion order (block by block, submission order within a block).
     *
     * @return a snapshot
     */
    public synchronized List<IncludedSubmission> includedSubmissions() {
        List<IncludedSubmission> included = new ArrayList<>(chainByKey.size());
        for (Entry entry : chainByKey.values()) {
            included.add(new IncludedSubmission(entry.submission, entry.l1TxId, entry.height));
        }
        return included;
    }

    /**
     * The submissions waiting in the mempool, in submission order.
     *
     * @return a snapshot
     */
    public synchronized List<L1Submission> mempool() {
        List<L1Submission> pending = new ArrayList<>(mempool.size());
        mempool.values().forEach(entry -> pending.add(entry.submission));
        return pending;
    }

    /**
     * The current chain height.
     *
     * @return the height, 0 before the first block
     */
    public synchronized long height() {
        return height;
    }

    /**
     * The chain's current time.
     *
     * @return the time in ms
     */
    public synchronized long chainTimeMs() {
        return chainTimeMs;
    }

    // ---- internals -----------------------------------------------------------------------------------------------

    private void countCall(Call call) {
        checkOpen();
        callCounts.merge(call, 1L, Long::sum);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("SimulatedL1 is closed");
        }
    }

    private <T> CompletableFuture<T> injectedFailure(Call call) {
        InjectedFailure injected = injectedFailures.get(call).poll();
        if (injected == null) {
            return null;
        }
        String message = "simulated " + injected.failure + " failure of " + call;
        L1Exception failure = switch (injected.failure) {
            case TRANSIENT -> new L1TransientException(message, injected.retryAfterMs, null);
            case UNKNOWN_RESULT -> new L1UnknownResultException(message);
            case PERMANENT -> new L1PermanentException(message);
        };
        return CompletableFuture.failedFuture(failure);
    }

    private CompletableFuture<SubmitResult> answerAccepted(SubmitResult.Accepted accepted) {
        if (submitTimeoutsAfterApplying > 0) {
            submitTimeoutsAfterApplying--;
            return CompletableFuture.failedFuture(new L1UnknownResultException(
                    "simulated timeout after applying (" + accepted.l1TxId() + ")"));
        }
        return CompletableFuture.completedFuture(accepted);
    }

    private Optional<L1Inclusion> inclusionOf(Entry entry) {
        if (entry == null) {
            return Optional.empty();
        }
        byte[] proof = ("sim-proof:" + entry.l1TxId + "@" + entry.height).getBytes(StandardCharsets.US_ASCII);
        return Optional.of(new L1Inclusion(entry.l1TxId, entry.height, isFinal(entry.height), proof));
    }

    private boolean isFinal(long blockHeight) {
        return height - blockHeight >= finalityDepth;
    }

    private static Refusal refusal(String errorCode, String message) {
        SubmitResult.Rejected checked = new SubmitResult.Rejected(errorCode, message);
        return new Refusal(checked.errorCode(), checked.message());
    }

    private static void checkCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
    }

    /** Builds a {@link SimulatedL1}; validates once, in {@link #build()}. */
    public static final class Builder {
        private String networkId = "simulated-l1";
        private ForcedTxCheck forcedTxCheck;
        private int finalityDepth = 2;
        private long blockIntervalMs = 1000;
        private long genesisTimeMs;

        private Builder() {
        }

        /**
         * Sets the network id reported by {@link SimulatedL1#chainStatus()}.
         *
         * @param networkId not blank
         * @return this builder
         */
        public Builder networkId(String networkId) {
            this.networkId = networkId;
            return this;
        }

        /**
         * Gives the chain a forced-inclusion inbox whose txs are judged and hashed by {@code check}.
         *
         * @param check the check of the L2 chain the inbox serves; null: no inbox (the default)
         * @return this builder
         */
        public Builder forcedInbox(ForcedTxCheck check) {
            this.forcedTxCheck = check;
            return this;
        }

        /**
         * Sets how many blocks must follow a block before it is final; 0 makes every block final at once.
         *
         * @param finalityDepth at least 0
         * @return this builder
         */
        public Builder finalityDepth(int finalityDepth) {
            this.finalityDepth = finalityDepth;
            return this;
        }

        /**
         * Sets the time between blocks, used by {@link SimulatedL1#advanceTo(long)}.
         *
         * @param blockIntervalMs at least 1
         * @return this builder
         */
        public Builder blockIntervalMs(long blockIntervalMs) {
            this.blockIntervalMs = blockIntervalMs;
            return this;
        }

        /**
         * Sets the time of the genesis block (height 0). Set it near the first time given to
         * {@link SimulatedL1#advanceTo(long)}, or the chain starts with that many empty blocks.
         *
         * @param genesisTimeMs at least 0
         * @return this builder
         */
        public Builder genesisTimeMs(long genesisTimeMs) {
            this.genesisTimeMs = genesisTimeMs;
            return this;
        }

        /**
         * Validates the settings and builds an empty chain at height 0.
         *
         * @return the chain
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public SimulatedL1 build() {
            if (networkId == null || networkId.isBlank()) {
                throw new IllegalArgumentException("networkId must not be blank");
            }
            if (finalityDepth < 0) {
                throw new IllegalArgumentException("finalityDepth must be >= 0, was " + finalityDepth);
            }
            if (blockIntervalMs < 1) {
                throw new IllegalArgumentException("blockIntervalMs must be >= 1, was " + blockIntervalMs);
            }
            if (genesisTimeMs < 0) {
                throw new IllegalArgumentException("genesisTimeMs must be >= 0, was " + genesisTimeMs);
            }
            return new SimulatedL1(this);
        }
    }
}
