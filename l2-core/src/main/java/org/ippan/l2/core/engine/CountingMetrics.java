package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.CutReason;

/**
 * A ready {@link SequencerMetrics}: counters and two latency histograms, read with {@link #snapshot()} (for example
 * by a Prometheus {@code GET /metrics} handler).
 *
 * <p>Thread-safe and lock-free on the recording path: every counter is a {@link LongAdder} (per enum constant, per
 * histogram bucket), so recording threads never contend on a lock and rarely on a cache line; loop errors are kept
 * in a {@link ConcurrentHashMap} of adders keyed by loop name. Recording never throws: a call with a {@code null}
 * enum argument is ignored as a whole (so the totals stay consistent with each other), and a {@code null} loop name
 * is counted as {@link #UNKNOWN_LOOP}.
 *
 * <p>Histograms use the fixed bucket upper bounds of {@link #LATENCY_BUCKET_BOUNDS_SECONDS} with Prometheus
 * {@code le} semantics: a latency equal to a bound falls in that bound's bucket. A negative latency is counted as 0.
 * The admission histogram observes one value per {@link #recordAdmitted} call (one per group written), not the
 * duplicates answered from the engine's cache ({@link #recordDuplicatesFromCache}), which write nothing; the posting
 * histogram observes every posting attempt, successful or failed.
 *
 * <p>A snapshot reads each counter once; it is not atomic across counters while records are in flight (a
 * histogram's {@code count} always equals its {@code +Inf} bucket, its {@code sum} may lag or lead by the values
 * being recorded), which is what Prometheus scrapes expect.
 */
public final class CountingMetrics implements SequencerMetrics {
    /** The loop name counted when {@link #recordLoopError} is given {@code null}. */
    public static final String UNKNOWN_LOOP = "unknown";

    private static final long[] BOUNDS_NS = {
        500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L, 50_000_000L, 100_000_000L,
        250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L, 5_000_000_000L, 10_000_000_000L
    };

    private static final double NANOS_PER_SECOND = 1e9;

    /** The histogram bucket upper bounds in seconds, ascending, without {@code +Inf}. */
    public static final List<Double> LATENCY_BUCKET_BOUNDS_SECONDS = boundsSeconds();

    private static final RefusalCode[] REFUSAL_CODES = RefusalCode.values();
    private static final CutReason[] CUT_REASONS = CutReason.values();
    private static final PostFailure[] POST_FAILURES = PostFailure.values();

    private final LongAdder accepted = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder[] rejected = adders(REFUSAL_CODES.length);
    private final LongAdder[] batchesCut = adders(CUT_REASONS.length);
    private final LongAdder txsCut = new LongAdder();
    private final LongAdder bytesCut = new LongAdder();
    private final LongAdder postsSucceeded = new LongAdder();
    private final LongAdder[] postFailures = adders(POST_FAILURES.length);
    private final LongAdder confirmed = new LongAdder();
    private final LongAdder reposted = new LongAdder();
    private final LongAdder forcedAdmitted = new LongAdder();
    private final LongAdder forcedSkipped = new LongAdder();
    private final LongAdder stateChanges = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> loopErrors = new ConcurrentHashMap<>();
    private final LatencyHistogram admissionLatency = new LatencyHistogram();
    private final LatencyHistogram postLatency = new LatencyHistogram();

    /** Creates metrics with every counter at zero. */
    public CountingMetrics() {}

    @Override
    public void recordAdmitted(int accepted, int duplicates, long latencyNs) {
        this.accepted.add(accepted);
        this.duplicates.add(duplicates);
        admissionLatency.observe(latencyNs);
    }

    @Override
    public void recordDuplicatesFromCache(int count) {
        duplicates.add(count);
    }

    @Override
    public void recordRejected(RefusalCode code, int count) {
        if (code != null) {
            rejected[code.ordinal()].add(count);
        }
    }

    @Override
    public void recordBatchCut(CutReason reason, int txCount, long encodedBytes) {
        if (reason == null) {
            return;
        }
        batchesCut[reason.ordinal()].increment();
        txsCut.add(txCount);
        bytesCut.add(encodedBytes);
    }

    @Override
    public void recordPostSucceeded(long latencyNs) {
        postsSucceeded.increment();
        postLatency.observe(latencyNs);
    }

    @Override
    public void recordPostFailed(PostFailure kind, long latencyNs) {
        if (kind == null) {
            return;
        }
        postFailures[kind.ordinal()].increment();
        postLatency.observe(latencyNs);
    }

    @Override
    public void recordBatchConfirmed() {
        confirmed.increment();
    }

    @Override
    public void recordBatchReposted() {
        reposted.increment();
    }

    @Override
    public void recordForcedTxs(int admitted, int skipped) {
        forcedAdmitted.add(admitted);
        forcedSkipped.add(skipped);
    }

    /** @return txs the forced-inclusion watcher admitted from the L1 inbox */
    public long forcedTxsAdmitted() {
        return forcedAdmitted.sum();
    }

    /** @return inbox txs the forced-inclusion watcher could not admit (undecodable, or refused by the rules) */
    public long forcedTxsSkipped() {
        return forcedSkipped.sum();
    }

    @Override
    public void recordStateChange(SequencerState from, SequencerState to) {
        stateChanges.increment();
    }

    @Override
    public void recordLoopError(String loop) {
        String name = loop == null ? UNKNOWN_LOOP : loop;
        LongAdder adder = loopErrors.get(name);
        if (adder == null) {
            adder = loopErrors.computeIfAbsent(name, k -> new LongAdder());
        }
        adder.increment();
    }

    /**
     * Reads every counter once.
     *
     * @return an immutable copy of the current values
     */
    public Snapshot snapshot() {
        Map<String, Long> loops = new TreeMap<>();
        loopErrors.forEach((name, adder) -> loops.put(name, adder.sum()));
        return new Snapshot(
                accepted.sum(),
                duplicates.sum(),
                sums(RefusalCode.class, REFUSAL_CODES, rejected),
                sums(CutReason.class, CUT_REASONS, batchesCut),
                txsCut.sum(),
                bytesCut.sum(),
                postsSucceeded.sum(),
                sums(PostFailure.class, POST_FAILURES, postFailures),
                confirmed.sum(),
                reposted.sum(),
                stateChanges.sum(),
                loops,
                admissionLatency.snapshot(),
                postLatency.snapshot());
    }

    /**
     * The values of a {@link CountingMetrics} at one moment. Immutable: the maps cannot be modified and are copies.
     *
     * @param accepted txs newly accepted
     * @param duplicates txs recognised as already accepted, by storage or from the engine's cache
     * @param rejected refused txs per code: every code, zeros included, in enum order
     * @param batchesCut batches committed per cut reason: every reason, zeros included, in enum order
     * @param txsCut txs in committed batches
     * @param bytesCut encoded bytes of committed batches
     * @param postsSucceeded L1 submissions answered with success
     * @param postFailures failed L1 posting attempts per kind: every kind, zeros included, in enum order
     * @param confirmed batches that reached the confirmed state
     * @param reposted batches lost by L1 and queued to be posted again
     * @param stateChanges engine state changes
     * @param loopErrors failed loop steps per loop name, sorted by name
     * @param admissionLatency admission latency, one observation per group written (duplicates answered from the
     *     cache write nothing and are not observed)
     * @param postLatency L1 posting latency, one observation per attempt (successful or failed)
     */
    public record Snapshot(
            long accepted,
            long duplicates,
            Map<RefusalCode, Long> rejected,
            Map<CutReason, Long> batchesCut,
            long txsCut,
            long bytesCut,
            long postsSucceeded,
            Map<PostFailure, Long> postFailures,
            long confirmed,
            long reposted,
            long stateChanges,
            Map<String, Long> loopErrors,
            Histogram admissionLatency,
            Histogram postLatency) {

        /**
         * Copies the maps; an enum key missing from a map is stored with 0.
         *
         * @throws NullPointerException if a map, a map value, a loop name or a histogram is null
         */
        public Snapshot {
            rejected = completeEnumMap(RefusalCode.class, rejected, "rejected");
            batchesCut = completeEnumMap(CutReason.class, batchesCut, "batchesCut");
            postFailures = completeEnumMap(PostFailure.class, postFailures, "postFailures");
            Objects.requireNonNull(loopErrors, "loopErrors");
            TreeMap<String, Long> loops = new TreeMap<>();
            loopErrors.forEach((name, count) -> loops.put(
                    Objects.requireNonNull(name, "loopErrors key"), Objects.requireNonNull(count, "loopErrors value")));
            loopErrors = Collections.unmodifiableSortedMap(loops);
            Objects.requireNonNull(admissionLatency, "admissionLatency");
            Objects.requireNonNull(postLatency, "postLatency");
        }

        /** @return refused txs over every code ({@code l2_tx_rejected_total} summed over its labels) */
        public long rejectedTotal() {
            return total(rejected);
        }

        /** @return committed batches over every cut reason */
        public long batchesCutTotal() {
            return total(batchesCut);
        }

        /** @return every failed L1 posting attempt, whatever its kind ({@code l2_post_failures_total}) */
        public long postFailuresTotal() {
            return total(postFailures);
        }

        private static long total(Map<?, Long> counts) {
            long total = 0;
            for (long count : counts.values()) {
                total += count;
            }
            return total;
        }
    }

    /**
     * A latency histogram in Prometheus form.
     *
     * @param upperBoundsSeconds the bucket upper bounds in seconds, strictly ascending, without {@code +Inf}
     * @param cumulativeCounts per bound, the observations at or below it ({@code le}); then the {@code +Inf} bucket,
     *     equal to {@code count}: one more element than {@code upperBoundsSeconds}, never decreasing
     * @param count observations
     * @param sumSeconds the sum of the observed latencies, in seconds
     */
    public record Histogram(
            List<Double> upperBoundsSeconds, List<Long> cumulativeCounts, long count, double sumSeconds) {

        /**
         * Copies the lists and checks their shape.
         *
         * @throws NullPointerException if a list or an element is null
         * @throws IllegalArgumentException if the bounds do not ascend strictly, the counts decrease, their number is
         *     not one more than the bounds, or the last is not {@code count}
         */
        public Histogram {
            upperBoundsSeconds = List.copyOf(Objects.requireNonNull(upperBoundsSeconds, "upperBoundsSeconds"));
            cumulativeCounts = List.copyOf(Objects.requireNonNull(cumulativeCounts, "cumulativeCounts"));
            for (int i = 1; i < upperBoundsSeconds.size(); i++) {
                if (!(upperBoundsSeconds.get(i) > upperBoundsSeconds.get(i - 1))) {
                    throw new IllegalArgumentException(
                            "upperBoundsSeconds must ascend strictly: " + upperBoundsSeconds);
                }
            }
            if (cumulativeCounts.size() != upperBoundsSeconds.size() + 1) {
                throw new IllegalArgumentException("cumulativeCounts must hold " + (upperBoundsSeconds.size() + 1)
                        + " elements (one per bound, then +Inf), not " + cumulativeCounts.size());
            }
            for (int i = 1; i < cumulativeCounts.size(); i++) {
                if (cumulativeCounts.get(i) < cumulativeCounts.get(i - 1)) {
                    throw new IllegalArgumentException("cumulativeCounts must not decrease: " + cumulativeCounts);
                }
            }
            if (cumulativeCounts.get(cumulativeCounts.size() - 1) != count) {
                throw new IllegalArgumentException("cumulativeCounts' +Inf element must equal count " + count
                        + ": " + cumulativeCounts);
            }
        }
    }

    /** Per-bucket (not cumulative) adders, the last one for +Inf, and the sum in ns. */
    private static final class LatencyHistogram {
        private final LongAdder[] buckets = adders(BOUNDS_NS.length + 1);
        private final LongAdder sumNs = new LongAdder();

        void observe(long latencyNs) {
            long clampedNs = Math.max(0L, latencyNs);
            buckets[bucketIndex(clampedNs)].increment();
            sumNs.add(clampedNs);
        }

        Histogram snapshot() {
            List<Long> cumulative = new ArrayList<>(buckets.length);
            long running = 0;
            for (LongAdder bucket : buckets) {
                running += bucket.sum();
                cumulative.add(running);
            }
            return new Histogram(LATENCY_BUCKET_BOUNDS_SECONDS, cumulative, running, sumNs.sum() / NANOS_PER_SECOND);
        }
    }

    /** @return the index of the first bound at or above {@code latencyNs}; {@code BOUNDS_NS.length} for +Inf */
    private static int bucketIndex(long latencyNs) {
        for (int i = 0; i < BOUNDS_NS.length; i++) {
            if (latencyNs <= BOUNDS_NS[i]) {
                return i;
            }
        }
        return BOUNDS_NS.length;
    }

    private static List<Double> boundsSeconds() {
        List<Double> seconds = new ArrayList<>(BOUNDS_NS.length);
        for (long boundNs : BOUNDS_NS) {
            seconds.add(boundNs / NANOS_PER_SECOND);
        }
        return List.copyOf(seconds);
    }

    private static LongAdder[] adders(int count) {
        LongAdder[] adders = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    private static <E extends Enum<E>> Map<E, Long> sums(Class<E> type, E[] constants, LongAdder[] adders) {
        EnumMap<E, Long> sums = new EnumMap<>(type);
        for (E constant : constants) {
            sums.put(constant, adders[constant.ordinal()].sum());
        }
        return sums;
    }

    private static <E extends Enum<E>> Map<E, Long> completeEnumMap(Class<E> type, Map<E, Long> counts, String field) {
        Objects.requireNonNull(counts, field);
        EnumMap<E, Long> complete = new EnumMap<>(type);
        for (E constant : type.getEnumConstants()) {
            Long count = counts.get(constant);
            if (count == null && counts.containsKey(constant)) {
                throw new NullPointerException(field + " value for " + constant);
            }
            complete.put(constant, count == null ? 0L : count);
        }
        return Collections.unmodifiableMap(complete);
    }
}
