package org.ippan.l2.core.engine;

import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.TermClaim;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TermRefused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leadership room: the state machine of {@link SequencerState}, its one transition funnel, the term claim and
 * fencing.
 *
 * <pre>
 *   single mode:
 *   NEW --start, candidacy wants to lead, claim granted--> LEADER --a write met a higher term--> FENCED
 *   NEW --start, candidacy does not want to lead--------> FOLLOWER
 *   LEADER --stepDown--> FOLLOWER
 *   lease mode:
 *   NEW --start--> FOLLOWER --lease won, next term claimed--> LEADER
 *   LEADER --stepDown, lease lost or not renewed in time, a write met a higher term--> FOLLOWER
 *   any --close--> CLOSED
 * </pre>
 *
 * <p>In lease mode a leader may write only until a deadline on the {@link NanoClock}, set from the time it sent its
 * last successful lease renewal ({@link #writableUntil}): {@link #isLeader} turns false at that deadline, before the
 * lease can have expired in the lease store, even when no step has run since to notice it.
 *
 * <p>Who <em>tries</em> to lead, and with which term, is the {@link Candidacy}'s answer (today: static
 * configuration). Whose writes count is storage's: {@link #start} claims the term with a compare-and-set, rebuilds the
 * engine's view from storage alone, and only then leads; every later leader write is conditional on the term, and the
 * first one refused reports {@link #fenced}, which stops every write of this node at once.
 *
 * <p>What happens around the transitions (recovery, leader tasks, failing queued submissions, waking the loops) is
 * the engine's, given as {@link #hooks}: this room names no loop. Thread-safe.
 */
final class Leadership implements LeaderGate {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    /** Marks "no deadline": single mode. */
    private static final long NO_DEADLINE = Long.MIN_VALUE;

    private final Candidacy candidacy;
    private final boolean leaseMode;
    private final String leaderId;
    private final Storage storage;
    private final EpochClock wallClock;
    private final NanoClock nanoClock;
    private final SequencerMetrics metrics;
    private final Health health;
    /** What the engine does at the transitions (see {@link #hooks}). */
    private Runnable recoverFromStorage;
    private LongConsumer startedLeading;
    private Consumer<String> stoppedLeading;
    private Runnable stoppedWriting;

    private final Object lock = new Object();
    private volatile SequencerState state = SequencerState.NEW;
    private volatile String stateReason = "built, not started";
    private volatile long timeOfLastStateChangeNs;
    private volatile long term;
    /** In lease mode: the {@link NanoClock} time at which writes stop unless the lease is renewed. */
    private volatile long writableUntilNs = NO_DEADLINE;

    Leadership(Candidacy candidacy, boolean leaseMode, String leaderId, Storage storage, EpochClock wallClock,
            NanoClock nanoClock, SequencerMetrics metrics, Health health) {
        this.candidacy = candidacy;
        this.leaseMode = leaseMode;
        this.leaderId = leaderId;
        this.storage = storage;
        this.wallClock = wallClock;
        this.nanoClock = nanoClock;
        this.metrics = metrics;
        this.health = health;
        this.term = leaseMode ? 0 : candidacy.termToClaim();
        this.timeOfLastStateChangeNs = nanoClock.nanoTime();
    }

    /**
     * Sets what the engine does at the transitions; called once, before {@link #start}.
     *
     * @param recoverFromStorage rebuilds the engine's view from storage (under this room's lock, before leading)
     * @param startedLeading the node leads with the given term: start what runs only while leading, wake the loops
     * @param stoppedLeading the node no longer leads (fenced or closed), for the given reason
     * @param stoppedWriting writes are refused from now on: answer whatever is queued
     */
    void hooks(Runnable recoverFromStorage, LongConsumer startedLeading, Consumer<String> stoppedLeading,
            Runnable stoppedWriting) {
        this.recoverFromStorage = recoverFromStorage;
        this.startedLeading = startedLeading;
        this.stoppedLeading = stoppedLeading;
        this.stoppedWriting = stoppedWriting;
    }

    /**
     * Starts in the role the candidacy asks for (see {@code Sequencer.start}).
     *
     * @throws SequencerStartException if the claim is refused or storage fails; the node stays {@code NEW}
     * @throws IllegalStateException if already started
     */
    void start() {
        long claimed;
        synchronized (lock) {
            if (state != SequencerState.NEW) {
                throw new IllegalStateException("already started (state " + state + ")");
            }
            if (leaseMode) {
                transition(SequencerState.FOLLOWER, candidacy.wantsToLead()
                        ? "started as a standby: campaigning for the lease" : "started as a read-only follower");
                return;
            }
            if (!candidacy.wantsToLead()) {
                transition(SequencerState.FOLLOWER, "started as a read-only follower");
                return;
            }
            claimed = candidacy.termToClaim();
            TermClaim claim;
            try {
                claim = storage.claimTerm(claimed, leaderId, wallClock.currentTimeMs());
            } catch (StorageException e) {
                health.storageWriteFailed(e);
                throw new SequencerStartException("storage failed while claiming term " + claimed + ": "
                        + e.getMessage(), e);
            }
            if (claim instanceof TermRefused refused) {
                throw new SequencerStartException(candidacy.refusalMessage(refused.storedTerm(),
                        refused.storedLeaderId()));
            }
            term = claimed;
            try {
                recoverFromStorage.run();
            } catch (StorageException e) {
                health.storageReadFailed(e);
                throw new SequencerStartException("storage failed while recovering state: " + e.getMessage(), e);
            }
            TermGranted granted = (TermGranted) claim;
            transition(SequencerState.LEADER, "claimed term " + claimed + " (storage held term "
                    + granted.previousTerm() + (granted.previousLeaderId() == null ? "" : " of "
                    + granted.previousLeaderId()) + ")");
        }
        startedLeading.accept(claimed);
    }

    /**
     * Lease mode: leads after this node won the lease. Claims the term after the stored one with a compare-and-set,
     * rebuilds the engine's view from storage alone, then leads until {@code writableUntilNs}.
     *
     * @param writableUntilNs when writes stop unless the lease is renewed (see {@link #writableUntil})
     * @param how how the lease was won, for the log and the state reason
     * @return the claimed term, or -1 if this node is not a standby (closed, or leading already) or another node
     *         claimed a term in between (the claim was refused)
     * @throws StorageException if storage failed while claiming or recovering; the node stays a standby
     */
    long leadWithLease(long writableUntilNs, String how) {
        long claimed;
        synchronized (lock) {
            if (state != SequencerState.FOLLOWER || !leaseMode) {
                return -1;
            }
            LeaderRecord stored = storage.readLeader();
            claimed = stored.term() + 1;
            TermClaim claim = storage.claimTerm(claimed, leaderId, wallClock.currentTimeMs());
            if (claim instanceof TermRefused refused) {
                LOG.warn("won the lease but could not claim term {}: storage holds term {} of {}", claimed,
                        refused.storedTerm(), refused.storedLeaderId());
                return -1;
            }
            term = claimed;
            this.writableUntilNs = writableUntilNs;
            recoverFromStorage.run();
            transition(SequencerState.LEADER, how + "; claimed term " + claimed + " (storage held term "
                    + stored.term() + (stored.leaderId() == null ? "" : " of " + stored.leaderId()) + ")");
        }
        startedLeading.accept(claimed);
        return claimed;
    }

    /**
     * Lease mode: moves the write deadline after a renewal.
     *
     * @param writableUntilNs the {@link NanoClock} time at which writes stop unless the lease is renewed again:
     *        the time the renewal was <em>sent</em>, plus the lease's time to live, less the safety margin
     */
    void writableUntil(long writableUntilNs) {
        this.writableUntilNs = writableUntilNs;
    }

    /** @return in lease mode, the {@link NanoClock} time at which writes stop unless the lease is renewed */
    long writableUntilNs() {
        return writableUntilNs;
    }

    /**
     * Stops leading: this node admits, cuts, posts and heartbeats no more, and answers what is queued. In lease mode
     * it becomes a standby again; in single mode it stays a follower until restarted.
     *
     * @param reason why, for the log and the state reason
     * @return true if it was leading
     */
    boolean stepDown(String reason) {
        synchronized (lock) {
            if (state != SequencerState.LEADER) {
                return false;
            }
            transition(SequencerState.FOLLOWER, reason);
        }
        stoppedLeading.accept(reason);
        stoppedWriting.run();
        return true;
    }

    @Override
    public void fenced(long storedTerm, String where) {
        synchronized (lock) {
            if (state != SequencerState.LEADER || storedTerm <= term) {
                return; // not leading, or a write of an earlier term of this node: it is not a higher term
            }
            String reason = "storage holds term " + storedTerm + ", higher than this node's term " + term
                    + " (seen by " + where + "); stopped admitting, cutting, posting and heartbeating";
            transition(leaseMode ? SequencerState.FOLLOWER : SequencerState.FENCED, leaseMode
                    ? reason + "; standing by" : reason);
        }
        stoppedLeading.accept("fenced by term " + storedTerm);
        stoppedWriting.run();
    }

    /** Closes the node: no state but {@code CLOSED} follows. Idempotent. */
    void close() {
        boolean wasLeader;
        synchronized (lock) {
            if (state == SequencerState.CLOSED) {
                return;
            }
            wasLeader = state == SequencerState.LEADER;
            transition(SequencerState.CLOSED, "closed");
        }
        if (wasLeader) {
            stoppedLeading.accept("closed");
        }
        stoppedWriting.run();
    }

    /** The one transition funnel: logs, stamps the time and reports the change. */
    private void transition(SequencerState to, String reason) {
        SequencerState from = state;
        state = to;
        stateReason = reason;
        timeOfLastStateChangeNs = nanoClock.nanoTime();
        if (to == SequencerState.FENCED || from == SequencerState.LEADER && to == SequencerState.FOLLOWER) {
            LOG.warn("{} -> {}: {}", from, to, reason);
        } else {
            LOG.info("{} -> {}: {}", from, to, reason);
        }
        metrics.recordStateChange(from, to);
    }

    @Override
    public boolean isLeader() {
        if (state != SequencerState.LEADER) {
            return false;
        }
        long until = writableUntilNs;
        return until == NO_DEADLINE || nanoClock.nanoTime() - until < 0;
    }

    @Override
    public long term() {
        return term;
    }

    @Override
    public String notLeaderMessage() {
        return switch (state) {
            case FOLLOWER -> leaseMode ? "this node (" + leaderId + ") is not the leader: " + stateReason
                    : "this node (" + leaderId + ") is a read-only follower";
            case LEADER -> "this node (" + leaderId + ") stopped writing: its lease was not renewed in time";
            case FENCED -> "this node was fenced: " + stateReason;
            case NEW -> "this node is not started";
            default -> "this node is closed";
        };
    }

    SequencerState state() {
        return state;
    }

    String stateReason() {
        return stateReason;
    }

    long timeOfLastStateChangeNs() {
        return timeOfLastStateChangeNs;
    }
}
