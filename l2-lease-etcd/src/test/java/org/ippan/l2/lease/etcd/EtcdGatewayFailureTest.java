package org.ippan.l2.lease.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the store fails, against fake endpoints (no etcd needed): failover only when nothing was sent, every request
 * bounded by its timeout, and every bad answer a {@link LeaseException} naming the call and the endpoint.
 */
class EtcdGatewayFailureTest {

    private static final String EMPTY_RANGE = "{\"header\":{\"revision\":\"3\"}}";
    /** The request timeout of the tests that wait for it: a hung endpoint. */
    private static final long REQUEST_TIMEOUT_MS = 400;
    /** The request timeout of the others: generous, so a cold JVM on a busy machine never trips it. */
    private static final long RELAXED_TIMEOUT_MS = 5_000;

    private final List<AutoCloseable> resources = new java.util.ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private FakeEtcd fake() throws Exception {
        return track(new FakeEtcd());
    }

    private EtcdLeaseStore store(String... endpoints) {
        return store(RELAXED_TIMEOUT_MS, endpoints);
    }

    private EtcdLeaseStore store(long requestTimeoutMs, String... endpoints) {
        return track(EtcdLeaseStore.open(EtcdLeaseConfig.builder()
                .url("etcd://" + String.join(",", endpoints))
                .leaseName("failures")
                .connectTimeoutMs(200)
                .requestTimeoutMs(requestTimeoutMs)
                .build()));
    }

    @Test
    void aRefusedConnection_failsOverToTheNextEndpoint_andTheNextCallStartsThere() throws Exception {
        FakeEtcd second = fake().answer("/v3/kv/range", 200, EMPTY_RANGE);
        EtcdLeaseStore store = store(FakeEtcd.closedEndpoint(), second.endpoint());

        assertThat(store.holder()).isEmpty();
        assertThat(store.holder()).isEmpty();

        assertThat(second.asked()).containsExactly("/v3/kv/range", "/v3/kv/range");
        assertThat(second.bodies().get(0)).contains(base64("/ippan-l2/lease/failures"));
    }

    @Test
    void noEndpointReachable_isALeaseException_namingEveryEndpoint() throws Exception {
        String first = FakeEtcd.closedEndpoint();
        String second = FakeEtcd.closedEndpoint();
        EtcdLeaseStore store = store(first, second);

        assertThatThrownBy(store::holder)
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("range")
                .hasMessageContaining("no endpoint could be reached")
                .hasMessageContaining(first)
                .hasMessageContaining(second);
    }

    @Test
    void aHungEndpoint_failsWithinTheRequestTimeout_isNotRetriedElsewhere_andTheNextCallMovesOn() throws Exception {
        FakeEtcd.Silent hung = track(new FakeEtcd.Silent(""));
        FakeEtcd healthy = fake().answer("/v3/kv/range", 200, EMPTY_RANGE);
        EtcdLeaseStore store = store(REQUEST_TIMEOUT_MS, hung.endpoint(), healthy.endpoint());

        long startNs = System.nanoTime();
        assertThatThrownBy(store::holder)
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("range at " + hung.endpoint())
                .hasMessageContaining("no answer within " + REQUEST_TIMEOUT_MS + " ms");
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        assertThat(elapsedMs).isBetween(REQUEST_TIMEOUT_MS - 50, REQUEST_TIMEOUT_MS + 1_000);
        assertThat(healthy.asked()).as("a request that may have been applied is not sent again").isEmpty();
        assertThat(store.holder()).isEmpty();
        assertThat(healthy.asked()).containsExactly("/v3/kv/range");
    }

    @Test
    void anAnswerThatStallsInItsBody_failsWithinTheRequestTimeout() throws Exception {
        FakeEtcd.Silent stalling = track(new FakeEtcd.Silent(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"header\":"));
        EtcdLeaseStore store = store(REQUEST_TIMEOUT_MS, stalling.endpoint());

        long startNs = System.nanoTime();
        assertThatThrownBy(store::holder)
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("range at " + stalling.endpoint())
                .hasMessageContaining("no answer within");
        assertThat((System.nanoTime() - startNs) / 1_000_000).isLessThan(REQUEST_TIMEOUT_MS + 1_000);
    }

    @Test
    void anErrorStatus_isALeaseException_withStatusAndEtcdsMessage() throws Exception {
        FakeEtcd etcd = fake().answer("/v3/kv/range", 503,
                "{\"error\":\"etcdserver: no leader\",\"message\":\"etcdserver: no leader\",\"code\":14}");
        EtcdLeaseStore store = store(etcd.endpoint());

        assertThatThrownBy(store::holder)
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("range at " + etcd.endpoint())
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("etcdserver: no leader")
                .hasMessageContaining("gRPC code 14");
    }

    @Test
    void anErrorStatusWithoutJson_isALeaseException_withTheStatus() throws Exception {
        FakeEtcd etcd = fake().answer("/v3/kv/range", 502, "<html>bad gateway</html>");

        assertThatThrownBy(store(etcd.endpoint())::holder)
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("range at " + etcd.endpoint())
                .hasMessageContaining("HTTP 502");
    }

    @Test
    void anAnswerThatIsNotJson_isALeaseException_namingCallAndEndpoint() throws Exception {
        FakeEtcd etcd = fake().answer("/v3/kv/range", 200, "hello, I am not etcd");

        assertThatThrownBy(store(etcd.endpoint())::holder)
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("range at " + etcd.endpoint())
                .hasMessageContaining("not a JSON object")
                .hasMessageContaining("hello, I am not etcd");
    }

    @Test
    void anAnswerTooLarge_isALeaseException() throws Exception {
        FakeEtcd etcd = fake().answer("/v3/kv/range", 200,
                "{\"pad\":\"" + "x".repeat(EtcdGateway.MAX_ANSWER_BYTES) + "\"}");

        assertThatThrownBy(store(etcd.endpoint())::holder)
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("range at " + etcd.endpoint())
                .hasStackTraceContaining("longer than");
    }

    @Test
    void anInt64ThatIsNotANumber_isALeaseException() throws Exception {
        FakeEtcd etcd = fake().answer("/v3/kv/range", 200,
                "{\"kvs\":[{\"key\":\"eA==\",\"value\":\"" + base64(value("node-a")) + "\",\"lease\":\"12z\"}]}");

        assertThatThrownBy(store(etcd.endpoint())::holder)
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("range at " + etcd.endpoint())
                .hasMessageContaining("lease is not an int64");
    }

    @Test
    void aKeyWrittenBySomethingElse_isALeaseException_notAHolder() throws Exception {
        FakeEtcd etcd = fake().answer("/v3/kv/range", 200,
                "{\"kvs\":[{\"key\":\"eA==\",\"value\":\"" + base64("plain text") + "\",\"lease\":\"5\"}]}");

        assertThatThrownBy(store(etcd.endpoint())::holder)
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("does not hold a lease value of this adapter");
    }

    @Test
    void aKeyNotBoundToALease_isALeaseException() throws Exception {
        FakeEtcd etcd = fake().answer("/v3/kv/range", 200,
                "{\"kvs\":[{\"key\":\"eA==\",\"value\":\"" + base64(value("node-a")) + "\"}]}");

        assertThatThrownBy(store(etcd.endpoint())::holder)
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("not bound to an etcd lease");
    }

    @Test
    void aGrantShorterThanAsked_isALeaseException_andTheGrantIsRevoked() throws Exception {
        FakeEtcd etcd = fake()
                .answer("/v3/lease/grant", 200, "{\"ID\":\"7\",\"TTL\":\"1\"}")
                .answer("/v3/lease/revoke", 200, "{}");

        assertThatThrownBy(() -> store(etcd.endpoint()).acquire("node-a", "", 1_500))
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("lease grant at " + etcd.endpoint())
                .hasMessageContaining("1 s for 2 s asked");
        assertThat(etcd.asked()).containsExactly("/v3/lease/grant", "/v3/lease/revoke");
        assertThat(etcd.bodies().get(1)).contains("\"7\"");
    }

    @Test
    void aLostTxnAnswer_isALeaseException_andTheGrantedLeaseIsRevoked() throws Exception {
        FakeEtcd etcd = fake()
                .answer("/v3/lease/grant", 200, "{\"ID\":\"42\",\"TTL\":\"2\"}")
                .stall("/v3/kv/txn", 5_000)
                .answer("/v3/lease/revoke", 200, "{}");

        assertThatThrownBy(() -> store(REQUEST_TIMEOUT_MS, etcd.endpoint()).acquire("node-a", "", 2_000))
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("txn at " + etcd.endpoint())
                .hasMessageContaining("no answer within");
        assertThat(etcd.asked()).containsExactly("/v3/lease/grant", "/v3/kv/txn", "/v3/lease/revoke");
        assertThat(etcd.bodies().get(2)).contains("\"42\"");
    }

    @Test
    void aKeepAliveStreamError_isALeaseException() throws Exception {
        FakeEtcd etcd = fake()
                .answer("/v3/kv/range", 200,
                        "{\"kvs\":[{\"key\":\"eA==\",\"value\":\"" + base64(value("node-a")) + "\",\"lease\":\"42\"}]}")
                .answer("/v3/lease/keepalive", 200,
                        "{\"error\":{\"grpc_code\":14,\"http_code\":503,\"message\":\"etcdserver: no leader\"}}");
        Lease lease = new Lease("node-a", "", EtcdLeaseStore.token(42), 2_000, 0);

        assertThatThrownBy(() -> store(etcd.endpoint()).renew(lease))
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("lease keep-alive at " + etcd.endpoint())
                .hasMessageContaining("no leader");
    }

    @Test
    void aClosedStore_refusesCalls() throws Exception {
        EtcdLeaseStore store = store(fake().endpoint());
        store.close();

        assertThatThrownBy(store::holder).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void close_abortsACallInFlight() throws Exception {
        FakeEtcd.Silent hung = track(new FakeEtcd.Silent(""));
        EtcdLeaseStore store = EtcdLeaseStore.open(EtcdLeaseConfig.builder().url("etcd://" + hung.endpoint())
                .leaseName("failures").connectTimeoutMs(200).requestTimeoutMs(10_000).build());
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            store.close();
        });
        closer.start();

        long startNs = System.nanoTime();
        assertThatThrownBy(store::holder).isInstanceOf(LeaseException.class).hasMessageContaining("closed");
        assertThat((System.nanoTime() - startNs) / 1_000_000).isLessThan(5_000);
        closer.join();
    }

    private static String value(String holderId) {
        return "{\"v\":1,\"holder_id\":\"" + holderId + "\",\"advertised_url\":\"\",\"token\":\"5\"}";
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
