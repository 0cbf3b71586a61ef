package org.ippan.l2.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import java.util.TreeSet;
import org.ippan.l2.core.admission.RefusalCode;
import org.junit.jupiter.api.Test;

/**
 * The names Micrometer's Prometheus registry renders for the meters of this module: each one the node published
 * with its hand-written writer before (but {@code l2_batches_confirmed_total}, see
 * {@link MeterNames#BATCHES_CONFIRMATIONS}), plus the ones added with the binding.
 */
class PrometheusNamesTest {
    /** Every name the hand-written writer produced, as series names (histograms by their three series). */
    static final Set<String> EARLIER_NAMES = Set.of(
            "l2_batches_pending", "l2_batches_posted", "l2_batches_confirmed", "l2_batches_failed",
            "l2_last_batch_number", "l2_pool_pending", "l2_pool_capacity", "l2_leader_is_leader", "l2_leader_term",
            "l2_leader_last_heartbeat_ms", "l2_l1_height", "l2_l1_finalized_height", "l2_ready", "l2_storage_state",
            "l2_storage_write_failing", "l2_storage_read_failing", "l2_tx_accepted_total", "l2_tx_duplicates_total",
            "l2_tx_rejected_total", "l2_batches_cut_total", "l2_batch_txs_total", "l2_batch_bytes_total",
            "l2_posts_succeeded_total", "l2_post_failures_total", "l2_post_failures_by_kind_total",
            "l2_batches_reposted_total", "l2_state_changes_total", "l2_leader_changes_total",
            "l2_lease_renew_failures_total", "l2_loop_errors_total",
            "l2_admission_latency_seconds_bucket", "l2_admission_latency_seconds_sum",
            "l2_admission_latency_seconds_count",
            "l2_post_latency_seconds_bucket", "l2_post_latency_seconds_sum", "l2_post_latency_seconds_count");

    static final Set<String> ADDED_NAMES = Set.of(
            "l2_batches_confirmations_total", "l2_forced_txs_admitted_total", "l2_forced_txs_skipped_total",
            "l2_leader_stored_term", "l2_l1_failing", "l2_rotation_epoch", "l2_batches_pruned_total",
            "l2_batches_forgotten_total",
            "l2_admission_latency_seconds_max", "l2_post_latency_seconds_max");

    static Set<String> seriesNames(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int end = line.indexOf('{');
            names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
        }
        return names;
    }

    @Test
    void prometheusRegistry_rendersTheEarlierNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerSequencerMetrics metrics = new MicrometerSequencerMetrics(registry);
        new SequencerStatusMeters(() -> SequencerStatusMetersTest.status(true, 1, "ok", null, null), true,
                Tags.empty(), 0, System::nanoTime).bindTo(registry);
        metrics.recordLoopError("poster");
        metrics.recordRejected(RefusalCode.QUEUE_FULL, 2);

        String text = registry.scrape();
        Set<String> expected = new TreeSet<>(EARLIER_NAMES);
        expected.remove("l2_batches_confirmed_total");
        expected.addAll(ADDED_NAMES);
        assertThat(seriesNames(text)).isEqualTo(expected);
        assertThat(text).contains("# TYPE l2_tx_rejected_total counter\n")
                .contains("l2_tx_rejected_total{code=\"QUEUE_FULL\"} 2.0\n")
                .contains("# TYPE l2_batches_confirmed gauge\n")
                .contains("# TYPE l2_admission_latency_seconds histogram\n")
                .contains("l2_admission_latency_seconds_bucket{le=\"5.0E-4\"} 0\n")
                .contains("l2_loop_errors_total{loop=\"poster\"} 1.0\n");
    }
}
