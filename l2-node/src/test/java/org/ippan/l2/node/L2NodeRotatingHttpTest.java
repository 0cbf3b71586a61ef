package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.crypto.SequencerKeys;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.lease.memory.InMemoryLeaseStore;
import org.ippan.l2.node.NodeHttp.Answer;
import org.ippan.l2.node.devnet.DevnetL1Server;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating mode over real HTTP on loopback: three nodes in one JVM on one SQLite file, one in-memory lease and one
 * devnet L1, each with its own key, on the system clock. A client sends txs to whichever node leads; over several
 * epochs each epoch is led in a term higher than the one before, {@code /status} shows the schedule, and every
 * accepted tx is confirmed on one chain.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class L2NodeRotatingHttpTest {
    private static final long EPOCH_MS = 2_000;
    private final NodeHttp http = new NodeHttp();

    @Test
    void threeNodes_rotateEachEpoch_inIncreasingTerms_andConfirmEveryTx(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("shared.db");
        List<Path> keyFiles = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path key = ChildJvm.writeKey(dir.resolve("n" + i + ".key"));
            keyFiles.add(key);
            keys.add(Hex.encode(SequencerKeys.load(key).publicKey()));
        }
        long genesisMs = System.currentTimeMillis();
        InMemoryLeaseStore lease = new InMemoryLeaseStore(System::currentTimeMillis);
        List<L2Node> nodes = new ArrayList<>();
        try (DevnetL1Server l1 = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 20, 1,
                DevnetL1Server.Checks.CONTENTS)) {
            for (int i = 0; i < 3; i++) {
                Map<String, String> env = NodeHttp.env(db);
                env.put("L1_BASE_URL", l1.baseUrl());
                env.put("L1_ENDPOINT_CHAIN_STATUS", DevnetL1Server.PATH_STATUS);
                env.put("L1_ENDPOINT_SUBMIT_BATCH", DevnetL1Server.PATH_SUBMIT);
                env.put("L1_ENDPOINT_GET_INCLUSION", DevnetL1Server.PATH_INCLUSION);
                env.put("L1_ENDPOINT_GET_FINALITY", DevnetL1Server.PATH_FINALITY);
                env.put("L2_LEADER_MODE", "rotating");
                env.put("L2_LEADER_SET", String.join(",", keys));
                env.put("L2_EPOCH_MS", Long.toString(EPOCH_MS));
                env.put("L2_GENESIS_MS", Long.toString(genesisMs));
                env.put("L2_ROTATION_GRACE_MS", "800");
                env.put("L2_LEASE_TTL_MS", "500");
                env.put("L2_LEASE_RENEW_MS", "100");
                env.put("LEADER_ID", "n" + i);
                env.put("L2_SEQUENCER_KEY_PATH", keyFiles.get(i).toString());
                NodeConfig config = NodeConfig.fromEnvironment(env);
                nodes.add(L2Node.start(config, JdbcStorage.open(config.storageUrl()), lease));
            }

            Map<Long, Long> termByEpoch = new TreeMap<>();
            List<String> accepted = new ArrayList<>();
            long nonce = 0;
            long until = genesisMs + 4 * EPOCH_MS;
            while (System.currentTimeMillis() < until) {
                for (int i = 0; i < 3; i++) {
                    Answer status = http.get(nodes.get(i), "/status");
                    assertThat(status.body().at("/leader/mode").asText()).isEqualTo("rotating");
                    assertThat(status.body().at("/leader/rotation/set_size").asInt()).isEqualTo(3);
                    if (!status.body().at("/leader/is_leader").asBoolean()) {
                        continue;
                    }
                    long epoch = status.body().at("/leader/rotation/epoch").asLong();
                    long epochStartMs = status.body().at("/leader/rotation/epoch_end_ms").asLong() - EPOCH_MS;
                    if (System.currentTimeMillis() - epochStartMs < 300) {
                        continue; // the outgoing leader may not have stepped since the boundary: its state says
                                  // LEADER (it writes nothing: its deadline passed) until it hands over
                    }
                    long term = status.body().at("/leader/term_id").asLong();
                    assertThat(keys).contains(status.body().at("/leader/leader_pubkey").asText());
                    Long known = termByEpoch.putIfAbsent(epoch, term);
                    assertThat(known == null || known == term).as("epoch %d led in terms %d and %d", epoch, known,
                            term).isTrue();
                    Tx tx = new Tx(1, ++nonce, "rot", new byte[] {(byte) nonce, 0x42});
                    Answer answer = http.post(nodes.get(i), "/tx", NodeHttp.json(tx));
                    if (answer.status() == 200) {
                        accepted.add(tx.hash().toHex());
                    }
                }
                Thread.sleep(50);
            }

            assertThat(termByEpoch.size()).as("epochs seen led: %s", termByEpoch).isGreaterThanOrEqualTo(3);
            long previous = 0;
            for (Map.Entry<Long, Long> e : termByEpoch.entrySet()) {
                assertThat(e.getValue()).as("term of epoch %d in %s", e.getKey(), termByEpoch).isGreaterThan(previous);
                previous = e.getValue();
            }
            assertThat(accepted).isNotEmpty();
            L2Node reader = nodes.get(0);
            for (String hash : accepted) {
                http.awaitConfirmed(reader, hash);
            }
        } finally {
            for (L2Node node : nodes) {
                node.close();
            }
        }
    }
}
