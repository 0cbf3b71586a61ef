package org.ippan.l2.core.engine;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
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

/**
 * The engine's one view of the host's storage: every call reports to {@link Health}, writes as writes and reads as
 * reads, so that whichever part of the engine meets a storage failure, readiness sees it, and only a write that
 * went through clears a write failure. A write answered {@code Fenced} or {@code Conflict} went through: storage
 * works, the node is deposed or behind. Thread-safe if the delegate is.
 */
final class HealthCheckedStorage implements Storage {
    private final Storage delegate;
    private final Health health;

    HealthCheckedStorage(Storage delegate, Health health) {
        this.delegate = delegate;
        this.health = health;
    }

    private <T> T write(Supplier<T> call) {
        T outcome;
        try {
            outcome = call.get();
        } catch (StorageException e) {
            health.storageWriteFailed(e);
            throw e;
        }
        health.storageWriteOk();
        return outcome;
    }

    private <T> T read(Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (StorageException e) {
            health.storageReadFailed(e);
            throw e;
        }
        health.storageReadOk();
        return result;
    }

    @Override
    public TermClaim claimTerm(long term, String leaderId, long nowMs) {
        return write(() -> delegate.claimTerm(term, leaderId, nowMs));
    }

    @Override
    public LeaderRecord readLeader() {
        return read(delegate::readLeader);
    }

    @Override
    public WriteOutcome heartbeat(long term, long nowMs) {
        return write(() -> delegate.heartbeat(term, nowMs));
    }

    @Override
    public AppendOutcome appendTxs(long term, TxAppend txs) {
        return write(() -> delegate.appendTxs(term, txs));
    }

    @Override
    public Optional<StoredTx> findTx(byte[] txHash) {
        return read(() -> delegate.findTx(txHash));
    }

    @Override
    public Optional<SealedGroup> findSealedGroup(long seq) {
        return read(() -> delegate.findSealedGroup(seq));
    }

    @Override
    public List<StoredTx> readTxs(long fromSeq, int maxCount) {
        return read(() -> delegate.readTxs(fromSeq, maxCount));
    }

    @Override
    public SequenceState readSequenceState() {
        return read(delegate::readSequenceState);
    }

    @Override
    public CommitOutcome commitBatch(long term, NewBatch batch) {
        return write(() -> delegate.commitBatch(term, batch));
    }

    @Override
    public WriteOutcome updateL1State(long term, long batchNumber, BatchL1State state) {
        return write(() -> delegate.updateL1State(term, batchNumber, state));
    }

    @Override
    public PruneOutcome pruneConfirmed(long term, long throughBatchNumber, int maxBatches) {
        return write(() -> delegate.pruneConfirmed(term, throughBatchNumber, maxBatches));
    }

    @Override
    public PruneOutcome forgetConfirmed(long term, long throughBatchNumber, int maxBatches) {
        return write(() -> delegate.forgetConfirmed(term, throughBatchNumber, maxBatches));
    }

    @Override
    public Optional<StoredBatch> findBatch(byte[] batchHash) {
        return read(() -> delegate.findBatch(batchHash));
    }

    @Override
    public Optional<StoredBatch> findBatchByNumber(long batchNumber) {
        return read(() -> delegate.findBatchByNumber(batchNumber));
    }

    @Override
    public Optional<StoredBatch> findBatchContaining(long seq) {
        return read(() -> delegate.findBatchContaining(seq));
    }

    @Override
    public List<StoredBatch> listBatches(long fromNumber, int maxCount) {
        return read(() -> delegate.listBatches(fromNumber, maxCount));
    }

    @Override
    public List<StoredBatch> listBatchesInStatus(Set<L1Status> statuses, int maxCount) {
        return read(() -> delegate.listBatchesInStatus(statuses, maxCount));
    }

    @Override
    public BatchCounts countBatches() {
        return read(delegate::countBatches);
    }

    /** Does nothing: the storage is the host's, which closes it after the engine (the engine never calls this). */
    @Override
    public WriteOutcome saveCursor(long term, String name, long value) {
        return write(() -> delegate.saveCursor(term, name, value));
    }

    @Override
    public long readCursor(String name) {
        return read(() -> delegate.readCursor(name));
    }

    @Override
    public WriteOutcome saveSetting(long term, String name, String value) {
        return write(() -> delegate.saveSetting(term, name, value));
    }

    @Override
    public Optional<String> readSetting(String name) {
        return read(() -> delegate.readSetting(name));
    }

    @Override
    public WriteOutcome saveForcedTicket(long term, ForcedTicket ticket) {
        return write(() -> delegate.saveForcedTicket(term, ticket));
    }

    @Override
    public Optional<ForcedTicket> findForcedTicket(byte[] txHash) {
        return read(() -> delegate.findForcedTicket(txHash));
    }

    @Override
    public List<ForcedTicket> listForcedTickets(String account, int maxCount) {
        return read(() -> delegate.listForcedTickets(account, maxCount));
    }

    @Override
    public void close() {
        // the host owns the delegate
    }
}
