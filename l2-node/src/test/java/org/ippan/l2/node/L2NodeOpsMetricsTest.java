package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.node.NodeHttp.json;
import static org.ippan.l2.node.NodeHttp.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.node.NodeHttp.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What operators read from {@code GET /metrics} besides the sequencer's own meters (HTTP, JVM, disk), and the
 * shipped Grafana dashboard and Prometheus alert rules ({@code docs/ops/}) checked against a live node: every
 * metric they query must be one the node exposes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodeOpsMetricsTest {
    private static final Path OPS = Path.of("..", "docs", "ops");
    /** Series Prometheus records itself for every scrape target: queried by the rules, never exposed by a node. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");

    private final NodeHttp http = new NodeHttp();

    private static Tx tx(long nonce) {
        return new Tx(1, nonce, "ops", new byte[] {(byte) nonce});
    }

    @Test
    void liveNode_exposesHttpJvmAndDiskMeters_andEveryMetricTheDashboardAndAlertsQuery(@TempDir Path dir)
            throws Exception {
        Map<String, String> env = NodeHttp.env(dir.resolve("ops.db"));
        env.put("L2_MAX_BATCH_TXS", "2");
        env.put("L2_MAX_WAIT_MS", "200");
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env))) {
            List<String> hashes = new ArrayList<>();
            for (int nonce = 1; nonce <= 3; nonce++) {
                hashes.add(http.submitNew(node, tx(nonce)));
            }
            assertThat(http.post(node, "/tx", NodeHttp.tx("ops", "9", "abc")).status()).isEqualTo(400);
            for (String hash : hashes) {
                http.awaitConfirmed(node, hash);
            }
            assertThat(http.get(node, "/tx/" + hashes.get(0)).status()).isEqualTo(200);
            assertThat(http.get(node, "/no/such/path/" + hashes.get(1)).status()).isEqualTo(404);

            Answer scrape = http.awaitGet(node, "/metrics", a -> {
                Map<String, Double> s = NodeHttp.samples(a.text());
                return s.get("l2_batches_pending") == 0 && s.get("l2_batches_posted") == 0;
            });
            assertThat(scrape.raw().headers().firstValue("Content-Type").orElse(""))
                    .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            String text = scrape.text();
            Map<String, Double> m = NodeHttp.samples(text);

            // HTTP: one timer per (method, route template, status); never the path as sent
            assertThat(httpCount(m, "POST", "/tx", "200")).isEqualTo(3);
            assertThat(httpCount(m, "POST", "/tx", "400")).isEqualTo(1);
            assertThat(httpCount(m, "GET", "/tx/{hash}", "200")).isGreaterThanOrEqualTo(4); // awaitConfirmed polls
            assertThat(httpCount(m, "GET", "NOT_FOUND", "404")).isEqualTo(1);
            for (String hash : hashes) {
                assertThat(text).doesNotContain(hash);
            }
            assertThat(m.keySet()).anyMatch(k -> k.startsWith("http_server_requests_seconds_bucket{")
                    && k.contains("route=\"/tx\"") && k.contains("le=\"0.001\""));

            // the confirmations counter, under its Micrometer name and its earlier one
            long confirmed = value(m, "l2_batches_confirmed");
            assertThat(confirmed).isPositive();
            assertThat(value(m, "l2_batches_confirmations_total")).isEqualTo(confirmed);
            assertThat(value(m, "l2_batches_confirmed_total")).isEqualTo(confirmed);

            // JVM, process and the SQLite volume
            assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{") && k.contains("area=\"heap\""));
            assertThat(m).containsKeys("jvm_threads_live_threads", "process_uptime_seconds", "process_cpu_usage",
                    "system_cpu_count");
            assertThat(m.keySet()).anyMatch(k -> k.startsWith("disk_free_bytes{"));

            Set<String> exposed = seriesNames(text);
            Set<String> queried = new TreeSet<>();
            Set<String> dashboard = dashboardMetrics();
            Set<String> alerts = alertMetrics();
            queried.addAll(dashboard);
            queried.addAll(alerts);
            queried.removeAll(PROMETHEUS_OWN);
            assertThat(dashboard).as("the dashboard's metrics").hasSizeGreaterThan(25);
            assertThat(alerts).as("the alert rules' metrics").hasSizeGreaterThan(10);
            assertThat(exposed).as("every metric docs/ops queries is exposed").containsAll(queried);
        }
    }

    private static long httpCount(Map<String, Double> m, String method, String route, String status) {
        String key = "http_server_requests_seconds_count{method=\"" + method + "\",outcome=\""
                + (status.startsWith("2") ? "SUCCESS" : "CLIENT_ERROR") + "\",route=\"" + route + "\",status=\""
                + status + "\"}";
        return value(m, key);
    }

    @Test
    void promQlNames_findMetricsNotFunctionsLabelsOrRanges() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le, route) "
                + "(rate(http_server_requests_seconds_bucket{instance=~\"$instance\",route!=\"x\"}[$__rate_interval])))"))
                .containsExactly("http_server_requests_seconds_bucket");
        assertThat(PromQl.metricNames("l2_leader_is_leader == 1 and l2_batches_pending > 10 "
                + "and deriv(l2_batches_pending[15m]) > 0 unless on (instance) group_left (job) up offset 5m"))
                .containsExactly("l2_batches_pending", "l2_leader_is_leader", "up");
        assertThat(PromQl.metricNames("sum without (code) (rate(l2_tx_rejected_total[5m])) / 1e9 > bool 0.5"))
                .containsExactly("l2_tx_rejected_total");
        assertThat(PromQl.metricNames("label_values(l2_leader_term, instance)")).containsExactly("l2_leader_term");
    }

    private static Set<String> seriesNames(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int brace = line.indexOf('{');
                names.add(line.substring(0, brace >= 0 ? brace : line.indexOf(' ')));
            }
        }
        return names;
    }

    /** The metrics of every panel query and of the template variables of the dashboard. */
    private static Set<String> dashboardMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(OPS.resolve("grafana-dashboard.json")));
        Set<String> names = new TreeSet<>();
        int expressions = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(PromQl.metricNames(target.get("expr").asText()));
                expressions++;
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                names.addAll(PromQl.metricNames(variable.path("query").path("query").asText()));
            }
        }
        assertThat(expressions).isGreaterThan(25);
        return names;
    }

    /** The metrics of every rule's {@code expr}. */
    private static Set<String> alertMetrics() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(OPS.resolve("prometheus-alerts.yml").toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                assertThat(rule.path("for").isMissingNode()).as("%s has for:", rule.get("alert")).isFalse();
                assertThat(rule.path("labels").path("severity").asText()).as("severity").isIn("critical", "warning");
                assertThat(rule.path("annotations").path("description").asText()).contains("Runbook");
                names.addAll(PromQl.metricNames(rule.get("expr").asText()));
            }
        }
        return names;
    }

    /** Finds the metric names of a PromQL expression: what is left once strings, matchers, ranges, grouping clauses,
     *  numbers, keywords and function names are taken out. */
    static final class PromQl {
        private static final Pattern GROUPING =
                Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
        private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?");
        private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
                "on", "ignoring", "group_left", "group_right", "inf", "nan");

        static Set<String> metricNames(String expression) {
            String e = expression.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"") // strings
                    .replaceAll("\\{[^}]*}", " ") // label matchers
                    .replaceAll("\\[[^\\]]*]", " ") // ranges and subqueries
                    .replaceAll("\\boffset\\s+\\S+", " ")
                    .replaceAll("label_values\\(([^,)]+),[^)]*\\)", "$1"); // a Grafana variable query
            e = GROUPING.matcher(e).replaceAll(" ");
            e = e.replaceAll("(?<![a-zA-Z_:0-9])[0-9][0-9.eE+-]*", " "); // numbers, 1e9 included
            Set<String> names = new TreeSet<>();
            Matcher m = IDENTIFIER.matcher(e);
            while (m.find()) {
                String word = m.group().replaceAll("[\\s(]", "");
                boolean function = m.group(1) != null;
                if (!function && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                    names.add(word);
                }
            }
            return names;
        }
    }
}
