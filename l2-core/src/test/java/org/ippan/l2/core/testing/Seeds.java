package org.ippan.l2.core.testing;

import java.util.SplittableRandom;

/**
 * Seeds for property-style tests: fixed by default so runs are repeatable, overridable with
 * {@code -Dl2.test.seed=N} to explore; every assertion message carries the seed.
 */
public final class Seeds {
    private Seeds() {}

    /** @return the seed to use for a test whose default seed is {@code defaultSeed} */
    public static long seed(long defaultSeed) {
        String override = System.getProperty("l2.test.seed");
        return override == null || override.isBlank() ? defaultSeed : Long.parseLong(override.trim());
    }

    /** @return a random source for {@link #seed(long)} */
    public static SplittableRandom random(long defaultSeed) {
        return new SplittableRandom(seed(defaultSeed));
    }
}
