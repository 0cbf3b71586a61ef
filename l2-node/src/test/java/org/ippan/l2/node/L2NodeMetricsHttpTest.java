package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.node.NodeHttp.assertRefused;
import static org.ippan.l2.node.NodeHttp.json;
import static org.ippan.l2.node.NodeHttp.value;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.engine.CountingMetrics;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.node.NodeHttp.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact {@code /metrics} values after a known mix of submissions on a fresh node, over real HTTP on loopback, each
 * checked against its documented meaning (see {@code PrometheusText}) and against what the API itself reports.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodeMetricsHttpTest {
    private static final int MAX_BATCH_TXS = 3;
    private static final long TERM = 3;

    private final NodeHttp http = new NodeHttp();

    private static Tx tx(long nonce) {
        return new Tx(1, nonce, "metered", new byte[] {(byte) nonce});
    }

    @Test
    void metrics_afterAKnownMix_haveExactValues(@TempDir Path dir) throws Exception {
        Map<String, String> env = NodeHttp.env(dir.resolve("metrics.db"));
        env.put("L2_MAX_BATCH_TXS", Integer.toString(MAX_BATCH_TXS));
        env.put("L2_MAX_WAIT_MS", "500");
        env.put("LEADER_TERM", Long.toString(TERM));
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env))) {
            // 7 new txs, one request each: 7 group writes
            List<String> accepted = new ArrayList<>();
            for (int nonce = 1; nonce <= 7; nonce++) {
                accepted.add(http.submitNew(node, tx(nonce)));
            }
            // 2 resubmissions: 200, duplicate, answered from the engine's cache (no write)
            for (int nonce = 1; nonce <= 2; nonce++) {
                Answer duplicate = http.post(node, "/tx", json(tx(nonce)));
                assertThat(duplicate.status()).isEqualTo(200);
                assertThat(duplicate.body().get("duplicate").asBoolean()).isTrue();
                assertThat(duplicate.body().get("tx_hash").asText()).isEqualTo(accepted.get(nonce - 1));
            }
            // 3 refusals of named codes
            assertRefused(http.post(node, "/tx", NodeHttp.tx("metered", "8", "abc")), 400,
                    RefusalCode.INVALID_PAYLOAD);
            assertRefused(http.post(node, "/tx", "{\"chain_id\":2,\"from\":\"metered\",\"nonce\":8,\"payload\":\"00\"}"),
                    400, RefusalCode.CHAIN_ID_MISMATCH);
            assertRefused(http.post(node, "/tx", NodeHttp.tx("", "8", "00")), 400, RefusalCode.INVALID_FIELD);

            for (String hash : accepted) {
                http.awaitConfirmed(node, hash);
            }
            // the confirmed counter is bumped right after the write GET /tx reads: wait for the scrape to settle
            Answer scrape = http.awaitGet(node, "/metrics", a -> {
                Map<String, Double> s = NodeHttp.samples(a.text());
                return s.get("l2_batches_confirmed_total").equals(s.get("l2_batches_confirmed"))
                        && s.get("l2_batches_pending") == 0 && s.get("l2_batches_posted") == 0;
            });
            assertThat(scrape.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            Map<String, Double> m = NodeHttp.samples(scrape.text());

            List<JsonNode> batches = http.allBatches(node);
            int batchCount = batches.size();
            Map<CutReason, Long> expectedCuts = new EnumMap<>(CutReason.class);
            for (CutReason reason : CutReason.values()) {
                expectedCuts.put(reason, 0L);
            }
            long txsInBatches = 0;
            for (JsonNode batch : batches) {
                assertThat(batch.get("status").asText()).isEqualTo("confirmed");
                int txCount = batch.get("tx_count").asInt();
                txsInBatches += txCount;
                // the cutter's precedence: a full batch is cut for COUNT; a short one here only by AGE (no
                // byte limit is reached, nothing is flushed)
                expectedCuts.merge(txCount == MAX_BATCH_TXS ? CutReason.COUNT : CutReason.AGE, 1L, Long::sum);
            }
            assertThat(txsInBatches).isEqualTo(7);
            assertThat(batchCount).isBetween(3, 7);

            // txs: newly accepted, duplicates apart, refusals by code (every other code 0)
            assertThat(value(m, "l2_tx_accepted_total")).isEqualTo(7);
            assertThat(value(m, "l2_tx_duplicates_total")).isEqualTo(2);
            Map<RefusalCode, Long> expectedRejected = new EnumMap<>(RefusalCode.class);
            for (RefusalCode code : RefusalCode.values()) {
                expectedRejected.put(code, 0L);
            }
            expectedRejected.put(RefusalCode.INVALID_PAYLOAD, 1L);
            expectedRejected.put(RefusalCode.CHAIN_ID_MISMATCH, 1L);
            expectedRejected.put(RefusalCode.INVALID_FIELD, 1L);
            for (RefusalCode code : RefusalCode.values()) {
                assertThat(value(m, "l2_tx_rejected_total{code=\"" + code.name() + "\"}")).as(code.name())
                        .isEqualTo(expectedRejected.get(code));
            }

            // pool and batches, gauges against GET /batches and /status
            assertThat(value(m, "l2_pool_pending")).isZero();
            assertThat(value(m, "l2_batches_confirmed")).isEqualTo(batchCount);
            assertThat(value(m, "l2_batches_pending")).isZero();
            assertThat(value(m, "l2_batches_posted")).isZero();
            assertThat(value(m, "l2_batches_failed")).isZero();
            assertThat(value(m, "l2_last_batch_number")).isEqualTo(batchCount);
            JsonNode status = http.get(node, "/status").body();
            assertThat(status.get("batches").get("confirmed").asLong()).isEqualTo(batchCount);
            assertThat(status.get("batches").get("last_batch_number").asLong()).isEqualTo(batchCount);
            assertThat(status.get("pool").get("pending").asLong()).isZero();
            long cutTotal = 0;
            for (CutReason reason : CutReason.values()) {
                long cut = value(m, "l2_batches_cut_total{reason=\"" + reason.name().toLowerCase(Locale.ROOT)
                        + "\"}");
                assertThat(cut).as(reason.name()).isEqualTo(expectedCuts.get(reason));
                cutTotal += cut;
            }
            assertThat(cutTotal).isEqualTo(batchCount);
            assertThat(value(m, "l2_batch_txs_total")).isEqualTo(7);
            assertThat(value(m, "l2_batches_confirmed_total")).isEqualTo(batchCount);
            assertThat(value(m, "l2_posts_succeeded_total")).isEqualTo(batchCount);
            assertThat(value(m, "l2_post_failures_total")).isZero();
            assertThat(value(m, "l2_post_latency_seconds_count")).isEqualTo(batchCount);

            // admission latency: one observation per group write, so 7 (the cache duplicates write nothing)
            CountingMetrics.Snapshot engine = node.metrics().snapshot();
            assertThat(value(m, "l2_admission_latency_seconds_count")).isEqualTo(7)
                    .isEqualTo(engine.admissionLatency().count());
            assertThat(value(m, "l2_admission_latency_seconds_bucket{le=\"+Inf\"}")).isEqualTo(7);
            long previous = 0;
            for (double bound : CountingMetrics.LATENCY_BUCKET_BOUNDS_SECONDS) {
                long cumulative = value(m, "l2_admission_latency_seconds_bucket{le=\"" + bound + "\"}");
                assertThat(cumulative).as("le %s", bound).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(7);
                previous = cumulative;
            }
            assertThat(m.get("l2_admission_latency_seconds_sum")).isPositive();

            // leadership
            assertThat(value(m, "l2_leader_is_leader")).isEqualTo(1);
            assertThat(value(m, "l2_leader_term")).isEqualTo(TERM);
            assertThat(value(m, "l2_ready")).isEqualTo(1);
            assertThat(value(m, "l2_state_changes_total")).as("NEW -> LEADER").isEqualTo(1);
        }
    }
}
