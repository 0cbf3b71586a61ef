package org.ippan.l2.storage.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What differs between the databases: column types, how a write transaction starts and locks, session settings,
 * and which errors are worth a retry.
 */
enum Dialect {

    /**
     * SQLite: writers are serialised by {@code BEGIN IMMEDIATE}, which takes the database's single write lock at
     * once (waiting up to the busy timeout), so the meta row needs no row lock.
     */
    SQLITE("SQLite", "org.sqlite.JDBC", "INTEGER", "BLOB") {
        @Override
        void initSession(Connection connection, long lockTimeoutMs, int newDatabasePageSize) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                // First, so that the statements below wait for a lock rather than fail at once.
                statement.execute("PRAGMA busy_timeout = " + lockTimeoutMs);
                // Before anything writes the file: it only takes effect on a database that has no page yet (a
                // database's page size is fixed when its first page is written, and WAL mode writes one), and is
                // ignored on an existing file, which keeps its own. Small pages because each of a group commit's
                // random tx-hash inserts dirties a whole index page, written to the WAL and again by the checkpoint.
                statement.execute("PRAGMA page_size = " + newDatabasePageSize);
                try (ResultSet mode = statement.executeQuery("PRAGMA journal_mode = WAL")) {
                    String journalMode = mode.next() ? mode.getString(1) : null;
                    if (!"wal".equalsIgnoreCase(journalMode)) {
                        LOG.warn("SQLite journal mode is {}, not WAL (an in-memory database?)", journalMode);
                    }
                }
                statement.execute("PRAGMA synchronous = FULL");
                // Checkpoint every ~40 MB of WAL rather than SQLite's 4 MB: a page written by many commits (the meta
                // row, hot index pages) is copied into the database once per checkpoint, and the committing writer
                // pays for checkpoints, so they cost admission less when rarer; every commit is still fsynced.
                // With a 64 MiB page cache (native memory, 2 MiB by default) the tx-hash index stays in memory.
                // Together they made a 1,000-tx group commit on a 300,000-tx database ~1.7x faster here.
                // (JdbcStorage.checkpoint() takes the checkpoints off the committing thread and raises this limit to
                // a fallback.) The limit is in pages, so it is derived from the database's actual page size.
                statement.execute("PRAGMA wal_autocheckpoint = "
                        + walPages(SQLITE_WAL_AUTOCHECKPOINT_BYTES, pageSize(connection)));
                // A WAL that grew (checkpoints lagging) is cut back to this size when it is next reset.
                statement.execute("PRAGMA journal_size_limit = " + SQLITE_JOURNAL_SIZE_LIMIT_BYTES);
                statement.execute("PRAGMA cache_size = -" + SQLITE_CACHE_KIB);
                statement.execute("PRAGMA foreign_keys = ON");
            }
        }

        /**
         * Waits for the write lock itself, retrying every 0.1 ms, rather than in SQLite's
         * busy handler: that one backs off to one attempt per 100 ms, so a connection waiting on a busy writer
         * (another process's) is starved for seconds. Other statements keep the busy timeout as a safety net.
         */
        @Override
        void begin(Connection connection, long lockTimeoutMs) throws SQLException {
            execute(connection, "PRAGMA busy_timeout = 0");
            try {
                long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lockTimeoutMs);
                while (true) {
                    try {
                        execute(connection, "BEGIN IMMEDIATE");
                        return;
                    } catch (SQLException e) {
                        if (!isBusy(e) || System.nanoTime() - deadlineNs >= 0) {
                            throw e;
                        }
                    }
                    LockSupport.parkNanos(BEGIN_RETRY_NS);
                    if (Thread.currentThread().isInterrupted()) {
                        throw new SQLException("interrupted while waiting for the SQLite write lock");
                    }
                }
            } finally {
                execute(connection, "PRAGMA busy_timeout = " + lockTimeoutMs);
            }
        }

        @Override
        void commit(Connection connection) throws SQLException {
            execute(connection, "COMMIT");
        }

        @Override
        void rollback(Connection connection) throws SQLException {
            execute(connection, "ROLLBACK");
        }

        @Override
        void lockSchema(Connection connection) {
            // BEGIN IMMEDIATE already excludes every other writer.
        }

        @Override
        String lockMetaRow() {
            return "";
        }

        @Override
        boolean isTransient(SQLException e) {
            return isBusy(e) || isTransientByType(e);
        }

        @Override
        boolean isFull(SQLException e) {
            return hasSqliteCode(e, SQLITE_FULL, "[SQLITE_FULL]");
        }

        @Override
        boolean isCorrupt(SQLException e) {
            return hasSqliteCode(e, SQLITE_CORRUPT, "[SQLITE_CORRUPT") || hasSqliteCode(e, SQLITE_NOTADB,
                    "[SQLITE_NOTADB]");
        }

        private boolean isBusy(SQLException e) {
            // sqlite-jdbc reports the (possibly extended) SQLite result code; the low byte is the primary code.
            int primaryCode = e.getErrorCode() & 0xFF;
            return primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED;
        }
    },

    /**
     * PostgreSQL at READ COMMITTED: a writer locks the meta row with {@code SELECT … FOR UPDATE}; later
     * statements of its transaction see everything committed before it got the lock.
     */
    POSTGRES("PostgreSQL", "org.postgresql.Driver", "BIGINT", "BYTEA") {
        @Override
        void initSession(Connection connection, long lockTimeoutMs, int newDatabasePageSize) throws SQLException {
            connection.setAutoCommit(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET lock_timeout = " + lockTimeoutMs);
                // A transaction of ours never waits on anything but the database; one left open (a stalled
                // process) must not hold the meta row lock and block a new leader for ever.
                statement.execute("SET idle_in_transaction_session_timeout = " + IDLE_IN_TRANSACTION_TIMEOUT_MS);
            }
        }

        @Override
        void begin(Connection connection, long lockTimeoutMs) throws SQLException {
            // The meta row lock, taken by the first statement, waits up to the session's lock_timeout.
            connection.setAutoCommit(false);
        }

        @Override
        void commit(Connection connection) throws SQLException {
            connection.commit();
            connection.setAutoCommit(true);
        }

        @Override
        void rollback(Connection connection) throws SQLException {
            connection.rollback();
            connection.setAutoCommit(true);
        }

        @Override
        void lockSchema(Connection connection) throws SQLException {
            // Held until the transaction ends: concurrent openers create the schema one at a time.
            execute(connection, "SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
        }

        @Override
        String lockMetaRow() {
            return " FOR UPDATE";
        }

        @Override
        boolean isFull(SQLException e) {
            return hasSqlState(e, Set.of("53100"));
        }

        @Override
        boolean isCorrupt(SQLException e) {
            return hasSqlState(e, Set.of("XX001", "XX002"));
        }

        @Override
        boolean isTransient(SQLException e) {
            String state = e.getSQLState();
            return state != null && (state.startsWith("08") || TRANSIENT_SQL_STATES.contains(state))
                    || isTransientByType(e);
        }
    };

    private static final Logger LOG = LoggerFactory.getLogger(Dialect.class);

    private static final long BEGIN_RETRY_NS = 100_000;
    /** WAL bytes between automatic checkpoints by the committing connection (SQLite's default is 1000 pages). */
    static final long SQLITE_WAL_AUTOCHECKPOINT_BYTES = 10_000L * 4096;
    /** Size the WAL file is truncated to when it is reset after having grown beyond it. */
    static final long SQLITE_JOURNAL_SIZE_LIMIT_BYTES = 64L << 20;
    /** SQLite page cache per connection, KiB; SQLite's default is 2000. */
    static final int SQLITE_CACHE_KIB = 65_536;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_NOTADB = 26;
    private static final int SQLITE_LOCKED = 6;
    private static final long IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
    /** Key of the advisory lock serialising schema creation ("L2SCHEMA" in ASCII). */
    private static final long SCHEMA_LOCK_KEY = 0x4C32_5343_4845_4D41L;
    /**
     * serialization_failure, deadlock_detected, lock_not_available (lock_timeout), query_canceled,
     * too_many_connections, admin/crash shutdown, cannot_connect_now, idle_in_transaction_session_timeout.
     * Class 08 (connection exception) is matched by prefix.
     */
    private static final Set<String> TRANSIENT_SQL_STATES =
            Set.of("40001", "40P01", "55P03", "57014", "53300", "57P01", "57P02", "57P03", "25P03");

    private final String displayName;
    private final String driverClassName;
    private final String integerType;
    private final String blobType;

    Dialect(String displayName, String driverClassName, String integerType, String blobType) {
        this.displayName = displayName;
        this.driverClassName = driverClassName;
        this.integerType = integerType;
        this.blobType = blobType;
    }

    /**
     * Applies the session settings to a newly opened connection.
     *
     * @param newDatabasePageSize SQLite: the page size of a database created by this connection (ignored by
     *                            PostgreSQL, and by SQLite for an existing file)
     */
    abstract void initSession(Connection connection, long lockTimeoutMs, int newDatabasePageSize)
            throws SQLException;

    /** Starts a write transaction (on SQLite, already holding the write lock), waiting up to the lock timeout. */
    abstract void begin(Connection connection, long lockTimeoutMs) throws SQLException;

    /** Commits the transaction started by {@link #begin}. */
    abstract void commit(Connection connection) throws SQLException;

    /** Rolls back the transaction started by {@link #begin}. */
    abstract void rollback(Connection connection) throws SQLException;

    /** Serialises schema creation with other openers, inside a write transaction. */
    abstract void lockSchema(Connection connection) throws SQLException;

    /** The clause that locks the meta row read at the start of a write ("" where begin already locks). */
    abstract String lockMetaRow();

    /** True if the failure may clear up on its own: busy, lock timeout, serialization failure, lost connection. */
    abstract boolean isTransient(SQLException e);

    /** True if the store is out of space (SQLite {@code SQLITE_FULL}, PostgreSQL disk_full {@code 53100}). */
    abstract boolean isFull(SQLException e);

    /**
     * True if the store is damaged: SQLite {@code SQLITE_CORRUPT}, {@code SQLITE_NOTADB}; PostgreSQL data_corrupted
     * and index_corrupted ({@code XX001}, {@code XX002}).
     */
    abstract boolean isCorrupt(SQLException e);

    /** Rolls back after {@code failure}, adding any rollback failure to it as suppressed. */
    final void rollbackAfter(Connection connection, Exception failure) {
        try {
            rollback(connection);
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    String displayName() {
        return displayName;
    }

    String driverClassName() {
        return driverClassName;
    }

    /** The column type of a 64-bit integer. */
    String integerType() {
        return integerType;
    }

    /** The column type of a byte string. */
    String blobType() {
        return blobType;
    }

    /** The page size of the connection's database. */
    static int pageSize(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA page_size")) {
            if (!row.next()) {
                throw new SQLException("PRAGMA page_size answered nothing");
            }
            return row.getInt(1);
        }
    }

    /** How many WAL pages of {@code pageSize} bytes make {@code bytes}, at least 1. */
    static long walPages(long bytes, int pageSize) {
        return Math.max(1, bytes / pageSize);
    }

    /**
     * True if {@code e}, or an exception chained to it, carries SQLite's primary result {@code code} (the low byte
     * of sqlite-jdbc's error code), or its message {@code tag} (a batch failure's chained errors may carry only that).
     */
    static boolean hasSqliteCode(SQLException e, int code, String tag) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 10; t = next(t), depth++) {
            if (t instanceof SQLException sql && (sql.getErrorCode() & 0xFF) == code && sql.getErrorCode() != 0) {
                return true;
            }
            if (String.valueOf(t.getMessage()).contains(tag)) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code e}, or an exception chained to it, has one of {@code states} as SQLSTATE. */
    static boolean hasSqlState(SQLException e, Set<String> states) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 10; t = next(t), depth++) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && states.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException sql && sql.getNextException() != null) {
            return sql.getNextException();
        }
        return t.getCause();
    }

    private static boolean isTransientByType(SQLException e) {
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
