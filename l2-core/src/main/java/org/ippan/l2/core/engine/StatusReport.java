package org.ippan.l2.core.engine;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;

/**
 * Assembles {@link SequencerStatus} and {@link Readiness}: counts, the chain head and the heartbeat from storage,
 * the state from the leadership, L1 heights from the reconciler. If storage fails, the last known values are shown
 * and readiness says storage is failing. Thread-safe.
 */
final class StatusReport {
    private final SequencerConfig config;
    private final Storage storage;
    private final Leadership leadership;
    private final Health health;
    private final String leaderPubkey;
    private final LongSupplier l1Height;
    private final LongSupplier l1FinalizedHeight;
    /** Lease mode: the lease as the campaign last saw it; null in single mode. */
    private final Supplier<LeaseCampaign.View> leaseView;
    /** Rotating mode: the schedule as this node sees it now; null in the other modes. */
    private final Supplier<SequencerStatus.Rotation> rotationView;
    private volatile SequencerStatus lastStatus;

    /** The pool's capacity shown is the admission cap in force. */
    private final LiveLimits limits;

    StatusReport(SequencerConfig config, Storage storage, Leadership leadership, Health health, String leaderPubkey,
            LongSupplier l1Height, LongSupplier l1FinalizedHeight, Supplier<LeaseCampaign.View> leaseView,
            Supplier<SequencerStatus.Rotation> rotationView, LiveLimits limits) {
        this.limits = limits;
        this.leaseView = leaseView;
        this.rotationView = rotationView;
        this.config = config;
        this.storage = storage;
        this.leadership = leadership;
        this.health = health;
        this.leaderPubkey = leaderPubkey;
        this.l1Height = l1Height;
        this.l1FinalizedHeight = l1FinalizedHeight;
    }

    Readiness readiness() {
        return Readiness.of(health.reasons(leadership.state(), leadership.stateReason()));
    }

    SequencerStatus status() {
        SequencerState current = leadership.state();
        // leading as writes see it: in lease and rotating modes a leader past its write deadline (its lease or its
        // epoch about to end) already refuses writes, before its next step records the change of state
        boolean leading = leadership.isLeader();
        String mode = config.leaderMode().wireName();
        SequencerStatus previous = lastStatus;
        SequencerStatus.Leader leader;
        SequencerStatus.Pool poolStatus;
        SequencerStatus.Batches batches;
        try {
            LeaderRecord record = storage.readLeader();
            BatchCounts counts = storage.countBatches();
            SequenceState sequence = storage.readSequenceState();
            long forgotten = storage.readCursor(Storage.FORGOTTEN_THROUGH_CURSOR); // all were confirmed
            leader = new SequencerStatus.Leader(mode, leading, config.leaderId(), leaderPubkey, leadership.term(),
                    record.lastHeartbeatMs(), record.term(), record.leaderId(), !leading, lease(), rotation());
            poolStatus = new SequencerStatus.Pool(sequence.pendingCount(), limits.get().admissionCap());
            long last = sequence.nextBatchNumber() - 1;
            batches = new SequencerStatus.Batches(counts.committed() + counts.failed(),
                    counts.posted() + counts.included(), counts.confirmed() + forgotten, counts.failed(), last,
                    last == 0 ? null : Hex.encode(sequence.headBatchHash()));
        } catch (StorageException e) {
            // Health has seen it (the engine's storage reports every call); a read that works never clears a write
            // the last record read, or the node's own facts; whether it leads is set below, from now
            leader = previous != null ? previous.leader() : new SequencerStatus.Leader(mode, false,
                    config.leaderId(), leaderPubkey, leadership.term(), 0, 0, null, false, null);
            poolStatus = previous != null ? previous.pool() : new SequencerStatus.Pool(0, limits.get().admissionCap());
            batches = previous != null ? previous.batches() : new SequencerStatus.Batches(0, 0, 0, 0, 0, null);
            leader = new SequencerStatus.Leader(leader.mode(), leading, leader.id(), leader.leaderPubkey(),
                    leader.termId(), leader.lastHeartbeatMs(), leader.storedTerm(), leader.storedLeaderId(), !leading,
                    lease(), rotation());
        }
        SequencerStatus.L1 l1Status = new SequencerStatus.L1(l1Height.getAsLong(), l1FinalizedHeight.getAsLong(),
                health.lastL1Error());
        SequencerStatus.StorageHealth storageHealth = new SequencerStatus.StorageHealth(
                health.storageKind().wireName(), health.storageWriteError(), health.storageReadError(),
                health.storageCorruption());
        SequencerStatus status = new SequencerStatus(current, leader, poolStatus, batches, l1Status, readiness(),
                storageHealth);
        lastStatus = status;
        return status;
    }

    private SequencerStatus.Rotation rotation() {
        return rotationView == null ? null : rotationView.get();
    }

    private SequencerStatus.Lease lease() {
        if (leaseView == null) {
            return null;
        }
        LeaseCampaign.View view = leaseView.get();
        LeaderHint holder = view.holder();
        return new SequencerStatus.Lease(holder == null ? null : holder.leaderId(),
                holder == null ? null : holder.leaderUrl(), holder == null ? 0 : holder.expiresAtMs(),
                view.lastChangeMs(), view.lastChangeReason(), view.renewFailures());
    }
}
