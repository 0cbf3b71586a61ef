package org.ippan.l2.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
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
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TermClaim;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.WriteOutcome;

/**
 * A {@link Storage} decorator whose next writes of a kind can be answered from a script instead of the store: the
 * scripted answer is returned and nothing is written (a {@code Fenced} or {@code Conflict} as a real store gives
 * it), or, with {@link #afterWriting}, the write lands and the scripted answer is returned instead of the real one
 * (a store that lies, or an answer lost on the way). Everything else goes to the delegate(). It reaches the engine
 * only through the storage port, so it pins behaviour whatever the engine's inner classes are called.
 */
final class ScriptedStorage extends ForwardingStorage {
    /** One scripted answer (an outcome, or a failure to throw) for the next write its filter matches. */
    private record Scripted<T>(Predicate<Object> matches, T outcome, RuntimeException failure, boolean land) {
        T answer() {
            if (failure != null) {
                throw failure;
            }
            return outcome;
        }
    }

    private final Deque<Scripted<CommitOutcome>> commits = new ArrayDeque<>();
    private final Deque<Scripted<WriteOutcome>> l1States = new ArrayDeque<>();
    private final Deque<Scripted<AppendOutcome>> appends = new ArrayDeque<>();
    private final List<BatchL1State> l1StateWrites = new ArrayList<>();
    private volatile Runnable beforeAppend = () -> {};
    private volatile Runnable beforeClaim = () -> {};
    private boolean landNext;

    ScriptedStorage(Storage delegate) {
        super(delegate);
    }

    /** The next batch commit answers {@code outcome}; nothing is written. */
    synchronized ScriptedStorage nextCommit(CommitOutcome outcome) {
        commits.add(new Scripted<>(any -> true, outcome, null, takeLand()));
        return this;
    }

    /** The next batch commit throws {@code failure}; nothing is written. */
    synchronized ScriptedStorage nextCommitThrows(RuntimeException failure) {
        commits.add(new Scripted<>(any -> true, null, failure, takeLand()));
        return this;
    }

    /** The next L1 state write of {@code status} answers {@code outcome}; nothing is written. */
    synchronized ScriptedStorage nextL1State(L1Status status, WriteOutcome outcome) {
        l1States.add(new Scripted<>(s -> ((BatchL1State) s).status() == status, outcome, null, takeLand()));
        return this;
    }

    /** The next L1 state write of {@code status} throws {@code failure}; nothing is written. */
    synchronized ScriptedStorage nextL1StateThrows(L1Status status, RuntimeException failure) {
        l1States.add(new Scripted<>(s -> ((BatchL1State) s).status() == status, null, failure, takeLand()));
        return this;
    }

    /** The next tx append answers {@code outcome}; nothing is written. */
    synchronized ScriptedStorage nextAppend(AppendOutcome outcome) {
        appends.add(new Scripted<>(any -> true, outcome, null, takeLand()));
        return this;
    }

    /** The next scripted answer is given after the real write has landed (the store's own answer is dropped). */
    synchronized ScriptedStorage afterWriting() {
        landNext = true;
        return this;
    }

    /** Runs {@code hook} at the start of every tx append, before anything is written (to hold a writer). */
    void beforeAppend(Runnable hook) {
        this.beforeAppend = hook;
    }

    /** Runs {@code hook} at the start of every term claim, before anything is written (to race a claimer). */
    void beforeClaim(Runnable hook) {
        this.beforeClaim = hook;
    }

    /** @return every L1 state the engine asked to write, scripted or not, in order */
    synchronized List<BatchL1State> l1StateWrites() {
        return List.copyOf(l1StateWrites);
    }

    private boolean takeLand() {
        boolean land = landNext;
        landNext = false;
        return land;
    }

    private synchronized <T> Scripted<T> take(Deque<Scripted<T>> script, Object argument) {
        for (Scripted<T> s : script) {
            if (s.matches().test(argument)) {
                script.remove(s);
                return s;
            }
        }
        return null;
    }

    @Override
    public CommitOutcome commitBatch(long term, NewBatch batch) {
        Scripted<CommitOutcome> s = take(commits, batch);
        if (s == null) {
            return delegate().commitBatch(term, batch);
        }
        if (s.land()) {
            delegate().commitBatch(term, batch);
        }
        return s.answer();
    }

    @Override
    public WriteOutcome updateL1State(long term, long batchNumber, BatchL1State state) {
        synchronized (this) {
            l1StateWrites.add(state);
        }
        Scripted<WriteOutcome> s = take(l1States, state);
        if (s == null) {
            return delegate().updateL1State(term, batchNumber, state);
        }
        if (s.land()) {
            delegate().updateL1State(term, batchNumber, state);
        }
        return s.answer();
    }

    @Override
    public AppendOutcome appendTxs(long term, TxAppend txs) {
        beforeAppend.run();
        Scripted<AppendOutcome> s = take(appends, txs);
        if (s == null) {
            return delegate().appendTxs(term, txs);
        }
        if (s.land()) {
            delegate().appendTxs(term, txs);
        }
        return s.answer();
    }

    @Override
    public TermClaim claimTerm(long term, String leaderId, long nowMs) {
        beforeClaim.run();
        return delegate().claimTerm(term, leaderId, nowMs);
    }

}
