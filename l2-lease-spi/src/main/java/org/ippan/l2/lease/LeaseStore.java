package org.ippan.l2.lease;

import java.util.Optional;

/**
 * One named lease on a coordination store: who should try to lead (see the package documentation for what a lease
 * does and does not promise).
 *
 * <h2>Calls</h2>
 * Each call is one atomic step of the store, linearizable with every other client's calls on the same lease:
 * <ul>
 *   <li>{@link #acquire} takes the lease when nobody holds it (never held, released, or expired): one of any number
 *       of racing candidates wins. It is refused while a live lease exists, <em>whoever</em> holds it, the caller's
 *       own id included: two processes with one id are two holders, and the second is refused until the first
 *       releases or expires. A holder keeps its lease with {@link #renew}, not by acquiring again.</li>
 *   <li>{@link #renew} extends the caller's own lease, the one that {@link Lease#token()} names, and only while it is
 *       live: once expired (even if nobody took it since) or released, renewing is refused and the caller must
 *       acquire anew.</li>
 *   <li>{@link #release} gives the lease up at once, so a standby may take it without waiting for the expiry; it
 *       never touches a lease acquired by another client since.</li>
 *   <li>{@link #holder} reads the live holder, if any.</li>
 * </ul>
 *
 * <h2>Failures</h2>
 * A call that cannot reach the store, or gets no clear answer, throws {@link LeaseException}; the caller cannot then
 * know whether an acquire or renew was applied, and must act as if its lease was not extended. Invalid arguments throw
 * {@link NullPointerException} or {@link IllegalArgumentException} naming the parameter (the checks of
 * {@link LeaseArguments}) before the store is touched. Implementations are thread-safe.
 */
public interface LeaseStore extends AutoCloseable {

    /**
     * Takes the lease for {@code holderId} if nobody holds it.
     *
     * @param holderId      who asks: the node's id, 1 to {@link LeaseArguments#MAX_HOLDER_ID_CHARS} characters, no
     *                      control characters
     * @param advertisedUrl where clients reach this node when it leads, at most
     *                      {@link LeaseArguments#MAX_URL_CHARS} characters; may be empty
     * @param ttlMs         how long the lease lives without a renewal, {@link LeaseArguments#MIN_TTL_MS} to
     *                      {@link LeaseArguments#MAX_TTL_MS}; a store may grant more (etcd counts whole seconds), never
     *                      less
     * @return {@link LeaseGranted} with the new lease, or {@link LeaseRefused} naming the live holder
     * @throws LeaseException if the store failed or did not answer clearly
     */
    LeaseOutcome acquire(String holderId, String advertisedUrl, long ttlMs);

    /**
     * Extends the caller's live lease by its time to live, counted from now in the store's clock.
     *
     * @param lease the lease as last granted to the caller
     * @return {@link LeaseGranted} with the extended lease (same token, later expiry), or {@link LeaseRefused} if the
     *         lease expired or was released (with the live holder, if any)
     * @throws LeaseException if the store failed or did not answer clearly
     */
    LeaseOutcome renew(Lease lease);

    /**
     * Gives the caller's lease up at once, if it still holds it. Idempotent.
     *
     * @param lease the lease as last granted to the caller
     * @return true if this call ended the lease; false if it had already expired, been released or been taken
     * @throws LeaseException if the store failed or did not answer clearly
     */
    boolean release(Lease lease);

    /**
     * Reads who holds the lease now.
     *
     * @return the live holder, or empty if nobody holds it (never held, released or expired)
     * @throws LeaseException if the store failed
     */
    Optional<LeaseHolder> holder();

    /**
     * Closes this client; a live lease is not released (it expires unless {@link #release}d first). Calls after
     * closing may throw {@link IllegalStateException}.
     */
    @Override
    void close();
}
