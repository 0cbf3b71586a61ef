package org.ippan.l2.storage.jdbc;

import static org.ippan.l2.storage.jdbc.WriteTransaction.commit;
import static org.ippan.l2.storage.jdbc.WriteTransaction.rollBack;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseArguments;
import org.ippan.l2.lease.LeaseException;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseHolder;
import org.ippan.l2.lease.LeaseOutcome;
import org.ippan.l2.lease.LeaseRefused;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.jdbc.WriteTransaction.Decision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LeaseStore} on SQLite (processes on one host sharing a database file) or PostgreSQL (nodes on several hosts
 * sharing a database).
 *
 * <h2>Opening</h2>
 * {@link #open(String, String)} takes the same URLs as {@link JdbcStorage#open(String)} ({@code sqlite:PATH},
 * {@code jdbc:sqlite:…}, {@code jdbc:postgresql://…}), so a node without a lease URL of its own can keep its lease in
 * its storage database. A client has connections of its own, independent of any {@link JdbcStorage}'s. The lease is
 * one row of the table {@code l2_lease}, keyed by the lease name; the table is created on open if missing and
 * versioned in {@code l2_lease_schema}, apart from the storage's schema version, so a lease table beside the
 * storage's tables changes nothing for the storage, and the other way round. A lease table of a newer version, or
 * an {@code l2_lease} table this library did not create, is refused.
 *
 * <h2>PostgreSQL: the database's clock</h2>
 * Expiry is judged by the database's clock, {@code clock_timestamp()} (the time when the statement runs, not
 * {@code now()}, the start of the transaction): the Java side passes no time at all, so the nodes' clocks may be
 * skewed. Each statement reads that clock once. Each call is one transaction whose decision and write are one
 * conditional statement, so calls are linearizable across clients without a check-then-set race: PostgreSQL
 * evaluates the condition on the latest version of the row, after waiting for any concurrent writer of it.
 * <ul>
 *   <li>acquire: {@code INSERT … ON CONFLICT (name) DO UPDATE … WHERE} the stored lease has expired
 *       {@code RETURNING} the new row. The statement locks the row even when it does not take it, so the holder a
 *       refusal names, read next in the same transaction, is the one that refused it.</li>
 *   <li>renew: {@code UPDATE … WHERE token = ? AND} not expired {@code RETURNING}; the live holder a refusal names
 *       is read just after, in the same transaction.</li>
 *   <li>release: {@code DELETE … WHERE token = ? AND} not expired: a released lease leaves no row.</li>
 * </ul>
 * Connections come from a small pool ({@value #POSTGRES_POOL_SIZE}) that replaces a connection after any failure.
 * Unless the caller sets {@code socketTimeout}, a call that hears nothing back for the lock timeout plus
 * {@value #POSTGRES_SOCKET_SLACK_SECONDS} s fails rather than waits for ever.
 *
 * <h2>SQLite: the host's clock</h2>
 * Each call is one {@code BEGIN IMMEDIATE} transaction, which takes the database's write lock at once: read the row,
 * read the clock (injected; by default {@link System#currentTimeMillis()}, shared by every process on the host),
 * decide, write, commit. Processes racing on one file wait for the lock, up to the lock timeout, rather than fail.
 * The connection has {@link JdbcStorage}'s session settings (WAL, {@code synchronous=FULL}, busy timeout), so a lease
 * in the storage's file is written as durably as the storage.
 *
 * <h2>Tokens and failures</h2>
 * Each acquisition gets a random token (a {@link UUID} from {@link java.security.SecureRandom}); renew and release
 * name it, so an old lease never touches a later acquisition, even by the same holder id. A SQL failure, a lock
 * timeout, a lost connection or a commit whose acknowledgement is lost throws {@link LeaseException}, naming the
 * call, the lease and where the database is, never the URL's parameters or password.
 */
public final class JdbcLeaseStore implements LeaseStore {

    /** Most connections a client opens to PostgreSQL. */
    public static final int POSTGRES_POOL_SIZE = 2;

    /** Seconds beyond the lock timeout after which a PostgreSQL call that hears nothing back fails. */
    public static final int POSTGRES_SOCKET_SLACK_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcLeaseStore.class);

    /**
     * The database's clock in ms since the epoch, read once per statement. {@code clock_timestamp()} is left
     * unqualified on purpose: like the table names it resolves through the search path, which is how the tests
     * skew the database's clock against the JVM's.
     */
    private static final String DATABASE_CLOCK =
            "WITH clock AS (SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms) ";
    private static final String LEASE_COLUMNS = "holder_id, advertised_url, token, ttl_ms, expires_at_ms";
    private static final String SELECT_LEASE = "SELECT " + LEASE_COLUMNS + " FROM l2_lease WHERE name = ?";
    private static final String UPSERT = "INSERT INTO l2_lease AS l (" + LeaseSchema.COLUMNS + ") ";
    private static final String TAKE_OVER = " ON CONFLICT (name) DO UPDATE SET holder_id = excluded.holder_id, "
            + "advertised_url = excluded.advertised_url, token = excluded.token, ttl_ms = excluded.ttl_ms, "
            + "granted_at_ms = excluded.granted_at_ms, expires_at_ms = excluded.expires_at_ms";

    private static final String PG_ACQUIRE = DATABASE_CLOCK + UPSERT
            + "SELECT ?, ?, ?, ?, ?, clock.now_ms, clock.now_ms + ? FROM clock" + TAKE_OVER
            + " WHERE l.expires_at_ms <= excluded.granted_at_ms RETURNING " + LEASE_COLUMNS;
    private static final String PG_RENEW = DATABASE_CLOCK
            + "UPDATE l2_lease SET granted_at_ms = clock.now_ms, expires_at_ms = clock.now_ms + ttl_ms FROM clock "
            + "WHERE name = ? AND token = ? AND expires_at_ms > clock.now_ms RETURNING " + LEASE_COLUMNS;
    private static final String PG_RELEASE = DATABASE_CLOCK
            + "DELETE FROM l2_lease USING clock WHERE name = ? AND token = ? AND expires_at_ms > clock.now_ms";
    private static final String PG_LIVE_LEASE = DATABASE_CLOCK + "SELECT " + LEASE_COLUMNS
            + " FROM l2_lease, clock WHERE name = ? AND expires_at_ms > clock.now_ms";

    private static final String SQLITE_ACQUIRE = UPSERT + "VALUES (?, ?, ?, ?, ?, ?, ?)" + TAKE_OVER;
    private static final String SQLITE_RENEW =
            "UPDATE l2_lease SET granted_at_ms = ?, expires_at_ms = ? WHERE name = ? AND token = ?";
    private static final String SQLITE_RELEASE = "DELETE FROM l2_lease WHERE name = ? AND token = ?";

    private final Dialect dialect;
    private final ConnectionSource connections;
    private final String leaseName;
    private final String location;
    private final long lockTimeoutMs;
    /** The host's clock for SQLite; null for PostgreSQL, which reads its own. */
    private final LongSupplier sqliteClockMs;
    private volatile boolean closed;

    private JdbcLeaseStore(Dialect dialect, ConnectionSource connections, String leaseName, String location,
            long lockTimeoutMs, LongSupplier sqliteClockMs) {
        this.dialect = dialect;
        this.connections = connections;
        this.leaseName = leaseName;
        this.location = location;
        this.lockTimeoutMs = lockTimeoutMs;
        this.sqliteClockMs = sqliteClockMs;
    }

    // ---- opening ---------------------------------------------------------------------------------------------

    /**
     * Opens a client on the lease {@code leaseName} in the database {@code url} names, creating the lease table if
     * needed.
     *
     * @param url       {@code sqlite:PATH}, {@code jdbc:sqlite:…} or {@code jdbc:postgresql://…}, as for
     *                  {@link JdbcStorage#open(String)}
     * @param leaseName the lease's name in that database (see {@link LeaseArguments#requireLeaseName})
     * @return the open client
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the URL's scheme is not one of those (the message names the scheme, never
     *                                  the rest of the URL), or the lease name breaks {@link LeaseArguments}
     * @throws LeaseException           if the database could not be reached or opened, or holds a lease table
     *                                  this library cannot use
     */
    public static JdbcLeaseStore open(String url, String leaseName) {
        return open(url, leaseName, new Properties());
    }

    /**
     * Opens a client with connection properties: for PostgreSQL e.g. {@code user} and {@code password};
     * {@value JdbcStorage#LOCK_TIMEOUT_PROPERTY} and {@value JdbcStorage#SQLITE_PAGE_SIZE_PROPERTY} as for
     * {@link JdbcStorage}; the others go to the JDBC driver.
     *
     * @param url        {@code sqlite:PATH}, {@code jdbc:sqlite:…} or {@code jdbc:postgresql://…}
     * @param leaseName  the lease's name in that database
     * @param properties connection properties; not modified, not kept
     * @return the open client
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the URL's scheme is not supported, the lease name breaks
     *                                  {@link LeaseArguments}, or a property of this library is malformed (the
     *                                  message names it)
     * @throws LeaseException           if the database could not be reached or opened, or holds a lease table
     *                                  this library cannot use
     */
    public static JdbcLeaseStore open(String url, String leaseName, Properties properties) {
        return open(url, leaseName, properties, System::currentTimeMillis);
    }

    /**
     * Opens a client with connection properties and, for SQLite, the clock that judges expiry.
     *
     * @param url           {@code sqlite:PATH}, {@code jdbc:sqlite:…} or {@code jdbc:postgresql://…}
     * @param leaseName     the lease's name in that database
     * @param properties    connection properties; not modified, not kept
     * @param sqliteClockMs SQLite: the clock, ms since the epoch, that every process sharing the file must read
     *                      alike (the host's wall clock); never read for PostgreSQL, which uses its own
     * @return the open client
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the URL's scheme is not supported, the lease name breaks
     *                                  {@link LeaseArguments}, or a property of this library is malformed
     * @throws LeaseException           if the database could not be reached or opened, or holds a lease table
     *                                  this library cannot use
     */
    public static JdbcLeaseStore open(String url, String leaseName, Properties properties,
            LongSupplier sqliteClockMs) {
        StorageUrl parsed = StorageUrl.parse(url, "lease URL");
        return open(parsed, leaseName, properties, sqliteClockMs, UnaryOperator.identity());
    }

    /** As the public factories, with every new connection passed through {@code decorate} (tests inject faults). */
    static JdbcLeaseStore open(StorageUrl url, String leaseName, Properties properties, LongSupplier sqliteClockMs,
            UnaryOperator<Connection> decorate) {
        LeaseArguments.requireLeaseName(leaseName);
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(sqliteClockMs, "sqliteClockMs");
        Dialect dialect = url.dialect();
        Properties driverProperties = new Properties();
        if (dialect == Dialect.POSTGRES) {
            driverProperties.setProperty("ApplicationName", "ippan-l2-lease");
        }
        for (String name : properties.stringPropertyNames()) {
            driverProperties.setProperty(name, properties.getProperty(name));
        }
        long lockTimeoutMs =
                JdbcStorage.lockTimeoutMs(driverProperties.getProperty(JdbcStorage.LOCK_TIMEOUT_PROPERTY));
        driverProperties.remove(JdbcStorage.LOCK_TIMEOUT_PROPERTY);
        int pageSize =
                JdbcStorage.sqlitePageSize(driverProperties.getProperty(JdbcStorage.SQLITE_PAGE_SIZE_PROPERTY));
        driverProperties.remove(JdbcStorage.SQLITE_PAGE_SIZE_PROPERTY);
        if (dialect == Dialect.POSTGRES && driverProperties.getProperty("socketTimeout") == null) {
            long seconds = (lockTimeoutMs + 999) / 1000 + POSTGRES_SOCKET_SLACK_SECONDS;
            driverProperties.setProperty("socketTimeout", Long.toString(seconds));
        }

        String location = url.redacted();
        String opening = describe("opening", leaseName, dialect, location);
        Driver driver;
        try {
            if (url.sqliteFile() != null) {
                JdbcStorage.createParentDirectories(url.sqliteFile());
            }
            driver = JdbcStorage.driverFor(url);
        } catch (StorageException e) {
            throw new LeaseException(opening + " failed: " + e.getMessage(), e);
        }
        ConnectionSource.ConnectionFactory plain = JdbcStorage.plainConnections(url, driver, driverProperties);
        ConnectionSource.ConnectionFactory factory = JdbcStorage.sessions(
                () -> decorate.apply(plain.open()), dialect, lockTimeoutMs, pageSize);
        ConnectionSource connections;
        try {
            connections = dialect == Dialect.SQLITE
                    ? new SingleConnectionSource(factory)
                    : new PooledConnectionSource(factory, POSTGRES_POOL_SIZE, lockTimeoutMs + 5_000);
        } catch (SQLException e) {
            throw new LeaseException(opening + " failed: " + e.getMessage(), e);
        }
        JdbcLeaseStore store = new JdbcLeaseStore(dialect, connections, leaseName, location, lockTimeoutMs,
                dialect == Dialect.SQLITE ? sqliteClockMs : null);
        try {
            store.write("opening", connection -> {
                LeaseSchema.createOrCheck(connection, dialect);
                return commit(null);
            });
        } catch (RuntimeException e) {
            try {
                connections.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        LOG.info("opened lease '{}' on {} at {} (lease table version {})", leaseName, dialect.displayName(),
                location, LeaseSchema.VERSION);
        return store;
    }

    // ---- the port --------------------------------------------------------------------------------------------

    @Override
    public LeaseOutcome acquire(String holderId, String advertisedUrl, long ttlMs) {
        LeaseArguments.requireHolderId(holderId);
        LeaseArguments.requireUrl(advertisedUrl);
        LeaseArguments.requireTtl(ttlMs);
        String token = UUID.randomUUID().toString();
        return write("acquire", connection -> sqliteClockMs == null
                ? acquireOnDatabaseClock(connection, holderId, advertisedUrl, ttlMs, token)
                : acquireOnHostClock(connection, holderId, advertisedUrl, ttlMs, token));
    }

    @Override
    public LeaseOutcome renew(Lease lease) {
        LeaseArguments.requireLease(lease);
        return write("renew", connection -> sqliteClockMs == null
                ? renewOnDatabaseClock(connection, lease)
                : renewOnHostClock(connection, lease));
    }

    @Override
    public boolean release(Lease lease) {
        LeaseArguments.requireLease(lease);
        return write("release", connection -> sqliteClockMs == null
                ? releaseOnDatabaseClock(connection, lease)
                : releaseOnHostClock(connection, lease));
    }

    @Override
    public Optional<LeaseHolder> holder() {
        return use("holder", connection -> {
            StoredLease live = sqliteClockMs == null
                    ? liveOnDatabaseClock(connection)
                    : liveAt(read(connection), sqliteClockMs.getAsLong());
            return Optional.ofNullable(live == null ? null : live.holder());
        });
    }

    /** Closes this client's connections; idempotent. A live lease is not released: it expires unless renewed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connections.close();
        } catch (SQLException e) {
            LOG.debug("closing the connections of lease '{}' failed", leaseName, e);
        }
    }

    // ---- PostgreSQL: the database's clock decides, in SQL ----------------------------------------------------

    private Decision<LeaseOutcome> acquireOnDatabaseClock(Connection connection, String holderId,
            String advertisedUrl, long ttlMs, String token) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(PG_ACQUIRE)) {
            upsert.setString(1, leaseName);
            upsert.setString(2, holderId);
            upsert.setString(3, advertisedUrl);
            upsert.setString(4, token);
            upsert.setLong(5, ttlMs);
            upsert.setLong(6, ttlMs);
            try (ResultSet row = upsert.executeQuery()) {
                if (row.next()) {
                    return commit(new LeaseGranted(readLease(row).lease()));
                }
            }
        }
        // Not taken: the statement still locked the live row, so this reads the holder that refused the call.
        StoredLease holder = read(connection);
        if (holder == null) {
            throw new SQLException("the l2_lease row that refused the acquire is missing");
        }
        return rollBack(LeaseRefused.heldBy(holder.holder(), holderId));
    }

    private Decision<LeaseOutcome> renewOnDatabaseClock(Connection connection, Lease lease) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(PG_RENEW)) {
            update.setString(1, leaseName);
            update.setString(2, lease.token());
            try (ResultSet row = update.executeQuery()) {
                if (row.next()) {
                    return commit(new LeaseGranted(readLease(row).lease()));
                }
            }
        }
        StoredLease live = liveOnDatabaseClock(connection);
        return rollBack(LeaseRefused.lost(lease, live == null ? null : live.holder()));
    }

    private Decision<Boolean> releaseOnDatabaseClock(Connection connection, Lease lease) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(PG_RELEASE)) {
            delete.setString(1, leaseName);
            delete.setString(2, lease.token());
            return commit(delete.executeUpdate() == 1);
        }
    }

    private StoredLease liveOnDatabaseClock(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(PG_LIVE_LEASE)) {
            select.setString(1, leaseName);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? readLease(row) : null;
            }
        }
    }

    // ---- SQLite: the host's clock, read under the database's write lock ------------------------------------

    private Decision<LeaseOutcome> acquireOnHostClock(Connection connection, String holderId, String advertisedUrl,
            long ttlMs, String token) throws SQLException {
        long nowMs = sqliteClockMs.getAsLong();
        StoredLease live = liveAt(read(connection), nowMs);
        if (live != null) {
            return rollBack(LeaseRefused.heldBy(live.holder(), holderId));
        }
        Lease lease = new Lease(holderId, advertisedUrl, token, ttlMs, nowMs + ttlMs);
        try (PreparedStatement upsert = connection.prepareStatement(SQLITE_ACQUIRE)) {
            upsert.setString(1, leaseName);
            upsert.setString(2, holderId);
            upsert.setString(3, advertisedUrl);
            upsert.setString(4, token);
            upsert.setLong(5, ttlMs);
            upsert.setLong(6, nowMs);
            upsert.setLong(7, lease.expiresAtMs());
            expectOneRow(upsert.executeUpdate());
        }
        return commit(new LeaseGranted(lease));
    }

    private Decision<LeaseOutcome> renewOnHostClock(Connection connection, Lease lease) throws SQLException {
        long nowMs = sqliteClockMs.getAsLong();
        StoredLease live = liveAt(read(connection), nowMs);
        if (live == null || !live.token().equals(lease.token())) {
            return rollBack(LeaseRefused.lost(lease, live == null ? null : live.holder()));
        }
        Lease renewed = new Lease(live.holderId(), live.advertisedUrl(), live.token(), live.ttlMs(),
                nowMs + live.ttlMs());
        try (PreparedStatement update = connection.prepareStatement(SQLITE_RENEW)) {
            update.setLong(1, nowMs);
            update.setLong(2, renewed.expiresAtMs());
            update.setString(3, leaseName);
            update.setString(4, live.token());
            expectOneRow(update.executeUpdate());
        }
        return commit(new LeaseGranted(renewed));
    }

    private Decision<Boolean> releaseOnHostClock(Connection connection, Lease lease) throws SQLException {
        StoredLease live = liveAt(read(connection), sqliteClockMs.getAsLong());
        if (live == null || !live.token().equals(lease.token())) {
            return rollBack(false);
        }
        try (PreparedStatement delete = connection.prepareStatement(SQLITE_RELEASE)) {
            delete.setString(1, leaseName);
            delete.setString(2, live.token());
            expectOneRow(delete.executeUpdate());
        }
        return commit(true);
    }

    private static StoredLease liveAt(StoredLease stored, long nowMs) {
        return stored != null && nowMs < stored.expiresAtMs() ? stored : null;
    }

    // ---- rows and transactions -------------------------------------------------------------------------------

    /** The lease's row as stored, live or not; null if there is none. */
    private StoredLease read(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_LEASE)) {
            select.setString(1, leaseName);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? readLease(row) : null;
            }
        }
    }

    /** Reads a row of {@link #LEASE_COLUMNS}. */
    private static StoredLease readLease(ResultSet row) throws SQLException {
        StoredLease stored = new StoredLease(row.getString(1), row.getString(2), row.getString(3), row.getLong(4),
                row.getLong(5));
        try {
            stored.lease();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SQLException("the l2_lease row holds an invalid lease: " + e.getMessage(), e);
        }
        return stored;
    }

    /** A row of {@code l2_lease}. */
    private record StoredLease(String holderId, String advertisedUrl, String token, long ttlMs, long expiresAtMs) {

        Lease lease() {
            return new Lease(holderId, advertisedUrl, token, ttlMs, expiresAtMs);
        }

        LeaseHolder holder() {
            return new LeaseHolder(holderId, advertisedUrl, expiresAtMs);
        }
    }

    /** The body of a write transaction: decides its outcome and whether to commit. */
    /**
     * Runs {@code body} in one write transaction (SQLite: {@code BEGIN IMMEDIATE}); nothing of it is applied unless
     * it decides to commit. A commit that fails, its acknowledgement lost included, is a {@link LeaseException}.
     */
    private <T> T write(String call, WriteTransaction.Body<T> body) {
        return use(call, connection -> WriteTransaction.run(dialect, connection, lockTimeoutMs, body));
    }

    /** Runs {@code work} on a connection, turning every failure of the database into a {@link LeaseException}. */
    private <T> T use(String call, ConnectionSource.SqlWork<T> work) {
        if (closed) {
            throw new LeaseException(describe(call) + " failed: the lease store is closed");
        }
        try {
            return connections.use(work);
        } catch (SQLException e) {
            throw new LeaseException(describe(call) + " failed: " + e.getMessage(), e);
        } catch (StorageException e) {
            // The connection source's own failures: closed meanwhile, no connection free in time, interrupted.
            throw new LeaseException(describe(call) + " failed: " + e.getMessage(), e);
        }
    }

    private String describe(String call) {
        return describe(call, leaseName, dialect, location);
    }

    /** The call, the lease and where its database is, without the URL's parameters or password. */
    private static String describe(String call, String leaseName, Dialect dialect, String location) {
        return call + " of lease '" + leaseName + "' on " + dialect.displayName() + " at " + location;
    }

    private static void expectOneRow(int written) throws SQLException {
        if (written != 1) {
            throw new SQLException("expected to write 1 row of l2_lease, wrote " + written);
        }
    }
}
