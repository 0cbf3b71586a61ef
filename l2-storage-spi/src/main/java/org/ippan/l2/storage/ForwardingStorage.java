package org.ippan.l2.storage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Storage} that passes every call on to another one: the base of decorators (fault injection, counting,
 * recording, health checks), which override only the calls they change. A decorator built on it passes on the
 * calls a later version of the port adds, so it keeps compiling and keeps the contract of what it wraps.
 */
public abstract class ForwardingStorage implements Storage {
    private final Storage delegate;

    /**
     * @param delegate the storage every call is passed to
     * @throws NullPointerException if {@code delegate} is null
     */
    protected ForwardingStorage(Storage delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return the storage every call is passed to */
    protected final Storage delegate() {
        return delegate;
    }

    @Override
    public TermClaim claimTerm(long term, String leaderId, long nowMs) {
        return delegate.claimTerm(term, leaderId, nowMs);
    }

    @Override
    public LeaderRecord readLeader() {
        return delegate.readLeader();
    }

    @Override
    public WriteOutcome heartbeat(long term, long nowMs) {
        return delegate.heartbeat(term, nowMs);
    }

    @Override
    public AppendOutcome appendTxs(long term, TxAppend txs) {
        return delegate.appendTxs(term, txs);
    }

    @Override
    public Optional<StoredTx> findTx(byte[] txHash) {
        return delegate.findTx(txHash);
    }

    @Override
    public List<StoredTx> readTxs(long fromSeq, int maxCount) {
        return delegate.readTxs(fromSeq, maxCount);
    }

    @Override
    public Optional<SealedGroup> findSealedGroup(long seq) {
        return delegate.findSealedGroup(seq);
    }

    @Override
    public SequenceState readSequenceState() {
        return delegate.readSequenceState();
    }

    @Override
    public CommitOutcome commitBatch(long term, NewBatch batch) {
        return delegate.commitBatch(term, batch);
    }

    @Override
    public WriteOutcome updateL1State(long term, long batchNumber, BatchL1State state) {
        return delegate.updateL1State(term, batchNumber, state);
    }

    @Override
    public PruneOutcome pruneConfirmed(long term, long throughBatchNumber, int maxBatches) {
        return delegate.pruneConfirmed(term, throughBatchNumber, maxBatches);
    }

    @Override
    public PruneOutcome forgetConfirmed(long term, long throughBatchNumber, int maxBatches) {
        return delegate.forgetConfirmed(term, throughBatchNumber, maxBatches);
    }

    @Override
    public Optional<StoredBatch> findBatch(byte[] batchHash) {
        return delegate.findBatch(batchHash);
    }

    @Override
    public Optional<StoredBatch> findBatchByNumber(long batchNumber) {
        return delegate.findBatchByNumber(batchNumber);
    }

    @Override
    public Optional<StoredBatch> findBatchContaining(long seq) {
        return delegate.findBatchContaining(seq);
    }

    @Override
    public List<StoredBatch> listBatches(long fromNumber, int maxCount) {
        return delegate.listBatches(fromNumber, maxCount);
    }

    @Override
    public List<StoredBatch> listBatchesInStatus(Set<L1Status> statuses, int maxCount) {
        return delegate.listBatchesInStatus(statuses, maxCount);
    }

    @Override
    public BatchCounts countBatches() {
        return delegate.countBatches();
    }

    @Override
    public WriteOutcome saveCursor(long term, String name, long value) {
        return delegate.saveCursor(term, name, value);
    }

    @Override
    public long readCursor(String name) {
        return delegate.readCursor(name);
    }

    @Override
    public WriteOutcome saveSetting(long term, String name, String value) {
        return delegate.saveSetting(term, name, value);
    }

    @Override
    public Optional<String> readSetting(String name) {
        return delegate.readSetting(name);
    }

    @Override
    public WriteOutcome saveForcedTicket(long term, ForcedTicket ticket) {
        return delegate.saveForcedTicket(term, ticket);
    }

    @Override
    public Optional<ForcedTicket> findForcedTicket(byte[] txHash) {
        return delegate.findForcedTicket(txHash);
    }

    @Override
    public List<ForcedTicket> listForcedTickets(String account, int maxCount) {
        return delegate.listForcedTickets(account, maxCount);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
