package org.ippan.l2.core.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How far back a retention setting reaches ({@code L2_RETAIN_CONFIRMED}, {@code L2_FORGET_CONFIRMED}): {@link #KEEP}
 * (no horizon: everything is kept), a number of the last confirmed batches ({@link #batches}), or an age
 * ({@link #age}): the confirmed batches cut longer ago than that, by the batch's creation time and the leader's wall
 * clock. A batch is past the horizon when it is confirmed and either more than {@code count} confirmed batches
 * follow it, or it was cut more than {@code age} ago.
 *
 * <p>Written in the environment as a count ({@code 1000}: batches) or a duration, a positive number with one unit:
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 90s}, {@code 12h}, {@code 7d}); {@code 0} is
 * {@link #KEEP}. {@link #toString()} writes that form back.
 */
public final class Horizon {
    /** No horizon: nothing is ever past it. */
    public static final Horizon KEEP = new Horizon(0, 0);

    /** The longest age accepted: 100 years, far beyond any store, and safe from overflow in ms arithmetic. */
    static final long MAX_AGE_MS = 100L * 365 * 86_400_000L;

    private final long batches;
    private final long ageMs;

    private Horizon(long batches, long ageMs) {
        this.batches = batches;
        this.ageMs = ageMs;
    }

    /**
     * @param count how many of the last confirmed batches stay on this side of the horizon, at least 1 (0 is
     *              {@link #KEEP})
     * @return the horizon of the last {@code count} confirmed batches, or {@link #KEEP} for 0
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public static Horizon batches(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("a horizon of batches must be >= 0, got " + count);
        }
        return count == 0 ? KEEP : new Horizon(count, 0);
    }

    /**
     * @param age how long a confirmed batch, counted from when it was cut, stays on this side of the horizon: at
     *            least 1 ms, at most 100 years (zero is {@link #KEEP})
     * @return the horizon of that age, or {@link #KEEP} for zero
     * @throws IllegalArgumentException if {@code age} is negative, below 1 ms but not zero, or above 100 years
     */
    public static Horizon age(Duration age) {
        Objects.requireNonNull(age, "age");
        if (age.isZero()) {
            return KEEP;
        }
        if (age.isNegative() || age.compareTo(Duration.ofMillis(MAX_AGE_MS)) > 0 || age.toMillis() == 0) {
            throw new IllegalArgumentException("a horizon's age must be within 1 ms .. 100 years, got " + age);
        }
        return new Horizon(0, age.toMillis());
    }

    /**
     * Reads the environment form: a count of batches or a duration with a unit.
     *
     * @param text for example {@code 0}, {@code 1000}, {@code 1500ms}, {@code 90s}, {@code 30m}, {@code 12h},
     *             {@code 7d}
     * @return the horizon
     * @throws IllegalArgumentException naming the problem, if the text is neither form
     */
    public static Horizon parse(String text) {
        Objects.requireNonNull(text, "text");
        String value = text.strip();
        int digits = 0;
        while (digits < value.length() && value.charAt(digits) >= '0' && value.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0 || digits > 18) {
            throw new IllegalArgumentException(
                    "not a count of batches or a duration like 90s, 30m, 12h or 7d (a number, then ms, s, m, h or d)");
        }
        long number = Long.parseLong(value.substring(0, digits));
        String unit = value.substring(digits);
        long unitMs = switch (unit) {
            case "" -> 0;
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            case "d" -> 86_400_000;
            default -> throw new IllegalArgumentException(
                    "unknown unit '" + unit + "': a duration's unit is ms, s, m, h or d");
        };
        if (unitMs == 0) {
            return batches(number);
        }
        if (number > MAX_AGE_MS / unitMs) {
            throw new IllegalArgumentException("a horizon's age must be at most 100 years");
        }
        return age(Duration.ofMillis(number * unitMs));
    }

    /** @return whether this is {@link #KEEP}: nothing is ever past it */
    public boolean keepsAll() {
        return batches == 0 && ageMs == 0;
    }

    /** @return the number of last confirmed batches kept, or 0 if this horizon is not a count */
    public long batchCount() {
        return batches;
    }

    /** @return the age in ms, or 0 if this horizon is not an age */
    public long ageMs() {
        return ageMs;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Horizon that && batches == that.batches && ageMs == that.ageMs;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(batches) * 31 + Long.hashCode(ageMs);
    }

    /** @return the environment form: {@code 0}, a count, or the age in the largest unit that divides it */
    @Override
    public String toString() {
        if (ageMs == 0) {
            return Long.toString(batches);
        }
        long[] units = {86_400_000, 3_600_000, 60_000, 1_000};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ageMs % units[i] == 0) {
                return ageMs / units[i] + names[i];
            }
        }
        return ageMs + "ms";
    }
}
