package org.ippan.l2.core.engine;

import java.util.function.Consumer;
import java.util.function.LongConsumer;
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
 *   NEW --start, candidacy wants to lead, claim granted--> LEADER --a write met a higher term--> FENCED
 *   NEW --start, candidacy does not want to lead--------> FOLLOWER
 *   any --close--> CLOSED
 * </pre>
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

    private final Candidacy candidacy;
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

    Leadership(Candidacy candidacy, String leaderId, Storage storage, EpochClock wallClock, NanoClock nanoClock,
            SequencerMetrics metrics, Health health) {
        this.candidacy = candidacy;
        this.leaderId = leaderId;
        this.storage = storage;
        this.wallClock = wallClock;
        this.nanoClock = nanoClock;
        this.metrics = metrics;
        this.health = health;
        this.term = candidacy.termToClaim();
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
            if (!candidacy.wantsToLead()) {
                transition(SequencerState.FOLLOWER, "started as a read-only follower");
                return;
            }
            claimed = candidacy.termToClaim();
            TermClaim claim;
            try {
                claim = storage.claimTerm(claimed, leaderId, wallClock.currentTimeMs());
            } catch (StorageException e) {
                health.storageFailed(e);
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
                health.storageFailed(e);
                throw new SequencerStartException("storage failed while recovering state: " + e.getMessage(), e);
            }
            TermGranted granted = (TermGranted) claim;
            transition(SequencerState.LEADER, "claimed term " + claimed + " (storage held term "
                    + granted.previousTerm() + (granted.previousLeaderId() == null ? "" : " of "
                    + granted.previousLeaderId()) + ")");
        }
        startedLeading.accept(claimed);
    }

    @Override
    public void fenced(long storedTerm, String where) {
        synchronized (lock) {
            if (state != SequencerState.LEADER) {
                return;
            }
            transition(SequencerState.FENCED, "storage holds term " + storedTerm + ", higher than this node's term "
                    + term + " (seen by " + where + "); stopped admitting, cutting, posting and heartbeating");
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
        if (to == SequencerState.FENCED) {
            LOG.warn("{} -> {}: {}", from, to, reason);
        } else {
            LOG.info("{} -> {}: {}", from, to, reason);
        }
        metrics.recordStateChange(from, to);
    }

    @Override
    public boolean isLeader() {
        return state == SequencerState.LEADER;
    }

    @Override
    public long term() {
        return term;
    }

    @Override
    public String notLeaderMessage() {
        return switch (state) {
            case FOLLOWER -> "this node (" + leaderId + ") is a read-only follower";
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
