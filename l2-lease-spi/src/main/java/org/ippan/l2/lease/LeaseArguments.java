package org.ippan.l2.lease;

import java.util.Objects;

/** The argument checks every {@link LeaseStore} applies before it touches its store, so all adapters agree. */
public final class LeaseArguments {

    /** The longest holder id, in characters. */
    public static final int MAX_HOLDER_ID_CHARS = 256;
    /** The longest advertised URL, in characters. */
    public static final int MAX_URL_CHARS = 2048;
    /** The shortest time to live, in ms. */
    public static final long MIN_TTL_MS = 10;
    /** The longest time to live, in ms (one day). */
    public static final long MAX_TTL_MS = 86_400_000L;
    /** The longest lease name, in characters. */
    public static final int MAX_LEASE_NAME_CHARS = 128;

    private LeaseArguments() {
    }

    /**
     * @param holderId a holder id
     * @return {@code holderId}
     * @throws NullPointerException     if null
     * @throws IllegalArgumentException if empty, longer than {@link #MAX_HOLDER_ID_CHARS} or holding a control
     *                                  character
     */
    public static String requireHolderId(String holderId) {
        return requireText(holderId, "holderId", MAX_HOLDER_ID_CHARS, false);
    }

    /**
     * @param advertisedUrl an advertised URL
     * @return {@code advertisedUrl}
     * @throws NullPointerException     if null
     * @throws IllegalArgumentException if longer than {@link #MAX_URL_CHARS} or holding a control character
     */
    public static String requireUrl(String advertisedUrl) {
        return requireText(advertisedUrl, "advertisedUrl", MAX_URL_CHARS, true);
    }

    /**
     * @param leaseName the name of a lease in its store
     * @return {@code leaseName}
     * @throws NullPointerException     if null
     * @throws IllegalArgumentException if empty, longer than {@link #MAX_LEASE_NAME_CHARS} or holding a control
     *                                  character
     */
    public static String requireLeaseName(String leaseName) {
        return requireText(leaseName, "leaseName", MAX_LEASE_NAME_CHARS, false);
    }

    /**
     * @param ttlMs a time to live
     * @return {@code ttlMs}
     * @throws IllegalArgumentException if outside {@link #MIN_TTL_MS}..{@link #MAX_TTL_MS}
     */
    public static long requireTtl(long ttlMs) {
        if (ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS) {
            throw new IllegalArgumentException("ttlMs must be between " + MIN_TTL_MS + " and " + MAX_TTL_MS
                    + ", got " + ttlMs);
        }
        return ttlMs;
    }

    /**
     * @param lease a lease given back to its store
     * @return {@code lease}
     * @throws NullPointerException if null
     */
    public static Lease requireLease(Lease lease) {
        return Objects.requireNonNull(lease, "lease");
    }

    private static String requireText(String value, String name, int maxChars, boolean mayBeEmpty) {
        Objects.requireNonNull(value, name);
        if (!mayBeEmpty && value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        if (value.length() > maxChars) {
            throw new IllegalArgumentException(name + " must be at most " + maxChars + " characters, got "
                    + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(name + " must not hold control characters (at index " + i + ")");
            }
        }
        return value;
    }
}
