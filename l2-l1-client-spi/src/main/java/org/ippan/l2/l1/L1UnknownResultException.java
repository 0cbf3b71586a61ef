package org.ippan.l2.l1;

/**
 * The call may or may not have been applied, e.g. a submit that timed out after its request was sent. For a
 * submit, the caller must ask {@link L1Poster#getInclusion(byte[])} for the same idempotency key (and find it, or
 * learn that it is absent) before posting the batch again. Not a failure of the batch.
 */
public final class L1UnknownResultException extends L1Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an unknown-result failure.
     *
     * @param message what happened
     */
    public L1UnknownResultException(String message) {
        super(message, null);
    }

    /**
     * Creates an unknown-result failure.
     *
     * @param message what happened
     * @param cause the underlying failure, or null
     */
    public L1UnknownResultException(String message, Throwable cause) {
        super(message, cause);
    }
}
