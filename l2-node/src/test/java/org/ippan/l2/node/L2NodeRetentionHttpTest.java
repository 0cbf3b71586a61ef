package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention over real HTTP on the embedded SQLite store: {@code L2_RETAIN_CONFIRMED} prunes bodies (410, "pruned"),
 * {@code L2_FORGET_CONFIRMED} forgets whole batches (404, and a re-sent tx is new again), and under a steady load
 * the store's live pages stop growing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class L2NodeRetentionHttpTest {
    @TempDir
    Path dir;

    private final NodeHttp http = new NodeHttp();
    private L2Node node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private L2Node start(String retain, String forget) throws Exception {
        Map<String, String> env = NodeHttp.env(dir.resolve("l2.db"));
        env.put("L2_RETAIN_CONFIRMED", retain);
        env.put("L2_FORGET_CONFIRMED", forget);
        node = L2Node.start(NodeConfig.fromEnvironment(env));
        return node;
    }

    /** Posts one tx and waits until it is confirmed: one batch each (the cut waits 50 ms, the next tx waits more). */
    private String confirmOne(String from, int nonce) throws Exception {
        NodeHttp.Answer answer = http.post(node, "/tx", NodeHttp.tx(from, Integer.toString(nonce), "0a0b0c"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        String hash = answer.body().get("tx_hash").asText();
        http.awaitConfirmed(node, hash);
        return hash;
    }

    @Test
    void prunedTxsAnswer410_forgottenOnesAreUnknownAndNewAgain_andTheChainGoesOn() throws Exception {
        start("1", "3");
        List<String> hashes = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            hashes.add(confirmOne("ret-alice", i));
        }
        // batches 1..6, one tx each: 1..3 forgotten (past the last 3), 4..5 pruned (past the last 1), 6 kept
        NodeHttp.Answer forgotten = http.awaitGet(node, "/tx/" + hashes.get(2), a -> a.status() == 404);
        assertThat(forgotten.status()).as(forgotten.text()).isEqualTo(404);
        NodeHttp.Answer pruned = http.awaitGet(node, "/tx/" + hashes.get(4), a -> a.status() == 410);
        assertThat(pruned.status()).as(pruned.text()).isEqualTo(410);
        assertThat(pruned.body().get("code").asText()).isEqualTo("PRUNED");
        assertThat(http.get(node, "/tx/" + hashes.get(5)).status()).isEqualTo(200);
        assertThat(http.get(node, "/tx/" + hashes.get(0) + "/receipt").status()).isEqualTo(404);

        JsonNode listed = http.get(node, "/batches").body().get("batches");
        assertThat(listed.get(0).get("batch_number").asLong()).as("the first batch still stored").isEqualTo(4);
        assertThat(listed.get(0).get("pruned").asBoolean()).isTrue();
        assertThat(listed.get(2).get("pruned").asBoolean()).isFalse();
        JsonNode status = http.get(node, "/status").body();
        assertThat(status.at("/batches/confirmed").asLong()).as("forgotten batches were confirmed").isEqualTo(6);
        Map<String, Double> metrics = NodeHttp.samples(http.get(node, "/metrics").text());
        assertThat(NodeHttp.value(metrics, "l2_batches_forgotten_total")).isEqualTo(3);
        assertThat(NodeHttp.value(metrics, "l2_batches_pruned_total")).isEqualTo(5);

        NodeHttp.Answer again = http.post(node, "/tx", NodeHttp.tx("ret-alice", "1", "0a0b0c"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("tx_hash").asText()).isEqualTo(hashes.get(0));
        assertThat(again.body().has("duplicate")).as("past the duplicate window it is new").isFalse();
        JsonNode confirmed = http.awaitConfirmed(node, hashes.get(0));
        NodeHttp.Answer pruned5 = http.get(node, "/tx/" + hashes.get(4));
        assertThat(pruned5.status()).as("a pruned tx is still known, so still a duplicate").isEqualTo(410);
        assertThat(confirmed.get("seq").asLong()).isEqualTo(7);
    }

    /** Live pages of the SQLite file: page_count - freelist_count, read on a separate connection (WAL). */
    private long livePages() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("l2.db"));
                Statement s = c.createStatement()) {
            long pages;
            try (ResultSet r = s.executeQuery("PRAGMA page_count")) {
                pages = r.getLong(1);
            }
            try (ResultSet r = s.executeQuery("PRAGMA freelist_count")) {
                return pages - r.getLong(1);
            }
        }
    }

    @Test
    void underASteadyLoad_withBothHorizons_theStoresLivePagesStopGrowing() throws Exception {
        start("2", "4");
        String body = "[" + String.join(",", java.util.Collections.nCopies(5, "%s")) + "]";
        long warm = 0;
        List<Long> samples = new ArrayList<>();
        for (int round = 1; round <= 60; round++) {
            String[] txs = new String[5];
            for (int k = 0; k < 5; k++) {
                txs[k] = NodeHttp.tx("ret-load", Integer.toString(round * 10 + k), "ab".repeat(200));
            }
            NodeHttp.Answer answer = http.post(node, "/txs", String.format(body, (Object[]) txs));
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            http.awaitConfirmed(node, answer.body().get(4).get("tx_hash").asText());
            if (round == 20) {
                Thread.sleep(200); // let retention catch up with the last confirmation
                warm = livePages();
            }
            if (round > 20 && round % 10 == 0) {
                Thread.sleep(200);
                samples.add(livePages());
            }
        }
        // 40 more rounds of 2 KB each (some 80 KB of txs, 40 pages of 2 KiB, plus their L1 requests) left the live
        // pages where they were, give or take B-tree page splits
        long warmPages = warm;
        assertThat(samples).as("live pages after round 20 (%d), then every 10 rounds", warm)
                .allSatisfy(pages -> assertThat(pages).isLessThanOrEqualTo(warmPages + 8));
    }
}
