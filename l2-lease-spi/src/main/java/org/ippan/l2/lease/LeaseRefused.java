package org.ippan.l2.lease;

import java.util.Objects;

/**
 * The caller does not hold the lease; nothing was changed.
 *
 * @param holder the live holder, or null if nobody holds the lease (a renewal of an expired or released lease)
 * @param reason why, in words for the log: who holds it, or that the caller's lease expired or was released
 */
public record LeaseRefused(LeaseHolder holder, String reason) implements LeaseOutcome {

    /** @throws NullPointerException if {@code reason} is null */
    public LeaseRefused {
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * The refusal of an acquire while {@code holder} holds the lease.
     *
     * @param holder the live holder
     * @param candidate the refused caller's id
     * @return the refusal, its reason naming the holder (and saying so when it has the caller's own id)
     */
    public static LeaseRefused heldBy(LeaseHolder holder, String candidate) {
        String reason = holder.holderId().equals(candidate)
                ? "the lease is held by another process with this node's id " + candidate + " (ids must be unique"
                        + " per node), until it is released or expires at " + holder.expiresAtMs()
                : "the lease is held by " + holder.holderId() + " until it is released or expires at "
                        + holder.expiresAtMs();
        return new LeaseRefused(holder, reason);
    }

    /**
     * The refusal of a renewal of a lease that is no longer live.
     *
     * @param lease the caller's lease
     * @param holder the live holder, or null
     * @return the refusal, its reason saying the lease was lost and who holds it now
     */
    public static LeaseRefused lost(Lease lease, LeaseHolder holder) {
        return new LeaseRefused(holder, "the lease of " + lease.holderId() + " (token " + lease.token()
                + ") expired or was released" + (holder == null ? "; nobody holds it now"
                        : "; " + holder.holderId() + " holds it now"));
    }
}
