package org.ippan.l2.core.engine;

/**
 * The engine could not start: storage holds a higher term (or the same term for another leader), or storage failed
 * while the state was being recovered. The message says what to do.
 */
public final class SequencerStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and what to do */
    public SequencerStartException(String message) {
        super(message);
    }

    /**
     * @param message what failed and what to do
     * @param cause the underlying failure
     */
    public SequencerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
