package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.engine.ConfigException;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.lease.etcd.EtcdLeaseStore;
import org.ippan.l2.lease.memory.InMemoryLeaseStore;
import org.ippan.l2.node.NodeHttp.Answer;
import org.ippan.l2.node.devnet.DevnetL1Server;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lease mode over real HTTP on loopback, three nodes in one JVM on one SQLite file and one in-memory lease: the
 * follower's {@code NOT_LEADER} answer names the leader, forwarding relays writes once, {@code /status} shows the
 * lease, {@code /metrics} counts leadership changes, and closing the leader hands over to a standby.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodeLeaseHttpTest {
    private final NodeHttp http = new NodeHttp();

    private static Tx tx(String from, long nonce) {
        return new Tx(1, nonce, from, new byte[] {(byte) nonce, 0x17});
    }

    private static Map<String, String> env(Path db, DevnetL1Server l1, String leaderId, boolean candidate,
            boolean forward) {
        Map<String, String> env = NodeHttp.env(db);
        env.put("L1_BASE_URL", l1.baseUrl());
        env.put("L1_ENDPOINT_CHAIN_STATUS", DevnetL1Server.PATH_STATUS);
        env.put("L1_ENDPOINT_SUBMIT_BATCH", DevnetL1Server.PATH_SUBMIT);
        env.put("L1_ENDPOINT_GET_INCLUSION", DevnetL1Server.PATH_INCLUSION);
        env.put("L1_ENDPOINT_GET_FINALITY", DevnetL1Server.PATH_FINALITY);
        env.put("L2_LEADER_MODE", "lease");
        env.put("L2_LEASE_TTL_MS", "1000");
        env.put("L2_LEASE_RENEW_MS", "200");
        env.put("LEADER_ID", leaderId);
        env.put("L2_LEADER", candidate ? "1" : "0");
        env.put("L2_FORWARD_TO_LEADER", forward ? "1" : "0");
        return env;
    }

    private static L2Node start(Map<String, String> env, InMemoryLeaseStore lease) throws Exception {
        NodeConfig config = NodeConfig.fromEnvironment(env);
        return L2Node.start(config, JdbcStorage.open(config.storageUrl()), lease);
    }

    private HttpResponse<String> postRelayed(L2Node node, String path, String body) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header(LeaderForwarder.HEADER, "1").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void followersPointAtTheLeader_forwardOnce_andTheLeaderHandsOverOnClose(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("shared.db");
        InMemoryLeaseStore lease = new InMemoryLeaseStore(System::currentTimeMillis);
        try (DevnetL1Server l1 = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 20, 1,
                DevnetL1Server.Checks.CONTENTS);
                L2Node relay = start(env(db, l1, "relay", false, true), lease)) {
            // no leader yet: the forwarding node cannot relay and says when to retry
            Answer none = http.post(relay, "/tx", NodeHttp.json(tx("c", 1)));
            NodeHttp.assertRefused(none, 503, RefusalCode.UNAVAILABLE);
            assertThat(none.raw().headers().firstValue("Retry-After")).hasValue("1");

            Map<String, String> aEnv = env(db, l1, "a", true, false);
            aEnv.put("L2_SEQUENCER_KEY_PATH", ChildJvm.writeKey(dir.resolve("a.key")).toString()); // a signs receipts
            L2Node a = start(aEnv, lease);
            try (L2Node b = start(env(db, l1, "b", true, false), lease)) {
                http.awaitGet(a, "/status", s -> s.body().at("/leader/is_leader").asBoolean());
                Answer leaderStatus = http.get(a, "/status");
                assertThat(leaderStatus.body().at("/leader/mode").asText()).isEqualTo("lease");
                assertThat(leaderStatus.body().at("/leader/can_shutdown").asBoolean()).isFalse();
                assertThat(leaderStatus.body().at("/leader/lease/holder_id").asText()).isEqualTo("a");
                assertThat(leaderStatus.body().at("/leader/lease/holder_url").asText()).isEqualTo(a.baseUrl());
                assertThat(leaderStatus.body().at("/leader/lease/renew_failures").asLong()).isZero();
                assertThat(leaderStatus.body().at("/leader/lease/expires_at_ms").asLong()).isPositive();
                assertThat(leaderStatus.body().at("/leader/lease/last_change").asText()).isNotBlank();
                assertThat(leaderStatus.body().at("/leader/term_id").asLong()).isPositive();

                // the standby refuses and names the leader
                Answer b403 = http.awaitGet(b, "/status",
                        s -> "a".equals(s.body().at("/leader/lease/holder_id").asText()));
                assertThat(b403.body().at("/leader/can_shutdown").asBoolean()).isTrue();
                Answer refused = http.post(b, "/tx", NodeHttp.json(tx("c", 2)));
                assertThat(refused.status()).isEqualTo(403);
                assertThat(refused.body().get("code").asText()).isEqualTo("NOT_LEADER");
                assertThat(refused.body().get("leader_id").asText()).isEqualTo("a");
                assertThat(refused.body().get("leader_url").asText()).isEqualTo(a.baseUrl());
                Answer refusedBulk = http.post(b, "/txs", "[" + NodeHttp.json(tx("c", 2)) + "]");
                assertThat(refusedBulk.status()).isEqualTo(403);
                assertThat(refusedBulk.body().get("leader_url").asText()).isEqualTo(a.baseUrl());

                // the forwarding node relays to the leader once, and never a relayed request
                http.awaitGet(relay, "/status", s -> "a".equals(s.body().at("/leader/lease/holder_id").asText()));
                String one = http.submitNew(relay, tx("c", 3));
                Answer many = http.post(relay, "/txs", "[" + NodeHttp.json(tx("c", 4)) + "]");
                assertThat(many.status()).isEqualTo(200);
                assertThat(many.body().get(0).get("accepted").asBoolean()).isTrue();
                // a bulk binary body is relayed byte for byte with its content type and query
                Tx binaryTx = tx("c", 7);
                Answer binary = http.postBytes(relay, "/txs?receipts=false", BulkBodies.of(List.of(binaryTx)),
                        BulkBodies.TYPE);
                assertThat(binary.status()).as(binary.text()).isEqualTo(200);
                assertThat(binary.body().get(0).get("tx_hash").asText()).isEqualTo(binaryTx.hash().toHex());
                assertThat(binary.body().get(0).get("accepted").asBoolean()).isTrue();
                assertThat(binary.body().get(0).has("receipt")).as("?receipts=false relayed").isFalse();
                Answer withReceipt = http.postBytes(relay, "/txs", BulkBodies.of(List.of(tx("c", 8))), BulkBodies.TYPE);
                assertThat(withReceipt.body().get(0).get("accepted").asBoolean()).isTrue();
                assertThat(withReceipt.body().get(0).has("receipt")).as("the leader signs receipts").isTrue();
                assertThat(http.get(a, "/tx/" + binaryTx.hash().toHex()).status()).isEqualTo(200);
                Answer brokenFrame = http.postBytes(relay, "/txs", new byte[] {'L', '2'}, BulkBodies.TYPE);
                NodeHttp.assertRefused(brokenFrame, 400, RefusalCode.INVALID_FRAME); // the leader's answer, relayed
                HttpResponse<String> twice = postRelayed(relay, "/tx", NodeHttp.json(tx("c", 5)));
                assertThat(twice.statusCode()).isEqualTo(403);
                assertThat(twice.body()).contains("\"leader_url\":\"" + a.baseUrl() + "\"");
                assertThat(http.get(a, "/tx/" + one).status()).as("the relayed tx is at the leader").isEqualTo(200);
                Map<String, Double> relayMetrics = NodeHttp.samples(http.get(relay, "/metrics").text());
                assertThat(NodeHttp.value(relayMetrics, "l2_forwarded_requests_total{outcome=\"answered\"}"))
                        .isEqualTo(5);
                assertThat(NodeHttp.value(relayMetrics, "l2_forwarded_requests_total{outcome=\"no_leader\"}"))
                        .isEqualTo(1);
                assertThat(NodeHttp.value(relayMetrics, "l2_forwarded_requests_total{outcome=\"unreachable\"}"))
                        .isZero();

                Map<String, Double> aMetrics = NodeHttp.samples(http.get(a, "/metrics").text());
                assertThat(NodeHttp.value(aMetrics, "l2_leader_is_leader")).isEqualTo(1);
                assertThat(NodeHttp.value(aMetrics, "l2_leader_changes_total")).isEqualTo(1);
                assertThat(NodeHttp.value(aMetrics, "l2_lease_renew_failures_total")).isZero();

                // hand-over: closing the leader lets the standby lead well within one time to live
                long closing = System.nanoTime();
                a.close();
                Answer bLeads = http.awaitGet(b, "/status", s -> s.body().at("/leader/is_leader").asBoolean());
                assertThat(bLeads.body().at("/leader/is_leader").asBoolean()).isTrue();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing)).isLessThan(1_000);
                String after = http.submitNew(b, tx("c", 6));
                http.awaitConfirmed(b, one);
                http.awaitConfirmed(b, after);
                Map<String, Double> bMetrics = NodeHttp.samples(http.get(b, "/metrics").text());
                assertThat(NodeHttp.value(bMetrics, "l2_leader_changes_total")).isEqualTo(1);
            } finally {
                a.close();
            }
        }
    }

    @Test
    void leaseVariables_areCheckedAndNamedInErrors() {
        Map<String, String> env = new HashMap<>();
        env.put("L2_LISTEN_ADDR", "127.0.0.1:3456");
        NodeConfig defaults = NodeConfig.fromEnvironment(env);
        assertThat(defaults.leaseUrl()).isEmpty();
        assertThat(defaults.forwardToLeader()).isFalse();
        assertThat(defaults.sequencer().advertisedUrl()).isEqualTo("http://127.0.0.1:3456");

        env.put("L2_ADVERTISED_URL", "http://node-1.example:3000");
        env.put("L2_FORWARD_TO_LEADER", "1");
        env.put("L2_LEASE_URL", "etcd://10.0.0.1:2379,10.0.0.2:2379");
        NodeConfig set = NodeConfig.fromEnvironment(env);
        assertThat(set.sequencer().advertisedUrl()).isEqualTo("http://node-1.example:3000");
        assertThat(set.forwardToLeader()).isTrue();
        assertThat(set.leaseUrl()).isEqualTo("etcd://10.0.0.1:2379,10.0.0.2:2379");

        env.put("L2_LEASE_URL", "zookeeper://10.0.0.1:2181");
        assertThatThrownBy(() -> NodeConfig.fromEnvironment(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("L2_LEASE_URL");
        env.put("L2_LEASE_URL", "etcd://10.0.0.1");
        assertThatThrownBy(() -> NodeConfig.fromEnvironment(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("L2_LEASE_URL");
        env.remove("L2_LEASE_URL");
        env.put("L2_FORWARD_TO_LEADER", "yes");
        assertThatThrownBy(() -> NodeConfig.fromEnvironment(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("L2_FORWARD_TO_LEADER");
        assertThat(LeaseStores.leaseName(-1)).isEqualTo("l2-leader-18446744073709551615");
        try (var etcd = LeaseStores.open("etcd://127.0.0.1:2379", "sqlite:unused.db", 1)) {
            assertThat(etcd).as("an etcd client, nothing sent yet").isInstanceOf(EtcdLeaseStore.class);
        }
    }

    @Test
    void stepDownToANamedNode_handsTheLeaseToThatNode_notToAnotherStandby(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("shared.db");
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "handover-token\n");
        InMemoryLeaseStore lease = new InMemoryLeaseStore(System::currentTimeMillis);
        try (DevnetL1Server l1 = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 20, 1,
                DevnetL1Server.Checks.CONTENTS)) {
            Map<String, String> envA = env(db, l1, "a", true, false);
            envA.put("L2_API_TOKENS_FILE", tokens.toString());
            try (L2Node a = start(envA, lease)) {
                http.awaitGet(a, "/status", s -> s.body().at("/leader/is_leader").asBoolean());
                try (L2Node b = start(env(db, l1, "b", true, false), lease);
                        L2Node c = start(env(db, l1, "c", true, false), lease)) {
                    long termBefore = http.get(a, "/status").body().at("/leader/term_id").asLong();

                    Answer stepped = http.send(a, "POST", "/admin/step-down", "{\"to\": \"c\"}",
                            "Content-Type", "application/json", "Authorization", "Bearer handover-token");

                    assertThat(stepped.status()).as(stepped.text()).isEqualTo(200);
                    assertThat(stepped.body().get("stepped_down").asBoolean()).isTrue();
                    Answer cLeads = http.awaitGet(c, "/status", st -> st.body().at("/leader/is_leader").asBoolean());
                    assertThat(cLeads.body().at("/leader/is_leader").asBoolean()).as("c took over").isTrue();
                    assertThat(cLeads.body().at("/leader/term_id").asLong()).isGreaterThan(termBefore);
                    assertThat(http.get(b, "/status").body().at("/leader/is_leader").asBoolean())
                            .as("the other standby held off").isFalse();
                    assertThat(http.submitNew(c, tx("h", 1))).hasSize(64);
                }
            }
        }
    }
}
