package org.ippan.l2.benchmarks.load;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of one run. "Measured" counts requests due (open loop) or sent (closed loop) after the warm-up;
 * "total" counts the whole run, warm-up included, and is what a node's {@code l2_tx_accepted_total} grows by when
 * nothing else writes to it.
 *
 * @param options the options of the run
 * @param measured the measured requests
 * @param total every request of the run
 * @param latency latency per request of the measured requests, ns
 * @param measuredSeconds from the end of the warm-up to the last measured answer (at least the duration)
 * @param totalSeconds the whole run
 * @param missedTxs open loop only: txs due before the end that were never sent because the run fell behind
 */
record LoadReport(LoadOptions options, Tally measured, Tally total, LatencyHistogram latency, double measuredSeconds,
        double totalSeconds, long missedTxs) {

    /** @return newly accepted tx/s over the measured time */
    double acceptedPerSecond() {
        return measured.txsAccepted / measuredSeconds;
    }

    /** @return txs sent per second over the measured time (the achieved offered rate) */
    double offeredPerSecond() {
        return measured.txsOffered / measuredSeconds;
    }

    private String mode() {
        return options.closedLoop() ? "closed loop (saturation)"
                : String.format(Locale.ROOT, "open loop at %,.0f tx/s", options.rate().getAsDouble());
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }

    String toText() {
        StringBuilder out = new StringBuilder();
        String endpoint = options.endpoint() == LoadOptions.Endpoint.TXS
                ? "POST /txs (" + options.batch() + " txs per request"
                        + (options.body() == LoadOptions.Body.BINARY ? ", bulk binary" : "") + ")" : "POST /tx";
        out.append(String.format(Locale.ROOT, "%s, %s, %d connections, %d-byte payloads, %s%n", endpoint, mode(),
                options.connections(), options.payloadBytes(), options.target()));
        out.append(String.format(Locale.ROOT, "measured  : %.2f s after %.2f s of warm-up%n", measuredSeconds,
                options.warmup().toMillis() / 1000.0));
        out.append(String.format(Locale.ROOT, "offered   : %,d txs in %,d requests (%,.1f tx/s)%n",
                measured.txsOffered, measured.requests, offeredPerSecond()));
        out.append(String.format(Locale.ROOT, "accepted  : %,d txs (%,.1f tx/s); duplicates %,d%n",
                measured.txsAccepted, acceptedPerSecond(), measured.txsDuplicate));
        out.append("refused   : ").append(counts(measured.refusedByCode)).append('\n');
        out.append("errors    : ").append(counts(measured.errorsByKind)).append('\n');
        if (missedTxs > 0) {
            out.append(String.format(Locale.ROOT, "missed    : %,d txs due but never sent (the generator or "
                    + "its connections could not keep up)%n", missedTxs));
        }
        out.append(String.format(Locale.ROOT, "latency   : p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  "
                + "max %.2f ms  mean %.2f ms (per request, n=%,d%s)%n", ms(latency.percentile(50)),
                ms(latency.percentile(90)), ms(latency.percentile(99)), ms(latency.percentile(99.9)),
                ms(latency.max()), latency.mean() / 1e6, latency.count(),
                options.closedLoop() ? ", from send" : ", from due time"));
        out.append("http      : ").append(counts(measured.requestsByStatus)).append('\n');
        out.append(String.format(Locale.ROOT, "whole run : %,d txs offered, %,d accepted, %,d duplicates, "
                + "%,d refused, %,d errors in %.2f s%n", total.txsOffered, total.txsAccepted, total.txsDuplicate,
                total.txsRefused(), total.errors(), totalSeconds));
        return out.toString().stripTrailing();
    }

    private static String counts(Map<?, Long> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        return counts.entrySet().stream().map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%,d",
                e.getValue())).collect(Collectors.joining("  "));
    }

    /** One JSON object (keys in snake case; latencies in ms), for scripts. */
    String toJson() {
        StringBuilder out = new StringBuilder(512);
        out.append('{');
        field(out, "endpoint", quote(options.endpoint().path));
        field(out, "batch", Integer.toString(options.txsPerRequest()));
        field(out, "body", quote(options.body().name().toLowerCase(Locale.ROOT)));
        field(out, "mode", quote(options.closedLoop() ? "closed" : "open"));
        field(out, "rate", options.rate().isPresent() ? number(options.rate().getAsDouble()) : "null");
        field(out, "connections", Integer.toString(options.connections()));
        field(out, "payload_bytes", Integer.toString(options.payloadBytes()));
        field(out, "warmup_s", number(options.warmup().toMillis() / 1000.0));
        field(out, "measured_s", number(measuredSeconds));
        field(out, "offered_txs", Long.toString(measured.txsOffered));
        field(out, "requests", Long.toString(measured.requests));
        field(out, "offered_tx_per_s", number(offeredPerSecond()));
        field(out, "accepted_txs", Long.toString(measured.txsAccepted));
        field(out, "accepted_tx_per_s", number(acceptedPerSecond()));
        field(out, "duplicate_txs", Long.toString(measured.txsDuplicate));
        field(out, "refused_txs", Long.toString(measured.txsRefused()));
        field(out, "refused_by_code", map(measured.refusedByCode));
        field(out, "errors", Long.toString(measured.errors()));
        field(out, "errors_by_kind", map(measured.errorsByKind));
        field(out, "missed_txs", Long.toString(missedTxs));
        field(out, "latency_ms", "{\"p50\":" + number(ms(latency.percentile(50)))
                + ",\"p90\":" + number(ms(latency.percentile(90)))
                + ",\"p99\":" + number(ms(latency.percentile(99)))
                + ",\"p999\":" + number(ms(latency.percentile(99.9)))
                + ",\"max\":" + number(ms(latency.max()))
                + ",\"mean\":" + number(latency.mean() / 1e6)
                + ",\"count\":" + latency.count() + "}");
        field(out, "http_status", map(measured.requestsByStatus));
        field(out, "total", "{\"offered_txs\":" + total.txsOffered + ",\"accepted_txs\":" + total.txsAccepted
                + ",\"duplicate_txs\":" + total.txsDuplicate + ",\"refused_txs\":" + total.txsRefused()
                + ",\"errors\":" + total.errors() + ",\"seconds\":" + number(totalSeconds) + "}");
        out.setLength(out.length() - 1);
        return out.append('}').toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append('"').append(name).append("\":").append(value).append(',');
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String map(Map<?, Long> counts) {
        return counts.entrySet().stream().map(e -> quote(String.valueOf(e.getKey())) + ":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }
}
