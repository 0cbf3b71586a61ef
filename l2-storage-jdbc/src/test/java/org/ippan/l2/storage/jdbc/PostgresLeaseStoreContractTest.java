package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.LongSupplier;

import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseException;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseOutcome;
import org.ippan.l2.lease.LeaseRefused;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.lease.testkit.LeaseStoreContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link JdbcLeaseStore} on PostgreSQL to the lease contract on the database's real clock, every client a store
 * of its own (its own connections, as another node would have), all in one schema of this class (the kit gives each
 * test lease names of its own). Skipped, with a message, when the server at {@code L2_TEST_POSTGRES_URL} cannot be
 * reached.
 */
class PostgresLeaseStoreContractTest extends LeaseStoreContractTest {

    private static final long DAY_MS = 86_400_000L;
    /** A clock the PostgreSQL adapter must never read. */
    private static final LongSupplier NO_CLIENT_CLOCK = () -> {
        throw new AssertionError("the PostgreSQL lease store read a client-side clock");
    };

    private static String schema;

    @Override
    protected LeaseStore open(String leaseName) {
        // Called from the kit's @BeforeEach, which runs before any @BeforeEach of this class.
        PostgresTestDatabase.assumeReachable();
        return JdbcLeaseStore.open(PostgresTestDatabase.urlFor(schema()), leaseName, new Properties(),
                NO_CLIENT_CLOCK);
    }

    private static synchronized String schema() {
        if (schema == null) {
            schema = PostgresTestDatabase.createSchema();
        }
        return schema;
    }

    @AfterAll
    static synchronized void dropSchema() {
        if (schema != null) {
            PostgresTestDatabase.dropSchema(schema);
            schema = null;
        }
    }

    /**
     * The database's clock is skewed against the JVM's (a day behind), then jumps: grants, renewals and expiry follow
     * it, and the JVM's clock is never read (the clients are given one that fails if read). The skew is a
     * {@code clock_timestamp()} of the test's schema placed before {@code pg_catalog} in the search path.
     */
    @Test
    void expiry_followsTheDatabasesClock_notTheJvms() throws Exception {
        String skewed = PostgresTestDatabase.createSchema();
        try {
            skewClock(skewed);
            setSkewMs(skewed, -DAY_MS);
            String url = PostgresTestDatabase.urlFor(skewed + ",pg_catalog");
            long ttlMs = 60_000;
            try (JdbcLeaseStore a = JdbcLeaseStore.open(url, "db-clock", new Properties(), NO_CLIENT_CLOCK);
                    JdbcLeaseStore b = JdbcLeaseStore.open(url, "db-clock", new Properties(), NO_CLIENT_CLOCK)) {
                long before = System.currentTimeMillis();
                Lease lease = granted(a.acquire(NODE_A, URL_A, ttlMs));
                long after = System.currentTimeMillis();

                // Counted from the database's clock, a day behind the JVM's: by the JVM's clock it expired long ago.
                assertThat(lease.expiresAtMs()).isBetween(before - DAY_MS + ttlMs - 1_000,
                        after - DAY_MS + ttlMs + 1_000);
                assertThat(b.holder().orElseThrow().holderId()).isEqualTo(NODE_A);
                assertThat(b.acquire(NODE_B, URL_B, ttlMs)).isInstanceOf(LeaseRefused.class);

                setSkewMs(skewed, -DAY_MS + 30_000);
                Lease renewed = granted(a.renew(lease));
                assertThat(renewed.expiresAtMs()).isGreaterThanOrEqualTo(lease.expiresAtMs() + 30_000);

                // The database's clock jumps past the expiry; the JVM's moved far less than the time to live.
                setSkewMs(skewed, -DAY_MS + 30_000 + ttlMs + 1_000);
                assertThat(b.holder()).isEmpty();
                assertThat(a.renew(renewed)).isInstanceOf(LeaseRefused.class);
                Lease taken = granted(b.acquire(NODE_B, URL_B, ttlMs));
                assertThat(taken.expiresAtMs()).isGreaterThan(renewed.expiresAtMs());
                assertThat(a.release(renewed)).isFalse();
                assertThat(System.currentTimeMillis() - before).isLessThan(ttlMs);
            }
        } finally {
            PostgresTestDatabase.dropSchema(skewed);
        }
    }

    @Test
    void renew_whileAnotherSessionLocksTheLeaseRow_failsWithLeaseExceptionAfterTheLockTimeout() throws Exception {
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.LOCK_TIMEOUT_PROPERTY, "50");
        try (JdbcLeaseStore impatient = JdbcLeaseStore.open(PostgresTestDatabase.urlFor(schema()), "locked",
                properties)) {
            Lease lease = granted(impatient.acquire(NODE_A, URL_A, 60_000));
            try (Connection other = PostgresTestDatabase.connect(schema())) {
                other.setAutoCommit(false);
                try (Statement statement = other.createStatement();
                        ResultSet locked = statement.executeQuery(
                                "SELECT token FROM l2_lease WHERE name = 'locked' FOR UPDATE")) {
                    assertThat(locked.next()).isTrue();
                    assertThatThrownBy(() -> impatient.renew(lease))
                            .isInstanceOf(LeaseException.class)
                            .hasMessageContaining("renew of lease 'locked' on PostgreSQL")
                            .hasMessageContaining("lock");
                }
                other.rollback();
            }
            assertThat(impatient.renew(lease)).isInstanceOf(LeaseGranted.class);
        }
    }

    @Test
    void aCallAfterTheServerEndedItsConnections_failsWithLeaseException_thenANewConnectionServes() throws Exception {
        Properties properties = new Properties();
        String applicationName = "l2-lease-test-" + System.nanoTime();
        properties.setProperty("ApplicationName", applicationName);
        try (JdbcLeaseStore lease = JdbcLeaseStore.open(PostgresTestDatabase.urlFor(schema()), "ended",
                properties)) {
            Lease granted = granted(lease.acquire(NODE_A, URL_A, 60_000));

            int terminated = 0;
            try (Connection admin = PostgresTestDatabase.connect(schema());
                    PreparedStatement terminate = admin.prepareStatement("SELECT pg_terminate_backend(pid, 10000) "
                            + "FROM pg_stat_activity WHERE application_name = ?")) {
                terminate.setString(1, applicationName);
                try (ResultSet results = terminate.executeQuery()) {
                    while (results.next()) {
                        terminated++;
                    }
                }
            }
            assertThat(terminated).isPositive();

            assertThatThrownBy(() -> lease.renew(granted)).isInstanceOf(LeaseException.class)
                    .hasMessageContaining("renew of lease 'ended'");
            assertThat(lease.renew(granted)).isInstanceOf(LeaseGranted.class);
        }
    }

    private static Lease granted(LeaseOutcome outcome) {
        assertThat(outcome).isInstanceOf(LeaseGranted.class);
        return ((LeaseGranted) outcome).lease();
    }

    /** A {@code clock_timestamp()} in {@code schema} that reads PostgreSQL's own, shifted by a stored skew. */
    private static void skewClock(String schema) throws SQLException {
        try (Connection connection = PostgresTestDatabase.connect(schema);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + schema + ".clock_skew (id INTEGER PRIMARY KEY, skew_ms BIGINT)");
            statement.execute("INSERT INTO " + schema + ".clock_skew VALUES (1, 0)");
            statement.execute("CREATE FUNCTION " + schema + ".clock_timestamp() RETURNS timestamptz "
                    + "LANGUAGE sql VOLATILE AS $$ SELECT pg_catalog.clock_timestamp() + (SELECT skew_ms FROM "
                    + schema + ".clock_skew WHERE id = 1) * interval '1 millisecond' $$");
        }
    }

    private static void setSkewMs(String schema, long skewMs) throws SQLException {
        try (Connection connection = PostgresTestDatabase.connect(schema);
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE " + schema + ".clock_skew SET skew_ms = ? WHERE id = 1")) {
            update.setLong(1, skewMs);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }
}
