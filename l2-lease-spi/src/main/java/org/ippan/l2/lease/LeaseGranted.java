package org.ippan.l2.lease;

import java.util.Objects;

/**
 * The caller holds the lease.
 *
 * @param lease the lease as granted (for a renewal: same token, later expiry)
 */
public record LeaseGranted(Lease lease) implements LeaseOutcome {

    /** @throws NullPointerException if {@code lease} is null */
    public LeaseGranted {
        Objects.requireNonNull(lease, "lease");
    }
}
