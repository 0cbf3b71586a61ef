package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One process per identity on a PostgreSQL store (skipped, saying so, when PostgreSQL is not reachable): the
 * session advisory lock refuses a second holder of the same id on the same database and schema, naming it, not
 * another id, and is free at once when the holder's session ends (closed, or its backend terminated as a killed
 * process's would be).
 */
class PostgresIdentityLockTest {
    private String schema;
    private String url;

    @BeforeEach
    void setUp() {
        PostgresTestDatabase.assumeReachable();
        schema = PostgresTestDatabase.createSchema();
        url = PostgresTestDatabase.urlFor(schema);
    }

    @AfterEach
    void tearDown() {
        if (schema != null) {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    @Test
    void secondHolderOfTheSameId_isRefusedNamingTheLock_anotherIdIsNot_andCloseFreesItAtOnce() {
        try (IdentityLock first = IdentityLock.acquire(url, "seq-a")) {
            assertThat(first.toString()).contains("advisory lock").contains("seq-a").contains(schema);
            assertThatThrownBy(() -> IdentityLock.acquire(url, "seq-a")).isInstanceOf(IdentityLockException.class)
                    .hasMessageContaining("advisory lock").hasMessageContaining("seq-a").hasMessageContaining(schema)
                    .hasMessageContaining("backend pid");
            IdentityLock.acquire(url, "seq-b").close(); // another identity is another lock
            String otherSchema = PostgresTestDatabase.createSchema();
            try {
                // the same id on another store (schema) is another lock
                IdentityLock.acquire(PostgresTestDatabase.urlFor(otherSchema), "seq-a").close();
            } finally {
                PostgresTestDatabase.dropSchema(otherSchema);
            }
        }
        IdentityLock.acquire(url, "seq-a").close(); // free at once after close
    }

    @Test
    void holdersSessionTerminated_freesTheLockAtOnce() throws Exception {
        IdentityLock first = IdentityLock.acquire(url, "seq-k");
        try (Connection admin = DriverManager.getConnection(url)) {
            int backend;
            try (PreparedStatement select = admin.prepareStatement(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
                select.setString(1, "ippan-l2 seq-k");
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).as("the holder's backend").isTrue();
                    backend = row.getInt(1);
                }
            }
            assertThatThrownBy(() -> IdentityLock.acquire(url, "seq-k"))
                    .isInstanceOf(IdentityLockException.class).hasMessageContaining("backend pid " + backend);

            // the holder's process dies: its session ends (here its backend is terminated)
            try (PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
                kill.setInt(1, backend);
                try (ResultSet row = kill.executeQuery()) {
                    assertThat(row.next() && row.getBoolean(1)).isTrue();
                }
            }
            long startNs = System.nanoTime();
            IdentityLock again = null;
            while (again == null) {
                try {
                    again = IdentityLock.acquire(url, "seq-k");
                } catch (IdentityLockException e) {
                    // the backend exits just after the signal: at most a few milliseconds
                    assertThat(System.nanoTime() - startNs).as("free within 1 s").isLessThan(
                            TimeUnit.SECONDS.toNanos(1));
                    Thread.sleep(5);
                }
            }
            long freeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            again.close();
            System.out.printf("[identity lock] PostgreSQL: lock free %d ms after pg_terminate_backend of the holder%n",
                    freeMs);
        } finally {
            first.close(); // its connection is gone: closing reports nothing worse than a warning
        }
    }
}
