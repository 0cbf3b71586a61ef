package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.ippan.l2.core.engine.CountingMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
    private final NodeMetrics metrics = new NodeMetrics(new CountingMetrics());

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void route_isTheEndpointTemplate_neverThePathAsSent() {
        assertThat(NodeMetrics.route("/tx")).isEqualTo("/tx");
        assertThat(NodeMetrics.route("/txs")).isEqualTo("/txs");
        assertThat(NodeMetrics.route("/tx/ab12")).isEqualTo("/tx/{hash}");
        assertThat(NodeMetrics.route("/tx/ab12/receipt")).isEqualTo("/tx/{hash}/receipt");
        assertThat(NodeMetrics.route("/tx/ab12/proof")).isEqualTo("/tx/{hash}/proof");
        assertThat(NodeMetrics.route("/tx/force")).isEqualTo("/tx/force");
        assertThat(NodeMetrics.route("/tx/force/ab12")).isEqualTo("/tx/force/{hash}");
        assertThat(NodeMetrics.route("/batch/7")).isEqualTo("/batch/{id}");
        assertThat(NodeMetrics.route("/admin/pause")).isEqualTo("/admin/**");
        assertThat(NodeMetrics.route("/admin")).isEqualTo("/admin/**");
        assertThat(NodeMetrics.route("/metrics")).isEqualTo("/metrics");
        assertThat(NodeMetrics.route("/etc/passwd")).isEqualTo("NOT_FOUND");
        assertThat(NodeMetrics.route("/")).isEqualTo("NOT_FOUND");
        assertThat(NodeMetrics.route(null)).isEqualTo("NOT_FOUND");
    }

    @Test
    void httpTimer_boundsItsTags_andCountsEachRequestOnce() {
        metrics.recordHttpRequest("POST", "/tx", 200, 1_500_000L);
        metrics.recordHttpRequest("POST", "/tx", 200, 2_500_000L);
        metrics.recordHttpRequest("BREW", "/coffee/pot-1", 404, 10_000L);
        metrics.recordHttpRequest("GET", "/tx/abc", 503, 10_000L);

        Map<String, Double> m = NodeHttp.samples(metrics.scrape());
        assertThat(NodeHttp.value(m, "http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\","
                + "route=\"/tx\",status=\"200\"}")).isEqualTo(2);
        assertThat(m.get("http_server_requests_seconds_sum{method=\"POST\",outcome=\"SUCCESS\",route=\"/tx\","
                + "status=\"200\"}")).isEqualTo(0.004);
        assertThat(NodeHttp.value(m, "http_server_requests_seconds_count{method=\"OTHER\",outcome=\"CLIENT_ERROR\","
                + "route=\"NOT_FOUND\",status=\"404\"}")).isEqualTo(1);
        assertThat(NodeHttp.value(m, "http_server_requests_seconds_count{method=\"GET\",outcome=\"SERVER_ERROR\","
                + "route=\"/tx/{hash}\",status=\"503\"}")).isEqualTo(1);
        assertThat(m.keySet()).noneMatch(k -> k.contains("coffee") || k.contains("abc") || k.contains("BREW"));
    }

    @Test
    void scrape_writesTheConfirmationsCounterUnderBothNames() {
        metrics.recordBatchConfirmed();
        metrics.recordBatchConfirmed();

        String text = metrics.scrape();
        Map<String, Double> m = NodeHttp.samples(text);
        assertThat(NodeHttp.value(m, "l2_batches_confirmations_total")).isEqualTo(2);
        assertThat(NodeHttp.value(m, "l2_batches_confirmed_total")).isEqualTo(2);
        assertThat(text).contains("# TYPE l2_batches_confirmed_total counter\n");
        assertThat(metrics.counting().snapshot().confirmed()).isEqualTo(2);
    }
}
