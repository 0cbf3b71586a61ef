package org.ippan.l2.core.engine;

import java.util.Objects;

/**
 * A snapshot of everything {@code GET /status} shows. Counts and the heartbeat come from storage, so a follower
 * sharing the leader's storage reports the leader's progress and liveness.
 *
 * @param state this node's state
 * @param leader the leader block of the seed
 * @param pool the admission pool
 * @param batches batches by L1 state and the chain head
 * @param l1 what the reconciler last saw of L1
 * @param readiness the readiness verdict
 * @param storage storage's health as the engine last saw it
 */
public record SequencerStatus(SequencerState state, Leader leader, Pool pool, Batches batches, L1 l1,
        Readiness readiness, StorageHealth storage) {
    /** Validates the fields. */
    public SequencerStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(l1, "l1");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(storage, "storage");
    }

    /**
     * A status without storage health (storage shown {@link StorageHealth#OK}), as before that field existed.
     *
     * @param state this node's state
     * @param leader the leader block
     * @param pool the admission pool
     * @param batches batches by L1 state and the chain head
     * @param l1 what the reconciler last saw of L1
     * @param readiness the readiness verdict
     */
    public SequencerStatus(SequencerState state, Leader leader, Pool pool, Batches batches, L1 l1,
            Readiness readiness) {
        this(state, leader, pool, batches, l1, readiness, StorageHealth.OK);
    }

    /**
     * Storage's health: a failed write keeps it failing until a write succeeds, whatever reads do.
     *
     * @param state "ok", "failing" (a write or a read failed), "full" (the store is out of space: writes refused
     *     until space returns) or "corrupt" (the store is damaged: restore it, see the README)
     * @param lastWriteError the last write failure, null once a write succeeded
     * @param lastReadError the last read failure, null once a read succeeded
     * @param corruption the corruption met, null if none; it stays until the node is restarted on a sound store
     */
    public record StorageHealth(String state, String lastWriteError, String lastReadError, String corruption) {
        /** No storage failure. */
        public static final StorageHealth OK = new StorageHealth("ok", null, null, null);

        /** Validates the fields. */
        public StorageHealth {
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * The seed's leader block.
     *
     * @param mode the leader mode ("single", "lease" or "rotating")
     * @param isLeader true only while this node acts as leader (false on a follower and when fenced)
     * @param id this node's {@code LEADER_ID}
     * @param leaderPubkey hex Ed25519 public key of this node, or its id when it has no key
     * @param termId this node's term
     * @param lastHeartbeatMs wall-clock ms of the leader's last heartbeat, as recorded in storage (0: none)
     * @param storedTerm the term storage holds (the current leader's)
     * @param storedLeaderId the leader id storage holds, null on a fresh store
     * @param canShutdown true if this node can stop now without a gap in service: it does not lead (a leader should
     *     {@code stepDown()} first)
     * @param lease in lease and rotating modes, the lease as this node last saw it; null in single mode
     * @param rotation in rotating mode, the schedule as this node sees it now; null in the other modes
     */
    public record Leader(String mode, boolean isLeader, String id, String leaderPubkey, long termId,
            long lastHeartbeatMs, long storedTerm, String storedLeaderId, boolean canShutdown, Lease lease,
            Rotation rotation) {
        /**
         * A leader block without a rotation block (single and lease modes), as before that field existed.
         *
         * @param mode the leader mode
         * @param isLeader true only while this node acts as leader
         * @param id this node's {@code LEADER_ID}
         * @param leaderPubkey hex Ed25519 public key of this node, or its id when it has no key
         * @param termId this node's term
         * @param lastHeartbeatMs wall-clock ms of the leader's last heartbeat, as recorded in storage (0: none)
         * @param storedTerm the term storage holds
         * @param storedLeaderId the leader id storage holds, null on a fresh store
         * @param canShutdown true if this node can stop now without a gap in service
         * @param lease in lease mode, the lease as this node last saw it; null in single mode
         */
        public Leader(String mode, boolean isLeader, String id, String leaderPubkey, long termId,
                long lastHeartbeatMs, long storedTerm, String storedLeaderId, boolean canShutdown, Lease lease) {
            this(mode, isLeader, id, leaderPubkey, termId, lastHeartbeatMs, storedTerm, storedLeaderId, canShutdown,
                    lease, null);
        }
    }

    /**
     * The rotating schedule as this node sees it on its wall clock (rotating mode).
     *
     * @param epoch the current epoch, or -1 before genesis (no leader then)
     * @param epochEndMs wall-clock ms at which the current epoch ends; before genesis, when epoch 0 starts
     * @param scheduledKey the hex public key the election chose for the epoch; null before genesis
     * @param candidateKey the hex public key that may take the lease now (the scheduled one in the first grace
     *     period, then the next ones in configured order); null before genesis
     * @param setSize the number of keys in the leader set
     * @param epochMs the length of an epoch, ms
     * @param graceMs the length of a grace period, ms
     */
    public record Rotation(long epoch, long epochEndMs, String scheduledKey, String candidateKey, int setSize,
            long epochMs, long graceMs) {}

    /**
     * The lease as this node last saw it (lease mode).
     *
     * @param holderId the holder's id, null if no node holds the lease (or none was seen yet)
     * @param holderUrl the holder's advertised URL, null if none holds it
     * @param expiresAtMs when the holder's lease expires unless renewed, ms since the epoch in the lease store's
     *     clock; 0 if none holds it
     * @param lastChangeMs wall-clock ms of the last change this node saw (a new holder, a step-down); 0 if none
     * @param lastChange what changed last, in words
     * @param renewFailures how often this node, leading, could not reach the lease store to renew
     */
    public record Lease(String holderId, String holderUrl, long expiresAtMs, long lastChangeMs, String lastChange,
            long renewFailures) {}

    /**
     * @param pending accepted txs not yet in a batch
     * @param capacity the admission cap
     */
    public record Pool(long pending, long capacity) {}

    /**
     * @param pending cut, not yet accepted by L1 (committed or failed)
     * @param posted accepted by L1, not yet confirmed (posted or included)
     * @param confirmed confirmed on L1
     * @param failed refused by L1 for good (included in {@code pending}); posting is halted while non-zero
     * @param lastBatchNumber the last batch's number, 0 before the first
     * @param lastBatchHash the last batch's hash in hex, null before the first
     */
    public record Batches(long pending, long posted, long confirmed, long failed, long lastBatchNumber,
            String lastBatchHash) {}

    /**
     * @param height the L1 height last seen, 0 if none yet
     * @param finalizedHeight the L1 finalized height last seen, 0 if none
     * @param lastError the last L1 error, null if none
     */
    public record L1(long height, long finalizedHeight, String lastError) {}
}
