package org.ippan.l2.core.engine;

/** How the leader is chosen ({@code L2_LEADER_MODE}). */
public enum LeaderMode {
    /** One statically configured leader and term; followers never take over by themselves. */
    SINGLE("single"),
    /**
     * Automatic failover: every candidate ({@code L2_LEADER=1}) campaigns for a lease; its holder claims the next term
     * in storage and leads while it renews the lease; a standby takes over when the lease is released or expires.
     */
    LEASE("lease"),
    /**
     * Rotating leaders: the {@link LeaderSchedule} names, for each epoch, the key of the leader set that should lead;
     * it alone campaigns for the lease (after a grace period, the next key), claims the next term and leads until the
     * epoch ends, then hands over. Built on the lease machinery: a lease store is required.
     */
    ROTATING("rotating");

    private final String wireName;

    LeaderMode(String wireName) {
        this.wireName = wireName;
    }

    /** @return whether this mode campaigns for a lease ({@link #LEASE} and {@link #ROTATING}) */
    public boolean usesLease() {
        return this != SINGLE;
    }

    /** @return the name used in configuration and in {@code /status}, e.g. {@code single} */
    public String wireName() {
        return wireName;
    }
}
