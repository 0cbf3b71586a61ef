package org.ippan.l2.storage.jdbc;

import static org.ippan.l2.storage.jdbc.WriteTransaction.commit;
import static org.ippan.l2.storage.jdbc.WriteTransaction.rollBack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;

import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.BatchChainRules;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.Committed;
import org.ippan.l2.storage.Conflict;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.ForcedTicket;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.PruneOutcome;
import org.ippan.l2.storage.Pruned;
import org.ippan.l2.storage.SealedGroup;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageArguments;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TermClaim;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TermRefused;
import org.ippan.l2.storage.TermRules;
import org.ippan.l2.storage.StorageCorruptException;
import org.ippan.l2.storage.StorageFullException;
import org.ippan.l2.storage.TransientStorageException;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.WriteOutcome;
import org.ippan.l2.storage.Written;
import org.ippan.l2.storage.jdbc.WriteTransaction.Decision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Storage} on SQLite (embedded, one process) or PostgreSQL (shared by a leader and its followers).
 *
 * <h2>Opening</h2>
 * {@link #open(String)} takes the node's {@code L2_STORAGE_URL}: {@code sqlite:PATH} (parent directories are
 * created), {@code jdbc:sqlite:…}, or {@code jdbc:postgresql://HOST[:PORT]/DATABASE} with user and password as
 * URL parameters or in the {@link Properties} of {@link #open(String, Properties)}. Properties other than
 * {@value #LOCK_TIMEOUT_PROPERTY} go to the JDBC driver. Opening creates the tables (all named {@code l2_…}) if
 * the database has none, and refuses a database whose schema version is newer than this library's.
 *
 * <h2>Writes and fencing</h2>
 * Every leader write is one database transaction that starts by reading the single meta row (term, leader,
 * heartbeat, next seq, next unbatched seq, next batch number, head batch hash) under a lock that excludes every
 * other writer, in this process or another; it compares the stored term with the caller's and checks the
 * write's other expectations (the SPI's shared {@link TermRules} and
 * {@link BatchChainRules}), then writes and commits, or rolls back and answers {@link Fenced},
 * {@link Conflict} or {@link TermRefused}. Writes are therefore linearizable across all instances on one
 * database, and durable when they return.
 * <ul>
 *   <li><b>SQLite</b>: WAL journal, {@code synchronous=FULL}, foreign keys on, 2 KiB pages for a new database
 *       ({@link #SQLITE_PAGE_SIZE_PROPERTY}), a checkpoint every ~40 MB of WAL inside the commit that crosses it
 *       unless the host calls {@link #checkpoint()}, which takes checkpoints off the committing thread, and a
 *       64 MiB page cache. One connection per instance (plus one for {@link #checkpoint()}),
 *       behind a fair lock (SQLite has one writer; in-process reads are cheap). A write transaction is
 *       {@code BEGIN IMMEDIATE}, which takes the database's write lock up front; the adapter retries it every
 *       0.1 ms up to the lock timeout (SQLite's own busy handler backs off to 100 ms between attempts, which
 *       starves a waiter behind a busy writer on another connection for seconds).</li>
 *   <li><b>PostgreSQL</b>: a bounded pool of {@value #POSTGRES_POOL_SIZE} connections, validated before reuse
 *       after being idle and discarded after any failure. Transactions run at READ COMMITTED and lock the meta
 *       row with {@code SELECT … FOR UPDATE}. This was chosen over SERIALIZABLE with retries because every
 *       write touches that one row anyway: the row lock serialises writers without serialization failures to
 *       retry, and each statement after the lock sees everything committed before it (READ COMMITTED takes a
 *       fresh snapshot per statement). Each session sets {@code lock_timeout} to the lock timeout and
 *       {@code idle_in_transaction_session_timeout} to 60 s, so that a stalled process cannot hold the row lock
 *       for ever. Batched inserts are rewritten into multi-row inserts ({@code reWriteBatchedInserts}) unless
 *       the caller says otherwise.</li>
 * </ul>
 * {@code appendTxs} is a group commit: the txs of one call are deduplicated (against stored txs by hash, and
 * within the call), inserted with one batched statement and committed once.
 *
 * <h2>Failures</h2>
 * A failed transaction is rolled back. SQL failures become {@link StorageException}; busy and lock timeouts,
 * serialization failures and deadlocks (SQLSTATE 40001, 40P01), and lost or refused connections become
 * {@link TransientStorageException}. A commit whose acknowledgement is lost with the connection may have been
 * applied; as the {@link Storage} contract says, every write is safe to re-send.
 *
 * <h2>Batches and their L1 envelopes</h2>
 * A batch's L1 request body, hundreds of KB for a large batch, is kept in {@code l2_batch_envelopes}, apart from
 * its {@code l2_batches} row whose L1 state changes as it is posted and confirmed (see {@link Schema}). It never
 * changes once committed, so the envelopes of the most recent batches (up to {@value #ENVELOPE_CACHE_BYTES} bytes)
 * are also kept in memory: the engine reads the batches it posts and reconciles again and again, and then only
 * their small rows come from the database.
 *
 * <h2>Reads</h2>
 * Reads are single statements, each consistent on its own (a batch's envelope, which never changes, is read by a
 * second one when it is not cached); {@link #readSequenceState()} is one row. A follower
 * sharing a PostgreSQL database with the leader reads the leader's writes as soon as they commit.
 */
public final class JdbcStorage implements Storage {

    /**
     * Property naming how long, in ms, a call waits for a database lock before failing with
     * {@link TransientStorageException}: SQLite's busy timeout and PostgreSQL's {@code lock_timeout}. At least 1;
     * default {@value #DEFAULT_LOCK_TIMEOUT_MS}.
     */
    public static final String LOCK_TIMEOUT_PROPERTY = "l2.lockTimeoutMs";

    /** Default of {@link #LOCK_TIMEOUT_PROPERTY}, in ms. */
    public static final long DEFAULT_LOCK_TIMEOUT_MS = 10_000;

    /**
     * Property naming the page size, in bytes, of a SQLite database this store creates: a power of two from 512
     * to 65536; default {@value #DEFAULT_SQLITE_PAGE_SIZE}. An existing database keeps the page size it was
     * created with. Ignored by PostgreSQL.
     */
    public static final String SQLITE_PAGE_SIZE_PROPERTY = "l2.sqlitePageSize";

    /**
     * Default of {@link #SQLITE_PAGE_SIZE_PROPERTY}. Half SQLite's 4096 because a group commit of random tx hashes
     * dirties about one page of the hash index per tx, and every dirtied page is written whole to the WAL: 2 KiB
     * pages cut the WAL bytes per tx by ~35 %. Not smaller: the checkpoint writes the dirtied pages in place, and
     * the kernel writes 4 KiB at a time whatever SQLite's page size, so 1 KiB pages saved WAL bytes only to spend
     * them again in checkpoints, and cost ~45 % of the admission rate; see docs/PERFORMANCE.md for the figures.
     */
    public static final int DEFAULT_SQLITE_PAGE_SIZE = 2048;

    /**
     * Property saying whether {@code open} may create the store ({@code true}, the default) or must find one made
     * before ({@code false}: a read-only follower, which must never create an empty store on a wrong path and report
     * ready on it). With {@code false}, a missing or empty SQLite file, or a database without our tables, is refused
     * with a {@link StorageException} naming it, and no file is created.
     */
    public static final String CREATE_IF_MISSING_PROPERTY = "l2.createIfMissing";

    /**
     * Property naming the integrity check of a SQLite database at open: {@code quick} (the default,
     * {@code PRAGMA quick_check}: every page's b-tree structure; linear in the file's size), {@code full}
     * ({@code PRAGMA integrity_check}: also that each index matches its table; slower) or {@code off}. A damaged
     * file is refused with a {@link StorageCorruptException} naming it. Ignored by PostgreSQL.
     */
    public static final String INTEGRITY_CHECK_PROPERTY = "l2.integrityCheck";

    /**
     * Property bounding the integrity check at open, in ms (default {@value #DEFAULT_INTEGRITY_CHECK_TIMEOUT_MS}): a
     * check not finished by then is cancelled and the store opened with a warning, so a large file still starts in
     * bounded time (damage met later still turns readiness red, typed as {@link StorageCorruptException}).
     */
    public static final String INTEGRITY_CHECK_TIMEOUT_PROPERTY = "l2.integrityCheckTimeoutMs";

    /** Default of {@link #INTEGRITY_CHECK_TIMEOUT_PROPERTY}, in ms. */
    public static final long DEFAULT_INTEGRITY_CHECK_TIMEOUT_MS = 60_000;

    /** Most connections an instance opens to PostgreSQL. */
    public static final int POSTGRES_POOL_SIZE = 4;

    static final String CLOSED_MESSAGE = "storage is closed";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStorage.class);

    /** Most hashes in one {@code IN (…)} list (SQLite's historical limit is 999 parameters). */
    private static final int MAX_IN_LIST = 500;

    private static final String META_COLUMNS = "term, leader_id, last_heartbeat_ms, next_seq, next_unbatched_seq, "
            + "next_batch_number, head_batch_hash";
    /** What a pruned envelope or tx encoding reads as ({@link #pruneConfirmed}). */
    private static final byte[] PRUNED = new byte[0];
    private static final String TX_COLUMNS = "seq, tx_hash, canonical_tx, admitted_ms";
    private static final String BATCH_COLUMNS = "batch_number, batch_hash, prev_batch_hash, first_seq, tx_count, "
            + "created_ms, term, tx_root, tx_bytes, envelope_hash, sequencer_pubkey, sequencer_sig, "
            + "idempotency_key, l1_status, l1_tx_id, inclusion_height, post_attempts, last_error, l1_updated_ms";
    private static final String INSERT_TX = "INSERT INTO l2_txs (" + TX_COLUMNS + ") VALUES (?, ?, ?, ?)";
    private static final String INSERT_GROUP = "INSERT INTO l2_tx_groups (first_seq, tx_count, seal) VALUES (?, ?, ?)";
    private static final String INSERT_BATCH = "INSERT INTO l2_batches (" + BATCH_COLUMNS + ") VALUES "
            + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_ENVELOPE =
            "INSERT INTO l2_batch_envelopes (batch_number, l1_envelope) VALUES (?, ?)";
    /** Most bytes of L1 envelopes kept in memory ({@link EnvelopeCache}): some 40 batches of 1,000 small txs. */
    static final long ENVELOPE_CACHE_BYTES = 32L << 20;
    private static final String SELECT_BATCHES = "SELECT " + BATCH_COLUMNS + " FROM l2_batches";

    private final Dialect dialect;
    private final ConnectionSource connections;
    private final String location;
    private final String lockMetaSql;
    private final long lockTimeoutMs;
    private final EnvelopeCache envelopes = new EnvelopeCache(ENVELOPE_CACHE_BYTES);
    /** Null for PostgreSQL and for a SQLite database that is not in WAL mode (in memory). */
    private final SqliteCheckpointer checkpointer;

    private JdbcStorage(Dialect dialect, ConnectionSource connections, String location, long lockTimeoutMs,
            SqliteCheckpointer checkpointer) {
        this.dialect = dialect;
        this.checkpointer = checkpointer;
        this.lockTimeoutMs = lockTimeoutMs;
        this.connections = connections;
        this.location = location;
        this.lockMetaSql = "SELECT " + META_COLUMNS + " FROM l2_meta WHERE id = 1" + dialect.lockMetaRow();
    }

    // ---- opening ---------------------------------------------------------------------------------------------

    /**
     * Opens the store an {@code L2_STORAGE_URL} names, creating its tables if needed.
     *
     * @param url {@code sqlite:PATH}, {@code jdbc:sqlite:…} or {@code jdbc:postgresql://…}
     * @return the open store
     * @throws NullPointerException      if {@code url} is null
     * @throws IllegalArgumentException  if the URL's scheme is not one of those (the message names the scheme)
     * @throws TransientStorageException if the database could not be reached or was busy
     * @throws StorageException          if the database could not be opened, or holds a newer schema version
     */
    public static JdbcStorage open(String url) {
        return open(url, new Properties());
    }

    /**
     * Opens the store an {@code L2_STORAGE_URL} names, with connection properties (for PostgreSQL e.g.
     * {@code user} and {@code password}; see also {@link #LOCK_TIMEOUT_PROPERTY}).
     *
     * @param url        {@code sqlite:PATH}, {@code jdbc:sqlite:…} or {@code jdbc:postgresql://…}
     * @param properties connection properties; not modified, not kept
     * @return the open store
     * @throws NullPointerException      if an argument is null
     * @throws IllegalArgumentException  if the URL's scheme is not one of those (the message names the scheme),
     *                                   or {@value #LOCK_TIMEOUT_PROPERTY} is not a number >= 1
     * @throws TransientStorageException if the database could not be reached or was busy
     * @throws StorageException          if the database could not be opened, or holds a newer schema version
     */
    public static JdbcStorage open(String url, Properties properties) {
        StorageUrl parsed = StorageUrl.parse(url);
        Objects.requireNonNull(properties, "properties");
        return open(parsed, properties);
    }

    /**
     * Checks that {@code url} is a storage URL {@link #open(String)} accepts, without opening anything.
     *
     * @param url the URL
     * @throws IllegalArgumentException naming the problem (and the scheme, never the rest of the URL)
     */
    public static void checkUrl(String url) {
        StorageUrl.parse(url);
    }

    /**
     * Opens (creating if needed) a SQLite store in {@code file}, creating its parent directories.
     *
     * @param file the database file
     * @return the open store
     * @throws NullPointerException      if {@code file} is null
     * @throws TransientStorageException if the database was busy
     * @throws StorageException          if the database could not be opened, or holds a newer schema version
     */
    public static JdbcStorage openSqlite(Path file) {
        Objects.requireNonNull(file, "file");
        return open(new StorageUrl(Dialect.SQLITE, StorageUrl.JDBC_SQLITE_PREFIX + file, file), new Properties());
    }

    /**
     * Opens a PostgreSQL store, creating its tables in the connection's current schema if needed.
     *
     * @param url        a {@code jdbc:postgresql://…} URL
     * @param properties connection properties such as {@code user} and {@code password}; not modified, not kept
     * @return the open store
     * @throws NullPointerException      if an argument is null
     * @throws IllegalArgumentException  if {@code url} is not a {@code jdbc:postgresql:} URL (the message names
     *                                   its scheme), or {@value #LOCK_TIMEOUT_PROPERTY} is not a number >= 1
     * @throws TransientStorageException if the database could not be reached or was busy
     * @throws StorageException          if the database could not be opened, or holds a newer schema version
     */
    public static JdbcStorage openPostgres(String url, Properties properties) {
        StorageUrl parsed = StorageUrl.parse(url);
        if (parsed.dialect() != Dialect.POSTGRES) {
            throw new IllegalArgumentException("openPostgres needs a jdbc:postgresql: URL, not scheme '"
                    + StorageUrl.schemeOf(url) + "'");
        }
        Objects.requireNonNull(properties, "properties");
        return open(parsed, properties);
    }

    private static JdbcStorage open(StorageUrl url, Properties properties) {
        Dialect dialect = url.dialect();
        Properties driverProperties = new Properties();
        if (dialect == Dialect.POSTGRES) {
            driverProperties.setProperty("reWriteBatchedInserts", "true");
            driverProperties.setProperty("ApplicationName", "ippan-l2");
        }
        for (String name : properties.stringPropertyNames()) {
            driverProperties.setProperty(name, properties.getProperty(name));
        }
        long lockTimeoutMs = lockTimeoutMs(driverProperties.getProperty(LOCK_TIMEOUT_PROPERTY));
        driverProperties.remove(LOCK_TIMEOUT_PROPERTY);
        int pageSize = sqlitePageSize(driverProperties.getProperty(SQLITE_PAGE_SIZE_PROPERTY));
        driverProperties.remove(SQLITE_PAGE_SIZE_PROPERTY);
        boolean createIfMissing = createIfMissing(driverProperties.getProperty(CREATE_IF_MISSING_PROPERTY));
        driverProperties.remove(CREATE_IF_MISSING_PROPERTY);
        OpenChecks.IntegrityCheck integrityCheck =
                OpenChecks.IntegrityCheck.parse(driverProperties.getProperty(INTEGRITY_CHECK_PROPERTY));
        driverProperties.remove(INTEGRITY_CHECK_PROPERTY);
        long integrityCheckTimeoutMs = integrityCheckTimeoutMs(
                driverProperties.getProperty(INTEGRITY_CHECK_TIMEOUT_PROPERTY));
        driverProperties.remove(INTEGRITY_CHECK_TIMEOUT_PROPERTY);
        if (url.sqliteFile() != null) {
            if (createIfMissing) {
                createParentDirectories(url.sqliteFile());
            } else {
                OpenChecks.requireExistingFile(url.sqliteFile());
            }
        }
        ConnectionSource.ConnectionFactory plain = plainConnections(url, driverFor(url), driverProperties);
        ConnectionSource.ConnectionFactory factory = sessions(plain, dialect, lockTimeoutMs, pageSize);
        String operation = "opening " + dialect.displayName() + " storage at " + url.redacted();
        ConnectionSource connections;
        try {
            connections = dialect == Dialect.SQLITE
                    ? new SingleConnectionSource(factory)
                    : new PooledConnectionSource(factory, POSTGRES_POOL_SIZE, lockTimeoutMs + 5_000);
        } catch (SQLException e) {
            throw translate(dialect, url.redacted(), operation, e);
        }
        SqliteCheckpointer checkpointer;
        try {
            if (dialect == Dialect.SQLITE) {
                connections.use(connection -> {
                    OpenChecks.checkSqlite(connection, url.redacted(), integrityCheck, integrityCheckTimeoutMs);
                    return null;
                });
            }
            checkpointer = dialect == Dialect.SQLITE && connections.use(JdbcStorage::inWalMode)
                    ? new SqliteCheckpointer(plain, lockTimeoutMs) : null;
        } catch (SQLException | RuntimeException e) {
            try {
                connections.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof SQLException sql ? translate(dialect, url.redacted(), operation, sql)
                    : (RuntimeException) e;
        }
        JdbcStorage storage = new JdbcStorage(dialect, connections, url.redacted(), lockTimeoutMs, checkpointer);
        try {
            storage.write(operation, connection -> {
                Schema.createOrCheck(connection, dialect, createIfMissing, url.redacted());
                if (dialect == Dialect.SQLITE) {
                    OpenChecks.markSqlite(connection);
                }
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
        LOG.info("opened {} storage at {} (schema version {})", dialect.displayName(), url.redacted(),
                Schema.VERSION);
        return storage;
    }

    /** Opens connections to {@code url} with {@code driver}, without session settings. */
    static ConnectionSource.ConnectionFactory plainConnections(StorageUrl url, Driver driver,
            Properties driverProperties) {
        return () -> {
            Connection connection = driver.connect(url.jdbcUrl(), driverProperties);
            if (connection == null) {
                throw new SQLException("the " + url.dialect().displayName() + " driver refused the URL");
            }
            return connection;
        };
    }

    /** Opens connections with {@code plain} and applies the dialect's session settings, closing on failure. */
    static ConnectionSource.ConnectionFactory sessions(ConnectionSource.ConnectionFactory plain, Dialect dialect,
            long lockTimeoutMs, int pageSize) {
        return () -> {
            Connection connection = plain.open();
            try {
                dialect.initSession(connection, lockTimeoutMs, pageSize);
                return connection;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        };
    }

    /** The value of {@link #LOCK_TIMEOUT_PROPERTY} (null: the default), checked. */
    static long lockTimeoutMs(String value) {
        // 0 would mean "fail at once" to SQLite but "wait for ever" to PostgreSQL's lock_timeout: at least 1
        return positiveMs(value, DEFAULT_LOCK_TIMEOUT_MS, LOCK_TIMEOUT_PROPERTY);
    }

    /** A property's number of ms, at least 1 ({@code defaultMs} when the property is unset). */
    private static long positiveMs(String value, long defaultMs, String property) {
        if (value == null) {
            return defaultMs;
        }
        try {
            long ms = Long.parseLong(value.trim());
            if (ms >= 1) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(property + " must be a number of ms >= 1, was '" + value + "'");
    }

    /** The value of {@link #CREATE_IF_MISSING_PROPERTY} (null: true), checked. */
    static boolean createIfMissing(String value) {
        if (value == null || value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(CREATE_IF_MISSING_PROPERTY + " must be true or false, was '" + value + "'");
    }

    /** The value of {@link #INTEGRITY_CHECK_TIMEOUT_PROPERTY} (null: the default), checked. */
    static long integrityCheckTimeoutMs(String value) {
        return positiveMs(value, DEFAULT_INTEGRITY_CHECK_TIMEOUT_MS, INTEGRITY_CHECK_TIMEOUT_PROPERTY);
    }

    /** The value of {@link #SQLITE_PAGE_SIZE_PROPERTY} (null: the default), checked. */
    static int sqlitePageSize(String value) {
        if (value == null) {
            return DEFAULT_SQLITE_PAGE_SIZE;
        }
        try {
            int bytes = Integer.parseInt(value.trim());
            if (bytes >= 512 && bytes <= 65_536 && Integer.bitCount(bytes) == 1) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(SQLITE_PAGE_SIZE_PROPERTY
                + " must be a power of two from 512 to 65536, was '" + value + "'");
    }

    private static boolean inWalMode(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("PRAGMA journal_mode");
                ResultSet row = select.executeQuery()) {
            return row.next() && "wal".equalsIgnoreCase(row.getString(1));
        }
    }

    /** Creates the directories {@code file} lies in; a failure is a {@link StorageException}. */
    static void createParentDirectories(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null) {
            return;
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new StorageException("cannot create the directory " + parent + " for the SQLite database", e);
        }
    }

    /**
     * The driver for the URL. Loading the driver class by name first makes it register even where service
     * loading does not find it (e.g. a fat jar whose {@code META-INF/services} files were not merged).
     */
    static Driver driverFor(StorageUrl url) {
        String driverClass = url.dialect().driverClassName();
        try {
            Class.forName(driverClass, true, JdbcStorage.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.debug("JDBC driver class {} not loadable by name; relying on service loading", driverClass, e);
        }
        try {
            return DriverManager.getDriver(url.jdbcUrl());
        } catch (SQLException e) {
            throw new StorageException("no " + url.dialect().displayName() + " JDBC driver (" + driverClass
                    + ") is available", e);
        }
    }

    // ---- leadership ------------------------------------------------------------------------------------------

    @Override
    public TermClaim claimTerm(long term, String leaderId, long nowMs) {
        StorageArguments.requireTerm(term);
        Objects.requireNonNull(leaderId, "leaderId");
        return write("claimTerm", connection -> {
            Meta meta = lockMeta(connection);
            TermClaim claim = TermRules.claim(meta.term(), meta.leaderId(), term, leaderId);
            if (claim instanceof TermRefused) {
                return rollBack(claim);
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE l2_meta SET term = ?, leader_id = ?, last_heartbeat_ms = ? WHERE id = 1")) {
                update.setLong(1, term);
                update.setString(2, leaderId);
                update.setLong(3, nowMs);
                expectOneRow(update.executeUpdate(), "l2_meta");
            }
            return commit(claim);
        });
    }

    @Override
    public LeaderRecord readLeader() {
        return withConnection("readLeader", connection -> {
            Meta meta = readMeta(connection, "SELECT " + META_COLUMNS + " FROM l2_meta WHERE id = 1");
            return new LeaderRecord(meta.term(), meta.leaderId(), meta.lastHeartbeatMs());
        });
    }

    @Override
    public WriteOutcome heartbeat(long term, long nowMs) {
        StorageArguments.requireTerm(term);
        return write("heartbeat", connection -> {
            Meta meta = lockMeta(connection);
            if (meta.term() != term) {
                return rollBack(new Fenced(meta.term()));
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE l2_meta SET last_heartbeat_ms = ? WHERE id = 1")) {
                update.setLong(1, nowMs);
                expectOneRow(update.executeUpdate(), "l2_meta");
            }
            return commit(new Written());
        });
    }

    // ---- admission -------------------------------------------------------------------------------------------

    @Override
    public AppendOutcome appendTxs(long term, TxAppend txs) {
        StorageArguments.requireTerm(term);
        Objects.requireNonNull(txs, "txs");
        return write("appendTxs", connection -> {
            Meta meta = lockMeta(connection);
            if (meta.term() != term) {
                return rollBack(new Fenced(meta.term()));
            }
            if (txs.isEmpty()) {
                return rollBack(new Appended());
            }
            Map<ByteBuffer, Long> seqByHash = storedSeqs(connection, txs);
            long nextSeq = meta.nextSeq();
            try (PreparedStatement insert = connection.prepareStatement(INSERT_TX)) {
                for (int i = 0; i < txs.size(); i++) {
                    ByteBuffer key = ByteBuffer.wrap(txs.txHash(i));
                    Long existing = seqByHash.get(key);
                    if (existing != null) {
                        txs.duplicate(i, existing);
                        continue;
                    }
                    long seq = nextSeq++;
                    seqByHash.put(key, seq);
                    insert.setLong(1, seq);
                    insert.setBytes(2, txs.txHash(i));
                    insert.setBytes(3, txs.canonicalTx(i));
                    insert.setLong(4, txs.admittedMs(i));
                    insert.addBatch();
                    txs.stored(i, seq);
                }
                if (nextSeq == meta.nextSeq()) {
                    return rollBack(new Appended());
                }
                insert.executeBatch();
            }
            byte[] seal = txs.sealStored(meta.nextSeq(), Math.toIntExact(nextSeq - meta.nextSeq()));
            if (seal != null) {
                try (PreparedStatement group = connection.prepareStatement(INSERT_GROUP)) {
                    group.setLong(1, meta.nextSeq());
                    group.setInt(2, Math.toIntExact(nextSeq - meta.nextSeq()));
                    group.setBytes(3, seal);
                    group.executeUpdate();
                }
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE l2_meta SET next_seq = ? WHERE id = 1")) {
                update.setLong(1, nextSeq);
                expectOneRow(update.executeUpdate(), "l2_meta");
            }
            return commit(new Appended());
        });
    }

    /** The seqs of the stored txs among {@code txs}, by hash (a mutable map). */
    private static Map<ByteBuffer, Long> storedSeqs(Connection connection, TxAppend txs) throws SQLException {
        Set<ByteBuffer> distinct = new LinkedHashSet<>();
        for (int i = 0; i < txs.size(); i++) {
            distinct.add(ByteBuffer.wrap(txs.txHash(i)));
        }
        List<ByteBuffer> hashes = new ArrayList<>(distinct);
        Map<ByteBuffer, Long> seqByHash = new HashMap<>();
        for (int from = 0; from < hashes.size(); from += MAX_IN_LIST) {
            List<ByteBuffer> chunk = hashes.subList(from, Math.min(hashes.size(), from + MAX_IN_LIST));
            String sql = "SELECT tx_hash, seq FROM l2_txs WHERE tx_hash IN (" + placeholders(chunk.size()) + ")";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                for (int i = 0; i < chunk.size(); i++) {
                    select.setBytes(i + 1, chunk.get(i).array());
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        seqByHash.put(ByteBuffer.wrap(rows.getBytes(1)), rows.getLong(2));
                    }
                }
            }
        }
        return seqByHash;
    }

    @Override
    public Optional<StoredTx> findTx(byte[] txHash) {
        StorageArguments.requireHash(txHash, "txHash");
        return withConnection("findTx", connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT " + TX_COLUMNS + " FROM l2_txs WHERE tx_hash = ?")) {
                select.setBytes(1, txHash);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(readTx(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Optional<SealedGroup> findSealedGroup(long seq) {
        StorageArguments.requirePositive(seq, "seq");
        return withConnection("findSealedGroup", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT first_seq, tx_count, seal"
                    + " FROM l2_tx_groups WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1")) {
                select.setLong(1, seq);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    SealedGroup group = new SealedGroup(rows.getLong(1), rows.getInt(2), rows.getBytes(3));
                    return group.contains(seq) ? Optional.of(group) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<StoredTx> readTxs(long fromSeq, int maxCount) {
        StorageArguments.requirePositive(fromSeq, "fromSeq");
        StorageArguments.requireMaxCount(maxCount);
        return withConnection("readTxs", connection -> {
            // Seqs are contiguous, so the first maxCount from fromSeq are exactly [fromSeq, fromSeq + maxCount).
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + TX_COLUMNS + " FROM l2_txs WHERE seq >= ? ORDER BY seq LIMIT ?")) {
                select.setLong(1, fromSeq);
                select.setInt(2, maxCount);
                try (ResultSet rows = select.executeQuery()) {
                    List<StoredTx> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(readTx(rows));
                    }
                    return List.copyOf(result);
                }
            }
        });
    }

    @Override
    public SequenceState readSequenceState() {
        return withConnection("readSequenceState",
                connection -> readMeta(connection, "SELECT " + META_COLUMNS + " FROM l2_meta WHERE id = 1")
                        .sequenceState());
    }

    // ---- batches ---------------------------------------------------------------------------------------------

    @Override
    public CommitOutcome commitBatch(long term, NewBatch batch) {
        StorageArguments.requireTerm(term);
        Objects.requireNonNull(batch, "batch");
        StorageArguments.requireBatchOfTerm(batch, term);
        CommitOutcome outcome = write("commitBatch", connection -> {
            Meta meta = lockMeta(connection);
            if (meta.term() != term) {
                return rollBack(new Fenced(meta.term()));
            }
            SequenceState state = meta.sequenceState();
            Optional<Conflict> conflict = BatchChainRules.commitConflict(state, batch,
                    batchHash -> storedBatchNumber(connection, batchHash));
            if (conflict.isPresent()) {
                return rollBack(conflict.get());
            }
            SequenceState next = BatchChainRules.afterCommit(state, batch);
            try (PreparedStatement insert = connection.prepareStatement(INSERT_BATCH)) {
                bindBatch(insert, batch, BatchL1State.committed(batch.createdMs()));
                expectOneRow(insert.executeUpdate(), "l2_batches");
            }
            try (PreparedStatement insert = connection.prepareStatement(INSERT_ENVELOPE)) {
                insert.setLong(1, batch.batchNumber());
                insert.setBytes(2, batch.l1Envelope());
                expectOneRow(insert.executeUpdate(), "l2_batch_envelopes");
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE l2_meta SET next_unbatched_seq = ?, "
                    + "next_batch_number = ?, head_batch_hash = ? WHERE id = 1")) {
                update.setLong(1, next.nextUnbatchedSeq());
                update.setLong(2, next.nextBatchNumber());
                update.setBytes(3, next.headBatchHash());
                expectOneRow(update.executeUpdate(), "l2_meta");
            }
            return commit(new Committed(next));
        });
        if (outcome instanceof Committed) {
            envelopes.put(batch.batchNumber(), batch.l1Envelope());
        }
        return outcome;
    }

    /** The number of the stored batch with hash {@code batchHash}, if any. */
    private static OptionalLong storedBatchNumber(Connection connection, byte[] batchHash) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT batch_number FROM l2_batches WHERE batch_hash = ?")) {
            select.setBytes(1, batchHash);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    @Override
    public WriteOutcome updateL1State(long term, long batchNumber, BatchL1State state) {
        StorageArguments.requireTerm(term);
        StorageArguments.requirePositive(batchNumber, "batchNumber");
        Objects.requireNonNull(state, "state");
        return write("updateL1State", connection -> {
            Meta meta = lockMeta(connection);
            if (meta.term() != term) {
                return rollBack(new Fenced(meta.term()));
            }
            Optional<Conflict> conflict = BatchChainRules.l1UpdateConflict(meta.nextBatchNumber(), batchNumber);
            if (conflict.isPresent()) {
                return rollBack(conflict.get());
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE l2_batches SET l1_status = ?, "
                    + "l1_tx_id = ?, inclusion_height = ?, post_attempts = ?, last_error = ?, l1_updated_ms = ? "
                    + "WHERE batch_number = ?")) {
                update.setString(1, state.status().name());
                update.setString(2, state.l1TxId());
                update.setLong(3, state.inclusionHeight());
                update.setInt(4, state.postAttempts());
                update.setString(5, state.lastError());
                update.setLong(6, state.updatedMs());
                update.setLong(7, batchNumber);
                expectOneRow(update.executeUpdate(), "l2_batches");
            }
            return commit(new Written());
        });
    }

    @Override
    public PruneOutcome pruneConfirmed(long term, long throughBatchNumber, int maxBatches) {
        StorageArguments.requireTerm(term);
        StorageArguments.requireNonNegative(throughBatchNumber, "throughBatchNumber");
        StorageArguments.requirePositive(maxBatches, "maxBatches");
        List<Long> pruned = new ArrayList<>();
        try {
            return write("pruneConfirmed", connection -> {
                pruned.clear();
                Meta meta = lockMeta(connection);
                if (meta.term() != term) {
                    return rollBack(new Fenced(meta.term()));
                }
                // driven by the envelope rows, which only unpruned batches have: lowest first, no pruned rows read
                List<long[]> due = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement("SELECT b.batch_number, b.first_seq, "
                        + "b.tx_count FROM l2_batch_envelopes e JOIN l2_batches b ON b.batch_number = e.batch_number"
                        + " WHERE e.batch_number <= ? AND b.l1_status = ? ORDER BY e.batch_number LIMIT ?")) {
                    select.setLong(1, throughBatchNumber);
                    select.setString(2, L1Status.CONFIRMED.name());
                    select.setInt(3, maxBatches);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            due.add(new long[] {rows.getLong(1), rows.getLong(2), rows.getLong(3)});
                        }
                    }
                }
                for (long[] batch : due) {
                    try (PreparedStatement delete =
                            connection.prepareStatement("DELETE FROM l2_batch_envelopes WHERE batch_number = ?")) {
                        delete.setLong(1, batch[0]);
                        expectOneRow(delete.executeUpdate(), "l2_batch_envelopes");
                    }
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE l2_txs SET canonical_tx = ? WHERE seq >= ? AND seq < ?")) {
                        update.setBytes(1, PRUNED);
                        update.setLong(2, batch[1]);
                        update.setLong(3, batch[1] + batch[2]);
                        update.executeUpdate();
                    }
                    pruned.add(batch[0]);
                }
                return commit(new Pruned(due.size()));
            });
        } finally {
            // whatever the outcome, even an unknown one: a dropped envelope is read again if it is still stored
            envelopes.drop(pruned);
        }
    }

    @Override
    public PruneOutcome forgetConfirmed(long term, long throughBatchNumber, int maxBatches) {
        StorageArguments.requireTerm(term);
        StorageArguments.requireNonNegative(throughBatchNumber, "throughBatchNumber");
        StorageArguments.requirePositive(maxBatches, "maxBatches");
        List<Long> forgotten = new ArrayList<>();
        try {
            return write("forgetConfirmed", connection -> {
                forgotten.clear();
                Meta meta = lockMeta(connection);
                if (meta.term() != term) {
                    return rollBack(new Fenced(meta.term()));
                }
                long last = cursorValue(connection, Storage.FORGOTTEN_THROUGH_CURSOR);
                long endSeq = 0;
                // in order from the first batch still known, stopping before the first one not confirmed
                try (PreparedStatement select = connection.prepareStatement("SELECT batch_number, first_seq, "
                        + "tx_count, l1_status FROM l2_batches WHERE batch_number > ? AND batch_number <= ? "
                        + "ORDER BY batch_number LIMIT ?")) {
                    select.setLong(1, last);
                    select.setLong(2, throughBatchNumber);
                    select.setInt(3, maxBatches);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next() && rows.getLong(1) == last + 1
                                && L1Status.CONFIRMED.name().equals(rows.getString(4))) {
                            last = rows.getLong(1);
                            endSeq = rows.getLong(2) + rows.getLong(3);
                            forgotten.add(last);
                        }
                    }
                }
                if (forgotten.isEmpty()) {
                    return rollBack(new Pruned(0));
                }
                // children before parents (foreign keys): envelopes and group seals, then batches, then txs
                deleteBelow(connection, "DELETE FROM l2_batch_envelopes WHERE batch_number <= ?", last);
                deleteBelow(connection, "DELETE FROM l2_tx_groups WHERE first_seq < ?", endSeq);
                deleteBelow(connection, "DELETE FROM l2_batches WHERE batch_number <= ?", last);
                deleteBelow(connection, "DELETE FROM l2_txs WHERE seq < ?", endSeq);
                upsertCursor(connection, Storage.FORGOTTEN_THROUGH_CURSOR, last);
                return commit(new Pruned(forgotten.size()));
            });
        } finally {
            // whatever the outcome, even an unknown one: a dropped envelope is read again if it is still stored
            envelopes.drop(forgotten);
        }
    }

    private static void deleteBelow(Connection connection, String sql, long bound) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setLong(1, bound);
            delete.executeUpdate();
        }
    }

    @Override
    public Optional<StoredBatch> findBatch(byte[] batchHash) {
        StorageArguments.requireHash(batchHash, "batchHash");
        return withConnection("findBatch", connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_BATCHES + " WHERE batch_hash = ?")) {
                select.setBytes(1, batchHash);
                return firstBatch(connection, select);
            }
        });
    }

    @Override
    public Optional<StoredBatch> findBatchByNumber(long batchNumber) {
        StorageArguments.requirePositive(batchNumber, "batchNumber");
        return withConnection("findBatchByNumber", connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement(SELECT_BATCHES + " WHERE batch_number = ?")) {
                select.setLong(1, batchNumber);
                return firstBatch(connection, select);
            }
        });
    }

    @Override
    public Optional<StoredBatch> findBatchContaining(long seq) {
        StorageArguments.requirePositive(seq, "seq");
        return withConnection("findBatchContaining", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    SELECT_BATCHES + " WHERE first_seq <= ? ORDER BY first_seq DESC LIMIT 1")) {
                select.setLong(1, seq);
                return firstBatch(connection, select).filter(candidate -> candidate.batch().containsSeq(seq));
            }
        });
    }

    @Override
    public List<StoredBatch> listBatches(long fromNumber, int maxCount) {
        StorageArguments.requirePositive(fromNumber, "fromNumber");
        StorageArguments.requireMaxCount(maxCount);
        return withConnection("listBatches", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    SELECT_BATCHES + " WHERE batch_number >= ? ORDER BY batch_number LIMIT ?")) {
                select.setLong(1, fromNumber);
                select.setInt(2, maxCount);
                return allBatches(connection, select);
            }
        });
    }

    @Override
    public List<StoredBatch> listBatchesInStatus(Set<L1Status> statuses, int maxCount) {
        Objects.requireNonNull(statuses, "statuses");
        StorageArguments.requireMaxCount(maxCount);
        List<L1Status> wanted = new ArrayList<>(statuses.size());
        for (L1Status status : statuses) {
            wanted.add(Objects.requireNonNull(status, "statuses element"));
        }
        return withConnection("listBatchesInStatus", connection -> {
            if (wanted.isEmpty()) {
                return List.of();
            }
            // The numbers come from the (l1_status, batch_number) index alone and only they are sorted, not rows.
            try (PreparedStatement select = connection.prepareStatement(SELECT_BATCHES + " WHERE batch_number IN ("
                    + "SELECT batch_number FROM l2_batches WHERE l1_status IN (" + placeholders(wanted.size())
                    + ") ORDER BY batch_number LIMIT ?) ORDER BY batch_number")) {
                for (int i = 0; i < wanted.size(); i++) {
                    select.setString(i + 1, wanted.get(i).name());
                }
                select.setInt(wanted.size() + 1, maxCount);
                return allBatches(connection, select);
            }
        });
    }

    @Override
    public BatchCounts countBatches() {
        return withConnection("countBatches", connection -> {
            Map<L1Status, Long> counts = new EnumMap<>(L1Status.class);
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT l1_status, COUNT(*) FROM l2_batches GROUP BY l1_status");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.put(status(rows.getString(1)), rows.getLong(2));
                }
            }
            return new BatchCounts(
                    counts.getOrDefault(L1Status.COMMITTED, 0L),
                    counts.getOrDefault(L1Status.POSTED, 0L),
                    counts.getOrDefault(L1Status.INCLUDED, 0L),
                    counts.getOrDefault(L1Status.CONFIRMED, 0L),
                    counts.getOrDefault(L1Status.FAILED, 0L));
        });
    }

    // ---- maintenance -----------------------------------------------------------------------------------------

    /**
     * Copies the SQLite write-ahead log into the database file, most of it beside the writer rather than inside a
     * commit; a maintenance step for the host to call on its own executor, e.g. every second (the node does).
     *
     * <p>Without it SQLite checkpoints inside the commit that crosses ~40 MB of WAL, and that commit (one
     * admission group) waits for the whole copy. Here the bulk is copied by a second connection while commits go
     * on; only the last frames (about {@value SqliteCheckpointer#TAIL_BYTES} bytes at most, unless commits outpace
     * the copy) are copied under the writer's lock, so that the log can start over. The first call also raises
     * the in-commit checkpoint's limit to {@value SqliteCheckpointer#FALLBACK_AUTOCHECKPOINT_BYTES} bytes of WAL,
     * a fallback that keeps the log bounded should the calls stop. Nothing acknowledged depends on it: every
     * commit is already durable in the log. Safe to call from any thread; concurrent calls run one at a time.
     *
     * @return the log frames (pages) now in the database file; 0 for PostgreSQL (which needs no such step), for a
     *         SQLite database that is not in WAL mode, or when the log was empty
     * @throws StorageException "storage is closed" after {@link #close()}, or when the checkpoint failed
     */
    public long checkpoint() {
        if (checkpointer == null) {
            return 0;
        }
        try {
            return checkpointer.checkpoint(connections);
        } catch (SQLException e) {
            throw translate("checkpointing " + dialect.displayName() + " storage at " + location, e);
        }
    }

    // ---- forced inclusion ------------------------------------------------------------------------------------

    private static final String TICKET_COLUMNS =
            "tx_hash, account, canonical_tx, created_ms, inbox_index, inbox_l1_height";

    @Override
    public WriteOutcome saveCursor(long term, String name, long value) {
        StorageArguments.requireTerm(term);
        StorageArguments.requireWritableCursorName(name);
        StorageArguments.requireNonNegative(value, "value");
        return write("saveCursor", connection -> {
            Meta meta = lockMeta(connection);
            if (meta.term() != term) {
                return rollBack(new Fenced(meta.term()));
            }
            upsertCursor(connection, name, value);
            return commit(new Written());
        });
    }

    @Override
    public long readCursor(String name) {
        StorageArguments.requireCursorName(name);
        return withConnection("readCursor", connection -> cursorValue(connection, name));
    }

    private static long cursorValue(Connection connection, String name) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT cursor_value FROM l2_cursors WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0L;
            }
        }
    }

    private static void upsertCursor(Connection connection, String name, long value) throws SQLException {
        // both SQLite (3.24+) and PostgreSQL (9.5+) speak this upsert
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO l2_cursors (name, cursor_value)"
                + " VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET cursor_value = excluded.cursor_value")) {
            upsert.setString(1, name);
            upsert.setLong(2, value);
            upsert.executeUpdate();
        }
    }

    @Override
    public WriteOutcome saveSetting(long term, String name, String value) {
        StorageArguments.requireTerm(term);
        StorageArguments.requireCursorName(name);
        StorageArguments.requireSettingValue(value);
        return write("saveSetting", connection -> {
            Meta meta = lockMeta(connection);
            if (meta.term() != term) {
                return rollBack(new Fenced(meta.term()));
            }
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO l2_settings (name, setting_value)"
                    + " VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET setting_value = excluded.setting_value")) {
                upsert.setString(1, name);
                upsert.setString(2, value);
                upsert.executeUpdate();
            }
            return commit(new Written());
        });
    }

    @Override
    public Optional<String> readSetting(String name) {
        StorageArguments.requireCursorName(name);
        return withConnection("readSetting", connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT setting_value FROM l2_settings WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public WriteOutcome saveForcedTicket(long term, ForcedTicket ticket) {
        StorageArguments.requireTerm(term);
        Objects.requireNonNull(ticket, "ticket");
        return write("saveForcedTicket", connection -> {
            Meta meta = lockMeta(connection);
            if (meta.term() != term) {
                return rollBack(new Fenced(meta.term()));
            }
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT 1 FROM l2_forced_tickets WHERE tx_hash = ?")) {
                select.setBytes(1, ticket.txHash());
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        return rollBack(ForcedTicket.duplicateConflict(ticket.txHash()));
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO l2_forced_tickets (" + TICKET_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setBytes(1, ticket.txHash());
                insert.setString(2, ticket.account());
                insert.setBytes(3, ticket.canonicalTx());
                insert.setLong(4, ticket.createdMs());
                insert.setLong(5, ticket.inboxIndex());
                insert.setLong(6, ticket.inboxL1Height());
                expectOneRow(insert.executeUpdate(), "l2_forced_tickets");
            }
            return commit(new Written());
        });
    }

    @Override
    public Optional<ForcedTicket> findForcedTicket(byte[] txHash) {
        StorageArguments.requireHash(txHash, "txHash");
        return withConnection("findForcedTicket", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + TICKET_COLUMNS + " FROM l2_forced_tickets WHERE tx_hash = ?")) {
                select.setBytes(1, txHash);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(readTicket(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<ForcedTicket> listForcedTickets(String account, int maxCount) {
        Objects.requireNonNull(account, "account");
        StorageArguments.requireMaxCount(maxCount);
        return withConnection("listForcedTickets", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + TICKET_COLUMNS
                    + " FROM l2_forced_tickets WHERE account = ? ORDER BY inbox_index DESC LIMIT ?")) {
                select.setString(1, account);
                select.setInt(2, maxCount);
                try (ResultSet rows = select.executeQuery()) {
                    List<ForcedTicket> tickets = new ArrayList<>();
                    while (rows.next()) {
                        tickets.add(readTicket(rows));
                    }
                    return List.copyOf(tickets);
                }
            }
        });
    }

    private static ForcedTicket readTicket(ResultSet row) throws SQLException {
        return new ForcedTicket(row.getBytes(1), row.getString(2), row.getBytes(3), row.getLong(4), row.getLong(5),
                row.getLong(6));
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    @Override
    public void close() {
        try {
            if (checkpointer != null) {
                checkpointer.close();
            }
            connections.close();
        } catch (SQLException e) {
            throw new StorageException("closing " + dialect.displayName() + " storage at " + location
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** The database and where it is, without credentials. */
    @Override
    public String toString() {
        return "JdbcStorage[" + dialect.displayName() + " " + location + "]";
    }

    // ---- transactions ----------------------------------------------------------------------------------------

    /** The body of a write transaction: decides its outcome and whether to commit. */
    /** Runs {@code body} in one write transaction; nothing of it is applied unless it decides to commit. */
    private <T> T write(String operation, WriteTransaction.Body<T> body) {
        return withConnection(operation, connection -> WriteTransaction.run(dialect, connection, lockTimeoutMs, body));
    }

    /** Runs {@code work} on a connection, turning SQL failures into storage exceptions. */
    private <T> T withConnection(String operation, ConnectionSource.SqlWork<T> work) {
        try {
            return connections.use(work);
        } catch (SQLException e) {
            throw translate(operation, e);
        }
    }

    private StorageException translate(String operation, SQLException e) {
        return translate(dialect, location, operation, e);
    }

    /**
     * The typed storage failure of {@code e}: full, corrupt (naming {@code location}, the file or database),
     * transient or other.
     */
    static StorageException translate(Dialect dialect, String location, String operation, SQLException e) {
        String message = operation + " failed: " + e.getMessage();
        if (dialect.isCorrupt(e)) {
            return new StorageCorruptException(location, operation + " failed: " + dialect.displayName()
                    + " database " + location + " is damaged (restore it from a backup, see the README): "
                    + e.getMessage(), e);
        }
        if (dialect.isFull(e)) {
            return new StorageFullException(operation + " failed: " + dialect.displayName() + " storage at "
                    + location + " is full: " + e.getMessage(), e);
        }
        return dialect.isTransient(e) ? new TransientStorageException(message, e) : new StorageException(message, e);
    }

    // ---- rows ------------------------------------------------------------------------------------------------

    /** The meta row, as read at the start of a write (locked) or by a read. */
    private record Meta(long term, String leaderId, long lastHeartbeatMs, long nextSeq, long nextUnbatchedSeq,
            long nextBatchNumber, byte[] headBatchHash) {

        SequenceState sequenceState() {
            return new SequenceState(nextSeq, nextUnbatchedSeq, nextBatchNumber, headBatchHash);
        }
    }

    private Meta lockMeta(Connection connection) throws SQLException {
        return readMeta(connection, lockMetaSql);
    }

    private static Meta readMeta(Connection connection, String sql) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql);
                ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("the l2_meta row is missing: the database is damaged or not an L2 store");
            }
            return new Meta(row.getLong(1), row.getString(2), row.getLong(3), row.getLong(4), row.getLong(5),
                    row.getLong(6), blob(row, 7));
        }
    }

    private static StoredTx readTx(ResultSet row) throws SQLException {
        return new StoredTx(row.getLong(1), blob(row, 2), blob(row, 3), row.getLong(4));
    }

    private Optional<StoredBatch> firstBatch(Connection connection, PreparedStatement select) throws SQLException {
        List<StoredBatch> batches = allBatches(connection, select);
        return batches.isEmpty() ? Optional.empty() : Optional.of(batches.get(0));
    }

    /** Reads the rows of {@code select} (of {@link #BATCH_COLUMNS}) and adds their envelopes. */
    private List<StoredBatch> allBatches(Connection connection, PreparedStatement select) throws SQLException {
        List<BatchRow> rows = new ArrayList<>();
        try (ResultSet result = select.executeQuery()) {
            while (result.next()) {
                rows.add(readBatchRow(result));
            }
        }
        long epoch = envelopes.epoch();
        Map<Long, byte[]> found = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (BatchRow row : rows) {
            byte[] envelope = envelopes.get(row.batchNumber());
            if (envelope != null) {
                found.put(row.batchNumber(), envelope);
            } else {
                missing.add(row.batchNumber());
            }
        }
        for (int from = 0; from < missing.size(); from += MAX_IN_LIST) {
            List<Long> chunk = missing.subList(from, Math.min(missing.size(), from + MAX_IN_LIST));
            try (PreparedStatement read = connection.prepareStatement("SELECT batch_number, l1_envelope FROM "
                    + "l2_batch_envelopes WHERE batch_number IN (" + placeholders(chunk.size()) + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    read.setLong(i + 1, chunk.get(i));
                }
                try (ResultSet result = read.executeQuery()) {
                    while (result.next()) {
                        long number = result.getLong(1);
                        byte[] envelope = blob(result, 2);
                        envelopes.put(number, envelope, epoch);
                        found.put(number, envelope);
                    }
                }
            }
        }
        List<StoredBatch> batches = new ArrayList<>(rows.size());
        for (BatchRow row : rows) {
            // a batch without an envelope row was pruned (pruneConfirmed): its envelope reads as empty
            byte[] envelope = found.get(row.batchNumber());
            batches.add(row.withEnvelope(envelope == null ? PRUNED : envelope));
        }
        return List.copyOf(batches);
    }

    private static void bindBatch(PreparedStatement insert, NewBatch batch, BatchL1State state) throws SQLException {
        insert.setLong(1, batch.batchNumber());
        insert.setBytes(2, batch.batchHash());
        insert.setBytes(3, batch.prevBatchHash());
        insert.setLong(4, batch.firstSeq());
        insert.setInt(5, batch.txCount());
        insert.setLong(6, batch.createdMs());
        insert.setLong(7, batch.term());
        insert.setBytes(8, batch.txRoot());
        insert.setLong(9, batch.txBytes());
        insert.setBytes(10, batch.envelopeHash());
        insert.setBytes(11, batch.sequencerPubkey());
        insert.setBytes(12, batch.sequencerSig());
        insert.setBytes(13, batch.idempotencyKey());
        insert.setString(14, state.status().name());
        insert.setString(15, state.l1TxId());
        insert.setLong(16, state.inclusionHeight());
        insert.setInt(17, state.postAttempts());
        insert.setString(18, state.lastError());
        insert.setLong(19, state.updatedMs());
    }

    /** A row of {@code l2_batches}: everything of a stored batch but its L1 envelope. */
    private record BatchRow(long batchNumber, byte[] batchHash, byte[] prevBatchHash, long firstSeq, int txCount,
            long createdMs, long term, byte[] txRoot, long txBytes, byte[] envelopeHash, byte[] sequencerPubkey,
            byte[] sequencerSig, byte[] idempotencyKey, BatchL1State state) {

        StoredBatch withEnvelope(byte[] l1Envelope) {
            return new StoredBatch(new NewBatch(batchNumber, batchHash, prevBatchHash, firstSeq, txCount, createdMs,
                    term, txRoot, txBytes, envelopeHash, sequencerPubkey, sequencerSig, idempotencyKey, l1Envelope),
                    state);
        }
    }

    /** Reads a row of {@link #BATCH_COLUMNS}. */
    private static BatchRow readBatchRow(ResultSet row) throws SQLException {
        BatchL1State state = new BatchL1State(status(row.getString(14)), row.getString(15), row.getLong(16),
                row.getInt(17), row.getString(18), row.getLong(19));
        return new BatchRow(row.getLong(1), blob(row, 2), blob(row, 3), row.getLong(4), row.getInt(5),
                row.getLong(6), row.getLong(7), blob(row, 8), row.getLong(9), blob(row, 10), blob(row, 11),
                blob(row, 12), blob(row, 13), state);
    }

    /** A NOT NULL byte column; some drivers read an empty blob as null. */
    private static byte[] blob(ResultSet row, int column) throws SQLException {
        byte[] bytes = row.getBytes(column);
        return bytes == null ? new byte[0] : bytes;
    }

    private static L1Status status(String name) throws SQLException {
        try {
            return L1Status.valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SQLException("unknown L1 status '" + name + "' in l2_batches", e);
        }
    }

    private static void expectOneRow(int updated, String table) throws SQLException {
        if (updated != 1) {
            throw new SQLException("expected to write 1 row of " + table + ", wrote " + updated);
        }
    }

    private static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
