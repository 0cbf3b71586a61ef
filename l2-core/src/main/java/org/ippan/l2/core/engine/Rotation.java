package org.ippan.l2.core.engine;

import java.util.Optional;
import org.ippan.l2.core.engine.LeaderSchedule.Slot;

/**
 * The rotation room of rotating mode: the {@link LeaderSchedule} read on this node's wall clock, answered on the
 * {@link NanoClock} the lease deadlines use. It tells the {@link LeaseCampaign} whether this node is the candidate of
 * the moment (only then may it acquire the lease), when the turn it would lead ends (the end of the epoch: its write
 * deadline is capped there, and it hands over then), and when the candidate next changes (so a campaign step runs at
 * each grace period and epoch boundary rather than up to one renew period later).
 *
 * <p>The schedule runs on each node's own wall clock: a skew between nodes shifts the moment each sees a boundary by
 * that skew. That costs a short gap at most, never safety: an outgoing leader stops at its own boundary, the lease
 * lets one node lead at a time, and the incoming leader's term fences any write of the outgoing one.
 *
 * <p>Thread-safe (immutable; reads the clocks).
 */
final class Rotation {
    /**
     * A turn this node may lead.
     *
     * @param epoch the epoch
     * @param endNs the {@link NanoClock} time at which the epoch ends: the leader stops writing and hands over
     */
    record Turn(long epoch, long endNs) {}

    private final LeaderSchedule schedule;
    /** This node's index in the leader set, or -1 if it never campaigns (a reader, or a key outside the set). */
    private final int selfIndex;
    /** No turn is started with this little of the epoch left, ms: it would end before its first renewal. */
    private final long minTurnMs;
    private final EpochClock wallClock;
    private final NanoClock nanoClock;

    Rotation(LeaderSchedule schedule, int selfIndex, long minTurnMs, EpochClock wallClock, NanoClock nanoClock) {
        this.schedule = schedule;
        this.selfIndex = selfIndex;
        this.minTurnMs = minTurnMs;
        this.wallClock = wallClock;
        this.nanoClock = nanoClock;
    }

    /**
     * @return the turn this node may campaign for now, or null if it is not the candidate of the moment (before
     *     genesis nobody is), or too little of the epoch is left
     */
    Turn turnIfCandidate() {
        long nowNs = nanoClock.nanoTime();
        long nowMs = wallClock.currentTimeMs();
        Optional<Slot> found = schedule.slotAt(nowMs);
        if (selfIndex < 0 || found.isEmpty() || found.get().candidateIndex() != selfIndex) {
            return null;
        }
        long leftMs = found.get().epochEndMs() - nowMs;
        if (leftMs <= minTurnMs) {
            return null;
        }
        return new Turn(found.get().epoch(), nowNs + leftMs * 1_000_000L);
    }

    /**
     * @param nowNs the {@link NanoClock} time of the step
     * @return the {@link NanoClock} time at which the candidate next changes: the next grace period or epoch, or
     *     genesis before it
     */
    long nextChangeNs(long nowNs) {
        long nowMs = wallClock.currentTimeMs();
        long atMs = schedule.slotAt(nowMs).map(Slot::candidateUntilMs).orElse(schedule.genesisMs());
        long inMs = Math.min(atMs - nowMs, Long.MAX_VALUE / 2_000_000L);
        return nowNs + Math.max(inMs, 0) * 1_000_000L;
    }

    /** @return the schedule as this node sees it now, for status */
    SequencerStatus.Rotation view() {
        long nowMs = wallClock.currentTimeMs();
        Optional<Slot> found = schedule.slotAt(nowMs);
        if (found.isEmpty()) {
            return new SequencerStatus.Rotation(-1, schedule.genesisMs(), null, null, schedule.keys().size(),
                    schedule.epochMs(), schedule.graceMs());
        }
        Slot slot = found.get();
        return new SequencerStatus.Rotation(slot.epoch(), slot.epochEndMs(), key(slot.electedIndex()),
                key(slot.candidateIndex()), schedule.keys().size(), schedule.epochMs(), schedule.graceMs());
    }

    private String key(int index) {
        return schedule.keys().get(index);
    }
}
