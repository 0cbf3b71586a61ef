package org.ippan.l2.l1;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Capped, jittered exponential backoff for retrying transient L1 failures. A pure value: the jitter comes from
 * random bits the caller supplies, so equal inputs give equal delays (deterministic tests).
 *
 * <p>Attempt {@code n} (1 for the first retry) has the base delay {@code min(maxDelayMs, initialDelayMs * 2^(n-1))}.
 * Jitter shortens it by up to {@code jitterFraction} of itself, so the delay lies in
 * {@code [base - floor(base * jitterFraction), base]}, never above the cap. A retry-after hint from the L1 is a
 * lower bound: the delay is never shorter than the hint, even when the hint exceeds the cap (the L1 asked for it).
 *
 * @param initialDelayMs the base delay of the first retry, at least 1
 * @param maxDelayMs the cap of the base delay, at least {@code initialDelayMs}
 * @param jitterFraction the largest share of the base delay that jitter removes, within [0, 1]
 */
public record Backoff(long initialDelayMs, long maxDelayMs, double jitterFraction) {

    /** 100 ms doubling up to 30 s, with up to half of each delay removed by jitter. */
    public static final Backoff DEFAULT = new Backoff(100, 30_000, 0.5);

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a component is out of range (the message names it)
     */
    public Backoff {
        if (initialDelayMs < 1) {
            throw new IllegalArgumentException("initialDelayMs must be >= 1, was " + initialDelayMs);
        }
        if (maxDelayMs < initialDelayMs) {
            throw new IllegalArgumentException("maxDelayMs must be >= initialDelayMs (" + initialDelayMs + "), was "
                    + maxDelayMs);
        }
        if (!(jitterFraction >= 0.0 && jitterFraction <= 1.0)) {
            throw new IllegalArgumentException("jitterFraction must be within [0, 1], was " + jitterFraction);
        }
    }

    /**
     * The delay before a retry, without jitter.
     *
     * @param attempt the retry number, 1 for the first retry
     * @return {@code min(maxDelayMs, initialDelayMs * 2^(attempt-1))}
     * @throws IllegalArgumentException if {@code attempt} is below 1
     */
    public long baseDelayMs(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
        int doublings = attempt - 1;
        if (doublings >= Long.SIZE - 1 || initialDelayMs > (maxDelayMs >> doublings)) {
            return maxDelayMs;
        }
        return Math.min(maxDelayMs, initialDelayMs << doublings);
    }

    /**
     * The jittered delay before a retry.
     *
     * @param attempt the retry number, 1 for the first retry
     * @param randomBits uniformly random bits supplied by the caller (e.g. {@code SplittableRandom.nextLong()})
     * @return the delay in ms, within {@code [base - floor(base * jitterFraction), base]}
     * @throws IllegalArgumentException if {@code attempt} is below 1
     */
    public long delayMs(int attempt, long randomBits) {
        long baseMs = baseDelayMs(attempt);
        double unit = (randomBits >>> 11) * 0x1.0p-53; // [0, 1)
        long jitterMs = (long) (baseMs * jitterFraction * unit);
        return baseMs - Math.min(jitterMs, baseMs);
    }

    /**
     * The jittered delay before a retry, honouring the L1's retry-after hint when there is one.
     *
     * @param attempt the retry number, 1 for the first retry
     * @param randomBits uniformly random bits supplied by the caller
     * @param retryAfterMs the L1's hint (see {@link L1TransientException#retryAfterMs()}); not negative
     * @return {@code max(delayMs(attempt, randomBits), retryAfterMs)}
     * @throws IllegalArgumentException if {@code attempt} is below 1 or the hint is negative
     */
    public long delayMs(int attempt, long randomBits, OptionalLong retryAfterMs) {
        Objects.requireNonNull(retryAfterMs, "retryAfterMs");
        long delayMs = delayMs(attempt, randomBits);
        if (retryAfterMs.isEmpty()) {
            return delayMs;
        }
        if (retryAfterMs.getAsLong() < 0) {
            throw new IllegalArgumentException("retryAfterMs must be >= 0, was " + retryAfterMs.getAsLong());
        }
        return Math.max(delayMs, retryAfterMs.getAsLong());
    }
}
