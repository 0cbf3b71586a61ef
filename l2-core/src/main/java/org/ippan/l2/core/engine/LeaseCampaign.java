package org.ippan.l2.core.engine;

import java.util.Optional;
import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseHolder;
import org.ippan.l2.lease.LeaseOutcome;
import org.ippan.l2.lease.LeaseRefused;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease loop of lease mode: who should try to lead. A standby that is a candidate tries to acquire the lease every
 * renew period; once it holds it, {@link Leadership#leadWithLease} claims the next term in storage and leads. The
 * leader renews every renew period; each renewal moves its write deadline to the time the renewal was <em>sent</em>
 * plus the time to live, less the safety margin ({@link SequencerConfig#leaseSafetyMarginMs()}), so it stops writing
 * before the lease can have expired in the store, whatever the skew between its clock and the store's. A renewal the
 * store refuses, or a deadline passed without one, steps the leader down; a lease store that cannot be reached is
 * retried until the deadline, never past it. Followers that are not candidates read the holder, for the leader hint.
 *
 * <p>The lease never makes a write safe on its own: every write stays conditional on the term in storage, so a
 * leader paused past its lease is refused at its first write and stands by (see {@link Leadership#fenced}).
 *
 * <p>In rotating mode a {@link Rotation} narrows this down: a candidate campaigns only while the schedule names it,
 * its write deadline never passes the end of the epoch it won the lease in, and at that end it hands over (as
 * {@link #handOver}, but without holding off: the next epoch's candidate, maybe this node again, campaigns at once
 * and claims the next term, so each epoch has a term of its own).
 *
 * <p>Steps and {@link #handOver} are serialized; the leader hint may be read from any thread.
 */
final class LeaseCampaign implements DutyLoop {
    static final String NAME = "lease";
    private static final Logger LOG = LoggerFactory.getLogger(LeaseCampaign.class);

    /** The lease as this node last saw it, for status. */
    record View(LeaderHint holder, long lastChangeMs, String lastChangeReason, long renewFailures) {}

    private final LeaseStore store;
    private final Leadership leadership;
    private final boolean candidate;
    private final String nodeId;
    private final String advertisedUrl;
    private final long ttlMs;
    private final long renewNs;
    private final long usableNs;
    private final NanoClock nanoClock;
    private final EpochClock wallClock;
    private final SequencerMetrics metrics;
    private final LoopErrors errors;
    /** Rotating mode: who may campaign, and until when; null in lease mode. */
    private final Rotation rotation;
    /** The last writes of a hand-over at the end of a turn (see {@link #handOver}). */
    private final java.util.function.LongConsumer lastWrites;
    /**
     * True while a named hand-over to another node holds this one off ({@link SequencerControl#stepDown}); read only
     * when this node would campaign. Never true by default.
     */
    private volatile java.util.function.BooleanSupplier handOverToOther = () -> false;
    /** Rotating mode: the turn this node leads (or last led), null if none. */
    private Rotation.Turn turn;

    /** The lease this node holds (as last granted), or null. */
    private volatile Lease lease;
    private long nextAttemptNs = Long.MIN_VALUE;
    /** No campaign before this time: set by a hand-over, so another node takes the lease. */
    private long holdOffUntilNs = Long.MIN_VALUE;
    private boolean failing;
    private volatile LeaderHint holder;
    private volatile long lastChangeMs;
    private volatile String lastChangeReason = "no lease seen yet";
    private volatile long renewFailures;

    LeaseCampaign(LeaseStore store, Leadership leadership, SequencerConfig config, NanoClock nanoClock,
            EpochClock wallClock, SequencerMetrics metrics, LoopErrors errors, Rotation rotation,
            java.util.function.LongConsumer lastWrites) {
        this.rotation = rotation;
        this.lastWrites = lastWrites;
        this.store = store;
        this.leadership = leadership;
        this.candidate = config.role() == Role.LEADER;
        this.nodeId = config.leaderId();
        this.advertisedUrl = config.advertisedUrl();
        this.ttlMs = config.leaseTtlMs();
        this.renewNs = config.leaseRenewMs() * 1_000_000L;
        this.usableNs = (config.leaseTtlMs() - config.leaseSafetyMarginMs()) * 1_000_000L;
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
        this.metrics = metrics;
        this.errors = errors;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized int doWork(long nowNs) {
        SequencerState state = leadership.state();
        if (state == SequencerState.NEW || state == SequencerState.CLOSED) {
            return 0;
        }
        if (state == SequencerState.LEADER && lease != null && turn != null && nowNs - turn.endNs() >= 0) {
            handOver(lastWrites, "epoch " + turn.epoch() + " ended: handed over and released the lease", false);
            state = leadership.state();
            nextAttemptNs = Long.MIN_VALUE; // the next epoch's candidate (maybe this node) campaigns at once
        }
        if (state == SequencerState.LEADER && lease != null && nowNs - leadership.writableUntilNs() >= 0) {
            stepDown("the lease could not be renewed before its safety deadline (" + ttlMs + " ms lease)");
            return 1;
        }
        if (nextAttemptNs != Long.MIN_VALUE && nowNs - nextAttemptNs < 0) {
            return 0;
        }
        nextAttemptNs = nowNs + renewNs;
        if (rotation != null) {
            long changeNs = rotation.nextChangeNs(nowNs);
            nextAttemptNs = changeNs - nextAttemptNs < 0 ? changeNs : nextAttemptNs;
        }
        try {
            int work;
            if (state == SequencerState.LEADER && lease != null) {
                work = renew();
            } else {
                if (lease != null) {
                    giveUp("no longer leading"); // deposed by a higher term while holding the lease
                }
                Rotation.Turn next = null;
                boolean mayCampaign = candidate && (holdOffUntilNs == Long.MIN_VALUE || nowNs - holdOffUntilNs >= 0)
                        && (rotation == null || (next = rotation.turnIfCandidate()) != null)
                        && !handOverToOther.getAsBoolean();
                work = mayCampaign ? campaign(next) : watch();
            }
            failing = false;
            errors.ok(NAME);
            return work;
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("lease store call failed: {}", e.toString());
            }
            failing = true;
            if (lease != null) {
                renewFailures++;
                metrics.recordLeaseRenewFailed();
            }
            errors.failed(NAME, e); // readiness names the lease loop until a call succeeds again
            return 0;
        }
    }

    private int renew() {
        long sentNs = nanoClock.nanoTime();
        LeaseOutcome outcome = store.renew(lease);
        if (outcome instanceof LeaseGranted granted) {
            lease = granted.lease();
            leadership.writableUntil(capped(sentNs + usableNs));
            holder = hintOf(lease.asHolder());
            return 1;
        }
        LeaseRefused refused = (LeaseRefused) outcome;
        lease = null;
        holder = hintOf(refused.holder());
        stepDown("lost the lease: " + refused.reason());
        return 1;
    }

    /** @return {@code untilNs}, or the end of the turn if that comes first (rotating mode) */
    private long capped(long untilNs) {
        return turn != null && turn.endNs() - untilNs < 0 ? turn.endNs() : untilNs;
    }

    private int campaign(Rotation.Turn next) {
        long sentNs = nanoClock.nanoTime();
        LeaseOutcome outcome = store.acquire(nodeId, advertisedUrl, ttlMs);
        if (outcome instanceof LeaseRefused refused) {
            seen(refused.holder());
            return 0;
        }
        lease = ((LeaseGranted) outcome).lease();
        holder = hintOf(lease.asHolder());
        turn = next;
        long term;
        try {
            term = leadership.leadWithLease(capped(sentNs + usableNs), next == null ? "won the lease"
                    : "won the lease for epoch " + next.epoch());
        } catch (StorageException e) {
            giveUp("storage failed while claiming the term: " + e.getMessage());
            throw e;
        }
        if (term < 0) {
            giveUp("could not claim a term");
            return 0;
        }
        changed("leader " + nodeId + " in term " + term + (next == null ? "" : ", epoch " + next.epoch()));
        return 1;
    }

    private int watch() {
        Optional<LeaseHolder> current = store.holder();
        seen(current.orElse(null));
        return 0;
    }

    /** Notes the holder a follower saw, and logs a change of holder once. */
    private void seen(LeaseHolder seen) {
        LeaderHint hint = hintOf(seen);
        LeaderHint before = holder;
        holder = hint;
        String was = before == null ? null : before.leaderId();
        String now = hint == null ? null : hint.leaderId();
        if (!java.util.Objects.equals(was, now)) {
            changed(now == null ? "no leader holds the lease" : "leader " + now);
        }
    }

    /**
     * Hands over: stops admitting (the group commit in flight finishes first), then {@code lastWrites} runs (the last
     * heartbeat), then the lease is released so a standby takes it within one renew period, and this node does not
     * campaign for one time to live.
     *
     * @param lastWrites what to do between stopping and releasing, with the term this node led in
     * @return true if this node was leading
     */
    synchronized boolean handOver(java.util.function.LongConsumer lastWrites) {
        return handOver(lastWrites, "handed over: stepped down and released the lease", true);
    }

    private boolean handOver(java.util.function.LongConsumer writes, String reason, boolean holdOff) {
        long term = leadership.term();
        boolean led = leadership.stepDown(reason);
        if (led) {
            writes.accept(term);
        }
        if (holdOff) {
            holdOffUntilNs = nanoClock.nanoTime() + ttlMs * 1_000_000L;
        }
        if (lease != null) {
            giveUp("handed over");
        }
        if (!holdOff) {
            changed(reason);
        }
        return led;
    }

    private void stepDown(String reason) {
        leadership.stepDown(reason);
        if (lease != null) {
            giveUp(reason);
        }
        changed("stepped down: " + reason);
    }

    /** Releases the lease this node holds, best effort: if the store cannot be reached, it expires. */
    private void giveUp(String why) {
        Lease held = lease;
        lease = null;
        turn = null;
        LeaderHint before = holder;
        if (before != null && before.leaderId().equals(nodeId)) {
            holder = null;
        }
        try {
            store.release(held);
        } catch (RuntimeException e) {
            LOG.warn("could not release the lease ({}); it expires within {} ms: {}", why, ttlMs, e.toString());
        }
    }

    private void changed(String reason) {
        lastChangeMs = wallClock.currentTimeMs();
        lastChangeReason = reason;
    }

    private static LeaderHint hintOf(LeaseHolder h) {
        return h == null ? null : new LeaderHint(h.holderId(), h.advertisedUrl(), h.expiresAtMs());
    }

    /** Sets what tells this node that a named hand-over to another node is under way (it then only watches). */
    void holdOffWhile(java.util.function.BooleanSupplier handOverToOther) {
        this.handOverToOther = java.util.Objects.requireNonNull(handOverToOther, "handOverToOther");
    }

    /** @return the leader as last seen in the lease store, if any */
    Optional<LeaderHint> leaderHint() {
        return Optional.ofNullable(holder);
    }

    /** @return the lease as this node last saw it */
    View view() {
        return new View(holder, lastChangeMs, lastChangeReason, renewFailures);
    }

    @Override
    public long nextDeadlineNs(long nowNs) {
        long next = nextAttemptNs == Long.MIN_VALUE ? nowNs : nextAttemptNs;
        if (leadership.state() == SequencerState.LEADER && lease != null) {
            long until = leadership.writableUntilNs();
            return until - next < 0 ? until : next;
        }
        return next;
    }
}
