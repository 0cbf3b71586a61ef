package org.ippan.l2.lease;

/**
 * Who holds a lease, as any client may read it.
 *
 * @param holderId      the holder's id
 * @param advertisedUrl where clients reach the holder; may be empty
 * @param expiresAtMs   when the lease expires unless renewed, in ms since the epoch as the store reports it
 *                      (approximate where the store has no clock a client can read, as etcd)
 */
public record LeaseHolder(String holderId, String advertisedUrl, long expiresAtMs) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if a string component is null
     * @throws IllegalArgumentException if the holder id or URL breaks {@link LeaseArguments}
     */
    public LeaseHolder {
        LeaseArguments.requireHolderId(holderId);
        LeaseArguments.requireUrl(advertisedUrl);
    }
}
