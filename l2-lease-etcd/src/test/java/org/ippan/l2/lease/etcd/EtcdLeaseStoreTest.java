package org.ippan.l2.lease.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseException;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseOutcome;
import org.ippan.l2.lease.LeaseRefused;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the etcd adapter does beyond the contract, on a real etcd (see {@link LocalEtcd}). */
class EtcdLeaseStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static int names;

    private final List<EtcdLeaseStore> stores = new ArrayList<>();
    private String leaseName;

    @BeforeEach
    void reachEtcd() {
        LocalEtcd.assumeReachable();
        leaseName = "adapter-" + Long.toHexString(System.nanoTime()) + "-" + names++;
    }

    @AfterEach
    void closeStores() {
        stores.forEach(EtcdLeaseStore::close);
    }

    private EtcdLeaseStore store() {
        return track(LocalEtcd.open(leaseName));
    }

    private EtcdLeaseStore track(EtcdLeaseStore store) {
        stores.add(store);
        return store;
    }

    private static Lease granted(LeaseOutcome outcome) {
        assertThat(outcome).isInstanceOf(LeaseGranted.class);
        return ((LeaseGranted) outcome).lease();
    }

    @Test
    void ttl_isRoundedUpToWholeSeconds_andRaisedToEtcdsMinimum() throws Exception {
        EtcdLeaseStore store = store();
        Lease shortest = granted(store.acquire("node-a", "", 10));
        assertThat(shortest.ttlMs()).as("etcd's minimum with default settings").isEqualTo(2_000);
        assertThat(store.release(shortest)).isTrue();

        long beforeMs = System.currentTimeMillis();
        Lease lease = granted(store.acquire("node-a", "", 2_001));
        long afterMs = System.currentTimeMillis();

        assertThat(lease.ttlMs()).isEqualTo(3_000);
        assertThat(lease.expiresAtMs()).isBetween(beforeMs + 3_000, afterMs + 3_000);
        JsonNode ttl = JSON.readTree(LocalEtcd.post("/v3/lease/timetolive",
                "{\"ID\":\"" + Long.parseLong(lease.token(), 16) + "\"}"));
        assertThat(ttl.path("grantedTTL").asLong()).isEqualTo(3);
    }

    @Test
    void theKey_holdsTheValue_boundToTheEtcdLeaseTheTokenNames() throws Exception {
        Lease lease = granted(store().acquire("node-a", "http://10.0.0.1:3000", 2_000));

        JsonNode kv = range(LocalEtcd.config(LocalEtcd.URL, leaseName).key());
        assertThat(kv.path("lease").asText()).isEqualTo(Long.toString(Long.parseUnsignedLong(lease.token(), 16)));
        JsonNode value = JSON.readTree(Base64.getDecoder().decode(kv.path("value").asText()));
        assertThat(value.path("v").asInt()).isEqualTo(1);
        assertThat(value.path("holder_id").asText()).isEqualTo("node-a");
        assertThat(value.path("advertised_url").asText()).isEqualTo("http://10.0.0.1:3000");
        assertThat(value.path("token").asText()).isEqualTo(lease.token());
    }

    @Test
    void aRefusedAcquire_leavesNoEtcdLeaseBehind() throws Exception {
        EtcdLeaseStore store = store();
        granted(store.acquire("node-a", "", 2_000));
        Set<String> before = leases();

        assertThat(track(LocalEtcd.open(leaseName)).acquire("node-b", "", 2_000)).isInstanceOf(LeaseRefused.class);

        Set<String> added = new HashSet<>(leases());
        added.removeAll(before);
        assertThat(added).as("etcd leases granted by the refused acquire and not revoked").isEmpty();
    }

    @Test
    void release_revokesTheEtcdLease() throws Exception {
        EtcdLeaseStore store = store();
        Lease lease = granted(store.acquire("node-a", "", 2_000));

        assertThat(store.release(lease)).isTrue();

        assertThat(leases()).doesNotContain(Long.toString(Long.parseUnsignedLong(lease.token(), 16)));
    }

    @Test
    void theFirstEndpointDown_theSecondServesEveryCall() throws Exception {
        String url = "etcd://" + FakeEtcd.closedEndpoint() + "," + LocalEtcd.URL.substring("etcd://".length());
        EtcdLeaseStore store = track(EtcdLeaseStore.open(LocalEtcd.config(url, leaseName)));

        Lease lease = granted(store.acquire("node-a", "", 2_000));
        assertThat(store.renew(lease)).isInstanceOf(LeaseGranted.class);
        assertThat(store.holder().orElseThrow().holderId()).isEqualTo("node-a");
        assertThat(store.release(lease)).isTrue();
        assertThat(store.holder()).isEmpty();
    }

    @Test
    void renew_isRefused_whenTheKeyWasDeletedBehindTheLease() throws Exception {
        EtcdLeaseStore store = store();
        Lease lease = granted(store.acquire("node-a", "", 2_000));
        LocalEtcd.post("/v3/kv/deleterange", "{\"key\":\"" + base64(key()) + "\"}");

        LeaseOutcome outcome = store.renew(lease);

        assertThat(outcome).isInstanceOf(LeaseRefused.class);
        assertThat(((LeaseRefused) outcome).holder()).isNull();
        assertThat(store.release(lease)).isFalse();
    }

    @Test
    void aLeaseOfAnotherName_isRefused_andItsEtcdLeaseIsLeftAlone() throws Exception {
        EtcdLeaseStore mine = store();
        Lease myLease = granted(mine.acquire("node-a", "", 2_000));
        EtcdLeaseStore other = track(LocalEtcd.open(leaseName + "-other"));
        Lease otherLease = granted(other.acquire("node-b", "", 2_000));
        String otherLeaseId = Long.toString(Long.parseUnsignedLong(otherLease.token(), 16));

        assertThat(mine.renew(otherLease)).isInstanceOf(LeaseRefused.class);
        assertThat(mine.release(otherLease)).isFalse();

        assertThat(leases()).contains(otherLeaseId);
        assertThat(other.holder().orElseThrow().holderId()).isEqualTo("node-b");
        assertThat(other.renew(otherLease)).isInstanceOf(LeaseGranted.class);
        assertThat(mine.renew(myLease)).isInstanceOf(LeaseGranted.class);
        assertThat(other.release(otherLease)).isTrue();
    }

    @Test
    void renew_ofATokenThatIsNoEtcdLease_isRefused() {
        EtcdLeaseStore store = store();
        Lease a = granted(store.acquire("node-a", "", 2_000));

        LeaseOutcome outcome = store.renew(new Lease("node-a", "", "mem-1", 2_000, 0));

        assertThat(outcome).isInstanceOf(LeaseRefused.class);
        assertThat(((LeaseRefused) outcome).holder().holderId()).isEqualTo("node-a");
        assertThat(store.release(new Lease("node-a", "", "mem-1", 2_000, 0))).isFalse();
        assertThat(store.renew(a)).isInstanceOf(LeaseGranted.class);
    }

    @Test
    void aKeyWrittenByHand_isALeaseException_andIsNeverTakenOver() throws Exception {
        EtcdLeaseStore store = store();
        LocalEtcd.post("/v3/kv/put", "{\"key\":\"" + base64(key()) + "\",\"value\":\"" + base64("by hand") + "\"}");

        assertThatThrownBy(store::holder)
                .isInstanceOf(LeaseException.class).hasMessageContaining("does not hold a lease value");
        assertThatThrownBy(() -> store.acquire("node-a", "", 2_000))
                .isInstanceOf(LeaseException.class).hasMessageContaining("does not hold a lease value");
        assertThat(range(key()).path("value").asText()).isEqualTo(base64("by hand"));
        LocalEtcd.post("/v3/kv/deleterange", "{\"key\":\"" + base64(key()) + "\"}");
    }

    private String key() {
        return LocalEtcd.config(LocalEtcd.URL, leaseName).key();
    }

    private static JsonNode range(String key) throws Exception {
        JsonNode kvs = JSON.readTree(LocalEtcd.post("/v3/kv/range", "{\"key\":\"" + base64(key) + "\"}")).path("kvs");
        assertThat(kvs.size()).as("keys named %s", key).isEqualTo(1);
        return kvs.get(0);
    }

    /** @return the ids of etcd's live leases, as decimal strings */
    private static Set<String> leases() throws Exception {
        Set<String> ids = new HashSet<>();
        for (JsonNode lease : JSON.readTree(LocalEtcd.post("/v3/lease/leases", "{}")).path("leases")) {
            ids.add(lease.path("ID").asText());
        }
        return ids;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
