package org.ippan.l2.benchmarks.load;

/**
 * A log-linear histogram of non-negative {@code long} values (nanoseconds here) in a fixed 1,888-slot array: exact
 * below 64, then 32 sub-buckets per power of two, so any recorded value is reported within 1/32 (3.1 %) of itself,
 * on the high side. Memory does not grow with the number of values. Not thread-safe: one per worker, then
 * {@link #add merged}.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    /** Highest bit index of a positive long is 62. */
    private static final int SLOTS = (62 - SUB_BITS + 2) * SUB_COUNT;

    private final long[] counts = new long[SLOTS];
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max;

    /** Records one value; negative values count as 0. */
    void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        count++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    /** Adds every value of {@code other} to this histogram. */
    void add(LatencyHistogram other) {
        for (int i = 0; i < SLOTS; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    long count() {
        return count;
    }

    long max() {
        return count == 0 ? 0 : max;
    }

    long min() {
        return count == 0 ? 0 : min;
    }

    double mean() {
        return count == 0 ? 0 : (double) sum / count;
    }

    /**
     * The value at a percentile: the highest value of the bucket holding the {@code ceil(p/100 * count)}-th
     * smallest value, capped at the largest value recorded; 0 when empty.
     *
     * @param percentile 0 to 100
     */
    long percentile(double percentile) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * count));
        long seen = 0;
        for (int i = 0; i < SLOTS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, highestValueOf(i));
            }
        }
        return max;
    }

    static int index(long value) {
        if (value < 2L * SUB_COUNT) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        int sub = (int) (value >>> (exponent - SUB_BITS)) & (SUB_COUNT - 1);
        return (exponent - SUB_BITS + 1) * SUB_COUNT + sub;
    }

    static long highestValueOf(int index) {
        if (index < 2 * SUB_COUNT) {
            return index;
        }
        int group = index / SUB_COUNT;
        int sub = index % SUB_COUNT;
        int shift = group - 1;
        long lowest = (long) (SUB_COUNT + sub) << shift;
        return lowest + (1L << shift) - 1;
    }
}
