package org.ippan.l2.l1;

import java.util.OptionalLong;

/**
 * A retriable failure: nothing was applied, or repeating the call is safe. Raised for timeouts before the request
 * was sent, connection errors, HTTP 5xx, 408, 425 and 429. May carry the L1's hint of how long to wait
 * ({@code Retry-After}), which {@link Backoff#delayMs(int, long, OptionalLong)} honours.
 */
public final class L1TransientException extends L1Exception {

    private static final long serialVersionUID = 1L;
    private static final long NO_HINT = -1;

    /** The hint in ms, or {@link #NO_HINT}; a primitive so that the exception stays serializable. */
    private final long retryAfterMs;

    /**
     * Creates a retriable failure without a retry-after hint.
     *
     * @param message what failed
     */
    public L1TransientException(String message) {
        this(message, OptionalLong.empty(), null);
    }

    /**
     * Creates a retriable failure without a retry-after hint.
     *
     * @param message what failed
     * @param cause the underlying failure, or null
     */
    public L1TransientException(String message, Throwable cause) {
        this(message, OptionalLong.empty(), cause);
    }

    /**
     * Creates a retriable failure.
     *
     * @param message what failed
     * @param retryAfterMs how long the L1 asked to wait before retrying, if it said; not negative
     * @param cause the underlying failure, or null
     * @throws IllegalArgumentException if {@code retryAfterMs} is negative
     */
    public L1TransientException(String message, OptionalLong retryAfterMs, Throwable cause) {
        super(message, cause);
        if (retryAfterMs.isPresent() && retryAfterMs.getAsLong() < 0) {
            throw new IllegalArgumentException("retryAfterMs must be >= 0, was " + retryAfterMs.getAsLong());
        }
        this.retryAfterMs = retryAfterMs.orElse(NO_HINT);
    }

    /**
     * The L1's hint of how long to wait before retrying.
     *
     * @return the hint in ms, or empty when the L1 gave none
     */
    public OptionalLong retryAfterMs() {
        return retryAfterMs == NO_HINT ? OptionalLong.empty() : OptionalLong.of(retryAfterMs);
    }
}
