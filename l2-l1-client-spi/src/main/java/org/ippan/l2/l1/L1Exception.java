package org.ippan.l2.l1;

/**
 * A failed call to L1. Sealed: every failure is exactly one of {@link L1TransientException} (retry),
 * {@link L1UnknownResultException} (ask before retrying) or {@link L1PermanentException} (do not repeat).
 */
public abstract sealed class L1Exception extends RuntimeException
        permits L1TransientException, L1UnknownResultException, L1PermanentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates a failure.
     *
     * @param message what failed
     * @param cause the underlying failure, or null
     */
    protected L1Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
