package org.ippan.l2.core.engine;

/**
 * In lease mode, the leader as this node last saw it in the lease store: what a follower tells clients so they can
 * go to the leader.
 *
 * @param leaderId the lease holder's {@code LEADER_ID}
 * @param leaderUrl where clients reach it ({@code L2_ADVERTISED_URL}); may be empty
 * @param expiresAtMs when its lease expires unless renewed, ms since the epoch in the lease store's clock
 */
public record LeaderHint(String leaderId, String leaderUrl, long expiresAtMs) {}
