package org.ippan.l2.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One write transaction on a connection, shared by {@link JdbcStorage} and {@link JdbcLeaseStore}: begin (SQLite:
 * {@code BEGIN IMMEDIATE}, waiting for the write lock up to the lock timeout), run the body, then commit or roll back
 * as the body decided; on any failure roll back and rethrow. Nothing of the body is applied unless it commits.
 */
final class WriteTransaction {

    /** The work done inside the transaction: reads, a decision, writes. */
    @FunctionalInterface
    interface Body<T> {
        Decision<T> run(Connection connection) throws SQLException;
    }

    /** The body's outcome, and whether its changes are committed or rolled back. */
    record Decision<T>(T outcome, boolean commit) {
    }

    private WriteTransaction() {
    }

    /** @return a decision to commit the changes and answer {@code outcome} */
    static <T> Decision<T> commit(T outcome) {
        return new Decision<>(outcome, true);
    }

    /** @return a decision to roll the changes back and answer {@code outcome} */
    static <T> Decision<T> rollBack(T outcome) {
        return new Decision<>(outcome, false);
    }

    /**
     * Runs {@code body} in one write transaction on {@code connection}.
     *
     * @return the body's outcome, once committed or rolled back as it decided
     * @throws SQLException if the database failed (a commit whose acknowledgement was lost included); rolled back
     */
    static <T> T run(Dialect dialect, Connection connection, long lockTimeoutMs, Body<T> body) throws SQLException {
        dialect.begin(connection, lockTimeoutMs);
        try {
            Decision<T> decision = body.run(connection);
            if (decision.commit()) {
                dialect.commit(connection);
            } else {
                dialect.rollback(connection);
            }
            return decision.outcome();
        } catch (SQLException | RuntimeException e) {
            dialect.rollbackAfter(connection, e);
            throw e;
        }
    }
}
