package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseException;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseOutcome;
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

    @Test
    void acquire_whileAnotherProcessHoldsTheWriteLock_waitsForIt_ratherThanFails() throws Exception {
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("lease.db"));
                Statement statement = other.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            CompletableFuture<LeaseOutcome> waiting =
                    CompletableFuture.supplyAsync(() -> store.acquire(NODE_A, URL_A, ttlMs()));
            Thread.sleep(200);
            assertThat(waiting).isNotDone();
            statement.execute("COMMIT");

            assertThat(waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(LeaseGranted.class);
        }
    }

    @Test
    void renew_whenTheWriteLockIsHeldPastTheLockTimeout_failsWithLeaseException_andChangesNothing() throws Exception {
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.LOCK_TIMEOUT_PROPERTY, "50");
        Path file = directory.resolve("lease.db");
        try (JdbcLeaseStore impatient = JdbcLeaseStore.open("sqlite:" + file, "locked", properties, clock::get)) {
            Lease lease = acquireOrFail(impatient, NODE_A, URL_A);
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement statement = other.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
                elapse(100);
                assertThatThrownBy(() -> impatient.renew(lease))
                        .isInstanceOf(LeaseException.class)
                        .hasMessageContaining("renew of lease 'locked' on SQLite at " + file)
                        .hasMessageContaining("SQLITE_BUSY");
                statement.execute("ROLLBACK");
            }
            assertThat(impatient.holder().orElseThrow().expiresAtMs()).isEqualTo(lease.expiresAtMs());
        }
    }

    @Test
    void open_aFileThatIsNotASqliteDatabase_failsWithLeaseExceptionNamingTheProblem() throws Exception {
        Path file = directory.resolve("not-a-database.db");
        Files.write(file, "this is not a database, just text long enough to fill a header......................"
                .repeat(20).getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> JdbcLeaseStore.open("sqlite:" + file, "sequencer"))
                .isInstanceOf(LeaseException.class)
                .hasMessageContaining("opening of lease 'sequencer' on SQLite at " + file)
                .hasMessageContaining("not a database");
    }
}
