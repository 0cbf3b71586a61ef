package org.ippan.l2.examples.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ippan.l2.examples.node.NodeHttp.assertRefused;
import static org.ippan.l2.examples.node.NodeHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.examples.node.NodeHttp.Answer;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Failover and storage failure over real HTTP on loopback: a leader whose storage fails writes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodeFailoverHttpTest {
    private final NodeHttp http = new NodeHttp();

    private static Tx tx(String from, long nonce) {
        return new Tx(1, nonce, from, new byte[] {(byte) nonce, 0x42});
    }

    private Map<String, Double> metrics(L2Node node) throws Exception {
        Answer answer = http.get(node, "/metrics");
        assertThat(answer.status()).isEqualTo(200);
        return NodeHttp.samples(answer.text());
    }

    private static long rejected(Map<String, Double> samples, RefusalCode code) {
        return NodeHttp.value(samples, "l2_tx_rejected_total{code=\"" + code.name() + "\"}");
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
