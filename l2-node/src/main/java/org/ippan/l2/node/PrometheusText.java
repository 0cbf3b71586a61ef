package org.ippan.l2.node;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.engine.CountingMetrics;
import org.ippan.l2.core.engine.SequencerStatus;

/**
 * Renders the node's gauges (from the status) and counters and histograms (from the metrics) as Prometheus text.
 *
 * <p>The tx counters, exactly: each tx answered by {@code POST /tx} or inside a {@code POST /txs} answer is counted
 * once: {@code 200} with a newly stored tx in {@code l2_tx_accepted_total}, {@code 200} with {@code "duplicate": true}
 * in {@code l2_tx_duplicates_total}, a refusal in {@code l2_tx_rejected_total} under its code. A request refused as a
 * whole (body unparsable, too large or not an array, a follower or a fenced node) counts one refusal. A tx whose
 * storage write failed after it was applied (a lost commit acknowledgement) is counted {@code UNAVAILABLE} and its
 * resubmission a duplicate, so {@code l2_batch_txs_total} may exceed {@code l2_tx_accepted_total}.
 * {@code l2_admission_latency_seconds} observes one value per group storage write (one write may admit many txs);
 * duplicates answered from the engine's cache write nothing and are not observed.
 *
 * <p>Leadership: {@code l2_leader_is_leader} is 1 while this node leads; {@code l2_leader_changes_total} counts
 * this node's own changes (became leader, stopped leading), so over a fleet the sum grows by two per failover;
 * {@code l2_lease_renew_failures_total} counts renewals that could not reach the lease store (0 in single mode).
 *
 * <p>Storage: {@code l2_storage_state{state="ok|failing|full|corrupt"}} is 1 for the state of {@code /status}'s
 * {@code storage.state}, 0 for the three others; {@code l2_storage_write_failing} is 1 from a failed write until a
 * write succeeds (what keeps {@code l2_ready} at 0), {@code l2_storage_read_failing} 1 from a failed read until a
 * read succeeds.
 */
final class PrometheusText {
    /** The values of {@code l2_storage_state}'s {@code state} label, as {@code SequencerStatus.StorageHealth}. */
    static final List<String> STORAGE_STATES = List.of("ok", "failing", "full", "corrupt");

    private PrometheusText() {}

    static String render(SequencerStatus status, NodeMetrics metrics) {
        return render(status, metrics.counting().snapshot(), metrics.leaderChanges(), metrics.leaseRenewFailures());
    }

    static String render(SequencerStatus status, CountingMetrics.Snapshot snapshot, long leaderChanges,
            long leaseRenewFailures) {
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "l2_batches_pending", "Batches cut, not yet accepted by L1.", status.batches().pending());
        gauge(out, "l2_batches_posted", "Batches accepted by L1, not yet confirmed.", status.batches().posted());
        gauge(out, "l2_batches_confirmed", "Batches confirmed on L1.", status.batches().confirmed());
        gauge(out, "l2_batches_failed", "Batches refused by L1 for good.", status.batches().failed());
        gauge(out, "l2_last_batch_number", "Number of the last batch cut.", status.batches().lastBatchNumber());
        gauge(out, "l2_pool_pending", "Accepted txs not yet in a batch.", status.pool().pending());
        gauge(out, "l2_pool_capacity", "Admission cap.", status.pool().capacity());
        gauge(out, "l2_leader_is_leader", "1 while this node acts as leader.", status.leader().isLeader() ? 1 : 0);
        gauge(out, "l2_leader_term", "This node's term.", status.leader().termId());
        gauge(out, "l2_leader_last_heartbeat_ms", "Wall-clock ms of the leader's last heartbeat.",
                status.leader().lastHeartbeatMs());
        gauge(out, "l2_l1_height", "L1 height last seen.", status.l1().height());
        gauge(out, "l2_l1_finalized_height", "L1 finalized height last seen.", status.l1().finalizedHeight());
        gauge(out, "l2_ready", "1 when the node is ready.", status.readiness().ready() ? 1 : 0);
        header(out, "l2_storage_state", "Storage health: 1 for the state storage is in (ok, failing, full, corrupt),"
                + " 0 for the others.", "gauge");
        for (String state : STORAGE_STATES) {
            sample(out, "l2_storage_state", "state", state, state.equals(status.storage().state()) ? 1 : 0);
        }
        gauge(out, "l2_storage_write_failing", "1 from a failed storage write until a write succeeds.",
                status.storage().lastWriteError() == null ? 0 : 1);
        gauge(out, "l2_storage_read_failing", "1 from a failed storage read until a read succeeds.",
                status.storage().lastReadError() == null ? 0 : 1);

        counter(out, "l2_tx_accepted_total", "Txs newly accepted (durably stored); resubmissions are duplicates.",
                snapshot.accepted());
        counter(out, "l2_tx_duplicates_total", "Resubmitted txs answered as already accepted (200, duplicate).",
                snapshot.duplicates());
        header(out, "l2_tx_rejected_total", "Txs refused, by code; a request refused as a whole counts once.",
                "counter");
        for (Map.Entry<RefusalCode, Long> entry : snapshot.rejected().entrySet()) {
            sample(out, "l2_tx_rejected_total", "code", entry.getKey().name(), entry.getValue());
        }
        header(out, "l2_batches_cut_total", "Batches committed, by cut reason.", "counter");
        for (Map.Entry<CutReason, Long> entry : snapshot.batchesCut().entrySet()) {
            sample(out, "l2_batches_cut_total", "reason", entry.getKey().name().toLowerCase(Locale.ROOT),
                    entry.getValue());
        }
        counter(out, "l2_batch_txs_total", "Txs in committed batches.", snapshot.txsCut());
        counter(out, "l2_batch_bytes_total", "Encoded bytes of committed batches.", snapshot.bytesCut());
        counter(out, "l2_posts_succeeded_total", "L1 submissions answered with success.", snapshot.postsSucceeded());
        counter(out, "l2_post_failures_total", "Failed L1 posting attempts.", snapshot.postFailuresTotal());
        header(out, "l2_post_failures_by_kind_total", "Failed L1 posting attempts, by kind.", "counter");
        snapshot.postFailures().forEach((kind, count) -> sample(out, "l2_post_failures_by_kind_total", "kind",
                kind.name().toLowerCase(Locale.ROOT), count));
        counter(out, "l2_batches_confirmed_total", "Batches that reached the confirmed state.", snapshot.confirmed());
        counter(out, "l2_batches_reposted_total", "Batches lost by L1 and queued again.", snapshot.reposted());
        counter(out, "l2_state_changes_total", "Engine state changes.", snapshot.stateChanges());
        counter(out, "l2_leader_changes_total", "Times this node became leader or stopped leading.", leaderChanges);
        counter(out, "l2_lease_renew_failures_total", "Lease renewals that could not reach the lease store.",
                leaseRenewFailures);
        header(out, "l2_loop_errors_total", "Failed loop steps, by loop.", "counter");
        snapshot.loopErrors().forEach((loop, count) -> sample(out, "l2_loop_errors_total", "loop", loop, count));

        histogram(out, "l2_admission_latency_seconds",
                "Admission latency, one observation per group storage write (not per tx, not cache duplicates).",
                snapshot.admissionLatency());
        histogram(out, "l2_post_latency_seconds", "L1 posting latency per attempt.", snapshot.postLatency());
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "gauge");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "counter");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void sample(StringBuilder out, String name, String label, String value, long count) {
        out.append(name).append('{').append(label).append("=\"").append(escape(value)).append("\"} ")
                .append(count).append('\n');
    }

    private static void histogram(StringBuilder out, String name, String help, CountingMetrics.Histogram h) {
        header(out, name, help, "histogram");
        List<Double> bounds = h.upperBoundsSeconds();
        List<Long> counts = h.cumulativeCounts();
        for (int i = 0; i < bounds.size(); i++) {
            out.append(name).append("_bucket{le=\"").append(bounds.get(i)).append("\"} ").append(counts.get(i))
                    .append('\n');
        }
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(counts.get(bounds.size())).append('\n');
        out.append(name).append("_sum ").append(h.sumSeconds()).append('\n');
        out.append(name).append("_count ").append(h.count()).append('\n');
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
