package org.ippan.l2.storage.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.ippan.l2.storage.StorageCorruptException;
import org.ippan.l2.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link JdbcStorage#open} checks before it touches a database: that a store which must not be created exists
 * (a follower's), that a SQLite file is ours (its application id, or no tables but ours), and that it is sound
 * (SQLite's {@code PRAGMA quick_check} or {@code integrity_check}, bounded in time).
 */
final class OpenChecks {
    private static final Logger LOG = LoggerFactory.getLogger(OpenChecks.class);

    /**
     * The SQLite application id of our databases ({@code PRAGMA application_id}, bytes 68-71 of the file header):
     * "L2SQ" in ASCII. Set when the store is created (and on the first open of a database made before it existed).
     */
    static final int SQLITE_APPLICATION_ID = 0x4C32_5351;

    /** Most problems an integrity check reports (its argument): enough to name them, short enough for a log line. */
    private static final int MAX_REPORTED_PROBLEMS = 10;

    /** How much of the file to check at open: {@link JdbcStorage#INTEGRITY_CHECK_PROPERTY}. */
    enum IntegrityCheck {
        /** {@code PRAGMA quick_check}: every page's b-tree structure and format, not the indexes' content. O(N). */
        QUICK("quick_check"),
        /** {@code PRAGMA integrity_check}: also that every index matches its table. Slower (O(N log N)). */
        FULL("integrity_check"),
        /** no check */
        OFF(null);

        private final String pragma;

        IntegrityCheck(String pragma) {
            this.pragma = pragma;
        }

        static IntegrityCheck parse(String value) {
            if (value == null) {
                return QUICK;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(JdbcStorage.INTEGRITY_CHECK_PROPERTY
                        + " must be quick, full or off, was '" + value + "'", e);
            }
        }
    }

    private OpenChecks() {
    }

    /**
     * Before connecting: a store that must not be created must exist. For SQLite, the file must exist and not be
     * empty (connecting would create it); a PostgreSQL database's tables are checked by {@link Schema}.
     */
    static void requireExistingFile(Path file) {
        try {
            if (!Files.exists(file)) {
                throw new StorageException("SQLite database " + file + " does not exist, and this node must not"
                        + " create one (a follower reads a leader's store): check the storage URL");
            }
            if (Files.size(file) == 0) {
                throw new StorageException("SQLite database " + file + " is empty, and this node must not"
                        + " create one (a follower reads a leader's store): check the storage URL");
            }
        } catch (IOException e) {
            throw new StorageException("cannot read SQLite database " + file + ": " + e, e);
        }
    }

    /**
     * After connecting, before the schema: refuses a SQLite database of another application (another application
     * id, or tables not ours), then checks its integrity.
     *
     * @param file the database file, for messages
     * @throws StorageCorruptException naming the file if it is foreign or damaged
     */
    static void checkSqlite(Connection connection, String file, IntegrityCheck check, long checkTimeoutMs)
            throws SQLException {
        int applicationId = intPragma(connection, "application_id");
        if (applicationId != 0 && applicationId != SQLITE_APPLICATION_ID) {
            throw new StorageCorruptException(file, "SQLite database " + file + " belongs to another application"
                    + " (application_id " + Integer.toHexString(applicationId) + ", ours is "
                    + Integer.toHexString(SQLITE_APPLICATION_ID) + "): refusing to open it", null);
        }
        if (applicationId == 0) {
            List<String> foreign = foreignTables(connection);
            if (!foreign.isEmpty()) {
                throw new StorageCorruptException(file, "SQLite database " + file + " holds tables of another"
                        + " application " + foreign + ": refusing to add ours beside them", null);
            }
        }
        integrity(connection, file, check, checkTimeoutMs);
    }

    /** Inside the opening write transaction: marks the database as ours if it is not yet. */
    static void markSqlite(Connection connection) throws SQLException {
        if (intPragma(connection, "application_id") != SQLITE_APPLICATION_ID) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA application_id = " + SQLITE_APPLICATION_ID);
            }
        }
    }

    private static int intPragma(Connection connection, String pragma) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA " + pragma)) {
            return row.next() ? row.getInt(1) : 0;
        }
    }

    /** Tables, views, indexes and triggers whose names are neither ours ({@code l2_…}) nor SQLite's own. */
    private static List<String> foreignTables(Connection connection) throws SQLException {
        List<String> foreign = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_master "
                        + "WHERE name NOT LIKE 'l2\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                        + "ORDER BY name LIMIT 5")) {
            while (rows.next()) {
                foreign.add(rows.getString(1));
            }
        }
        return foreign;
    }

    /**
     * Runs the check, cancelled after {@code timeoutMs} (a large file is then opened with a warning that the rest
     * was not checked: a bounded start matters more than a whole check, and a damaged page met later still turns
     * readiness red with {@link StorageCorruptException}).
     */
    private static void integrity(Connection connection, String file, IntegrityCheck check, long timeoutMs)
            throws SQLException {
        if (check == IntegrityCheck.OFF) {
            return;
        }
        long startNs = System.nanoTime();
        List<String> problems = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            Thread canceller = new Thread(() -> {
                try {
                    Thread.sleep(timeoutMs);
                    statement.cancel();
                } catch (InterruptedException e) {
                    // the check finished in time
                } catch (SQLException e) {
                    LOG.warn("could not cancel the integrity check of {}: {}", file, e.toString());
                }
            }, "l2-integrity-check-timeout");
            canceller.setDaemon(true);
            canceller.start();
            try (ResultSet rows = statement.executeQuery(
                    "PRAGMA " + check.pragma + "(" + MAX_REPORTED_PROBLEMS + ")")) {
                while (rows.next()) {
                    problems.add(rows.getString(1));
                }
            } catch (SQLException e) {
                if (isInterrupt(e) && System.nanoTime() - startNs >= timeoutMs * 1_000_000L) {
                    LOG.warn("SQLite {} of {} did not finish within {} ms ({}): opened without a whole check",
                            check.pragma, file, timeoutMs, JdbcStorage.INTEGRITY_CHECK_TIMEOUT_PROPERTY);
                    return;
                }
                if (Dialect.SQLITE.isCorrupt(e)) {
                    throw new StorageCorruptException(file, "SQLite database " + file + " failed its " + check.pragma
                            + " and is damaged: " + e.getMessage() + " (restore it from a backup, see the README)", e);
                }
                throw e;
            } finally {
                canceller.interrupt();
            }
        }
        if (!(problems.size() == 1 && "ok".equals(problems.get(0)))) {
            throw new StorageCorruptException(file, "SQLite database " + file + " failed its " + check.pragma
                    + " and is damaged: " + String.join("; ", problems)
                    + " (restore it from a backup, see the README)", null);
        }
        LOG.info("SQLite {} of {}: ok in {} ms", check.pragma, file, (System.nanoTime() - startNs) / 1_000_000);
    }

    private static boolean isInterrupt(SQLException e) {
        return (e.getErrorCode() & 0xFF) == 9 // SQLITE_INTERRUPT
                || String.valueOf(e.getMessage()).contains("SQLITE_INTERRUPT");
    }
}
