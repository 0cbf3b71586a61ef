package org.ippan.l2.core.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.Backoff;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.ForcedTicket;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.PruneOutcome;
import org.ippan.l2.storage.SealedGroup;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TermClaim;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.WriteOutcome;
import org.ippan.l2.storage.memory.InMemoryStorage;

/**
 * The engine's test bench: an {@link InMemoryStorage} behind a {@link CountingStorage}, a {@link SimulatedL1} mined
 * only by the test, a {@link ManualClock}, {@link CountingMetrics} plus a record of state changes, and an error
 * handler that keeps every error. Every sequencer built here shares these, so a second node (a follower, a new
 * leader) sees the same storage.
 */
final class EngineFixture {
    static final long START_MS = 1_735_000_000_000L;
    static final long CHAIN_ID = 1;
    /** Deep enough that no block of a test becomes final by depth unless the test wants it. */
    static final int DEEP_FINALITY = 1_000;
    /** Jitter-free backoff: attempt n waits exactly 100 ms * 2^(n-1), capped at 1.6 s. */
    static final Backoff EXACT_BACKOFF = new Backoff(100, 1_600, 0.0);

    final ManualClock clock = new ManualClock(START_MS);
    final InMemoryStorage memory = new InMemoryStorage();
    final CountingStorage storage = new CountingStorage(memory);
    final SimulatedL1 l1;
    final CountingMetrics metrics = new CountingMetrics();
    final List<String> transitions = new CopyOnWriteArrayList<>();
    final List<Map.Entry<String, Throwable>> errors = new CopyOnWriteArrayList<>();

    EngineFixture() {
        this(SimulatedL1.builder().finalityDepth(DEEP_FINALITY).build());
    }

    EngineFixture(SimulatedL1 l1) {
        this.l1 = l1;
    }

    /**
     * Small, fast limits: 10 txs, 1 MiB, 100 ms; 2 confirmations; exact backoff; 1 s heartbeat and reconcile; 4 posts
     * in flight, so one step posts several batches (tests of strict one-at-a-time order set 1).
     */
    static SequencerConfig.Builder config() {
        return SequencerConfig.builder()
                .maxPostsInFlight(4)
                .batchLimits(new BatchLimits(10, 1 << 20, 100))
                .finalityConfirmations(2)
                .postBackoff(EXACT_BACKOFF)
                .heartbeatIntervalMs(1_000)
                .reconcileIntervalMs(1_000);
    }

    /** A builder wired to this bench's storage, L1, clocks, metrics and error list. */
    Sequencer.Builder builder(SequencerConfig config) {
        return builder(config, storage, l1);
    }

    Sequencer.Builder builder(SequencerConfig config, Storage storageToUse, L1Poster l1ToUse) {
        return Sequencer.builder().config(config).storage(storageToUse).l1Poster(l1ToUse)
                .wallClock(clock).nanoClock(clock).metrics(new RecordingMetrics())
                .errorHandler((loop, error) -> errors.add(Map.entry(loop, error)));
    }

    /** Builds and starts a sequencer with {@code config}. */
    Sequencer start(SequencerConfig config) {
        Sequencer sequencer = builder(config).build();
        sequencer.start();
        return sequencer;
    }

    /** Builds and starts a leader with {@link #config()}. */
    Sequencer leader() {
        return start(config().build());
    }

    long now() {
        return clock.nanoTime();
    }

    long nowMs() {
        return clock.currentTimeMs();
    }

    void advanceMs(long ms) {
        clock.advanceMs(ms);
    }

    /** A valid tx of this chain, distinct for each {@code n}. */
    static Tx tx(long n) {
        return new Tx(CHAIN_ID, n, "alice", ("payload-" + n).getBytes(StandardCharsets.US_ASCII));
    }

    static List<Tx> txs(int fromInclusive, int toExclusive) {
        List<Tx> txs = new ArrayList<>();
        for (int n = fromInclusive; n < toExclusive; n++) {
            txs.add(tx(n));
        }
        return txs;
    }

    static SubmitResult.Accepted accepted(SubmitResult result) {
        if (!(result instanceof SubmitResult.Accepted accepted)) {
            throw new AssertionError("expected an accepted tx, got " + result);
        }
        return accepted;
    }

    static RefusalCode refusalCode(SubmitResult result) {
        if (!(result instanceof SubmitResult.Refused refused)) {
            throw new AssertionError("expected a refusal, got " + result);
        }
        return refused.refusal().code();
    }

    StoredBatch batch(long number) {
        return memory.findBatchByNumber(number).orElseThrow(() -> new AssertionError("no batch " + number));
    }

    L1Status status(long number) {
        return batch(number).status();
    }

    long batchCount() {
        return memory.readSequenceState().nextBatchNumber() - 1;
    }

    long cut(CutReason reason) {
        return metrics.snapshot().batchesCut().get(reason);
    }

    /** Errors reported for {@code loop}, in order. */
    List<Throwable> errorsOf(String loop) {
        List<Throwable> found = new ArrayList<>();
        for (Map.Entry<String, Throwable> e : errors) {
            if (e.getKey().equals(loop)) {
                found.add(e.getValue());
            }
        }
        return found;
    }

    /** Forwards to {@link #metrics} and records every state change as {@code "FROM->TO"} in {@link #transitions}. */
    private final class RecordingMetrics implements SequencerMetrics {
        @Override
        public void recordAdmitted(int accepted, int duplicates, long latencyNs) {
            metrics.recordAdmitted(accepted, duplicates, latencyNs);
        }

        @Override
        public void recordDuplicatesFromCache(int count) {
            metrics.recordDuplicatesFromCache(count);
        }

        @Override
        public void recordForcedTxs(int admitted, int skipped) {
            metrics.recordForcedTxs(admitted, skipped);
        }

        @Override
        public void recordRejected(RefusalCode code, int count) {
            metrics.recordRejected(code, count);
        }

        @Override
        public void recordBatchCut(CutReason reason, int txCount, long encodedBytes) {
            metrics.recordBatchCut(reason, txCount, encodedBytes);
        }

        @Override
        public void recordPostSucceeded(long latencyNs) {
            metrics.recordPostSucceeded(latencyNs);
        }

        @Override
        public void recordPostFailed(PostFailure kind, long latencyNs) {
            metrics.recordPostFailed(kind, latencyNs);
        }

        @Override
        public void recordBatchConfirmed() {
            metrics.recordBatchConfirmed();
        }

        @Override
        public void recordBatchReposted() {
            metrics.recordBatchReposted();
        }

        @Override
        public void recordStateChange(SequencerState from, SequencerState to) {
            transitions.add(from + "->" + to);
            metrics.recordStateChange(from, to);
        }

        @Override
        public void recordLoopError(String loop) {
            metrics.recordLoopError(loop);
        }
    }

    /** The kinds of storage calls a {@link CountingStorage} counts. */
    enum Op { CLAIM_TERM, HEARTBEAT, APPEND_TXS, COMMIT_BATCH, UPDATE_L1_STATE, PRUNE_CONFIRMED, FORGET_CONFIRMED, SAVE_CURSOR, SAVE_FORCED_TICKET, SAVE_SETTING, READ }

    /**
     * A {@link Storage} decorator that counts calls per kind, can fail the next reads (the in-memory store only
     * fails writes) and can run a one-shot hook inside {@link #readTxs} (to interleave another thread's work
     * deterministically).
     */
    static class CountingStorage implements Storage {
        private final Storage delegate;
        private final Map<Op, AtomicInteger> counts = new EnumMap<>(Op.class);
        private final AtomicInteger failReads = new AtomicInteger();
        private final AtomicReference<Runnable> onReadTxs = new AtomicReference<>();

        CountingStorage(Storage delegate) {
            this.delegate = delegate;
            for (Op op : Op.values()) {
                counts.put(op, new AtomicInteger());
            }
        }

        int count(Op op) {
            return counts.get(op).get();
        }

        /** Writes of any kind so far. */
        int writes() {
            return count(Op.CLAIM_TERM) + count(Op.HEARTBEAT) + count(Op.APPEND_TXS) + count(Op.COMMIT_BATCH)
                    + count(Op.UPDATE_L1_STATE) + count(Op.PRUNE_CONFIRMED) + count(Op.FORGET_CONFIRMED)
                    + count(Op.SAVE_CURSOR)
                    + count(Op.SAVE_FORCED_TICKET)
                    + count(Op.SAVE_SETTING);
        }

        /** The next {@code n} reads throw {@link StorageException}. */
        void failNextReads(int n) {
            failReads.set(n);
        }

        /** Runs {@code hook} once, inside the next {@link #readTxs} call, before it reads. */
        void onNextReadTxs(Runnable hook) {
            onReadTxs.set(hook);
        }

        private void write(Op op) {
            counts.get(op).incrementAndGet();
        }

        private void read() {
            counts.get(Op.READ).incrementAndGet();
            if (failReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new StorageException("injected read failure");
            }
        }

        @Override
        public TermClaim claimTerm(long term, String leaderId, long nowMs) {
            write(Op.CLAIM_TERM);
            return delegate.claimTerm(term, leaderId, nowMs);
        }

        @Override
        public LeaderRecord readLeader() {
            read();
            return delegate.readLeader();
        }

        @Override
        public WriteOutcome heartbeat(long term, long nowMs) {
            write(Op.HEARTBEAT);
            return delegate.heartbeat(term, nowMs);
        }

        @Override
        public AppendOutcome appendTxs(long term, TxAppend txs) {
            write(Op.APPEND_TXS);
            return delegate.appendTxs(term, txs);
        }

        @Override
        public Optional<StoredTx> findTx(byte[] txHash) {
            read();
            return delegate.findTx(txHash);
        }

        @Override
        public Optional<SealedGroup> findSealedGroup(long seq) {
            read();
            return delegate.findSealedGroup(seq);
        }

        @Override
        public List<StoredTx> readTxs(long fromSeq, int maxCount) {
            Runnable hook = onReadTxs.getAndSet(null);
            if (hook != null) {
                hook.run();
            }
            read();
            return delegate.readTxs(fromSeq, maxCount);
        }

        @Override
        public SequenceState readSequenceState() {
            read();
            return delegate.readSequenceState();
        }

        @Override
        public CommitOutcome commitBatch(long term, NewBatch batch) {
            write(Op.COMMIT_BATCH);
            return delegate.commitBatch(term, batch);
        }

        @Override
        public WriteOutcome updateL1State(long term, long batchNumber, BatchL1State state) {
            write(Op.UPDATE_L1_STATE);
            return delegate.updateL1State(term, batchNumber, state);
        }

        @Override
        public PruneOutcome pruneConfirmed(long term, long throughBatchNumber, int maxBatches) {
            write(Op.PRUNE_CONFIRMED);
            return delegate.pruneConfirmed(term, throughBatchNumber, maxBatches);
        }

        @Override
        public PruneOutcome forgetConfirmed(long term, long throughBatchNumber, int maxBatches) {
            write(Op.FORGET_CONFIRMED);
            return delegate.forgetConfirmed(term, throughBatchNumber, maxBatches);
        }

        @Override
        public Optional<StoredBatch> findBatch(byte[] batchHash) {
            read();
            return delegate.findBatch(batchHash);
        }

        @Override
        public Optional<StoredBatch> findBatchByNumber(long batchNumber) {
            read();
            return delegate.findBatchByNumber(batchNumber);
        }

        @Override
        public Optional<StoredBatch> findBatchContaining(long seq) {
            read();
            return delegate.findBatchContaining(seq);
        }

        @Override
        public List<StoredBatch> listBatches(long fromNumber, int maxCount) {
            read();
            return delegate.listBatches(fromNumber, maxCount);
        }

        @Override
        public List<StoredBatch> listBatchesInStatus(Set<L1Status> statuses, int maxCount) {
            read();
            return delegate.listBatchesInStatus(statuses, maxCount);
        }

        @Override
        public BatchCounts countBatches() {
            read();
            return delegate.countBatches();
        }

        @Override
        public WriteOutcome saveCursor(long term, String name, long value) {
            write(Op.SAVE_CURSOR);
            return delegate.saveCursor(term, name, value);
        }

        @Override
        public long readCursor(String name) {
            read();
            return delegate.readCursor(name);
        }

        @Override
        public WriteOutcome saveSetting(long term, String name, String value) {
            write(Op.SAVE_SETTING);
            return delegate.saveSetting(term, name, value);
        }

        @Override
        public Optional<String> readSetting(String name) {
            read();
            return delegate.readSetting(name);
        }

        @Override
        public WriteOutcome saveForcedTicket(long term, ForcedTicket ticket) {
            write(Op.SAVE_FORCED_TICKET);
            return delegate.saveForcedTicket(term, ticket);
        }

        @Override
        public Optional<ForcedTicket> findForcedTicket(byte[] txHash) {
            read();
            return delegate.findForcedTicket(txHash);
        }

        @Override
        public List<ForcedTicket> listForcedTickets(String account, int maxCount) {
            read();
            return delegate.listForcedTickets(account, maxCount);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
