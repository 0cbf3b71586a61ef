package org.ippan.l2.storage.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server the tests use, at {@code L2_TEST_POSTGRES_URL} (default
 * {@value #DEFAULT_URL}). Each test works in a fresh schema of its own, dropped afterwards.
 */
final class PostgresTestDatabase {

    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    static final String URL = System.getenv().getOrDefault("L2_TEST_POSTGRES_URL", DEFAULT_URL);

    private static Boolean reachable;

    private PostgresTestDatabase() {
    }

    /** Skips the calling test, with a message saying why, when the server cannot be reached. */
    static void assumeReachable() {
        Assumptions.assumeTrue(isReachable(),
                "PostgreSQL not reachable at " + redacted() + ": PostgreSQL tests skipped");
    }

    private static synchronized boolean isReachable() {
        if (reachable == null) {
            Properties properties = new Properties();
            properties.setProperty("connectTimeout", "3");
            try (Connection connection = DriverManager.getConnection(URL, properties)) {
                reachable = connection.isValid(3);
            } catch (SQLException e) {
                reachable = false;
            }
        }
        return reachable;
    }

    /** Creates an empty schema with a unique name and returns the name. */
    static String createSchema() {
        String schema = "l2_test_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    /** Drops a schema made by {@link #createSchema} and everything in it. */
    static void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /** The test server's URL with {@code schema} as the current schema. */
    static String urlFor(String schema) {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A plain JDBC connection working in {@code schema}; the caller closes it. */
    static Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(urlFor(schema));
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(URL);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    private static String redacted() {
        return URL.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
