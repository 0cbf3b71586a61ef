package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseException;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseHolder;
import org.ippan.l2.lease.LeaseOutcome;
import org.ippan.l2.lease.LeaseRefused;
import org.ippan.l2.storage.AppendedTx;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.NewTx;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TxAppend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the lease contract kit cannot see, on both databases: the lease table beside the storage's in one database
 * (neither disturbs the other, and each keeps its own version check), a lease table this library cannot use, a commit
 * whose acknowledgement is lost, racing clients on one database, and a closed client.
 */
class JdbcLeaseStoreTest {

    private static final long NOW_MS = 1_735_000_000_000L;
    private static final long TTL_MS = 60_000;

    /** The tests, run against each database below. */
    abstract static class OnDatabase {

        /** The URL of the database under test (the same database every time). */
        abstract String url();

        /** A plain JDBC connection to that database; the caller closes it. */
        abstract Connection connect() throws SQLException;

        JdbcLeaseStore openLease(String leaseName) {
            return JdbcLeaseStore.open(url(), leaseName);
        }

        Storage openStorage() {
            return JdbcStorage.open(url());
        }

        @Test
        void open_freshDatabase_createsTheLeaseTableAtVersionOne_andNoStorageTable() throws Exception {
            openLease("sequencer").close();

            assertThat(intQuery("SELECT version FROM l2_lease_schema WHERE id = 1")).isEqualTo(1);
            assertThat(intQuery("SELECT COUNT(*) FROM l2_lease")).isZero();
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.executeQuery("SELECT version FROM l2_schema"))
                        .isInstanceOf(SQLException.class);
            }
        }

        @Test
        void aLeaseInTheStorageDatabase_andTheStorage_leaveEachOtherAlone() throws Exception {
            try (Storage storage = openStorage(); JdbcLeaseStore lease = openLease("sequencer")) {
                assertThat(storage.claimTerm(1, "leader-a", NOW_MS)).isEqualTo(new TermGranted(0, null));
                Lease granted = granted(lease.acquire("node-a", "http://a", TTL_MS));
                assertThat(storage.appendTxs(1, TxAppend.of(List.of(tx(1))))).isNotNull();
                assertThat(lease.renew(granted)).isInstanceOf(LeaseGranted.class);
                assertThat(storage.heartbeat(1, NOW_MS + 1)).isNotNull();
            }

            // Both reopen: each one's schema check passes with the other's tables beside it.
            try (Storage storage = openStorage(); JdbcLeaseStore lease = openLease("sequencer")) {
                assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(1, "leader-a", NOW_MS + 1));
                assertThat(storage.findTx(tx(1).txHash())).isPresent();
                assertThat(lease.holder().map(LeaseHolder::holderId)).contains("node-a");
            }
            assertThat(intQuery("SELECT version FROM l2_schema WHERE id = 1")).isEqualTo(Schema.VERSION);
            assertThat(intQuery("SELECT version FROM l2_lease_schema WHERE id = 1")).isEqualTo(LeaseSchema.VERSION);
        }

        @Test
        void aLeaseTableMadeFirst_letsTheStorageCreateItsSchemaAsOnAnEmptyDatabase() throws Exception {
            try (JdbcLeaseStore lease = openLease("sequencer")) {
                granted(lease.acquire("node-a", "", TTL_MS));

                try (Storage storage = openStorage()) {
                    assertThat(storage.claimTerm(1, "leader-a", NOW_MS)).isEqualTo(new TermGranted(0, null));
                    TxAppend appended = TxAppend.of(List.of(tx(1)));
                    storage.appendTxs(1, appended);
                    assertThat(appended.results()).containsExactly(new AppendedTx(1, false));
                }
                assertThat(lease.holder().map(LeaseHolder::holderId)).contains("node-a");
            }
            assertThat(intQuery("SELECT version FROM l2_schema WHERE id = 1")).isEqualTo(Schema.VERSION);
        }

        @Test
        void aStorageSchemaNewerThanTheLibrary_isStillRefused_withALeaseTableBeside_thatKeepsWorking()
                throws Exception {
            openStorage().close();
            try (JdbcLeaseStore lease = openLease("sequencer")) {
                granted(lease.acquire("node-a", "", TTL_MS));
            }
            execute("UPDATE l2_schema SET version = " + (Schema.VERSION + 1) + " WHERE id = 1");

            assertThatThrownBy(this::openStorage)
                    .isExactlyInstanceOf(StorageException.class)
                    .hasMessageContaining("schema version " + (Schema.VERSION + 1) + " is newer than this library");
            try (JdbcLeaseStore lease = openLease("sequencer")) {
                assertThat(lease.holder().map(LeaseHolder::holderId)).contains("node-a");
            }
        }

        @Test
        void aLeaseTableNewerThanTheLibrary_isRefusedWithAnUpgradeMessage_andChangesNothing() throws Exception {
            try (JdbcLeaseStore lease = openLease("sequencer")) {
                granted(lease.acquire("node-a", "", TTL_MS));
            }
            execute("UPDATE l2_lease_schema SET version = 2 WHERE id = 1");

            assertThatThrownBy(() -> openLease("sequencer"))
                    .isExactlyInstanceOf(LeaseException.class)
                    .hasMessageContaining("lease table version 2 is newer than this library supports (1): "
                            + "upgrade the library");

            assertThat(intQuery("SELECT version FROM l2_lease_schema WHERE id = 1")).isEqualTo(2);
            assertThat(intQuery("SELECT COUNT(*) FROM l2_lease")).isEqualTo(1);
            openStorage().close();
        }

        @Test
        void aForeignTableNamedL2Lease_isRefused_andNothingIsCreated() throws Exception {
            execute("CREATE TABLE l2_lease (id INTEGER PRIMARY KEY, owner TEXT)");

            assertThatThrownBy(() -> openLease("sequencer"))
                    .isExactlyInstanceOf(LeaseException.class)
                    .hasMessageContaining("l2_lease")
                    .hasMessageContaining("not a lease table");

            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.executeQuery("SELECT version FROM l2_lease_schema"))
                        .isInstanceOf(SQLException.class);
            }
        }

        @Test
        void aLostCommitAcknowledgement_isALeaseException_thoughTheCallWasApplied() {
            LosingCommits losing = new LosingCommits();
            try (JdbcLeaseStore lease = JdbcLeaseStore.open(StorageUrl.parse(url()), "sequencer", new Properties(),
                    System::currentTimeMillis, losing::apply);
                    JdbcLeaseStore other = openLease("sequencer")) {
                losing.loseNextCommit();
                assertThatThrownBy(() -> lease.acquire("node-a", "http://a", TTL_MS))
                        .isInstanceOf(LeaseException.class)
                        .hasMessageContaining("acquire of lease 'sequencer'")
                        .hasMessageContaining("acknowledgement");
                assertThat(losing.lost()).isEqualTo(1);
                // Applied: the caller may not act on it (it holds no Lease), yet the store shows it as the holder.
                assertThat(other.holder().map(LeaseHolder::holderId)).contains("node-a");
                assertThat(other.acquire("node-b", "", TTL_MS)).isInstanceOf(LeaseRefused.class);

                Lease b = waitForExpiryAndAcquire(other);
                losing.loseNextCommit();
                assertThatThrownBy(() -> lease.release(b))
                        .isInstanceOf(LeaseException.class)
                        .hasMessageContaining("release of lease 'sequencer'");
                assertThat(other.holder()).isEmpty();
            }
        }

        /** Frees the lease the lost acquire left behind (the test cannot wait a minute) and takes it for node-b. */
        private Lease waitForExpiryAndAcquire(JdbcLeaseStore other) {
            try {
                execute("UPDATE l2_lease SET expires_at_ms = 0 WHERE name = 'sequencer'");
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
            return granted(other.acquire("node-b", "", TTL_MS));
        }

        @Test
        void racingClients_onOneDatabase_neverHoldTheLeaseTogether_andNeverFail() throws Exception {
            int clients = 4;
            int rounds = 25;
            List<JdbcLeaseStore> stores = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                for (int i = 0; i < clients; i++) {
                    stores.add(openLease("raced"));
                }
                AtomicInteger holding = new AtomicInteger();
                AtomicInteger overlaps = new AtomicInteger();
                AtomicInteger grants = new AtomicInteger();
                AtomicInteger refusals = new AtomicInteger();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    JdbcLeaseStore store = stores.get(i);
                    String id = "racer-" + i;
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int round = 0; round < rounds; round++) {
                            LeaseOutcome outcome = store.acquire(id, "", TTL_MS);
                            if (outcome instanceof LeaseRefused) {
                                refusals.incrementAndGet();
                                continue;
                            }
                            Lease lease = ((LeaseGranted) outcome).lease();
                            grants.incrementAndGet();
                            if (holding.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            assertThat(store.renew(lease)).as("renewal by %s", id).isInstanceOf(LeaseGranted.class);
                            // Let go of the mark before the store lets go of the lease, so a fair store never
                            // shows two holders.
                            holding.decrementAndGet();
                            assertThat(store.release(lease)).as("release by %s", id).isTrue();
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
                assertThat(overlaps.get()).as("acquisitions granted while another held the lease (%d grants, %d "
                        + "refusals)", grants.get(), refusals.get()).isZero();
                assertThat(grants.get()).isPositive();
                assertThat(grants.get() + refusals.get()).isEqualTo(clients * rounds);
                assertThat(stores.get(0).holder()).isEmpty();
            } finally {
                pool.shutdownNow();
                stores.forEach(JdbcLeaseStore::close);
            }
        }

        @Test
        void aClosedClient_failsEveryCallWithLeaseException_andLeavesTheLeaseAsItWas() {
            JdbcLeaseStore lease = openLease("sequencer");
            Lease granted = granted(lease.acquire("node-a", "", TTL_MS));
            lease.close();
            lease.close();

            assertThatThrownBy(() -> lease.renew(granted)).isInstanceOf(LeaseException.class)
                    .hasMessageContaining("renew of lease 'sequencer'").hasMessageContaining("closed");
            assertThatThrownBy(lease::holder).isInstanceOf(LeaseException.class);
            try (JdbcLeaseStore other = openLease("sequencer")) {
                assertThat(other.holder().map(LeaseHolder::holderId)).contains("node-a");
            }
        }

        private int intQuery(String sql) throws SQLException {
            try (Connection connection = connect();
                    Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery(sql)) {
                assertThat(row.next()).as(sql).isTrue();
                return row.getInt(1);
            }
        }

        private void execute(String sql) throws SQLException {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }
    }

    static Lease granted(LeaseOutcome outcome) {
        assertThat(outcome).isInstanceOf(LeaseGranted.class);
        return ((LeaseGranted) outcome).lease();
    }

    static NewTx tx(int n) {
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) n);
        return new NewTx(hash, new byte[] {1, 2, (byte) n}, NOW_MS);
    }

    @Nested
    class OnSqlite extends OnDatabase {

        @TempDir
        Path directory;

        @Override
        String url() {
            return "sqlite:" + directory.resolve("l2.db");
        }

        @Override
        Connection connect() throws SQLException {
            return DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("l2.db"));
        }
    }

    @Nested
    class OnPostgres extends OnDatabase {

        private String schema;

        @BeforeEach
        void createSchema() {
            PostgresTestDatabase.assumeReachable();
            schema = PostgresTestDatabase.createSchema();
        }

        @AfterEach
        void dropSchema() {
            if (schema != null) {
                PostgresTestDatabase.dropSchema(schema);
            }
        }

        @Override
        String url() {
            return PostgresTestDatabase.urlFor(schema);
        }

        @Override
        Connection connect() throws SQLException {
            return PostgresTestDatabase.connect(schema);
        }
    }
}
