package org.ippan.l2.storage.jdbc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;

import org.ippan.l2.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process per identity on one store: held for the life of the process that leads as {@code leaderId}, so that a
 * second process started with the same id on the same store is refused at start, while a restart after
 * {@code kill -9} proceeds at once (the operating system or the database lets go with the process).
 *
 * <ul>
 *   <li>SQLite: an OS lock ({@link FileChannel#tryLock()}) on a lock file beside the database,
 *       {@code <database>.<id>.lock}, holding the holder's process id for the refusal message. The file is left
 *       behind on close: deleting it would let a racing opener lock a file another has just unlinked.</li>
 *   <li>PostgreSQL: a session advisory lock ({@code pg_try_advisory_lock}) keyed by a hash of the id and the
 *       connection's schema, held by a connection of its own until {@link #close()}. If that connection is lost
 *       the lock is gone too: the term in storage still fences every write (the lock only refuses a second
 *       process at start).</li>
 *   <li>A SQLite database that is not a plain file (in memory) needs no lock: nothing else can open it.</li>
 * </ul>
 * The term fencing in storage is what keeps writes safe; this lock only turns a misconfiguration (two processes,
 * one id) into a refused start instead of two leaders logging conflicts.
 */
public final class IdentityLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityLock.class);

    private final String description;
    private final FileChannel channel;
    private final FileLock fileLock;
    private final Connection connection;

    private IdentityLock(String description, FileChannel channel, FileLock fileLock, Connection connection) {
        this.description = description;
        this.channel = channel;
        this.fileLock = fileLock;
        this.connection = connection;
    }

    /**
     * Takes the lock for {@code leaderId} on the store {@code storageUrl} names, without waiting.
     *
     * @param storageUrl an {@code L2_STORAGE_URL}
     * @param properties connection properties (PostgreSQL {@code user}, {@code password}); not kept
     * @param leaderId   the identity
     * @return the held lock; close it when the process stops leading for good
     * @throws IdentityLockException   if another process holds it (naming the lock and the holder)
     * @throws IllegalArgumentException if the URL is not a storage URL
     * @throws StorageException        if the lock could not be taken for another reason
     */
    public static IdentityLock acquire(String storageUrl, Properties properties, String leaderId) {
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(leaderId, "leaderId");
        StorageUrl url = StorageUrl.parse(storageUrl);
        if (url.dialect() == Dialect.POSTGRES) {
            return acquirePostgres(url, properties, leaderId);
        }
        if (url.sqliteFile() == null) {
            return new IdentityLock("no lock (SQLite database not in a file)", null, null, null);
        }
        return acquireFile(lockFile(url.sqliteFile(), leaderId), leaderId);
    }

    /** As {@link #acquire(String, Properties, String)} without connection properties. */
    public static IdentityLock acquire(String storageUrl, String leaderId) {
        return acquire(storageUrl, new Properties(), leaderId);
    }

    /** The lock file of {@code leaderId} beside {@code database}. */
    static Path lockFile(Path database, String leaderId) {
        String safe = leaderId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (!safe.equals(leaderId)) {
            safe = safe + "-" + Integer.toHexString(leaderId.hashCode());
        }
        Path absolute = database.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + "." + safe + ".lock");
    }

    private static IdentityLock acquireFile(Path file, String leaderId) {
        JdbcStorage.createParentDirectories(file);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process
            }
            if (lock == null) {
                String holder = holderOf(file);
                channel.close();
                throw new IdentityLockException("another process already runs as leader " + leaderId + " on this"
                        + " store: it holds the lock file " + file + (holder.isEmpty() ? "" : " (" + holder + ")")
                        + "; stop it first, or give this node another LEADER_ID", null);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            LOG.info("holding the identity lock {} for leader {}", file, leaderId);
            return new IdentityLock("lock file " + file, channel, lock, null);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("cannot take the identity lock file " + file + ": " + e, e);
        }
    }

    private static String holderOf(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static IdentityLock acquirePostgres(StorageUrl url, Properties properties, String leaderId) {
        Properties driverProperties = new Properties();
        driverProperties.setProperty("ApplicationName", "ippan-l2 " + leaderId);
        for (String name : properties.stringPropertyNames()) {
            if (!name.startsWith("l2.")) {
                driverProperties.setProperty(name, properties.getProperty(name));
            }
        }
        Connection connection = null;
        try {
            connection = JdbcStorage.plainConnections(url, JdbcStorage.driverFor(url), driverProperties).open();
            connection.setAutoCommit(true);
            String schema;
            try (Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT current_database() || '.' || current_schema()")) {
                schema = row.next() ? row.getString(1) : "";
            }
            long key = key(schema, leaderId);
            boolean locked;
            try (PreparedStatement select = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                select.setLong(1, key);
                try (ResultSet row = select.executeQuery()) {
                    locked = row.next() && row.getBoolean(1);
                }
            }
            String name = "PostgreSQL advisory lock " + key + " (leader " + leaderId + " on " + schema + ")";
            if (!locked) {
                String holder = postgresHolder(connection, key);
                connection.close();
                throw new IdentityLockException("another process already runs as leader " + leaderId + " on this"
                        + " store: it holds the " + name + (holder.isEmpty() ? "" : ", held by " + holder)
                        + "; stop it first, or give this node another LEADER_ID", null);
            }
            LOG.info("holding the identity {}", name);
            return new IdentityLock(name, null, null, connection);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new StorageException("cannot take the identity lock on PostgreSQL at " + url.redacted() + ": "
                    + e.getMessage(), e);
        }
    }

    private static String postgresHolder(Connection connection, long key) {
        try (PreparedStatement select = connection.prepareStatement("SELECT a.pid, a.client_addr, "
                + "a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                + "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ? AND l.objid = ? AND l.objsubid = 1")) {
            select.setLong(1, key >>> 32);
            select.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? "backend pid " + row.getLong(1) + " from " + row.getString(2) + " ("
                        + row.getString(3) + ")" : "";
            }
        } catch (SQLException e) {
            return "";
        }
    }

    /** A stable 64-bit key for the advisory lock: the first 8 bytes of SHA-256 over the scope and the id. */
    static long key(String scope, String leaderId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("ippan-l2 identity\0" + scope + "\0" + leaderId).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** Lets go of the lock (a process that dies lets go without it). Idempotent. */
    @Override
    public void close() {
        try {
            if (fileLock != null && fileLock.isValid()) {
                fileLock.release();
            }
        } catch (IOException e) {
            LOG.warn("releasing {}: {}", description, e.toString());
        }
        closeQuietly(channel);
        if (connection != null) {
            // released in this session before the connection closes: the backend ends only a moment after the
            // client hangs up, and a restart must find the lock free at once
            try (Statement unlock = connection.createStatement()) {
                unlock.execute("SELECT pg_advisory_unlock_all()");
            } catch (SQLException e) {
                LOG.warn("releasing {}: {}", description, e.toString());
            }
        }
        closeQuietly(connection);
    }

    @Override
    public String toString() {
        return description;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing the identity lock: {}", e.toString());
        }
    }
}
