package org.ippan.l2.storage.jdbc;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A parsed storage URL.
 *
 * @param dialect    the database
 * @param jdbcUrl    the URL handed to the JDBC driver
 * @param sqliteFile the SQLite database file whose parent directories are created on open; null for
 *                   PostgreSQL and for SQLite URLs that do not name a plain file (in-memory, {@code file:} URIs)
 */
record StorageUrl(Dialect dialect, String jdbcUrl, Path sqliteFile) {

    static final String SQLITE_PREFIX = "sqlite:";
    static final String JDBC_SQLITE_PREFIX = "jdbc:sqlite:";
    static final String JDBC_POSTGRES_PREFIX = "jdbc:postgresql:";

    private static final String EXPECTED =
            "expected sqlite:PATH, jdbc:sqlite:PATH or jdbc:postgresql://HOST[:PORT]/DATABASE";

    /**
     * Parses an {@code L2_STORAGE_URL}. Messages name the URL's scheme but never repeat the rest of the URL,
     * which may hold a password.
     *
     * @throws NullPointerException     if {@code url} is null
     * @throws IllegalArgumentException if the scheme is not supported or the URL names no database
     */
    static StorageUrl parse(String url) {
        return parse(url, "storage URL");
    }

    /**
     * Parses a URL of the same forms as an {@code L2_STORAGE_URL}, naming it {@code kind} in messages (e.g.
     * "lease URL"). Messages name the URL's scheme but never repeat the rest of the URL, which may hold a password.
     *
     * @throws NullPointerException     if {@code url} is null
     * @throws IllegalArgumentException if the scheme is not supported or the URL names no database
     */
    static StorageUrl parse(String url, String kind) {
        Objects.requireNonNull(url, "url");
        if (url.startsWith(SQLITE_PREFIX)) {
            String path = url.substring(SQLITE_PREFIX.length());
            if (path.isBlank()) {
                throw new IllegalArgumentException(kind + " scheme 'sqlite' needs a file path: " + EXPECTED);
            }
            return new StorageUrl(Dialect.SQLITE, JDBC_SQLITE_PREFIX + path, toPath(path, "sqlite", kind));
        }
        if (url.startsWith(JDBC_SQLITE_PREFIX)) {
            String rest = url.substring(JDBC_SQLITE_PREFIX.length());
            if (rest.isBlank()) {
                throw new IllegalArgumentException(
                        kind + " scheme 'jdbc:sqlite' needs a file path: " + EXPECTED);
            }
            return new StorageUrl(Dialect.SQLITE, url, plainSqliteFile(rest, kind));
        }
        if (url.startsWith(JDBC_POSTGRES_PREFIX)) {
            if (url.length() == JDBC_POSTGRES_PREFIX.length()) {
                throw new IllegalArgumentException(
                        kind + " scheme 'jdbc:postgresql' needs a database: " + EXPECTED);
            }
            return new StorageUrl(Dialect.POSTGRES, url, null);
        }
        String scheme = schemeOf(url);
        if (scheme.isEmpty()) {
            throw new IllegalArgumentException(kind + " has no scheme: " + EXPECTED);
        }
        String hint = scheme.equals("postgres") || scheme.equals("postgresql")
                ? " (for PostgreSQL use a JDBC URL: jdbc:postgresql://…)" : "";
        throw new IllegalArgumentException(
                "unsupported " + kind + " scheme '" + scheme + "': " + EXPECTED + hint);
    }

    /** The URL's scheme: {@code jdbc:NAME} for JDBC URLs, else the text before the first colon. */
    static String schemeOf(String url) {
        int colon = url.indexOf(':');
        if (colon < 0) {
            return "";
        }
        if (url.startsWith("jdbc:")) {
            int second = url.indexOf(':', colon + 1);
            return second < 0 ? url : url.substring(0, second);
        }
        return url.substring(0, colon);
    }

    /** Where the URL points, without user information, parameters or password. */
    String redacted() {
        if (sqliteFile != null) {
            return sqliteFile.toString();
        }
        String withoutParameters = jdbcUrl.split("[?;]", 2)[0];
        int at = withoutParameters.lastIndexOf('@');
        int slashes = withoutParameters.indexOf("//");
        if (at >= 0 && slashes >= 0 && at > slashes) {
            withoutParameters = withoutParameters.substring(0, slashes + 2) + withoutParameters.substring(at + 1);
        }
        return withoutParameters;
    }

    /** The file of a {@code jdbc:sqlite:} URL's remainder, or null when it is not a plain path. */
    private static Path plainSqliteFile(String rest, String kind) {
        if (rest.startsWith(":") || rest.startsWith("file:")) {
            return null;
        }
        int query = rest.indexOf('?');
        return toPath(query < 0 ? rest : rest.substring(0, query), "jdbc:sqlite", kind);
    }

    private static Path toPath(String path, String scheme, String kind) {
        try {
            return Path.of(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(
                    kind + " scheme '" + scheme + "' has an invalid file path: " + e.getReason(), e);
        }
    }
}
