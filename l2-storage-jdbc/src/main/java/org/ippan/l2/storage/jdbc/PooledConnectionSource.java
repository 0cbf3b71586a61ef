package org.ippan.l2.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.TransientStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small bounded pool: at most {@code maxSize} connections, opened on demand, reused most-recently-returned
 * first. A connection idle for a while is validated before it is lent again; a connection whose work threw is
 * closed rather than returned, so a broken one never comes back.
 */
final class PooledConnectionSource implements ConnectionSource {

    private static final Logger LOG = LoggerFactory.getLogger(PooledConnectionSource.class);
    private static final long VALIDATE_AFTER_IDLE_NS = TimeUnit.SECONDS.toNanos(5);
    private static final int VALIDATION_TIMEOUT_SECONDS = 2;

    private final ConnectionFactory factory;
    private final Semaphore permits;
    private final long borrowTimeoutMs;

    // Guarded by this.
    private final Deque<IdleConnection> idle = new ArrayDeque<>();
    private boolean closed;

    PooledConnectionSource(ConnectionFactory factory, int maxSize, long borrowTimeoutMs) {
        this.factory = factory;
        this.permits = new Semaphore(maxSize, true);
        this.borrowTimeoutMs = borrowTimeoutMs;
    }

    @Override
    public <T> T use(SqlWork<T> work) throws SQLException {
        ensureOpen();
        acquirePermit();
        try {
            Connection connection = borrow();
            boolean healthy = false;
            try {
                T result = work.run(connection);
                healthy = true;
                return result;
            } finally {
                giveBack(connection, healthy);
            }
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() throws SQLException {
        Deque<IdleConnection> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayDeque<>(idle);
            idle.clear();
        }
        SQLException failure = null;
        for (IdleConnection entry : toClose) {
            try {
                entry.connection().close();
            } catch (SQLException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new StorageException(JdbcStorage.CLOSED_MESSAGE);
        }
    }

    private void acquirePermit() {
        try {
            if (!permits.tryAcquire(borrowTimeoutMs, TimeUnit.MILLISECONDS)) {
                throw new TransientStorageException(
                        "no database connection became free within " + borrowTimeoutMs + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for a database connection", e);
        }
    }

    /** A connection for the caller, who holds a permit: an idle one that is still good, or a new one. */
    private Connection borrow() throws SQLException {
        while (true) {
            IdleConnection entry;
            synchronized (this) {
                if (closed) {
                    throw new StorageException(JdbcStorage.CLOSED_MESSAGE);
                }
                entry = idle.pollFirst();
            }
            if (entry == null) {
                return factory.open();
            }
            if (System.nanoTime() - entry.idleSinceNs() < VALIDATE_AFTER_IDLE_NS || isValid(entry.connection())) {
                return entry.connection();
            }
            LOG.debug("discarding an idle database connection that failed validation");
            closeQuietly(entry.connection());
        }
    }

    private void giveBack(Connection connection, boolean healthy) {
        synchronized (this) {
            if (healthy && !closed) {
                idle.addFirst(new IdleConnection(connection, System.nanoTime()));
                return;
            }
        }
        closeQuietly(connection);
    }

    private static boolean isValid(Connection connection) {
        try {
            return connection.isValid(VALIDATION_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing a discarded database connection failed", e);
        }
    }

    private record IdleConnection(Connection connection, long idleSinceNs) {
    }
}
