package org.ippan.l2.l1;

/**
 * A failure that repeating the same call will not cure: an HTTP 4xx other than 408, 425 and 429, or an answer
 * that cannot be decoded. Permanent for that call; it says nothing about the batch itself (a refusal of the batch
 * is {@link SubmitResult.Rejected}).
 */
public final class L1PermanentException extends L1Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates a permanent failure.
     *
     * @param message what failed
     */
    public L1PermanentException(String message) {
        super(message, null);
    }

    /**
     * Creates a permanent failure.
     *
     * @param message what failed
     * @param cause the underlying failure, or null
     */
    public L1PermanentException(String message, Throwable cause) {
        super(message, cause);
    }
}
