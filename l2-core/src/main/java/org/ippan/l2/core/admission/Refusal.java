package org.ippan.l2.core.admission;

import java.util.Objects;

/**
 * A typed refusal: a stable code, a human-readable message naming the problem, and for
 * {@link RefusalCode#QUEUE_FULL} a retry-after hint.
 *
 * @param code the stable code
 * @param message what was wrong, for a human
 * @param retryAfterMs when retrying makes sense, in ms from now; 0 when there is no hint
 */
public record Refusal(RefusalCode code, String message, long retryAfterMs) {
    /** Validates the fields. */
    public Refusal {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (retryAfterMs < 0) {
            throw new IllegalArgumentException("retryAfterMs must be >= 0, got " + retryAfterMs);
        }
    }

    /** A refusal without a retry hint. */
    public static Refusal of(RefusalCode code, String message) {
        return new Refusal(code, message, 0);
    }
}
