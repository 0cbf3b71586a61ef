package org.ippan.l2.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

import org.ippan.l2.storage.StorageException;

/**
 * One connection behind a fair lock: SQLite has a single writer per database anyway, and in-process reads are
 * cheap enough that serialising them too keeps things simple and correct.
 */
final class SingleConnectionSource implements ConnectionSource {

    private final ReentrantLock lock = new ReentrantLock(true);
    // Guarded by lock.
    private final Connection connection;
    private boolean closed;

    SingleConnectionSource(ConnectionFactory factory) throws SQLException {
        this.connection = factory.open();
    }

    @Override
    public <T> T use(SqlWork<T> work) throws SQLException {
        lock.lock();
        try {
            if (closed) {
                throw new StorageException(JdbcStorage.CLOSED_MESSAGE);
            }
            return work.run(connection);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws SQLException {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                connection.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
