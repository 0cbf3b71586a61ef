package org.ippan.l2.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.ippan.l2.lease.LeaseException;

/**
 * The lease table, {@code l2_lease} (one row per lease name), created on a {@link JdbcLeaseStore}'s first open and
 * versioned in a table of its own, {@code l2_lease_schema}, apart from the storage's {@link Schema}.
 *
 * <p>Why apart: a lease may live in the storage's database (no lease URL of its own) or in another one, and the
 * two tables never refer to each other. Folding the lease table into the storage's version would make every older
 * library refuse a storage database only because a lease was once kept in it, and would make a lease-only database
 * carry the storage's tables. So each side checks its own version: {@link JdbcStorage} still refuses a storage
 * schema newer than its own whether or not a lease table sits beside it, and {@link JdbcLeaseStore} refuses a lease
 * table newer than its own, or an {@code l2_lease} table it did not write.
 */
final class LeaseSchema {

    /** The lease table version this code reads and writes. */
    static final int VERSION = 1;

    /** The columns of {@code l2_lease}, in the order the lease store reads them. */
    static final String COLUMNS = "name, holder_id, advertised_url, token, ttl_ms, granted_at_ms, expires_at_ms";

    private LeaseSchema() {
    }

    /**
     * Creates the lease tables if missing and checks the recorded version. Runs inside a write transaction; throws
     * (so that the caller rolls back) when the version or the table is not one this code knows.
     *
     * @throws LeaseException if the lease table's version is not one this code knows, or {@code l2_lease} is not
     *                        a lease table
     */
    static void createOrCheck(Connection connection, Dialect dialect) throws SQLException {
        dialect.lockSchema(connection);
        String integer = dialect.integerType();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS l2_lease_schema ("
                    + "id INTEGER PRIMARY KEY CHECK (id = 1), "
                    + "version INTEGER NOT NULL)");
        }
        Integer stored = storedVersion(connection);
        if (stored != null) {
            check(stored);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS l2_lease ("
                    + "name TEXT PRIMARY KEY, "
                    + "holder_id TEXT NOT NULL, "
                    + "advertised_url TEXT NOT NULL, "
                    // a random id per acquisition: renew and release name the acquisition, not the holder id
                    + "token TEXT NOT NULL, "
                    + "ttl_ms " + integer + " NOT NULL CHECK (ttl_ms > 0), "
                    // when the store last granted or renewed it, in the store's clock (ms since the epoch)
                    + "granted_at_ms " + integer + " NOT NULL, "
                    + "expires_at_ms " + integer + " NOT NULL)");
        }
        if (stored == null) {
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO l2_lease_schema (id, version) VALUES (1, ?)")) {
                insert.setInt(1, VERSION);
                insert.executeUpdate();
            }
        }
        checkColumns(connection);
    }

    private static Integer storedVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT version FROM l2_lease_schema WHERE id = 1")) {
            return row.next() ? row.getInt(1) : null;
        }
    }

    private static void check(int stored) {
        if (stored > VERSION) {
            throw new LeaseException("lease table version " + stored + " is newer than this library supports ("
                    + VERSION + "): upgrade the library");
        }
        if (stored < 1) {
            throw new LeaseException("lease table version " + stored + " is not a version this library knows ("
                    + VERSION + ")");
        }
    }

    /** An {@code l2_lease} table made by something else (CREATE TABLE IF NOT EXISTS kept it) is refused here. */
    private static void checkColumns(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT " + COLUMNS + " FROM l2_lease WHERE 1 = 0").close();
        } catch (SQLException e) {
            throw new LeaseException("the table l2_lease in this database is not a lease table of this library ("
                    + "expected the columns " + COLUMNS + "): " + e.getMessage(), e);
        }
    }
}
