package org.ippan.l2.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.engine.CountingMetrics;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerMetrics;
import org.ippan.l2.core.engine.SequencerState;
import org.ippan.l2.micrometer.MeterNames;
import org.ippan.l2.micrometer.MicrometerSequencerMetrics;
import org.ippan.l2.micrometer.SequencerStatusMeters;

/**
 * The node's metrics: the engine's events go to a {@link CountingMetrics} (what {@code L2Node.metrics()} reads) and
 * to a {@link MicrometerSequencerMetrics} on a Prometheus registry, which {@code GET /metrics} renders; the registry
 * also holds the status gauges ({@link SequencerStatusMeters}), the JVM's meters (memory, GC, threads, CPU, uptime)
 * and one timer per HTTP request ({@code http_server_requests_seconds}).
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
 * {@code l2_lease_renew_failures_total} counts renewals that could not reach the lease store (0 in single mode);
 * {@code l2_forwarded_requests_total{outcome="answered|no_leader|unreachable"}} counts the writes a follower relayed
 * to the leader ({@code L2_FORWARD_TO_LEADER}).
 *
 * <p>HTTP: {@code http_server_requests_seconds{method, route, status, outcome}}, where {@code route} is the
 * endpoint's template ({@code /tx/{hash}}), never the path as sent, and {@code method} one of the standard methods or
 * {@code OTHER}: the series stay few whatever clients send.
 */
final class NodeMetrics implements SequencerMetrics, AutoCloseable {
    /** The HTTP timer's name, rendered {@code http_server_requests_seconds}. */
    static final String HTTP_REQUESTS = "http.server.requests";
    /** The earlier name of {@code l2_batches_confirmations_total}, still written, see {@link #scrape()}. */
    static final String CONFIRMED_TOTAL = "l2_batches_confirmed_total";

    /** The outcomes of a write relayed to the leader, the {@code outcome} of {@code l2_forwarded_requests_total}. */
    enum Forwarded {
        /** The leader answered; its answer went back to the client. */
        ANSWERED,
        /** No leader was known: answered {@code 503 UNAVAILABLE}. */
        NO_LEADER,
        /** The leader did not answer: answered {@code 503 UNAVAILABLE}. */
        UNREACHABLE
    }

    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

    private final CountingMetrics counting;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MicrometerSequencerMetrics meters = new MicrometerSequencerMetrics(registry);
    private final Counter confirmations;
    private final Map<Forwarded, Counter> forwarded = new EnumMap<>(Forwarded.class);
    private final Duration[] httpBuckets;
    private final ConcurrentHashMap<HttpKey, Timer> httpTimers = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Set once the sequencer is built, before the HTTP server starts. */
    private volatile SequencerStatusMeters statusMeters;

    NodeMetrics(CountingMetrics counting) {
        this.counting = counting;
        this.confirmations = registry.get(MeterNames.BATCHES_CONFIRMATIONS).counter();
        for (Forwarded outcome : Forwarded.values()) {
            forwarded.put(outcome, Counter.builder("l2.forwarded.requests")
                    .description("Writes this node relayed to the leader (L2_FORWARD_TO_LEADER), by outcome.")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        List<Double> bounds = CountingMetrics.LATENCY_BUCKET_BOUNDS_SECONDS;
        httpBuckets = new Duration[bounds.size()];
        for (int i = 0; i < httpBuckets.length; i++) {
            httpBuckets[i] = Duration.ofNanos(Math.round(bounds.get(i) * 1e9));
        }
    }

    /** Adds the status gauges of the sequencer this listener serves (built after it) and its loops' error counters. */
    void bindStatus(Sequencer sequencer) {
        sequencer.loops().forEach(loop -> this.meters.registerLoop(loop.name()));
        SequencerStatusMeters meters = new SequencerStatusMeters(sequencer);
        meters.bindTo(registry);
        statusMeters = meters;
    }

    /**
     * With SQLite storage, adds {@code disk_free_bytes} and {@code disk_total_bytes} of the file system that holds
     * the database (the space a full store runs out of); nothing for another store.
     *
     * @param storageUrl the node's {@code L2_STORAGE_URL}
     */
    void bindStorageDisk(String storageUrl) {
        if (!storageUrl.startsWith("sqlite:")) {
            return;
        }
        Path dir = Path.of(storageUrl.substring("sqlite:".length())).toAbsolutePath().getParent();
        if (dir != null && Files.isDirectory(dir)) {
            new DiskSpaceMetrics(dir.toFile()).bindTo(registry);
        }
    }

    /** @return the counters and histograms of the engine */
    CountingMetrics counting() {
        return counting;
    }

    /**
     * Reads the status once (the gauges of this scrape show it), renders every meter as Prometheus text (format
     * 0.0.4), then {@code l2_batches_confirmed_total}: the counter's
     * name before Micrometer, which Prometheus' 1.x model cannot register beside the gauge
     * {@code l2_batches_confirmed} (the text format can hold both).
     *
     * @return the text of {@code GET /metrics}
     */
    String scrape() {
        SequencerStatusMeters meters = statusMeters;
        if (meters != null) {
            meters.refresh();
        }
        StringBuilder text = new StringBuilder(registry.scrape());
        text.append("# HELP ").append(CONFIRMED_TOTAL)
                .append(" Batches that reached the confirmed state (as l2_batches_confirmations_total).\n")
                .append("# TYPE ").append(CONFIRMED_TOTAL).append(" counter\n")
                .append(CONFIRMED_TOTAL).append(' ').append(confirmations.count()).append('\n');
        return text.toString();
    }

    /** Stops the GC listener (the other binders hold nothing to release). */
    @Override
    public void close() {
        gc.close();
    }

    /** Counts a write relayed to the leader ({@code l2_forwarded_requests_total}). */
    void recordForwarded(Forwarded outcome) {
        forwarded.get(outcome).increment();
    }

    /**
     * Times one HTTP request (a {@code JettyHttpServer.RequestListener}).
     *
     * @param method the request's method
     * @param path the request's decoded path
     * @param status the answer's status
     * @param durationNs from the request's head to the answer written
     */
    void recordHttpRequest(String method, String path, int status, long durationNs) {
        HttpKey key = new HttpKey(METHODS.contains(method) ? method : "OTHER", route(path), status);
        Timer timer = httpTimers.get(key);
        if (timer == null) {
            timer = httpTimers.computeIfAbsent(key, k -> Timer.builder(HTTP_REQUESTS)
                    .description("HTTP requests served, by method, route template and status.")
                    .tags("method", k.method(), "route", k.route(), "status", Integer.toString(k.status()),
                            "outcome", outcome(k.status()))
                    .serviceLevelObjectives(httpBuckets)
                    .register(registry));
        }
        timer.record(Math.max(0L, durationNs), TimeUnit.NANOSECONDS);
    }

    private record HttpKey(String method, String route, int status) {}

    private static String outcome(int status) {
        if (status >= 500) {
            return "SERVER_ERROR";
        } else if (status >= 400) {
            return "CLIENT_ERROR";
        } else if (status >= 300) {
            return "REDIRECTION";
        } else if (status >= 200) {
            return "SUCCESS";
        }
        return "UNKNOWN";
    }

    /**
     * The route template of a path, as {@code NodeApi} routes it: a fixed set, whatever the path (an unknown path is
     * {@code NOT_FOUND}, every admin path {@code /admin/**}).
     */
    static String route(String path) {
        if (path == null) {
            return "NOT_FOUND";
        }
        switch (path) {
            case "/tx", "/txs", "/tx/force", "/batches", "/status", "/readyz", "/healthz", "/metrics":
                return path;
            default:
                break;
        }
        if (path.equals("/admin") || path.startsWith("/admin/")) {
            return "/admin/**";
        } else if (path.startsWith("/tx/force/")) {
            return "/tx/force/{hash}";
        } else if (path.startsWith("/tx/") && path.endsWith("/receipt")) {
            return "/tx/{hash}/receipt";
        } else if (path.startsWith("/tx/") && path.endsWith("/proof")) {
            return "/tx/{hash}/proof";
        } else if (path.startsWith("/tx/")) {
            return "/tx/{hash}";
        } else if (path.startsWith("/batch/")) {
            return "/batch/{id}";
        }
        return "NOT_FOUND";
    }

    @Override
    public void recordStateChange(SequencerState from, SequencerState to) {
        counting.recordStateChange(from, to);
        meters.recordStateChange(from, to);
    }

    @Override
    public void recordLeaseRenewFailed() {
        counting.recordLeaseRenewFailed();
        meters.recordLeaseRenewFailed();
    }

    @Override
    public void recordAdmitted(int accepted, int duplicates, long latencyNs) {
        counting.recordAdmitted(accepted, duplicates, latencyNs);
        meters.recordAdmitted(accepted, duplicates, latencyNs);
    }

    @Override
    public void recordDuplicatesFromCache(int count) {
        counting.recordDuplicatesFromCache(count);
        meters.recordDuplicatesFromCache(count);
    }

    @Override
    public void recordRejected(RefusalCode code, int count) {
        counting.recordRejected(code, count);
        meters.recordRejected(code, count);
    }

    @Override
    public void recordBatchCut(CutReason reason, int txCount, long encodedBytes) {
        counting.recordBatchCut(reason, txCount, encodedBytes);
        meters.recordBatchCut(reason, txCount, encodedBytes);
    }

    @Override
    public void recordPostSucceeded(long latencyNs) {
        counting.recordPostSucceeded(latencyNs);
        meters.recordPostSucceeded(latencyNs);
    }

    @Override
    public void recordPostFailed(PostFailure kind, long latencyNs) {
        counting.recordPostFailed(kind, latencyNs);
        meters.recordPostFailed(kind, latencyNs);
    }

    @Override
    public void recordBatchConfirmed() {
        counting.recordBatchConfirmed();
        meters.recordBatchConfirmed();
    }

    @Override
    public void recordBatchReposted() {
        counting.recordBatchReposted();
        meters.recordBatchReposted();
    }

    @Override
    public void recordBatchesPruned(int count) {
        meters.recordBatchesPruned(count);
    }

    @Override
    public void recordBatchesForgotten(int count) {
        meters.recordBatchesForgotten(count);
    }

    @Override
    public void recordLoopError(String loop) {
        counting.recordLoopError(loop);
        meters.recordLoopError(loop);
    }

    @Override
    public void recordForcedTxs(int admitted, int skipped) {
        counting.recordForcedTxs(admitted, skipped);
        meters.recordForcedTxs(admitted, skipped);
    }
}
