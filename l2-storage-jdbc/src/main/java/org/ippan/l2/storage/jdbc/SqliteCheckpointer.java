package org.ippan.l2.storage.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;

import org.ippan.l2.storage.StorageException;

/**
 * Copies a SQLite WAL into the database file on the caller's thread instead of the committing one.
 *
 * <p>SQLite's auto-checkpoint runs inside the commit that crosses the limit, so one admission group in every
 * ~40 MB of WAL waited for the whole copy and its fsync (~0.5 s). Here the bulk of the copy is a
 * {@code PASSIVE} checkpoint on a second connection of our own, which runs beside the writer (it takes no write
 * lock; commits go on appending to the WAL meanwhile). A few such rounds shrink what was appended during the
 * previous one; the last few frames are then checkpointed on the writer's own connection, under its lock, so that
 * no commit lands in between and the whole WAL is in the database: the next write transaction then starts the WAL
 * over from its beginning, which keeps the file bounded. Only that tail holds admission up; under sustained load,
 * when commits append about as fast as a round copies, it is what the last round left (a median 146 ms, up to
 * ~370 ms, in docs/PERFORMANCE.md), not the ~1 MiB the rounds aim for.
 *
 * <p>Durability is SQLite's own: a checkpoint only copies committed frames, fsyncs the database file (the second
 * connection runs at {@code synchronous=FULL} too) before it records them as copied, and a crash at any point
 * leaves the WAL to be replayed on the next open.
 *
 * <p>The first call raises the writer's auto-checkpoint limit to {@link #FALLBACK_AUTOCHECKPOINT_BYTES}: a host
 * that stops calling still has a bounded WAL, and one that calls regularly never reaches it. Thread-safe; one
 * checkpoint at a time.
 */
final class SqliteCheckpointer {

    /** The writer's auto-checkpoint limit once checkpoints are run here, in WAL bytes. */
    static final long FALLBACK_AUTOCHECKPOINT_BYTES = 512L << 20;
    /** Background rounds at most before the tail is taken on the writer's connection. */
    static final int MAX_ROUNDS = 3;
    /** WAL bytes appended during a round small enough to copy under the writer's lock. */
    static final long TAIL_BYTES = 1L << 20;

    /** The answer of {@code PRAGMA wal_checkpoint}: frames in the WAL and frames now in the database. */
    record Frames(long inWal, long checkpointed) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final ConnectionSource.ConnectionFactory factory;
    private final long lockTimeoutMs;
    // Guarded by lock.
    private Connection connection;
    /** The database's page size; 0 until the first call, which also sets the writer's fallback limit. */
    private int pageSize;
    private boolean closed;

    /**
     * @param factory opens a plain connection to the same database file (no session settings applied)
     */
    SqliteCheckpointer(ConnectionSource.ConnectionFactory factory, long lockTimeoutMs) {
        this.factory = factory;
        this.lockTimeoutMs = lockTimeoutMs;
    }

    /**
     * Checkpoints the whole WAL, most of it beside the writer.
     *
     * @param writer the store's connections, whose one connection commits
     * @return the WAL frames that are in the database file now (0 when the WAL was empty)
     */
    long checkpoint(ConnectionSource writer) throws SQLException {
        lock.lock();
        try {
            if (closed) {
                throw new StorageException(JdbcStorage.CLOSED_MESSAGE);
            }
            if (pageSize == 0) {
                pageSize = writer.use(writing -> {
                    int size = Dialect.pageSize(writing);
                    execute(writing, "PRAGMA wal_autocheckpoint = "
                            + Dialect.walPages(FALLBACK_AUTOCHECKPOINT_BYTES, size));
                    return size;
                });
            }
            if (connection == null) {
                connection = open();
            }
            long tailFrames = Dialect.walPages(TAIL_BYTES, pageSize);
            long previousInWal = -1;
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Frames frames = passive(connection);
                if (frames.inWal() <= 0) {
                    return 0; // empty, or not a WAL database
                }
                // Frames appended since the previous round started (all of them if the WAL was started over).
                long appended = previousInWal < 0 || frames.inWal() < previousInWal
                        ? frames.inWal() : frames.inWal() - previousInWal;
                previousInWal = frames.inWal();
                if (appended <= tailFrames) {
                    break;
                }
            }
            Frames tail = writer.use(SqliteCheckpointer::passive);
            return Math.max(0, tail.checkpointed());
        } finally {
            lock.unlock();
        }
    }

    /** Closes the second connection; later checkpoints fail with "storage is closed". Idempotent. */
    void close() throws SQLException {
        lock.lock();
        try {
            closed = true;
            if (connection != null) {
                Connection open = connection;
                connection = null;
                open.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private Connection open() throws SQLException {
        Connection opened = factory.open();
        try {
            execute(opened, "PRAGMA busy_timeout = " + lockTimeoutMs);
            // The checkpoint fsyncs the database file before it records frames as copied only when not OFF.
            execute(opened, "PRAGMA synchronous = FULL");
            return opened;
        } catch (SQLException | RuntimeException e) {
            try {
                opened.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    static Frames passive(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            if (!row.next()) {
                throw new SQLException("PRAGMA wal_checkpoint answered nothing");
            }
            return new Frames(row.getLong(2), row.getLong(3));
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
