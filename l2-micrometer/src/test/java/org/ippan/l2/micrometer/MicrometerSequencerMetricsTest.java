package org.ippan.l2.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.engine.CountingMetrics;
import org.ippan.l2.core.engine.SequencerMetrics.PostFailure;
import org.ippan.l2.core.engine.SequencerState;
import org.junit.jupiter.api.Test;

class MicrometerSequencerMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerSequencerMetrics metrics = new MicrometerSequencerMetrics(registry);

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void newMetrics_registerEveryLabelValueAtZero() {
        for (RefusalCode code : RefusalCode.values()) {
            assertThat(count(MeterNames.TX_REJECTED, "code", code.name())).isZero();
        }
        assertThat(registry.get(MeterNames.BATCHES_CUT).counters()).hasSize(CutReason.values().length);
        assertThat(registry.get(MeterNames.POST_FAILURES_BY_KIND).counters()).hasSize(PostFailure.values().length);
        assertThat(count(MeterNames.BATCHES_CUT, "reason", "age")).isZero();
        assertThat(count(MeterNames.POST_FAILURES_BY_KIND, "kind", "unknown_result")).isZero();
        assertThat(registry.find(MeterNames.LOOP_ERRORS).counters()).isEmpty();
    }

    @Test
    void recordAdmitted_countsTxsAndObservesOneLatencyPerGroup() {
        metrics.recordAdmitted(5, 2, 3_000_000L);
        metrics.recordAdmitted(1, 0, 700_000L);
        metrics.recordDuplicatesFromCache(4);

        assertThat(count(MeterNames.TX_ACCEPTED)).isEqualTo(6);
        assertThat(count(MeterNames.TX_DUPLICATES)).isEqualTo(6);
        Timer latency = registry.get(MeterNames.ADMISSION_LATENCY).timer();
        assertThat(latency.count()).isEqualTo(2);
        assertThat(latency.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(3_700_000.0);
    }

    @Test
    void latencyHistogram_hasTheNodesBucketBounds_withLeSemantics() {
        metrics.recordAdmitted(1, 0, 1_000_000L); // exactly on the 1 ms bound
        metrics.recordAdmitted(1, 0, 1_000_001L);
        CountAtBucket[] buckets = registry.get(MeterNames.ADMISSION_LATENCY).timer().takeSnapshot()
                .histogramCounts();

        List<Double> boundsSeconds = Arrays.stream(buckets).map(b -> b.bucket(TimeUnit.SECONDS)).toList();
        assertThat(boundsSeconds).isEqualTo(CountingMetrics.LATENCY_BUCKET_BOUNDS_SECONDS);
        assertThat(buckets[0].count()).isZero(); // 0.5 ms
        assertThat(buckets[1].count()).isEqualTo(1); // 1 ms, cumulative
        assertThat(buckets[2].count()).isEqualTo(2); // 2.5 ms
    }

    @Test
    void negativeLatency_isRecordedAsZero() {
        metrics.recordPostSucceeded(-5L);
        Timer post = registry.get(MeterNames.POST_LATENCY).timer();
        assertThat(post.count()).isEqualTo(1);
        assertThat(post.totalTime(TimeUnit.NANOSECONDS)).isZero();
    }

    @Test
    void refusalsCutsAndPosts_areCountedUnderTheirLabels() {
        metrics.recordRejected(RefusalCode.QUEUE_FULL, 3);
        metrics.recordRejected(null, 7);
        metrics.recordBatchCut(CutReason.COUNT, 10, 2_000);
        metrics.recordBatchCut(CutReason.AGE, 2, 300);
        metrics.recordBatchCut(null, 99, 99);
        metrics.recordPostSucceeded(1_000L);
        metrics.recordPostFailed(PostFailure.UNKNOWN_RESULT, 2_000L);
        metrics.recordPostFailed(PostFailure.TRANSIENT, 2_000L);
        metrics.recordPostFailed(null, 2_000L);
        metrics.recordBatchConfirmed();
        metrics.recordBatchReposted();
        metrics.recordBatchesPruned(16);
        metrics.recordBatchesPruned(0);
        metrics.recordBatchesForgotten(3);

        assertThat(count(MeterNames.TX_REJECTED, "code", "QUEUE_FULL")).isEqualTo(3);
        assertThat(registry.get(MeterNames.TX_REJECTED).counters().stream().mapToDouble(Counter::count).sum())
                .isEqualTo(3);
        assertThat(count(MeterNames.BATCHES_CUT, "reason", "count")).isEqualTo(1);
        assertThat(count(MeterNames.BATCHES_CUT, "reason", "age")).isEqualTo(1);
        assertThat(count(MeterNames.BATCH_TXS)).isEqualTo(12);
        assertThat(count(MeterNames.BATCH_BYTES)).isEqualTo(2_300);
        assertThat(count(MeterNames.POSTS_SUCCEEDED)).isEqualTo(1);
        assertThat(count(MeterNames.POST_FAILURES)).isEqualTo(2);
        assertThat(count(MeterNames.POST_FAILURES_BY_KIND, "kind", "unknown_result")).isEqualTo(1);
        assertThat(count(MeterNames.POST_FAILURES_BY_KIND, "kind", "transient")).isEqualTo(1);
        assertThat(count(MeterNames.POST_FAILURES_BY_KIND, "kind", "permanent")).isZero();
        assertThat(registry.get(MeterNames.POST_LATENCY).timer().count()).isEqualTo(3);
        assertThat(count(MeterNames.BATCHES_CONFIRMATIONS)).isEqualTo(1);
        assertThat(count(MeterNames.BATCHES_REPOSTED)).isEqualTo(1);
        assertThat(count(MeterNames.BATCHES_PRUNED)).isEqualTo(16);
        assertThat(count(MeterNames.BATCHES_FORGOTTEN)).isEqualTo(3);
    }

    @Test
    void leaderChanges_countOnlyCrossingsOfTheLeaderState() {
        metrics.recordStateChange(SequencerState.NEW, SequencerState.FOLLOWER);
        metrics.recordStateChange(SequencerState.FOLLOWER, SequencerState.LEADER);
        metrics.recordStateChange(SequencerState.LEADER, SequencerState.FENCED);
        metrics.recordLeaseRenewFailed();

        assertThat(count(MeterNames.STATE_CHANGES)).isEqualTo(3);
        assertThat(count(MeterNames.LEADER_CHANGES)).isEqualTo(2);
        assertThat(count(MeterNames.LEASE_RENEW_FAILURES)).isEqualTo(1);
    }

    @Test
    void loopErrors_perLoopName_nullCountedAsUnknown() {
        metrics.recordLoopError("poster");
        metrics.recordLoopError("poster");
        metrics.recordLoopError(null);

        assertThat(count(MeterNames.LOOP_ERRORS, "loop", "poster")).isEqualTo(2);
        assertThat(count(MeterNames.LOOP_ERRORS, "loop", CountingMetrics.UNKNOWN_LOOP)).isEqualTo(1);
    }

    @Test
    void registerLoop_showsTheLoopAtZero_andKeepsItsCount() {
        metrics.registerLoop("reconciler");
        assertThat(count(MeterNames.LOOP_ERRORS, "loop", "reconciler")).isZero();
        metrics.recordLoopError("reconciler");
        metrics.registerLoop("reconciler");
        assertThat(count(MeterNames.LOOP_ERRORS, "loop", "reconciler")).isEqualTo(1);
    }

    @Test
    void forcedTxs_areCounted() {
        metrics.recordForcedTxs(4, 1);
        assertThat(count(MeterNames.FORCED_TXS_ADMITTED)).isEqualTo(4);
        assertThat(count(MeterNames.FORCED_TXS_SKIPPED)).isEqualTo(1);
    }

    @Test
    void commonTags_goOnEveryMeter() {
        SimpleMeterRegistry tagged = new SimpleMeterRegistry();
        MicrometerSequencerMetrics m = new MicrometerSequencerMetrics(tagged, Tags.of("chain", "7"));
        m.recordLoopError("batcher");

        assertThat(tagged.getMeters()).isNotEmpty();
        for (Meter meter : tagged.getMeters()) {
            assertThat(meter.getId().getTag("chain")).as(meter.getId().toString()).isEqualTo("7");
        }
    }
}
