package org.ippan.l2.node;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.ForwardingStorage;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StorageFullException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TermClaim;
import org.ippan.l2.storage.TransientStorageException;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.WriteOutcome;

/**
 * Test storage: a real storage (e.g. JDBC on SQLite) whose writes fail on demand, the two ways the {@link Storage}
 * contract allows: {@link #failWrites} makes every write throw {@link TransientStorageException} without applying
 * it (the store is down); {@link #loseNextAppendAcks} applies the next tx appends and then throws
 * {@link StorageException} (the commit landed, its acknowledgement was lost). {@link #failWritesAsFull} makes every
 * write throw {@link StorageFullException} without applying it, as the JDBC adapter does on SQLite's
 * {@code SQLITE_FULL}. {@link #failLookups} makes the API's lookups ({@code findTx}, {@code findBatch},
 * {@code listBatches}) throw a given storage failure; other reads always pass through.
 */
final class FaultInjectingStorage extends ForwardingStorage {
    /** Starts every injected failure's message. */
    static final String INJECTED = "injected";

    private volatile boolean failWrites;
    private volatile boolean failWritesAsFull;
    private volatile Supplier<? extends StorageException> lookupFailure;
    private final AtomicInteger appendAcksToLose = new AtomicInteger();
    private final AtomicInteger injectedFailures = new AtomicInteger();

    FaultInjectingStorage(Storage delegate) {
        super(delegate);
    }

    /** While {@code fail}, every write throws {@link TransientStorageException} and applies nothing. */
    void failWrites(boolean fail) {
        this.failWrites = fail;
    }

    /** While {@code full}, every write throws {@link StorageFullException} and applies nothing: a full disk. */
    void failWritesAsFull(boolean full) {
        this.failWritesAsFull = full;
    }

    /** While non-null, {@code findTx}, {@code findBatch} and {@code listBatches} throw what {@code failure} makes. */
    void failLookups(Supplier<? extends StorageException> failure) {
        this.lookupFailure = failure;
    }

    private void beforeLookup() {
        Supplier<? extends StorageException> failure = lookupFailure;
        if (failure != null) {
            throw failure.get();
        }
    }

    /** The next {@code count} tx appends are applied, then throw {@link StorageException}. */
    void loseNextAppendAcks(int count) {
        appendAcksToLose.set(count);
    }

    /** @return how many writes failed by injection so far */
    int injectedFailures() {
        return injectedFailures.get();
    }

    private void beforeWrite(String write) {
        if (failWrites) {
            injectedFailures.incrementAndGet();
            throw new TransientStorageException(INJECTED + ": " + write + " failed, the store is down");
        }
        if (failWritesAsFull) {
            injectedFailures.incrementAndGet();
            throw new StorageFullException(INJECTED + ": " + write + " failed: SQLite storage is full: "
                    + "[SQLITE_FULL] Insertion failed because database is full (database or disk is full)", null);
        }
    }

    @Override
    public TermClaim claimTerm(long term, String leaderId, long nowMs) {
        beforeWrite("claimTerm");
        return delegate().claimTerm(term, leaderId, nowMs);
    }

    @Override
    public WriteOutcome heartbeat(long term, long nowMs) {
        beforeWrite("heartbeat");
        return delegate().heartbeat(term, nowMs);
    }

    @Override
    public AppendOutcome appendTxs(long term, TxAppend txs) {
        beforeWrite("appendTxs");
        AppendOutcome outcome = delegate().appendTxs(term, txs);
        if (appendAcksToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            injectedFailures.incrementAndGet();
            throw new StorageException(INJECTED + ": appendTxs applied, its commit acknowledgement was lost");
        }
        return outcome;
    }

    @Override
    public Optional<StoredTx> findTx(byte[] txHash) {
        beforeLookup();
        return delegate().findTx(txHash);
    }

    @Override
    public CommitOutcome commitBatch(long term, NewBatch batch) {
        beforeWrite("commitBatch");
        return delegate().commitBatch(term, batch);
    }

    @Override
    public WriteOutcome updateL1State(long term, long batchNumber, BatchL1State state) {
        beforeWrite("updateL1State");
        return delegate().updateL1State(term, batchNumber, state);
    }

    @Override
    public Optional<StoredBatch> findBatch(byte[] batchHash) {
        beforeLookup();
        return delegate().findBatch(batchHash);
    }

    @Override
    public List<StoredBatch> listBatches(long fromNumber, int maxCount) {
        beforeLookup();
        return delegate().listBatches(fromNumber, maxCount);
    }

}
