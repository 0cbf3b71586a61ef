package org.ippan.l2.lease;

/**
 * The lease store failed or gave no clear answer: the caller cannot know whether its call was applied, and must act
 * as if it does not hold a lease it did not already hold, and as if its lease was not extended.
 */
public class LeaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed */
    public LeaseException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the underlying failure
     */
    public LeaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
