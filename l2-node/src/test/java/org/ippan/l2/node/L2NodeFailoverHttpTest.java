package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ippan.l2.node.NodeHttp.assertRefused;
import static org.ippan.l2.node.NodeHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.node.NodeHttp.Answer;
import org.ippan.l2.node.devnet.DevnetL1Server;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover and storage failure over real HTTP on loopback: a leader fenced by the promotion of a follower with a
 * higher term (on one SQLite file, both posting to one devnet L1), and a leader whose storage fails writes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodeFailoverHttpTest {
    private final NodeHttp http = new NodeHttp();

    private static Tx tx(String from, long nonce) {
        return new Tx(1, nonce, from, new byte[] {(byte) nonce, 0x42});
    }

    /** One devnet L1 every node of a test posts to, so "confirmed once on L1" can be checked across leaders. */
    private static DevnetL1Server devnet() throws Exception {
        return DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 20, 1, DevnetL1Server.Checks.CONTENTS);
    }

    private static Map<String, String> env(Path db, DevnetL1Server l1, String leaderId, long term, boolean leader) {
        Map<String, String> env = NodeHttp.env(db);
        env.put("L1_BASE_URL", l1.baseUrl());
        env.put("L1_ENDPOINT_CHAIN_STATUS", DevnetL1Server.PATH_STATUS);
        env.put("L1_ENDPOINT_SUBMIT_BATCH", DevnetL1Server.PATH_SUBMIT);
        env.put("L1_ENDPOINT_GET_INCLUSION", DevnetL1Server.PATH_INCLUSION);
        env.put("L1_ENDPOINT_GET_FINALITY", DevnetL1Server.PATH_FINALITY);
        env.put("LEADER_ID", leaderId);
        env.put("LEADER_TERM", Long.toString(term));
        env.put("L2_LEADER", leader ? "1" : "0");
        return env;
    }

    private Map<String, Double> metrics(L2Node node) throws Exception {
        Answer answer = http.get(node, "/metrics");
        assertThat(answer.status()).isEqualTo(200);
        return NodeHttp.samples(answer.text());
    }

    private static long rejected(Map<String, Double> samples, RefusalCode code) {
        return NodeHttp.value(samples, "l2_tx_rejected_total{code=\"" + code.name() + "\"}");
    }

    @Test
    void promotion_withAHigherTerm_fencesTheOldLeaderOnItsNextWrite_andLosesNothingItAcked(@TempDir Path dir)
            throws Exception {
        Path db = dir.resolve("shared.db");
        Map<String, String> envA;
        try (DevnetL1Server l1 = devnet()) {
            envA = env(db, l1, "a", 1, true);
            envA.put("L2_MAX_WAIT_MS", "600000"); // A cuts full batches only: its last two acked txs stay pending
            envA.put("L2_HEARTBEAT_MS", "600000"); // and once batch 1 is confirmed, A writes nothing until asked to
            List<String> acked = new ArrayList<>();
            L2Node a = L2Node.start(NodeConfig.fromEnvironment(envA));
            try {
                for (int nonce = 1; nonce <= 7; nonce++) {
                    acked.add(http.submitNew(a, tx("client", nonce)));
                }
                http.awaitConfirmed(a, acked.get(0)); // batch 1: the first five
                assertThat(http.get(a, "/tx/" + acked.get(6)).body().get("status").asText()).isEqualTo("pending");

                // a follower on the same file: reads served, writes refused
                Map<String, String> envB = env(db, l1, "b", 1, false);
                L2Node follower = L2Node.start(NodeConfig.fromEnvironment(envB));
                long followerCloseNs;
                try {
                    assertRefused(http.post(follower, "/tx", json(tx("client", 100))), 403, RefusalCode.NOT_LEADER);
                    assertRefused(http.post(follower, "/txs", "[" + json(tx("client", 100)) + "]"), 403,
                            RefusalCode.NOT_LEADER);
                    assertThat(http.get(follower, "/tx/" + acked.get(6)).body().get("status").asText())
                            .isEqualTo("pending");
                    JsonNode leader = http.get(follower, "/status").body().get("leader");
                    assertThat(leader.get("is_leader").asBoolean()).isFalse();
                    Map<String, Double> followerMetrics = metrics(follower);
                    assertThat(NodeHttp.value(followerMetrics, "l2_leader_is_leader")).isZero();
                    assertThat(rejected(followerMetrics, RefusalCode.NOT_LEADER)).isEqualTo(2);
                } finally {
                    long closingNs = System.nanoTime();
                    follower.close();
                    followerCloseNs = System.nanoTime() - closingNs;
                }
                assertThat(followerCloseNs).as("closing a follower does not wait for the leader's pending txs")
                        .isLessThan(TimeUnit.MILLISECONDS.toNanos(L2Node.SHUTDOWN_FLUSH_WAIT_MS));

                // the promotion: the follower restarts as leader with A's term + 1
                envB.put("L2_LEADER", "1");
                envB.put("LEADER_TERM", "2");
                try (L2Node b = L2Node.start(NodeConfig.fromEnvironment(envB))) {
                    assertThat(http.get(a, "/status").body().get("leader").get("is_leader").asBoolean())
                            .as("A has not written since the promotion: it cannot know yet").isTrue();

                    Tx late = tx("client", 8);
                    Answer fenced = http.post(a, "/tx", json(late));
                    assertRefused(fenced, 403, RefusalCode.NOT_LEADER);
                    assertThat(fenced.body().get("error").asText()).contains("fenced").contains("term 2");

                    JsonNode aStatus = http.get(a, "/status").body().get("leader");
                    assertThat(aStatus.get("is_leader").asBoolean()).isFalse();
                    assertThat(aStatus.get("state").asText()).isEqualTo("fenced");
                    assertThat(aStatus.get("term_id").asLong()).isEqualTo(1);
                    Answer aReady = http.get(a, "/readyz");
                    assertThat(aReady.status()).isEqualTo(503);
                    assertThat(aReady.body().get("ready").asBoolean()).isFalse();
                    assertThat(aReady.body().get("reasons").toString()).contains("fenced").contains("term 2")
                            .contains("seen by admission");
                    assertRefused(http.post(a, "/txs", "[" + json(tx("client", 9)) + "]"), 403,
                            RefusalCode.NOT_LEADER);
                    assertRefused(http.post(a, "/tx", json(late)), 403, RefusalCode.NOT_LEADER);
                    Map<String, Double> aMetrics = metrics(a);
                    assertThat(NodeHttp.value(aMetrics, "l2_leader_is_leader")).isZero();
                    assertThat(NodeHttp.value(aMetrics, "l2_leader_term")).isEqualTo(1);
                    assertThat(NodeHttp.value(aMetrics, "l2_ready")).isZero();
                    assertThat(rejected(aMetrics, RefusalCode.NOT_LEADER)).isEqualTo(3);
                    assertThat(NodeHttp.value(aMetrics, "l2_tx_accepted_total")).isEqualTo(7);

                    // the new leader leads
                    String bTx = http.submitNew(b, tx("client-of-b", 1));
                    JsonNode bStatus = http.get(b, "/status").body().get("leader");
                    assertThat(bStatus.get("is_leader").asBoolean()).isTrue();
                    assertThat(bStatus.get("term_id").asLong()).isEqualTo(2);
                    assertThat(NodeHttp.value(metrics(b), "l2_leader_is_leader")).isEqualTo(1);

                    // nothing A acked is lost, nothing refused is stored
                    List<String> all = new ArrayList<>(acked);
                    all.add(bTx);
                    Map<String, Long> batchOf = new HashMap<>();
                    for (String hash : all) {
                        batchOf.put(hash, http.awaitConfirmed(b, hash).get("batch_number").asLong());
                    }
                    assertThat(http.get(b, "/tx/" + late.hash().toHex()).status()).isEqualTo(404);
                    List<JsonNode> batches = http.allBatches(b);
                    assertEveryTxInExactlyOneConfirmedBatch(batches, all);
                    assertThat(batches.get(0).get("term").asLong()).as("cut by A").isEqualTo(1);
                    assertThat(batches.get(0).get("tx_count").asInt()).isEqualTo(5);
                    for (int i = 5; i < 7; i++) {
                        long number = batchOf.get(acked.get(i));
                        assertThat(batches.get((int) number - 1).get("term").asLong())
                                .as("A's pending tx %d was batched by the new leader", i).isEqualTo(2);
                    }

                    // each batch reached L1 exactly once, whichever leader posted it
                    assertThat(l1.chain().includedSubmissions()).hasSize(batches.size());
                    for (JsonNode batch : batches) {
                        byte[] key = Base64.getUrlDecoder().decode(batch.get("l1").get("idempotency_key").asText());
                        assertThat(l1.chain().applyCount(key)).as("batch %s", batch.get("batch_number"))
                                .isEqualTo(1);
                    }
                }
            } finally {
                a.close();
            }
        }

        // A restarted with its old term is refused, with one line naming the term to use
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = L2Node.run(envA, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(L2Node.EXIT_START);
        String message = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(message).doesNotContain("\n").contains("term 2").contains("LEADER_TERM=1")
                .contains("LEADER_TERM=3");
    }

    private static void assertEveryTxInExactlyOneConfirmedBatch(List<JsonNode> batches, List<String> txHashes) {
        Map<String, Integer> occurrences = new HashMap<>();
        String prev = "00".repeat(32);
        for (int i = 0; i < batches.size(); i++) {
            JsonNode batch = batches.get(i);
            assertThat(batch.get("batch_number").asLong()).as("contiguous numbers").isEqualTo(i + 1);
            assertThat(batch.get("prev_batch_hash").asText()).as("hash chain at %d", i + 1).isEqualTo(prev);
            assertThat(batch.get("status").asText()).isEqualTo("confirmed");
            assertThat(batch.get("tx_hashes").size()).isEqualTo(batch.get("tx_count").asInt());
            batch.get("tx_hashes").forEach(h -> occurrences.merge(h.asText(), 1, Integer::sum));
            prev = batch.get("batch_hash").asText();
        }
        Map<String, Integer> once = new HashMap<>();
        txHashes.forEach(h -> once.put(h, 1));
        assertThat(occurrences).as("every acked tx in exactly one batch, and nothing else").isEqualTo(once);
    }

    @Test
    void promotion_fencesAnIdleOldLeader_byItsHeartbeat(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("idle.db");
        try (DevnetL1Server l1 = devnet();
                L2Node a = L2Node.start(NodeConfig.fromEnvironment(env(db, l1, "a", 0, true)))) {
            String first = http.submitNew(a, tx("idle", 1));
            http.awaitConfirmed(a, first); // from now on A's only writes are its heartbeats
            assertThat(http.awaitGet(a, "/readyz", r -> r.status() == 200).status()).isEqualTo(200);

            try (L2Node b = L2Node.start(NodeConfig.fromEnvironment(env(db, l1, "b", 1, true)))) {
                Answer ready = http.awaitGet(a, "/readyz", r -> r.status() == 503);
                assertThat(ready.status()).as("A fenced by its own heartbeat, without any request").isEqualTo(503);
                assertThat(ready.body().get("reasons").toString()).contains("fenced").contains("seen by heartbeat");
                JsonNode aStatus = http.get(a, "/status").body().get("leader");
                assertThat(aStatus.get("is_leader").asBoolean()).isFalse();
                assertThat(aStatus.get("state").asText()).isEqualTo("fenced");
                assertThat(NodeHttp.value(metrics(a), "l2_leader_is_leader")).isZero();
                Tx second = tx("idle", 2);
                assertRefused(http.post(a, "/tx", json(second)), 403, RefusalCode.NOT_LEADER);

                assertThat(http.submitNew(b, second)).isEqualTo(second.hash().toHex());
                http.awaitConfirmed(b, second.hash().toHex());
                http.awaitConfirmed(b, first);
                assertEveryTxInExactlyOneConfirmedBatch(http.allBatches(b), List.of(first, second.hash().toHex()));
            }
        }
    }

    @Test
    void failingStorage_answers503Unavailable_andResubmissionsAreIdempotent_losingNothing(@TempDir Path dir)
            throws Exception {
        Path db = dir.resolve("faulty.db");
        FaultInjectingStorage storage = new FaultInjectingStorage(JdbcStorage.openSqlite(db));
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(NodeHttp.env(db)), storage)) {
            String before = http.submitNew(node, tx("u", 1));

            // the store is down: nothing is accepted, the answer says so
            storage.failWrites(true);
            Tx down = tx("u", 2);
            assertRefused(http.post(node, "/tx", json(down)), 503, RefusalCode.UNAVAILABLE);
            assertThat(storage.injectedFailures()).isPositive();
            assertThat(http.get(node, "/tx/" + down.hash().toHex()).status()).as("not stored").isEqualTo(404);
            Tx inBulk = tx("u", 3);
            Answer bulk = http.post(node, "/txs", "[" + json(inBulk) + "]");
            assertThat(bulk.status()).isEqualTo(200);
            assertThat(bulk.body().get(0).get("code").asText()).isEqualTo("UNAVAILABLE");
            assertThat(bulk.body().get(0).get("accepted").asBoolean()).isFalse();
            assertThat(bulk.body().get(0).get("tx_hash").asText()).isEmpty();
            Answer notReady = http.awaitGet(node, "/readyz", r -> r.status() == 503);
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.body().get("reasons").toString()).contains(FaultInjectingStorage.INJECTED);
            assertThat(http.get(node, "/tx/" + before).status()).as("reads still served").isEqualTo(200);

            // the store is back: the same txs are accepted, with their hashes
            storage.failWrites(false);
            assertThat(http.submitNew(node, down)).isEqualTo(down.hash().toHex());
            assertThat(http.submitNew(node, inBulk)).isEqualTo(inBulk.hash().toHex());
            assertThat(http.awaitGet(node, "/readyz", r -> r.status() == 200).status()).isEqualTo(200);

            // a write that landed but whose acknowledgement was lost: 503, and the resubmission is a duplicate
            storage.loseNextAppendAcks(1);
            Tx lostAck = tx("u", 4);
            assertRefused(http.post(node, "/tx", json(lostAck)), 503, RefusalCode.UNAVAILABLE);
            Answer resubmitted = http.post(node, "/tx", json(lostAck));
            assertThat(resubmitted.status()).isEqualTo(200);
            assertThat(resubmitted.body().get("tx_hash").asText()).isEqualTo(lostAck.hash().toHex());
            assertThat(resubmitted.body().get("duplicate").asBoolean()).isTrue();

            List<String> all = List.of(before, down.hash().toHex(), inBulk.hash().toHex(), lostAck.hash().toHex());
            for (String hash : all) {
                http.awaitConfirmed(node, hash);
            }
            assertEveryTxInExactlyOneConfirmedBatch(http.allBatches(node), all);
            Map<String, Double> samples = metrics(node);
            assertThat(rejected(samples, RefusalCode.UNAVAILABLE)).isEqualTo(3);
            assertThat(NodeHttp.value(samples, "l2_tx_accepted_total")).isEqualTo(3);
            assertThat(NodeHttp.value(samples, "l2_tx_duplicates_total")).isEqualTo(1);
            assertThat(NodeHttp.value(samples, "l2_batch_txs_total")).as("the lost-ack tx is batched once")
                    .isEqualTo(4);
        }
        assertThatThrownBy(storage::readLeader).as("the node closed the storage it was given")
                .isInstanceOf(StorageException.class);
    }
}
