package org.ippan.l2.storage.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Wraps connections so that the next armed commits are applied and then fail, as when the connection drops after the
 * database committed and before its acknowledgement arrived. Covers both ways the dialects commit: PostgreSQL's
 * {@link Connection#commit()} and SQLite's {@code COMMIT} statement.
 */
final class LosingCommits implements UnaryOperator<Connection> {

    private final AtomicInteger toLose = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();

    /** Loses the acknowledgement of the next commit on any wrapped connection. */
    void loseNextCommit() {
        toLose.incrementAndGet();
    }

    /** @return how many commits were applied and their acknowledgement lost */
    int lost() {
        return lost.get();
    }

    @Override
    public Connection apply(Connection connection) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object result = invoke(connection, method, args);
                    if (method.getName().equals("commit")) {
                        loseIfArmed();
                    }
                    if (result instanceof Statement statement && method.getName().equals("createStatement")) {
                        return wrap(statement);
                    }
                    return result;
                });
    }

    private Statement wrap(Statement statement) {
        return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, method, args) -> {
                    Object result = invoke(statement, method, args);
                    if (method.getName().equals("execute") && args != null && args.length == 1
                            && "COMMIT".equalsIgnoreCase(String.valueOf(args[0]).trim())) {
                        loseIfArmed();
                    }
                    return result;
                });
    }

    private void loseIfArmed() throws SQLException {
        if (toLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            lost.incrementAndGet();
            throw new SQLException("injected: the connection dropped after COMMIT, before its acknowledgement",
                    "08006");
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
