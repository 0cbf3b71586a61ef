package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.engine.CountingMetrics.Histogram;
import org.ippan.l2.core.engine.CountingMetrics.Snapshot;
import org.ippan.l2.core.engine.SequencerMetrics.PostFailure;
import org.junit.jupiter.api.Test;

class CountingMetricsTest {
    private static final List<Double> EXPECTED_BOUNDS_SECONDS = List.of(
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private static final Snapshot ZERO = new CountingMetrics().snapshot();

    /** Asserts every field of {@code snapshot} but {@code changed} is still zero. */
    private static void assertOnlyChanged(Snapshot snapshot, String... changed) {
        assertThat(snapshot).usingRecursiveComparison().ignoringFields(changed).isEqualTo(ZERO);
    }

    /** Cumulative counts for one observation falling into bucket {@code index} (the +Inf bucket is index 14). */
    private static List<Long> oneObservationIn(int index) {
        List<Long> cumulative = new ArrayList<>();
        for (int i = 0; i <= EXPECTED_BOUNDS_SECONDS.size(); i++) {
            cumulative.add(i >= index ? 1L : 0L);
        }
        return cumulative;
    }

    private static Histogram admissionHistogramOf(long latencyNs) {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordAdmitted(1, 0, latencyNs);
        return metrics.snapshot().admissionLatency();
    }

    @Test
    void snapshot_ofFreshMetrics_isAllZero_withEveryEnumKeyInEnumOrder() {
        Snapshot snapshot = new CountingMetrics().snapshot();

        assertThat(snapshot.accepted()).isZero();
        assertThat(snapshot.rejected()).containsExactly(
                Map.entry(RefusalCode.INVALID_JSON, 0L), Map.entry(RefusalCode.BODY_TOO_LARGE, 0L),
                Map.entry(RefusalCode.INVALID_FRAME, 0L), Map.entry(RefusalCode.INVALID_ENCODING, 0L),
                Map.entry(RefusalCode.CHAIN_ID_MISMATCH, 0L), Map.entry(RefusalCode.INVALID_PAYLOAD, 0L),
                Map.entry(RefusalCode.TX_TOO_LARGE, 0L), Map.entry(RefusalCode.INVALID_FIELD, 0L),
                Map.entry(RefusalCode.NOT_LEADER, 0L), Map.entry(RefusalCode.QUEUE_FULL, 0L),
                Map.entry(RefusalCode.UNAVAILABLE, 0L));
        assertThat(snapshot.batchesCut()).containsExactly(
                Map.entry(CutReason.COUNT, 0L), Map.entry(CutReason.BYTES, 0L),
                Map.entry(CutReason.AGE, 0L), Map.entry(CutReason.FLUSH, 0L));
        assertThat(snapshot.postFailures()).containsExactly(
                Map.entry(PostFailure.TRANSIENT, 0L), Map.entry(PostFailure.UNKNOWN_RESULT, 0L),
                Map.entry(PostFailure.PERMANENT, 0L));
        assertThat(snapshot.loopErrors()).isEmpty();
        assertThat(snapshot.rejectedTotal()).isZero();
        assertThat(snapshot.postFailuresTotal()).isZero();
        for (Histogram histogram : List.of(snapshot.admissionLatency(), snapshot.postLatency())) {
            assertThat(histogram.upperBoundsSeconds()).isEqualTo(EXPECTED_BOUNDS_SECONDS);
            assertThat(histogram.cumulativeCounts()).hasSize(15).containsOnly(0L);
            assertThat(histogram.count()).isZero();
            assertThat(histogram.sumSeconds()).isZero();
        }
    }

    @Test
    void bucketBounds_arePrometheusStyleSeconds_ascending_withoutInf() {
        assertThat(CountingMetrics.LATENCY_BUCKET_BOUNDS_SECONDS).isEqualTo(EXPECTED_BOUNDS_SECONDS);
    }

    @Test
    void recordAdmitted_addsAcceptedAndDuplicates_andObservesOneAdmissionLatencyPerCall() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordAdmitted(3, 1, 2 * MS);
        metrics.recordAdmitted(4, 2, 3 * MS);

        Snapshot snapshot = metrics.snapshot();
        assertThat(snapshot.accepted()).isEqualTo(7);
        assertThat(snapshot.duplicates()).isEqualTo(3);
        assertThat(snapshot.admissionLatency().count()).isEqualTo(2);
        assertThat(snapshot.admissionLatency().sumSeconds()).isCloseTo(0.005, within(1e-12));
        assertOnlyChanged(snapshot, "accepted", "duplicates", "admissionLatency");
    }

    @Test
    void recordDuplicatesFromCache_addsDuplicatesOnly_andObservesNoAdmissionLatency() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordDuplicatesFromCache(2);
        metrics.recordDuplicatesFromCache(1);

        Snapshot snapshot = metrics.snapshot();
        assertThat(snapshot.duplicates()).isEqualTo(3);
        assertThat(snapshot.admissionLatency().count()).isZero();
        assertOnlyChanged(snapshot, "duplicates");
    }

    @Test
    void recordRejected_addsTheCountToItsCodeOnly_andToTheTotal() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordRejected(RefusalCode.QUEUE_FULL, 5);
        metrics.recordRejected(RefusalCode.QUEUE_FULL, 2);
        metrics.recordRejected(RefusalCode.INVALID_JSON, 1);

        Snapshot snapshot = metrics.snapshot();
        Map<RefusalCode, Long> expected = new EnumMap<>(ZERO.rejected());
        expected.put(RefusalCode.QUEUE_FULL, 7L);
        expected.put(RefusalCode.INVALID_JSON, 1L);
        assertThat(snapshot.rejected()).isEqualTo(expected);
        assertThat(snapshot.rejectedTotal()).isEqualTo(8);
        assertOnlyChanged(snapshot, "rejected");
    }

    @Test
    void recordBatchCut_countsTheBatchUnderItsReason_andAddsItsTxsAndBytes() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordBatchCut(CutReason.AGE, 3, 300);
        metrics.recordBatchCut(CutReason.AGE, 2, 250);
        metrics.recordBatchCut(CutReason.BYTES, 10, 4_000);

        Snapshot snapshot = metrics.snapshot();
        assertThat(snapshot.batchesCut()).containsExactly(
                Map.entry(CutReason.COUNT, 0L), Map.entry(CutReason.BYTES, 1L),
                Map.entry(CutReason.AGE, 2L), Map.entry(CutReason.FLUSH, 0L));
        assertThat(snapshot.batchesCutTotal()).isEqualTo(3);
        assertThat(snapshot.txsCut()).isEqualTo(15);
        assertThat(snapshot.bytesCut()).isEqualTo(4_550);
        assertOnlyChanged(snapshot, "batchesCut", "txsCut", "bytesCut");
    }

    @Test
    void recordPostSucceeded_countsTheSuccess_andObservesPostLatency() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordPostSucceeded(40 * MS);

        Snapshot snapshot = metrics.snapshot();
        assertThat(snapshot.postsSucceeded()).isEqualTo(1);
        assertThat(snapshot.postLatency().cumulativeCounts()).isEqualTo(oneObservationIn(6)); // le 0.05
        assertThat(snapshot.postLatency().sumSeconds()).isCloseTo(0.04, within(1e-12));
        assertOnlyChanged(snapshot, "postsSucceeded", "postLatency");
    }

    @Test
    void recordPostFailed_countsEveryAttemptUnderItsKindAndInTheTotal_andObservesPostLatency() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordPostFailed(PostFailure.TRANSIENT, 1 * MS);
        metrics.recordPostFailed(PostFailure.TRANSIENT, 1 * MS);
        metrics.recordPostFailed(PostFailure.PERMANENT, 2 * MS);

        Snapshot snapshot = metrics.snapshot();
        assertThat(snapshot.postFailures()).containsExactly(
                Map.entry(PostFailure.TRANSIENT, 2L), Map.entry(PostFailure.UNKNOWN_RESULT, 0L),
                Map.entry(PostFailure.PERMANENT, 1L));
        assertThat(snapshot.postFailuresTotal()).isEqualTo(3);
        assertThat(snapshot.postLatency().count()).isEqualTo(3);
        assertThat(snapshot.postLatency().sumSeconds()).isCloseTo(0.004, within(1e-12));
        assertOnlyChanged(snapshot, "postFailures", "postLatency");
    }

    @Test
    void postLatency_holdsSuccessfulAndFailedAttemptsTogether() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordPostSucceeded(200 * MS);
        metrics.recordPostFailed(PostFailure.UNKNOWN_RESULT, 3 * SECOND);

        Histogram post = metrics.snapshot().postLatency();
        assertThat(post.count()).isEqualTo(2);
        assertThat(post.sumSeconds()).isCloseTo(3.2, within(1e-9));
        // 0.2 s is in le=0.25 (index 8); 3 s is in le=5 (index 12)
        assertThat(post.cumulativeCounts()).containsExactly(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L, 2L, 2L, 2L);
        assertThat(metrics.snapshot().admissionLatency().count()).isZero();
    }

    @Test
    void recordBatchConfirmed_countsOnlyConfirmed() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordBatchConfirmed();
        metrics.recordBatchConfirmed();

        Snapshot snapshot = metrics.snapshot();
        assertThat(snapshot.confirmed()).isEqualTo(2);
        assertOnlyChanged(snapshot, "confirmed");
    }

    @Test
    void recordBatchReposted_countsOnlyReposted() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordBatchReposted();

        Snapshot snapshot = metrics.snapshot();
        assertThat(snapshot.reposted()).isEqualTo(1);
        assertOnlyChanged(snapshot, "reposted");
    }

    @Test
    void recordStateChange_countsOnlyStateChanges() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordStateChange(SequencerState.NEW, SequencerState.LEADER);
        metrics.recordStateChange(SequencerState.LEADER, SequencerState.FENCED);
        metrics.recordStateChange(SequencerState.FENCED, SequencerState.CLOSED);

        Snapshot snapshot = metrics.snapshot();
        assertThat(snapshot.stateChanges()).isEqualTo(3);
        assertOnlyChanged(snapshot, "stateChanges");
    }

    @Test
    void recordLoopError_countsPerLoopName_sortedByName_withNullAsUnknown() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordLoopError("reconcile");
        metrics.recordLoopError("admit");
        metrics.recordLoopError("reconcile");
        metrics.recordLoopError("post");
        metrics.recordLoopError(null);

        Snapshot snapshot = metrics.snapshot();
        assertThat(snapshot.loopErrors()).containsExactly(
                Map.entry("admit", 1L), Map.entry("post", 1L), Map.entry("reconcile", 2L),
                Map.entry(CountingMetrics.UNKNOWN_LOOP, 1L));
        assertOnlyChanged(snapshot, "loopErrors");
    }

    @Test
    void recordWithNullEnum_neverThrows_andCountsNothing() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordRejected(null, 3);
        metrics.recordBatchCut(null, 3, 100);
        metrics.recordPostFailed(null, 5 * MS);

        assertThat(metrics.snapshot()).isEqualTo(ZERO);
    }

    @Test
    void histogram_latencyEqualToABound_fallsInThatBoundsBucket() {
        long[] boundsNs = {
            500_000L, MS, 2_500_000L, 5 * MS, 10 * MS, 25 * MS, 50 * MS, 100 * MS, 250 * MS, 500 * MS,
            SECOND, 2_500 * MS, 5 * SECOND, 10 * SECOND
        };
        for (int i = 0; i < boundsNs.length; i++) {
            assertThat(admissionHistogramOf(boundsNs[i]).cumulativeCounts())
                    .as("exactly %d ns", boundsNs[i]).isEqualTo(oneObservationIn(i));
            assertThat(admissionHistogramOf(boundsNs[i] - 1).cumulativeCounts())
                    .as("%d ns - 1", boundsNs[i]).isEqualTo(oneObservationIn(i));
            assertThat(admissionHistogramOf(boundsNs[i] + 1).cumulativeCounts())
                    .as("%d ns + 1", boundsNs[i]).isEqualTo(oneObservationIn(i + 1));
        }
    }

    @Test
    void histogram_latencyAboveTheLastBound_countsOnlyInInf() {
        Histogram histogram = admissionHistogramOf(10 * SECOND + 1);

        assertThat(histogram.cumulativeCounts()).isEqualTo(oneObservationIn(14));
        assertThat(histogram.cumulativeCounts().get(13)).isZero();
        assertThat(histogram.count()).isEqualTo(1);
        assertThat(histogram.sumSeconds()).isCloseTo(10.000000001, within(1e-12));
    }

    @Test
    void histogram_zeroAndNegativeLatencies_countInTheFirstBucket_andAddNothingToTheSum() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordAdmitted(1, 0, 0);
        metrics.recordAdmitted(1, 0, -5 * SECOND);
        metrics.recordAdmitted(1, 0, Long.MIN_VALUE);

        Histogram histogram = metrics.snapshot().admissionLatency();
        assertThat(histogram.cumulativeCounts()).containsOnly(3L);
        assertThat(histogram.count()).isEqualTo(3);
        assertThat(histogram.sumSeconds()).isZero();
    }

    @Test
    void histogram_cumulativeCountsCountAndSum_overSeveralObservations() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordAdmitted(1, 0, 200_000L);   // le 0.0005
        metrics.recordAdmitted(1, 0, 700_000L);   // le 0.001
        metrics.recordAdmitted(1, 0, 3 * MS);     // le 0.005
        metrics.recordAdmitted(1, 0, 3 * MS);     // le 0.005
        metrics.recordAdmitted(1, 0, 20 * SECOND); // +Inf

        Histogram histogram = metrics.snapshot().admissionLatency();
        assertThat(histogram.cumulativeCounts())
                .containsExactly(1L, 2L, 2L, 4L, 4L, 4L, 4L, 4L, 4L, 4L, 4L, 4L, 4L, 4L, 5L);
        assertThat(histogram.count()).isEqualTo(5);
        assertThat(histogram.sumSeconds()).isCloseTo(20.0069, within(1e-9));
    }

    @Test
    void concurrentRecording_fromFourThreads_losesNoCount() throws Exception {
        int threads = 4;
        int perThread = 10_000;
        CountingMetrics metrics = new CountingMetrics();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String loop = "loop-" + (t % 2);
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        metrics.recordAdmitted(2, 1, MS);            // le 0.001
                        metrics.recordRejected(RefusalCode.QUEUE_FULL, 3);
                        metrics.recordBatchCut(CutReason.COUNT, 5, 100);
                        metrics.recordPostSucceeded(20 * MS);        // le 0.025
                        metrics.recordPostFailed(PostFailure.TRANSIENT, 20 * SECOND); // +Inf
                        metrics.recordBatchConfirmed();
                        metrics.recordBatchReposted();
                        metrics.recordStateChange(SequencerState.LEADER, SequencerState.FENCED);
                        metrics.recordLoopError(loop);
                    }
                    return null;
                }));
            }
            start.countDown();
            executor.shutdown();
            assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            for (Future<?> future : futures) {
                future.get(); // rethrows a worker's failure
            }
        } finally {
            executor.shutdownNow();
        }

        long n = (long) threads * perThread;
        Snapshot snapshot = metrics.snapshot();
        assertThat(snapshot.accepted()).isEqualTo(2 * n);
        assertThat(snapshot.duplicates()).isEqualTo(n);
        assertThat(snapshot.rejected().get(RefusalCode.QUEUE_FULL)).isEqualTo(3 * n);
        assertThat(snapshot.rejectedTotal()).isEqualTo(3 * n);
        assertThat(snapshot.batchesCut().get(CutReason.COUNT)).isEqualTo(n);
        assertThat(snapshot.txsCut()).isEqualTo(5 * n);
        assertThat(snapshot.bytesCut()).isEqualTo(100 * n);
        assertThat(snapshot.postsSucceeded()).isEqualTo(n);
        assertThat(snapshot.postFailures().get(PostFailure.TRANSIENT)).isEqualTo(n);
        assertThat(snapshot.postFailuresTotal()).isEqualTo(n);
        assertThat(snapshot.confirmed()).isEqualTo(n);
        assertThat(snapshot.reposted()).isEqualTo(n);
        assertThat(snapshot.stateChanges()).isEqualTo(n);
        assertThat(snapshot.loopErrors()).containsExactly(Map.entry("loop-0", n / 2), Map.entry("loop-1", n / 2));

        Histogram admission = snapshot.admissionLatency();
        assertThat(admission.count()).isEqualTo(n);
        assertThat(admission.cumulativeCounts().get(0)).isZero();
        assertThat(admission.cumulativeCounts().get(1)).isEqualTo(n);
        assertThat(admission.sumSeconds()).isCloseTo(n * 0.001, within(1e-6));

        Histogram post = snapshot.postLatency();
        assertThat(post.count()).isEqualTo(2 * n);
        assertThat(post.cumulativeCounts().get(4)).isZero();
        assertThat(post.cumulativeCounts().get(5)).isEqualTo(n);
        assertThat(post.cumulativeCounts().get(13)).isEqualTo(n);
        assertThat(post.cumulativeCounts().get(14)).isEqualTo(2 * n);
        assertThat(post.sumSeconds()).isCloseTo(n * 20.02, within(1e-3));
    }

    @Test
    void snapshotsTakenWhileRecording_neverGoBackwards() throws Exception {
        CountingMetrics metrics = new CountingMetrics();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Future<?> writer = executor.submit(() -> {
                for (int i = 0; i < 50_000; i++) {
                    metrics.recordAdmitted(1, 0, i * 1_000L);
                }
                writing.set(false);
            });
            Future<Integer> reader = executor.submit(() -> {
                int snapshots = 0;
                long previousCount = 0;
                long previousAccepted = 0;
                while (writing.get() || snapshots == 0) {
                    Snapshot snapshot = metrics.snapshot(); // the Histogram constructor checks its own shape
                    Histogram admission = snapshot.admissionLatency();
                    assertThat(admission.count()).isGreaterThanOrEqualTo(previousCount);
                    assertThat(snapshot.accepted()).isGreaterThanOrEqualTo(previousAccepted);
                    previousCount = admission.count();
                    previousAccepted = snapshot.accepted();
                    snapshots++;
                }
                return snapshots;
            });
            writer.get(30, TimeUnit.SECONDS);
            assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
        } finally {
            executor.shutdownNow();
        }
        assertThat(metrics.snapshot().admissionLatency().count()).isEqualTo(50_000);
    }

    @Test
    void snapshot_isNotChangedByLaterRecords() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordAdmitted(1, 0, MS);
        metrics.recordLoopError("post");
        Snapshot before = metrics.snapshot();

        metrics.recordAdmitted(1, 0, MS);
        metrics.recordRejected(RefusalCode.NOT_LEADER, 1);
        metrics.recordLoopError("post");
        metrics.recordLoopError("admit");

        assertThat(before.accepted()).isEqualTo(1);
        assertThat(before.rejected().get(RefusalCode.NOT_LEADER)).isZero();
        assertThat(before.loopErrors()).containsExactly(Map.entry("post", 1L));
        assertThat(before.admissionLatency().count()).isEqualTo(1);
        assertThat(metrics.snapshot()).isNotEqualTo(before);
    }

    @Test
    void snapshot_mapsAndHistogramListsCannotBeModified() {
        CountingMetrics metrics = new CountingMetrics();
        metrics.recordLoopError("post");
        metrics.recordAdmitted(1, 0, MS);
        Snapshot snapshot = metrics.snapshot();

        assertThatThrownBy(() -> snapshot.rejected().put(RefusalCode.QUEUE_FULL, 9L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snapshot.batchesCut().put(CutReason.AGE, 9L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snapshot.postFailures().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snapshot.loopErrors().put("post", 9L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snapshot.admissionLatency().cumulativeCounts().set(0, 9L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snapshot.postLatency().upperBoundsSeconds().set(0, 9.0))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(snapshot.loopErrors()).containsExactly(Map.entry("post", 1L));
    }

    @Test
    void snapshotConstructor_copiesItsMaps_andFillsMissingEnumKeysWithZero() {
        Map<RefusalCode, Long> rejected = new HashMap<>(Map.of(RefusalCode.UNAVAILABLE, 4L));
        Map<String, Long> loops = new HashMap<>(Map.of("post", 2L, "admit", 1L));
        Snapshot snapshot = new Snapshot(0, 0, rejected, Map.of(), 0, 0, 0, Map.of(), 0, 0, 0, loops,
                ZERO.admissionLatency(), ZERO.postLatency());

        rejected.put(RefusalCode.UNAVAILABLE, 100L);
        loops.put("zzz", 7L);

        assertThat(snapshot.rejected()).hasSize(RefusalCode.values().length);
        assertThat(snapshot.rejected().get(RefusalCode.UNAVAILABLE)).isEqualTo(4);
        assertThat(snapshot.rejected().get(RefusalCode.INVALID_JSON)).isZero();
        assertThat(snapshot.rejectedTotal()).isEqualTo(4);
        assertThat(snapshot.batchesCut()).hasSize(CutReason.values().length).containsOnlyKeys(CutReason.values());
        assertThat(snapshot.postFailures()).containsOnlyKeys(PostFailure.values());
        assertThat(snapshot.loopErrors()).containsExactly(Map.entry("admit", 1L), Map.entry("post", 2L));
    }

    @Test
    void snapshotConstructor_refusesNullMapValues() {
        Map<RefusalCode, Long> rejected = new EnumMap<>(RefusalCode.class);
        rejected.put(RefusalCode.UNAVAILABLE, null);

        assertThatThrownBy(() -> new Snapshot(0, 0, rejected, Map.of(), 0, 0, 0, Map.of(), 0, 0, 0, Map.of(),
                ZERO.admissionLatency(), ZERO.postLatency()))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("rejected");
    }

    @Test
    void histogramConstructor_copiesItsLists() {
        List<Double> bounds = new ArrayList<>(List.of(0.1, 1.0));
        List<Long> counts = new ArrayList<>(List.of(1L, 2L, 3L));
        Histogram histogram = new Histogram(bounds, counts, 3, 1.5);

        bounds.set(0, 0.5);
        counts.set(0, 0L);

        assertThat(histogram.upperBoundsSeconds()).containsExactly(0.1, 1.0);
        assertThat(histogram.cumulativeCounts()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void histogramConstructor_refusesMalformedShapes() {
        assertThatThrownBy(() -> new Histogram(List.of(0.1, 1.0), List.of(1L, 2L), 2, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cumulativeCounts");
        assertThatThrownBy(() -> new Histogram(List.of(0.1, 1.0), List.of(2L, 1L, 3L), 3, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decrease");
        assertThatThrownBy(() -> new Histogram(List.of(0.1, 1.0), List.of(1L, 2L, 3L), 4, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("+Inf element must equal count 4");
        assertThatThrownBy(() -> new Histogram(List.of(1.0, 1.0), List.of(1L, 2L, 3L), 3, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascend");
        assertThatThrownBy(() -> new Histogram(List.of(1.0), Collections.singletonList(null), 0, 0))
                .isInstanceOf(NullPointerException.class);
    }
}
