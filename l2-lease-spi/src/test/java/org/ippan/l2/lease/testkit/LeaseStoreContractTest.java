package org.ippan.l2.lease.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseArguments;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseHolder;
import org.ippan.l2.lease.LeaseOutcome;
import org.ippan.l2.lease.LeaseRefused;
import org.ippan.l2.lease.LeaseStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The promises every {@link LeaseStore} adapter keeps. An adapter's test extends this class and opens clients on a
 * named lease of its store; each test uses lease names of its own. Stores whose expiry runs on real time keep the
 * default {@link #elapse} (a sleep) and may raise {@link #ttlMs} and {@link #expirySlackMs}; a store on an injected
 * clock advances it instead.
 */
public abstract class LeaseStoreContractTest {

    protected static final String NODE_A = "node-a";
    protected static final String NODE_B = "node-b";
    protected static final String URL_A = "http://127.0.0.1:18081";
    protected static final String URL_B = "http://127.0.0.1:18082";
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final String RUN = Long.toHexString(System.currentTimeMillis());

    private final List<LeaseStore> opened = new ArrayList<>();
    private String leaseName;
    /** A client on this test's lease. */
    protected LeaseStore store;

    /**
     * Opens a client on the named lease of the store under test; every client of one name shares its lease.
     *
     * @param leaseName the lease's name, unique to the calling test
     * @return a new client; the kit closes it after the test
     */
    protected abstract LeaseStore open(String leaseName);

    /** @return the time to live the kit asks for, ms; long enough for a call to the store to return well inside it */
    protected long ttlMs() {
        return 600;
    }

    /** @return how long past the time to live the store may take to see a lease expired, ms */
    protected long expirySlackMs() {
        return 300;
    }

    /**
     * @return how far {@link LeaseHolder#expiresAtMs()} as {@link LeaseStore#holder()} reads it may be from the
     *         {@link Lease#expiresAtMs()} of the same grant, ms: 0 for a store that keeps the expiry itself (a
     *         database row, memory); more for one that only tells the time left in coarse units (etcd's
     *         TimeToLive answers in whole seconds, rounded down, and has no clock a client can read)
     */
    protected long expiryPrecisionMs() {
        return 0;
    }

    /**
     * Lets {@code ms} pass in the store's clock.
     *
     * @param ms how long
     */
    protected void elapse(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @BeforeEach
    void openStore() {
        leaseName = "kit-" + RUN + "-" + NAMES.incrementAndGet();
        store = client();
    }

    @AfterEach
    void closeClients() {
        for (LeaseStore s : opened) {
            s.close();
        }
        opened.clear();
    }

    /** @return another client on this test's lease, as another process would open it */
    protected LeaseStore client() {
        LeaseStore s = open(leaseName);
        opened.add(s);
        return s;
    }

    private LeaseStore clientOf(String name) {
        LeaseStore s = open(name);
        opened.add(s);
        return s;
    }

    protected Lease acquireOrFail(LeaseStore s, String id, String url) {
        LeaseOutcome outcome = s.acquire(id, url, ttlMs());
        assertThat(outcome).as("acquire by %s", id).isInstanceOf(LeaseGranted.class);
        return ((LeaseGranted) outcome).lease();
    }

    @Test
    void aFreshLease_hasNoHolder() {
        assertThat(store.holder()).isEmpty();
    }

    @Test
    void acquire_grantsTheLease_andEveryClientSeesItsHolder() {
        Lease lease = acquireOrFail(store, NODE_A, URL_A);

        assertThat(lease.holderId()).isEqualTo(NODE_A);
        assertThat(lease.advertisedUrl()).isEqualTo(URL_A);
        assertThat(lease.token()).isNotEmpty();
        assertThat(lease.ttlMs()).isGreaterThanOrEqualTo(ttlMs());
        LeaseHolder holder = client().holder().orElseThrow();
        assertThat(holder.holderId()).isEqualTo(NODE_A);
        assertThat(holder.advertisedUrl()).isEqualTo(URL_A);
        assertThat(holder.expiresAtMs()).isCloseTo(lease.expiresAtMs(), within(expiryPrecisionMs()));
    }

    @Test
    void acquire_withAnEmptyUrl_isGranted() {
        Lease lease = acquireOrFail(store, NODE_A, "");

        assertThat(store.holder().orElseThrow().advertisedUrl()).isEmpty();
        assertThat(lease.advertisedUrl()).isEmpty();
    }

    @Test
    void acquire_whileHeld_isRefused_namingTheHolder() {
        acquireOrFail(store, NODE_A, URL_A);

        LeaseOutcome outcome = client().acquire(NODE_B, URL_B, ttlMs());

        assertThat(outcome).isInstanceOf(LeaseRefused.class);
        LeaseRefused refused = (LeaseRefused) outcome;
        assertThat(refused.holder().holderId()).isEqualTo(NODE_A);
        assertThat(refused.holder().advertisedUrl()).isEqualTo(URL_A);
        assertThat(refused.reason()).contains(NODE_A);
        assertThat(store.holder().orElseThrow().holderId()).isEqualTo(NODE_A);
    }

    @Test
    void acquire_bySecondProcessWithTheSameId_isRefused() {
        acquireOrFail(store, NODE_A, URL_A);

        LeaseOutcome outcome = client().acquire(NODE_A, URL_B, ttlMs());

        assertThat(outcome).isInstanceOf(LeaseRefused.class);
        assertThat(((LeaseRefused) outcome).reason()).contains("unique");
        assertThat(store.holder().orElseThrow().advertisedUrl()).isEqualTo(URL_A);
    }

    @Test
    void acquire_again_byTheHolderItself_isRefused_itRenewsInstead() {
        Lease lease = acquireOrFail(store, NODE_A, URL_A);

        assertThat(store.acquire(NODE_A, URL_A, ttlMs())).isInstanceOf(LeaseRefused.class);
        assertThat(store.renew(lease)).isInstanceOf(LeaseGranted.class);
    }

    @Test
    void renew_keepsTheLeasePastItsFirstExpiry() {
        Lease lease = acquireOrFail(store, NODE_A, URL_A);
        LeaseStore other = client();

        for (int i = 0; i < 3; i++) {
            elapse(ttlMs() * 6 / 10);
            LeaseOutcome renewed = store.renew(lease);
            assertThat(renewed).as("renewal %d", i).isInstanceOf(LeaseGranted.class);
            Lease next = ((LeaseGranted) renewed).lease();
            assertThat(next.token()).isEqualTo(lease.token());
            assertThat(next.holderId()).isEqualTo(NODE_A);
            assertThat(next.expiresAtMs()).isGreaterThanOrEqualTo(lease.expiresAtMs());
            lease = next;
        }
        assertThat(other.acquire(NODE_B, URL_B, ttlMs())).isInstanceOf(LeaseRefused.class);
        assertThat(other.holder().orElseThrow().holderId()).isEqualTo(NODE_A);
    }

    @Test
    void aLeaseNotRenewed_expires_andAnotherTakesIt() {
        Lease a = acquireOrFail(store, NODE_A, URL_A);

        elapse(ttlMs() + expirySlackMs());

        assertThat(store.holder()).isEmpty();
        LeaseStore other = client();
        Lease b = acquireOrFail(other, NODE_B, URL_B);
        assertThat(b.token()).isNotEqualTo(a.token());
        LeaseOutcome lateRenewal = store.renew(a);
        assertThat(lateRenewal).isInstanceOf(LeaseRefused.class);
        assertThat(((LeaseRefused) lateRenewal).holder().holderId()).isEqualTo(NODE_B);
        assertThat(store.release(a)).isFalse();
        assertThat(other.holder().orElseThrow().holderId()).isEqualTo(NODE_B);
    }

    @Test
    void renew_afterExpiry_isRefused_evenIfNobodyTookTheLease() {
        Lease a = acquireOrFail(store, NODE_A, URL_A);

        elapse(ttlMs() + expirySlackMs());

        LeaseOutcome outcome = store.renew(a);
        assertThat(outcome).isInstanceOf(LeaseRefused.class);
        assertThat(((LeaseRefused) outcome).holder()).isNull();
        assertThat(store.holder()).isEmpty();
        assertThat(((LeaseGranted) store.acquire(NODE_A, URL_A, ttlMs())).lease().token()).isNotEqualTo(a.token());
    }

    @Test
    void release_freesTheLeaseAtOnce_andIsIdempotent() {
        Lease a = acquireOrFail(store, NODE_A, URL_A);

        assertThat(store.release(a)).isTrue();

        assertThat(store.holder()).isEmpty();
        assertThat(store.release(a)).isFalse();
        assertThat(store.renew(a)).isInstanceOf(LeaseRefused.class);
        acquireOrFail(client(), NODE_B, URL_B);
    }

    @Test
    void release_fromAnotherClient_ofTheSameLease_works() {
        Lease a = acquireOrFail(store, NODE_A, URL_A);

        assertThat(client().release(a)).isTrue();

        assertThat(store.holder()).isEmpty();
    }

    @Test
    void anOldLease_neverTouchesALaterAcquisitionBySameId() {
        Lease first = acquireOrFail(store, NODE_A, URL_A);
        assertThat(store.release(first)).isTrue();
        Lease second = acquireOrFail(store, NODE_A, URL_A);

        assertThat(store.renew(first)).isInstanceOf(LeaseRefused.class);
        assertThat(store.release(first)).isFalse();

        assertThat(second.token()).isNotEqualTo(first.token());
        assertThat(store.holder().orElseThrow().holderId()).isEqualTo(NODE_A);
        assertThat(store.renew(second)).isInstanceOf(LeaseGranted.class);
    }

    @Test
    void leasesOfDifferentNames_areIndependent() {
        acquireOrFail(store, NODE_A, URL_A);
        LeaseStore elsewhere = clientOf(leaseNameOther());

        assertThat(elsewhere.holder()).isEmpty();
        Lease b = acquireOrFail(elsewhere, NODE_B, URL_B);

        assertThat(store.holder().orElseThrow().holderId()).isEqualTo(NODE_A);
        assertThat(elsewhere.holder().orElseThrow().holderId()).isEqualTo(NODE_B);
        assertThat(elsewhere.release(b)).isTrue();
        assertThat(store.holder().orElseThrow().holderId()).isEqualTo(NODE_A);
    }

    private String leaseNameOther() {
        return "kit-" + RUN + "-" + NAMES.incrementAndGet();
    }

    @Test
    void racingCandidates_exactlyOneWins() throws Exception {
        int candidates = 6;
        List<LeaseStore> clients = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            clients.add(client());
        }
        ExecutorService pool = Executors.newFixedThreadPool(candidates);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<LeaseOutcome>> answers = new ArrayList<>();
            for (int i = 0; i < candidates; i++) {
                LeaseStore c = clients.get(i);
                String id = "racer-" + i;
                Callable<LeaseOutcome> call = () -> {
                    go.await();
                    return c.acquire(id, "", ttlMs());
                };
                answers.add(pool.submit(call));
            }
            go.countDown();
            List<String> winners = new ArrayList<>();
            for (Future<LeaseOutcome> f : answers) {
                LeaseOutcome outcome = f.get(30, TimeUnit.SECONDS);
                if (outcome instanceof LeaseGranted granted) {
                    winners.add(granted.lease().holderId());
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(store.holder().orElseThrow().holderId()).isEqualTo(winners.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badArguments_areRefusedNamingTheParameter_beforeTheStoreIsTouched() {
        assertThatThrownBy(() -> store.acquire(null, URL_A, ttlMs()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("holderId");
        assertThatThrownBy(() -> store.acquire("", URL_A, ttlMs()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holderId");
        assertThatThrownBy(() -> store.acquire("a\nb", URL_A, ttlMs()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holderId");
        assertThatThrownBy(() -> store.acquire("x".repeat(LeaseArguments.MAX_HOLDER_ID_CHARS + 1), URL_A, ttlMs()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holderId");
        assertThatThrownBy(() -> store.acquire(NODE_A, null, ttlMs()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("advertisedUrl");
        assertThatThrownBy(() -> store.acquire(NODE_A, URL_A, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttlMs");
        assertThatThrownBy(() -> store.acquire(NODE_A, URL_A, LeaseArguments.MAX_TTL_MS + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttlMs");
        assertThatThrownBy(() -> store.renew(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("lease");
        assertThatThrownBy(() -> store.release(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("lease");

        assertThat(store.holder()).isEmpty();
    }

    @Test
    void holderIdsAndUrls_roundTripExactly() {
        String id = "nöde-\u00e9-" + "x".repeat(200);
        String url = "http://[::1]:8080/path?q=1&r=\u00fc";
        acquireOrFail(store, id, url);

        LeaseHolder holder = client().holder().orElseThrow();
        assertThat(holder.holderId()).isEqualTo(id);
        assertThat(holder.advertisedUrl()).isEqualTo(url);
    }
}
