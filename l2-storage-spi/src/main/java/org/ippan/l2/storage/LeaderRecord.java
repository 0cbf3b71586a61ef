package org.ippan.l2.storage;

/**
 * The leadership record as stored: the current term, who claimed it, and its last heartbeat.
 *
 * @param term            the stored term, the fencing token; 0 on a fresh store
 * @param leaderId        the leader that claimed {@code term}; null on a fresh store
 * @param lastHeartbeatMs wall-clock ms of the leader's last claim or heartbeat; 0 if none
 */
public record LeaderRecord(long term, String leaderId, long lastHeartbeatMs) {

    /**
     * Validates the components.
     *
     * @param term see {@link #term()}
     * @param leaderId see {@link #leaderId()}
     * @param lastHeartbeatMs see {@link #lastHeartbeatMs()}
     * @throws IllegalArgumentException if {@code term} is negative
     */
    public LeaderRecord {
        StorageArguments.requireTerm(term);
    }

    /** @return the record of a fresh store: term 0, no leader, no heartbeat */
    public static LeaderRecord initial() {
        return new LeaderRecord(0, null, 0);
    }
}
