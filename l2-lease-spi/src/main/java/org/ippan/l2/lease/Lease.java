package org.ippan.l2.lease;

import java.util.Objects;

/**
 * A lease as granted to its holder: what {@link LeaseStore#renew} and {@link LeaseStore#release} need, and when it
 * expires.
 *
 * @param holderId      the holder's id
 * @param advertisedUrl where clients reach the holder; may be empty
 * @param token         the store's identity of this acquisition (a random id, an etcd lease id): a later
 *                      acquisition, even by the same holder id, has another one
 * @param ttlMs         the time to live the store granted, at least the one asked for
 * @param expiresAtMs   when the lease expires unless renewed, in ms since the epoch as the store reports it
 *                      (approximate where the store has no clock a client can read, as etcd)
 *                      (informational: see the package documentation for the holder's own deadline)
 */
public record Lease(String holderId, String advertisedUrl, String token, long ttlMs, long expiresAtMs) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if a string component is null
     * @throws IllegalArgumentException if the holder id or URL breaks {@link LeaseArguments}, the token is empty or
     *                                  the time to live is out of range
     */
    public Lease {
        LeaseArguments.requireHolderId(holderId);
        LeaseArguments.requireUrl(advertisedUrl);
        Objects.requireNonNull(token, "token");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("token must not be empty");
        }
        LeaseArguments.requireTtl(ttlMs);
    }

    /** @return the holder as others see it */
    public LeaseHolder asHolder() {
        return new LeaseHolder(holderId, advertisedUrl, expiresAtMs);
    }
}
