package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.Committed;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.ForcedTicket;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.PruneOutcome;
import org.ippan.l2.storage.Pruned;
import org.ippan.l2.storage.SealedGroup;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TermClaim;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.WriteOutcome;
import org.ippan.l2.storage.Written;

/**
 * The storage one engine object sees: delegates to the shared store, audits every write it makes (which term
 * asked, which term storage held, whether the write landed) into a shared {@link Audit}, and can simulate the
 * process dying just before or just after a chosen write. Once it crashed it is dead: every later call of this
 * engine object throws {@link SimulatedCrash}, so a dropped engine can never touch storage again.
 */
final class CrashingStorage implements Storage {
    /** The kinds of writes. */
    enum Op { CLAIM_TERM, HEARTBEAT, APPEND_TXS, COMMIT_BATCH, UPDATE_L1_STATE, PRUNE_CONFIRMED, FORGET_CONFIRMED, SAVE_CURSOR, SAVE_FORCED_TICKET, SAVE_SETTING }

    /** Where, relative to the delegated write, the process dies. */
    enum When { BEFORE, AFTER }

    /**
     * One write call.
     *
     * @param op the kind
     * @param term the caller's term
     * @param batchNumber the batch it is about (0 if none)
     * @param status the L1 status written (null unless {@link Op#UPDATE_L1_STATE})
     */
    record Call(Op op, long term, long batchNumber, L1Status status) {}

    private final Storage delegate;
    private final String owner;
    private final Audit audit;
    private BooleanSupplier fenced = () -> false;
    private Predicate<Call> crashWhere;
    private When crashWhen;
    private String crashLabel;
    private boolean dead;
    private int writeAttempts;
    private int writeAttemptsAfterFence;
    private final List<Op> fencedAnswers = new ArrayList<>();

    CrashingStorage(Storage delegate, String owner, Audit audit) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.owner = owner;
        this.audit = audit;
    }

    /** Tells the decorator how to see whether its engine already reports itself fenced. */
    void fencedWhen(BooleanSupplier isFenced) {
        this.fenced = isFenced;
    }

    /** Arms a one-shot crash {@code when} relative to the first write matching {@code where}. */
    void crashAt(When when, String label, Predicate<Call> where) {
        this.crashWhen = when;
        this.crashLabel = label;
        this.crashWhere = where;
    }

    void disarm() {
        crashWhere = null;
    }

    boolean armed() {
        return crashWhere != null;
    }

    boolean dead() {
        return dead;
    }

    /** Kills this engine object's access to storage (a crash between two calls). */
    void kill() {
        dead = true;
    }

    int writeAttempts() {
        return writeAttempts;
    }

    int writeAttemptsAfterFence() {
        return writeAttemptsAfterFence;
    }

    /** @return the writes that storage answered {@link Fenced}, in order */
    List<Op> fencedAnswers() {
        return List.copyOf(fencedAnswers);
    }

    // ---- writes ------------------------------------------------------------------------------------------------

    @Override
    public TermClaim claimTerm(long term, String leaderId, long nowMs) {
        return write(new Call(Op.CLAIM_TERM, term, 0, null), () -> delegate.claimTerm(term, leaderId, nowMs));
    }

    @Override
    public WriteOutcome heartbeat(long term, long nowMs) {
        return write(new Call(Op.HEARTBEAT, term, 0, null), () -> delegate.heartbeat(term, nowMs));
    }

    @Override
    public AppendOutcome appendTxs(long term, TxAppend txs) {
        return write(new Call(Op.APPEND_TXS, term, 0, null), () -> delegate.appendTxs(term, txs));
    }

    @Override
    public CommitOutcome commitBatch(long term, NewBatch batch) {
        return write(new Call(Op.COMMIT_BATCH, term, batch.batchNumber(), null),
                () -> delegate.commitBatch(term, batch));
    }

    @Override
    public WriteOutcome updateL1State(long term, long batchNumber, BatchL1State state) {
        return write(new Call(Op.UPDATE_L1_STATE, term, batchNumber, state.status()),
                () -> delegate.updateL1State(term, batchNumber, state));
    }

    @Override
    public PruneOutcome pruneConfirmed(long term, long throughBatchNumber, int maxBatches) {
        return write(new Call(Op.PRUNE_CONFIRMED, term, 0, null),
                () -> delegate.pruneConfirmed(term, throughBatchNumber, maxBatches));
    }

    @Override
    public PruneOutcome forgetConfirmed(long term, long throughBatchNumber, int maxBatches) {
        return write(new Call(Op.FORGET_CONFIRMED, term, 0, null),
                () -> delegate.forgetConfirmed(term, throughBatchNumber, maxBatches));
    }

    @Override
    public WriteOutcome saveCursor(long term, String name, long value) {
        return write(new Call(Op.SAVE_CURSOR, term, 0, null), () -> delegate.saveCursor(term, name, value));
    }

    @Override
    public WriteOutcome saveSetting(long term, String name, String value) {
        return write(new Call(Op.SAVE_SETTING, term, 0, null), () -> delegate.saveSetting(term, name, value));
    }

    @Override
    public WriteOutcome saveForcedTicket(long term, ForcedTicket ticket) {
        return write(new Call(Op.SAVE_FORCED_TICKET, term, 0, null), () -> delegate.saveForcedTicket(term, ticket));
    }

    private <T> T write(Call call, Supplier<T> action) {
        checkAlive();
        writeAttempts++;
        if (fenced.getAsBoolean()) {
            writeAttemptsAfterFence++;
            audit.violation(owner + " attempted " + call + " after it reported itself fenced");
        }
        boolean crash = crashWhere != null && crashWhere.test(call);
        if (crash && crashWhen == When.BEFORE) {
            die();
        }
        Snapshot before = snapshot(call);
        T outcome = null;
        RuntimeException failure = null;
        try {
            outcome = action.get();
        } catch (RuntimeException e) {
            failure = e;
        }
        Snapshot after = snapshot(call);
        audit.record(owner, call, before, after, outcome);
        if (outcome instanceof Fenced) {
            fencedAnswers.add(call.op());
        }
        if (crash) {
            die();
        }
        if (failure != null) {
            throw failure;
        }
        return outcome;
    }

    private void die() {
        dead = true;
        crashWhere = null;
        audit.crashes.merge(crashLabel, 1, Integer::sum);
        throw new SimulatedCrash(owner + " " + crashLabel);
    }

    private void checkAlive() {
        if (dead) {
            throw new SimulatedCrash(owner + " is dead and may not touch storage");
        }
    }

    /** What a write may change, read just before and just after it (reads are never faulted). */
    private record Snapshot(LeaderRecord leader, SequenceState sequence, BatchL1State batchState) {}

    private Snapshot snapshot(Call call) {
        LeaderRecord leader = delegate.readLeader();
        SequenceState sequence = delegate.readSequenceState();
        BatchL1State batchState = null;
        if (call.op() == Op.UPDATE_L1_STATE) {
            batchState = delegate.findBatchByNumber(call.batchNumber()).map(StoredBatch::l1State).orElse(null);
        }
        return new Snapshot(leader, sequence, batchState);
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    @Override
    public LeaderRecord readLeader() {
        checkAlive();
        return delegate.readLeader();
    }

    @Override
    public Optional<StoredTx> findTx(byte[] txHash) {
        checkAlive();
        return delegate.findTx(txHash);
    }

    @Override
    public Optional<SealedGroup> findSealedGroup(long seq) {
        checkAlive();
        return delegate.findSealedGroup(seq);
    }

    @Override
    public List<StoredTx> readTxs(long fromSeq, int maxCount) {
        checkAlive();
        return delegate.readTxs(fromSeq, maxCount);
    }

    @Override
    public SequenceState readSequenceState() {
        checkAlive();
        return delegate.readSequenceState();
    }

    @Override
    public Optional<StoredBatch> findBatch(byte[] batchHash) {
        checkAlive();
        return delegate.findBatch(batchHash);
    }

    @Override
    public Optional<StoredBatch> findBatchByNumber(long batchNumber) {
        checkAlive();
        return delegate.findBatchByNumber(batchNumber);
    }

    @Override
    public Optional<StoredBatch> findBatchContaining(long seq) {
        checkAlive();
        return delegate.findBatchContaining(seq);
    }

    @Override
    public List<StoredBatch> listBatches(long fromNumber, int maxCount) {
        checkAlive();
        return delegate.listBatches(fromNumber, maxCount);
    }

    @Override
    public List<StoredBatch> listBatchesInStatus(Set<L1Status> statuses, int maxCount) {
        checkAlive();
        return delegate.listBatchesInStatus(statuses, maxCount);
    }

    @Override
    public BatchCounts countBatches() {
        checkAlive();
        return delegate.countBatches();
    }

    @Override
    public long readCursor(String name) {
        checkAlive();
        return delegate.readCursor(name);
    }

    @Override
    public Optional<String> readSetting(String name) {
        checkAlive();
        return delegate.readSetting(name);
    }

    @Override
    public Optional<ForcedTicket> findForcedTicket(byte[] txHash) {
        checkAlive();
        return delegate.findForcedTicket(txHash);
    }

    @Override
    public List<ForcedTicket> listForcedTickets(String account, int maxCount) {
        checkAlive();
        return delegate.listForcedTickets(account, maxCount);
    }

    /** The shared store belongs to the test, not to one engine: closing an engine's view closes nothing. */
    @Override
    public void close() {
        dead = true;
    }

    /**
     * Every write that any engine made to the shared store, and the rules it must have kept: a write lands only
     * under the term storage holds at that moment; a batch is confirmed only after every batch before it; a
     * confirmed batch never changes state again, and a batch becomes posted only from committed (or posted).
     */
    static final class Audit {
        private final Storage store;
        private final List<String> violations = new ArrayList<>();
        /** Batch number to the term of the write that committed it (== the stored term at that moment). */
        final Map<Long, Long> committedUnderTerm = new HashMap<>();
        final Map<Op, Integer> applied = new EnumMap<>(Op.class);
        final Map<Op, Integer> refusedAsFenced = new EnumMap<>(Op.class);
        final Map<String, Integer> crashes = new HashMap<>();

        Audit(Storage store) {
            this.store = store;
        }

        void violation(String message) {
            if (violations.size() < 50) {
                violations.add(message);
            }
        }

        List<String> violations() {
            return List.copyOf(violations);
        }

        int crashCount() {
            return crashes.values().stream().mapToInt(Integer::intValue).sum();
        }

        void record(String owner, Call call, Snapshot before, Snapshot after, Object outcome) {
            long storedTerm = before.leader().term();
            if (outcome instanceof Fenced) {
                refusedAsFenced.merge(call.op(), 1, Integer::sum);
                if (call.term() == storedTerm) {
                    violation(owner + ": " + call + " answered Fenced although storage held term " + storedTerm);
                }
            }
            boolean landed = landed(call, before, after, outcome);
            if (!landed) {
                return;
            }
            applied.merge(call.op(), 1, Integer::sum);
            if (call.op() == Op.CLAIM_TERM) {
                if (call.term() < storedTerm) {
                    violation(owner + ": claimed term " + call.term() + " below the stored term " + storedTerm);
                }
                return;
            }
            if (call.term() != storedTerm) {
                violation(owner + ": " + call + " landed although storage held term " + storedTerm);
            }
            if (call.op() == Op.COMMIT_BATCH) {
                long number = before.sequence().nextBatchNumber();
                committedUnderTerm.put(number, call.term());
            }
            if (call.op() == Op.UPDATE_L1_STATE) {
                checkTransition(owner, call, before.batchState(), after.batchState());
            }
        }

        private static boolean landed(Call call, Snapshot before, Snapshot after, Object outcome) {
            return switch (call.op()) {
                case CLAIM_TERM -> outcome instanceof TermGranted || !before.leader().equals(after.leader());
                case HEARTBEAT -> outcome instanceof Written || !before.leader().equals(after.leader());
                case APPEND_TXS -> (outcome instanceof Appended
                        && after.sequence().nextSeq() > before.sequence().nextSeq())
                        || after.sequence().nextSeq() != before.sequence().nextSeq();
                case COMMIT_BATCH -> outcome instanceof Committed
                        || after.sequence().nextBatchNumber() != before.sequence().nextBatchNumber();
                case UPDATE_L1_STATE -> outcome instanceof Written
                        || !Objects.equals(before.batchState(), after.batchState());
                case PRUNE_CONFIRMED, FORGET_CONFIRMED -> outcome instanceof Pruned;
                case SAVE_CURSOR, SAVE_FORCED_TICKET, SAVE_SETTING -> outcome instanceof Written;
            };
        }

        private void checkTransition(String owner, Call call, BatchL1State from, BatchL1State to) {
            if (from == null || to == null) {
                return;
            }
            L1Status was = from.status();
            L1Status now = to.status();
            if (was == L1Status.CONFIRMED && !from.equals(to)) {
                violation(owner + ": confirmed batch " + call.batchNumber() + " changed to " + to);
            }
            if (now == L1Status.POSTED && was != L1Status.COMMITTED && was != L1Status.POSTED) {
                violation(owner + ": batch " + call.batchNumber() + " went from " + was + " back to POSTED");
            }
            if (now == L1Status.CONFIRMED && was != L1Status.CONFIRMED) {
                for (StoredBatch other : store.listBatchesInStatus(EnumSet.complementOf(EnumSet.of(
                        L1Status.CONFIRMED)), 1)) {
                    if (other.batchNumber() < call.batchNumber()) {
                        violation(owner + ": batch " + call.batchNumber() + " confirmed while batch "
                                + other.batchNumber() + " is " + other.status());
                    }
                }
            }
        }
    }
}
