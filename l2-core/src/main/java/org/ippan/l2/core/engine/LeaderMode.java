package org.ippan.l2.core.engine;

/** How the leader is chosen ({@code L2_LEADER_MODE}). */
public enum LeaderMode {
    /** One statically configured leader and term; followers never take over by themselves. */
    SINGLE("single"),
    /**
     * Automatic failover: every candidate ({@code L2_LEADER=1}) campaigns for a lease; its holder claims the next term
     * in storage and leads while it renews the lease; a standby takes over when the lease is released or expires.
     */
    LEASE("lease");

    private final String wireName;

    LeaderMode(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name used in configuration and in {@code /status}, e.g. {@code single} */
    public String wireName() {
        return wireName;
    }
}
