package org.ippan.l2.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.StorageException;

/**
 * The tables, created on first open and versioned in {@code l2_schema}. All names start with {@code l2_} so that
 * the store can share a database (or a PostgreSQL schema) with other tables.
 *
 * <p>Version 2 keeps each batch's L1 request body ({@code l1_envelope}, hundreds of KB for a 1,000-tx batch) in
 * its own table, {@code l2_batch_envelopes}, out of the {@code l2_batches} row whose L1 state changes several times
 * per batch: SQLite rewrites a whole row, overflow pages included, on every update, so in version 1 each L1 state
 * change rewrote the envelope too. Version 3 adds {@code l2_tx_groups}, the seal of each admission group (the
 * signed receipt of its txs, see {@code GroupSeal}). Version 4 adds {@code l2_cursors} (named positions, such
 * as how far the leader read the L1 forced-inclusion inbox) and {@code l2_forced_tickets} (the forced-inclusion
 * tickets of {@code POST /tx/force}, every field in a column of its own). Version 5 adds {@code l2_settings}
 * (named settings, such as the run-time limits an operator set). An older database is migrated on open, in the opening
 * transaction, one version after the other.
 *
 * <p>The lease table a {@link JdbcLeaseStore} may keep in the same database is not part of this schema: it is
 * versioned apart ({@link LeaseSchema}), and this version ignores it.
 */
final class Schema {

    /** The schema version this code reads and writes. */
    static final int VERSION = 5;

    private Schema() {
    }

    /**
     * Creates the tables if the database has none, or checks the recorded version. Runs inside a write
     * transaction; throws (so that the caller rolls back) when the version is not one this code knows.
     */
    static void createOrCheck(Connection connection, Dialect dialect) throws SQLException {
        createOrCheck(connection, dialect, true, "the database");
    }

    /**
     * As {@link #createOrCheck(Connection, Dialect)}; with {@code create} false, a database without our tables is
     * refused (naming {@code location}) instead of being given them.
     */
    static void createOrCheck(Connection connection, Dialect dialect, boolean create, String location)
            throws SQLException {
        dialect.lockSchema(connection);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS l2_schema ("
                    + "id INTEGER PRIMARY KEY CHECK (id = 1), "
                    + "version INTEGER NOT NULL)");
        }
        Integer stored = storedVersion(connection);
        if (stored != null) {
            check(stored);
            if (stored < 2) {
                migrateFromVersion1(connection, dialect);
            }
            if (stored < 3) {
                migrateFromVersion2(connection, dialect);
            }
            if (stored < 4) {
                migrateFromVersion3(connection, dialect);
            }
            if (stored < 5) {
                migrateFromVersion4(connection);
            }
            if (stored < VERSION) {
                try (PreparedStatement update =
                        connection.prepareStatement("UPDATE l2_schema SET version = ? WHERE id = 1")) {
                    update.setInt(1, VERSION);
                    update.executeUpdate();
                }
            }
            return;
        }
        if (!create) {
            throw new StorageException(dialect.displayName() + " database " + location + " holds no L2 store (no"
                    + " l2_schema row), and this node must not create one (a follower reads a leader's store):"
                    + " check the storage URL");
        }
        try (Statement statement = connection.createStatement()) {
            for (String ddl : tables(dialect)) {
                statement.execute(ddl);
            }
            for (String ddl : forcedInclusionTables(dialect)) {
                statement.execute(ddl);
            }
            statement.execute(settingsTable());
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO l2_meta (id, term, leader_id, "
                + "last_heartbeat_ms, next_seq, next_unbatched_seq, next_batch_number, head_batch_hash) "
                + "VALUES (1, 0, NULL, 0, ?, ?, ?, ?)")) {
            SequenceState initial = SequenceState.initial();
            insert.setLong(1, initial.nextSeq());
            insert.setLong(2, initial.nextUnbatchedSeq());
            insert.setLong(3, initial.nextBatchNumber());
            insert.setBytes(4, initial.headBatchHash());
            insert.executeUpdate();
        }
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO l2_schema (id, version) VALUES (1, ?)")) {
            insert.setInt(1, VERSION);
            insert.executeUpdate();
        }
    }

    private static Integer storedVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT version FROM l2_schema WHERE id = 1")) {
            return row.next() ? row.getInt(1) : null;
        }
    }

    /** Moves the L1 envelopes out of {@code l2_batches} into {@code l2_batch_envelopes}. */
    private static void migrateFromVersion1(Connection connection, Dialect dialect) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(envelopesTable(dialect));
            statement.execute("INSERT INTO l2_batch_envelopes (batch_number, l1_envelope) "
                    + "SELECT batch_number, l1_envelope FROM l2_batches");
            statement.execute("ALTER TABLE l2_batches DROP COLUMN l1_envelope");
        }
    }

    /** Adds {@code l2_tx_groups}: the txs admitted before it have no seal. */
    private static void migrateFromVersion2(Connection connection, Dialect dialect) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(groupsTable(dialect));
        }
    }

    /** Adds {@code l2_cursors} and {@code l2_forced_tickets}, empty. */
    private static void migrateFromVersion3(Connection connection, Dialect dialect) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String ddl : forcedInclusionTables(dialect)) {
                statement.execute(ddl);
            }
        }
    }

    /** Adds {@code l2_settings}, empty. */
    private static void migrateFromVersion4(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(settingsTable());
        }
    }

    /** The table of version 5: named settings ({@code Storage.saveSetting}). */
    private static String settingsTable() {
        return "CREATE TABLE IF NOT EXISTS l2_settings (name TEXT PRIMARY KEY, setting_value TEXT NOT NULL)";
    }

    /** The tables of version 4: named cursors and forced-inclusion tickets, with the index listing them by account. */
    private static List<String> forcedInclusionTables(Dialect dialect) {
        String integer = dialect.integerType();
        String blob = dialect.blobType();
        return List.of(
                "CREATE TABLE IF NOT EXISTS l2_cursors ("
                        + "name TEXT PRIMARY KEY, "
                        + "cursor_value " + integer + " NOT NULL CHECK (cursor_value >= 0))",
                "CREATE TABLE IF NOT EXISTS l2_forced_tickets ("
                        + "tx_hash " + blob + " PRIMARY KEY, "
                        + "account TEXT NOT NULL, "
                        + "canonical_tx " + blob + " NOT NULL, "
                        + "created_ms " + integer + " NOT NULL, "
                        + "inbox_index " + integer + " NOT NULL, "
                        + "inbox_l1_height " + integer + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS l2_forced_tickets_account ON l2_forced_tickets (account, inbox_index)");
    }

    private static void check(int stored) {
        if (stored > VERSION) {
            throw new StorageException("schema version " + stored + " is newer than this library supports ("
                    + VERSION + "): upgrade the library");
        }
        if (stored < 1) {
            throw new StorageException("schema version " + stored + " is not a version this library knows ("
                    + VERSION + ")");
        }
    }

    private static List<String> tables(Dialect dialect) {
        String integer = dialect.integerType();
        String blob = dialect.blobType();
        return List.of(
                "CREATE TABLE IF NOT EXISTS l2_meta ("
                        + "id INTEGER PRIMARY KEY CHECK (id = 1), "
                        + "term " + integer + " NOT NULL CHECK (term >= 0), "
                        + "leader_id TEXT, "
                        + "last_heartbeat_ms " + integer + " NOT NULL, "
                        + "next_seq " + integer + " NOT NULL, "
                        + "next_unbatched_seq " + integer + " NOT NULL, "
                        + "next_batch_number " + integer + " NOT NULL, "
                        + "head_batch_hash " + blob + " NOT NULL)",
                "CREATE TABLE IF NOT EXISTS l2_txs ("
                        + "seq " + integer + " PRIMARY KEY, "
                        + "tx_hash " + blob + " NOT NULL UNIQUE, "
                        + "canonical_tx " + blob + " NOT NULL, "
                        + "admitted_ms " + integer + " NOT NULL)",
                "CREATE TABLE IF NOT EXISTS l2_batches ("
                        + "batch_number " + integer + " PRIMARY KEY, "
                        + "batch_hash " + blob + " NOT NULL UNIQUE, "
                        + "prev_batch_hash " + blob + " NOT NULL, "
                        // UNIQUE gives the index findBatchContaining searches.
                        + "first_seq " + integer + " NOT NULL UNIQUE REFERENCES l2_txs (seq), "
                        + "tx_count INTEGER NOT NULL CHECK (tx_count >= 1), "
                        + "created_ms " + integer + " NOT NULL, "
                        + "term " + integer + " NOT NULL, "
                        + "tx_root " + blob + " NOT NULL, "
                        + "tx_bytes " + integer + " NOT NULL, "
                        + "envelope_hash " + blob + " NOT NULL, "
                        + "sequencer_pubkey " + blob + " NOT NULL, "
                        + "sequencer_sig " + blob + " NOT NULL, "
                        + "idempotency_key " + blob + " NOT NULL, "
                        + "l1_status TEXT NOT NULL, "
                        + "l1_tx_id TEXT, "
                        + "inclusion_height " + integer + " NOT NULL, "
                        + "post_attempts INTEGER NOT NULL, "
                        + "last_error TEXT, "
                        + "l1_updated_ms " + integer + " NOT NULL)",
                envelopesTable(dialect),
                groupsTable(dialect),
                "CREATE INDEX IF NOT EXISTS l2_batches_l1_status ON l2_batches (l1_status, batch_number)");
    }

    /** One row per admission group stored with a seal: its range of seqs and the seal's bytes. */
    private static String groupsTable(Dialect dialect) {
        return "CREATE TABLE IF NOT EXISTS l2_tx_groups ("
                + "first_seq " + dialect.integerType() + " PRIMARY KEY REFERENCES l2_txs (seq), "
                + "tx_count INTEGER NOT NULL CHECK (tx_count >= 1), "
                + "seal " + dialect.blobType() + " NOT NULL)";
    }

    private static String envelopesTable(Dialect dialect) {
        return "CREATE TABLE IF NOT EXISTS l2_batch_envelopes ("
                + "batch_number " + dialect.integerType() + " PRIMARY KEY REFERENCES l2_batches (batch_number), "
                + "l1_envelope " + dialect.blobType() + " NOT NULL)";
    }
}
