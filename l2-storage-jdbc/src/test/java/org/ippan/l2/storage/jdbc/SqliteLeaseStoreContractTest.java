package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.lease.testkit.LeaseStoreContractTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds {@link JdbcLeaseStore} on SQLite to the lease contract: every client a store of its own (its own connection,
 * as another process would have) on one database file, all reading one manual clock, as the processes of one host
 * read its wall clock.
 */
class SqliteLeaseStoreContractTest extends LeaseStoreContractTest {

    private static final long T0 = 1_735_000_000_000L;

    @TempDir
    Path directory;

    private final AtomicLong clock = new AtomicLong(T0);

    @Override
    protected LeaseStore open(String leaseName) {
        return JdbcLeaseStore.open("sqlite:" + directory.resolve("lease.db"), leaseName, new Properties(),
                clock::get);
    }

    @Override
    protected void elapse(long ms) {
        clock.addAndGet(ms);
    }

    @Test
    void expiry_isExactlyTtlAfterTheLastGrant_inTheInjectedClock() {
        Lease a = acquireOrFail(store, NODE_A, URL_A);
        assertThat(a.expiresAtMs()).isEqualTo(T0 + ttlMs());

        elapse(100);
        Lease renewed = ((LeaseGranted) store.renew(a)).lease();
        assertThat(renewed.expiresAtMs()).isEqualTo(T0 + 100 + ttlMs());
        assertThat(client().holder().orElseThrow().expiresAtMs()).isEqualTo(renewed.expiresAtMs());

        elapse(ttlMs() - 1);
        assertThat(client().holder()).isPresent();
        elapse(1);
        assertThat(client().holder()).isEmpty();
    }

    @Test
    void theDefaultClock_isTheHostsWallClock() {
        try (JdbcLeaseStore onWallClock = JdbcLeaseStore.open("sqlite:" + directory.resolve("wall.db"), "wall")) {
            long before = System.currentTimeMillis();
            Lease lease = ((LeaseGranted) onWallClock.acquire(NODE_A, URL_A, 60_000)).lease();
            long after = System.currentTimeMillis();

            assertThat(lease.expiresAtMs()).isBetween(before + 60_000, after + 60_000);
        }
    }
}
