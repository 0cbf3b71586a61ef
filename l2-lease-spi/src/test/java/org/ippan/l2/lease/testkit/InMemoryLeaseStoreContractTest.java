package org.ippan.l2.lease.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseException;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseRefused;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.lease.memory.InMemoryLeaseStore;
import org.ippan.l2.lease.memory.InMemoryLeaseStore.Fault;
import org.junit.jupiter.api.Test;

/** Holds {@link InMemoryLeaseStore} to the lease contract on a manual clock, and tests its exact timing and faults. */
class InMemoryLeaseStoreContractTest extends LeaseStoreContractTest {

    private static final long T0 = 1_735_000_000_000L;
    private final AtomicLong clock = new AtomicLong(T0);
    private final Map<String, InMemoryLeaseStore> leases = new HashMap<>();

    @Override
    protected LeaseStore open(String leaseName) {
        return leases.computeIfAbsent(leaseName, n -> new InMemoryLeaseStore(clock::get));
    }

    @Override
    protected void elapse(long ms) {
        clock.addAndGet(ms);
    }

    private InMemoryLeaseStore memory() {
        return (InMemoryLeaseStore) store;
    }

    @Test
    void expiry_isExactlyTtlAfterTheLastGrant_inTheStoresClock() {
        Lease a = acquireOrFail(store, NODE_A, URL_A);
        assertThat(a.expiresAtMs()).isEqualTo(T0 + ttlMs());

        elapse(100);
        Lease renewed = ((LeaseGranted) store.renew(a)).lease();
        assertThat(renewed.expiresAtMs()).isEqualTo(T0 + 100 + ttlMs());

        elapse(ttlMs() - 1);
        assertThat(store.holder()).isPresent();
        elapse(1);
        assertThat(store.holder()).isEmpty();
    }

    @Test
    void failNextCalls_failsWithNothingApplied() {
        memory().failNextCalls(2);

        assertThatThrownBy(() -> store.acquire(NODE_A, URL_A, ttlMs()))
                .isInstanceOf(LeaseException.class).hasMessageContaining("nothing applied");
        assertThatThrownBy(() -> store.holder()).isInstanceOf(LeaseException.class);
        assertThat(store.holder()).isEmpty();
        acquireOrFail(store, NODE_A, URL_A);
    }

    @Test
    void applyThenFail_appliesTheCall_andLosesTheAnswer() {
        memory().injectFaults(Fault.APPLY_THEN_FAIL, 1);

        assertThatThrownBy(() -> store.acquire(NODE_A, URL_A, ttlMs()))
                .isInstanceOf(LeaseException.class).hasMessageContaining("answer lost");

        assertThat(store.holder().orElseThrow().holderId()).isEqualTo(NODE_A);
        assertThat(store.acquire(NODE_A, URL_A, ttlMs())).isInstanceOf(LeaseRefused.class);
    }

    @Test
    void anOutage_failsEveryCall_whileTimeRunsOn() {
        Lease a = acquireOrFail(store, NODE_A, URL_A);
        memory().setUnavailable(true);

        assertThatThrownBy(() -> store.renew(a)).isInstanceOf(LeaseException.class).hasMessageContaining("outage");
        assertThatThrownBy(() -> store.release(a)).isInstanceOf(LeaseException.class);
        elapse(ttlMs());
        memory().setUnavailable(false);

        assertThat(store.renew(a)).isInstanceOf(LeaseRefused.class);
        assertThat(store.holder()).isEmpty();
    }

    @Test
    void injectFaults_refusesANegativeCount_andZeroClears() {
        assertThatThrownBy(() -> memory().injectFaults(Fault.FAIL, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count");
        memory().failNextCalls(3);
        memory().failNextCalls(0);
        acquireOrFail(store, NODE_A, URL_A);
    }
}
