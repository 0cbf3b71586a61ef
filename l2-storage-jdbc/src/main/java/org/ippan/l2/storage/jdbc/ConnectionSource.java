package org.ippan.l2.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Lends connections to one piece of work at a time; thread-safe. */
interface ConnectionSource {

    /** Work done on a lent connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Opens a new connection with its session settings applied. */
    @FunctionalInterface
    interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    /**
     * Runs {@code work} on a connection that no other work uses meanwhile.
     *
     * @throws org.ippan.l2.storage.StorageException "storage is closed" after {@link #close}, or when no
     *                                               connection could be had in time
     * @throws SQLException                          what {@code work} or opening a connection threw
     */
    <T> T use(SqlWork<T> work) throws SQLException;

    /** Closes the connections; idempotent. Work already running finishes first or fails. */
    void close() throws SQLException;
}
