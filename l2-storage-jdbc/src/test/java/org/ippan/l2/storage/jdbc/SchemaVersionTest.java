package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

import org.ippan.l2.storage.ForcedTicket;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.NewTx;
import org.ippan.l2.storage.SealedGroup;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.Written;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema is versioned: a database of a newer version than the library's is refused, and one of version 1 is
 * migrated to version 2, one of version 2 to version 3 and one of version 3 to version 4 and one of version 4 to version 5 on open, on both databases.
 */
class SchemaVersionTest {

    private static final long NOW_MS = 1_735_000_000_000L;

    /** The tests, run against each database below. */
    abstract static class Versioning {

        /** Opens the store under test (the same database every time). */
        abstract Storage open();

        /** A plain JDBC connection to that database; the caller closes it. */
        abstract Connection connect() throws SQLException;

        /** The database's dialect. */
        abstract Dialect dialect();

        @Test
        void open_freshDatabase_recordsTheCurrentSchemaVersion() throws Exception {
            open().close();

            assertThat(storedVersion()).isEqualTo(Schema.VERSION).isEqualTo(5);
        }

        @Test
        void open_versionTwoDatabase_addsTheGroupSealTableAndKeepsTheTxs() throws Exception {
            try (Storage storage = open()) {
                storage.claimTerm(1, "leader-a", NOW_MS);
                storage.appendTxs(1, TxAppend.of(List.of(new NewTx(hash(0x01), new byte[] {1}, NOW_MS))));
            }
            execute("DROP TABLE l2_settings");
            execute("DROP TABLE l2_forced_tickets");
            execute("DROP TABLE l2_cursors");
            execute("DROP TABLE l2_tx_groups");
            execute("UPDATE l2_schema SET version = 2 WHERE id = 1");

            try (Storage storage = open()) {
                assertThat(storage.findTx(hash(0x01))).isPresent();
                assertThat(storage.findSealedGroup(1)).isEmpty();
                storage.appendTxs(1, TxAppend.of(List.of(new NewTx(hash(0x02), new byte[] {2}, NOW_MS)))
                        .sealWith((txs, first, count) -> new byte[] {9}));
                assertThat(storage.findSealedGroup(2)).contains(new SealedGroup(2, 1, new byte[] {9}));
                assertThat(storage.readCursor("forced-inbox")).isZero();
            }
            assertThat(storedVersion()).isEqualTo(Schema.VERSION);
        }

        @Test
        void open_versionThreeDatabase_addsTheCursorAndTicketTablesAndKeepsTheData() throws Exception {
            try (Storage storage = open()) {
                storage.claimTerm(1, "leader-a", NOW_MS);
                storage.appendTxs(1, TxAppend.of(List.of(new NewTx(hash(0x01), new byte[] {1}, NOW_MS)))
                        .sealWith((txs, first, count) -> new byte[] {7}));
            }
            execute("DROP TABLE l2_settings");
            execute("DROP TABLE l2_forced_tickets");
            execute("DROP TABLE l2_cursors");
            execute("UPDATE l2_schema SET version = 3 WHERE id = 1");

            try (Storage storage = open()) {
                assertThat(storage.findTx(hash(0x01))).isPresent();
                assertThat(storage.findSealedGroup(1)).contains(new SealedGroup(1, 1, new byte[] {7}));
                assertThat(storage.readCursor("forced-inbox")).isZero();
                assertThat(storage.findForcedTicket(hash(0x01))).isEmpty();
                assertThat(storage.saveCursor(1, "forced-inbox", 5)).isEqualTo(new Written());
                ForcedTicket ticket = new ForcedTicket(hash(0x01), "alice", new byte[] {1}, NOW_MS, 0, 3);
                assertThat(storage.saveForcedTicket(1, ticket)).isEqualTo(new Written());
            }
            try (Storage storage = open()) {
                assertThat(storage.readCursor("forced-inbox")).isEqualTo(5);
                assertThat(storage.listForcedTickets("alice", 5)).hasSize(1);
            }
            assertThat(storedVersion()).isEqualTo(Schema.VERSION);
        }

        @Test
        void open_versionFourDatabase_addsTheSettingsTableAndKeepsTheData() throws Exception {
            try (Storage storage = open()) {
                storage.claimTerm(1, "leader-a", NOW_MS);
                storage.appendTxs(1, TxAppend.of(List.of(new NewTx(hash(0x01), new byte[] {1}, NOW_MS))));
                storage.saveCursor(1, "forced-inbox", 4);
            }
            execute("DROP TABLE l2_settings");
            execute("UPDATE l2_schema SET version = 4 WHERE id = 1");

            try (Storage storage = open()) {
                assertThat(storage.findTx(hash(0x01))).isPresent();
                assertThat(storage.readCursor("forced-inbox")).isEqualTo(4);
                assertThat(storage.readSetting("limits")).isEmpty();
                assertThat(storage.saveSetting(1, "limits", "max_batch_txs=3")).isEqualTo(new Written());
            }
            try (Storage storage = open()) {
                assertThat(storage.readSetting("limits")).contains("max_batch_txs=3");
            }
            assertThat(storedVersion()).isEqualTo(5);
        }

        @Test
        void open_versionOneDatabase_movesTheEnvelopesToTheirTableAndKeepsEveryBatch() throws Exception {
            byte[] envelope = new byte[300_000];
            Arrays.fill(envelope, (byte) '7');
            createVersionOne(envelope);

            try (Storage storage = open()) {
                StoredBatch batch = storage.findBatchByNumber(1).orElseThrow();
                assertThat(batch.batch().l1Envelope()).isEqualTo(envelope);
                assertThat(batch.batch().batchHash()).isEqualTo(hash(0x0b));
                assertThat(batch.status()).isEqualTo(L1Status.POSTED);
                assertThat(batch.l1State().l1TxId()).isEqualTo("l1-tx-1");
                assertThat(storage.listBatchesInStatus(EnumSet.of(L1Status.POSTED), 10)).containsExactly(batch);
                assertThat(storage.readSequenceState().nextBatchNumber()).isEqualTo(2);
                assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(3, "leader-a", NOW_MS));
            }
            assertThat(storedVersion()).isEqualTo(Schema.VERSION);
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.executeQuery("SELECT l1_envelope FROM l2_batches"))
                        .isInstanceOf(SQLException.class);
            }
            try (Storage storage = open()) {
                assertThat(storage.findBatchByNumber(1).orElseThrow().batch().l1Envelope()).isEqualTo(envelope);
            }
        }

        @Test
        void open_currentVersionDatabase_opensWithItsData() throws Exception {
            try (Storage storage = open()) {
                storage.claimTerm(3, "leader-a", NOW_MS);
            }

            try (Storage storage = open()) {
                assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(3, "leader-a", NOW_MS));
            }
            assertThat(storedVersion()).isEqualTo(Schema.VERSION);
        }

        @Test
        void open_schemaVersionNewerThanLibrary_isRefusedWithUpgradeMessageAndChangesNothing() throws Exception {
            try (Storage storage = open()) {
                assertThat(storage.claimTerm(3, "leader-a", NOW_MS)).isEqualTo(new TermGranted(0, null));
            }
            int newer = Schema.VERSION + 1;
            execute("UPDATE l2_schema SET version = " + newer + " WHERE id = 1");

            assertThatThrownBy(this::open)
                    .isExactlyInstanceOf(StorageException.class)
                    .hasMessageContaining("schema version " + newer + " is newer than this library supports ("
                            + Schema.VERSION + "): upgrade the library");

            assertThat(storedVersion()).isEqualTo(newer);
            try (Connection connection = connect();
                    Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT term, leader_id FROM l2_meta WHERE id = 1")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getLong(1)).isEqualTo(3);
                assertThat(row.getString(2)).isEqualTo("leader-a");
            }
        }

        private static byte[] hash(int fill) {
            byte[] hash = new byte[32];
            Arrays.fill(hash, (byte) fill);
            return hash;
        }

        /** The tables of schema version 1 as that version created them, holding one tx and one posted batch. */
        private void createVersionOne(byte[] envelope) throws SQLException {
            String integer = dialect().integerType();
            String blob = dialect().blobType();
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE l2_schema (id INTEGER PRIMARY KEY CHECK (id = 1), "
                        + "version INTEGER NOT NULL)");
                statement.execute("CREATE TABLE l2_meta (id INTEGER PRIMARY KEY CHECK (id = 1), "
                        + "term " + integer + " NOT NULL CHECK (term >= 0), leader_id TEXT, "
                        + "last_heartbeat_ms " + integer + " NOT NULL, next_seq " + integer + " NOT NULL, "
                        + "next_unbatched_seq " + integer + " NOT NULL, next_batch_number " + integer
                        + " NOT NULL, head_batch_hash " + blob + " NOT NULL)");
                statement.execute("CREATE TABLE l2_txs (seq " + integer + " PRIMARY KEY, tx_hash " + blob
                        + " NOT NULL UNIQUE, canonical_tx " + blob + " NOT NULL, admitted_ms " + integer
                        + " NOT NULL)");
                statement.execute("CREATE TABLE l2_batches (batch_number " + integer + " PRIMARY KEY, "
                        + "batch_hash " + blob + " NOT NULL UNIQUE, prev_batch_hash " + blob + " NOT NULL, "
                        + "first_seq " + integer + " NOT NULL UNIQUE REFERENCES l2_txs (seq), "
                        + "tx_count INTEGER NOT NULL CHECK (tx_count >= 1), created_ms " + integer + " NOT NULL, "
                        + "term " + integer + " NOT NULL, tx_root " + blob + " NOT NULL, tx_bytes " + integer
                        + " NOT NULL, envelope_hash " + blob + " NOT NULL, sequencer_pubkey " + blob
                        + " NOT NULL, sequencer_sig " + blob + " NOT NULL, idempotency_key " + blob
                        + " NOT NULL, l1_envelope " + blob + " NOT NULL, l1_status TEXT NOT NULL, l1_tx_id TEXT, "
                        + "inclusion_height " + integer + " NOT NULL, post_attempts INTEGER NOT NULL, "
                        + "last_error TEXT, l1_updated_ms " + integer + " NOT NULL)");
                statement.execute("CREATE INDEX l2_batches_l1_status ON l2_batches (l1_status, batch_number)");
                statement.execute("INSERT INTO l2_schema (id, version) VALUES (1, 1)");
            }
            try (Connection connection = connect()) {
                try (PreparedStatement meta = connection.prepareStatement("INSERT INTO l2_meta VALUES "
                        + "(1, 3, 'leader-a', ?, 2, 2, 2, ?)")) {
                    meta.setLong(1, NOW_MS);
                    meta.setBytes(2, hash(0x0b));
                    meta.executeUpdate();
                }
                try (PreparedStatement tx = connection.prepareStatement("INSERT INTO l2_txs VALUES (1, ?, ?, ?)")) {
                    tx.setBytes(1, hash(0x01));
                    tx.setBytes(2, new byte[] {1, 2, 3});
                    tx.setLong(3, NOW_MS);
                    tx.executeUpdate();
                }
                try (PreparedStatement batch = connection.prepareStatement("INSERT INTO l2_batches VALUES "
                        + "(1, ?, ?, 1, 1, ?, 3, ?, 3, ?, ?, ?, ?, ?, 'POSTED', 'l1-tx-1', 0, 1, NULL, ?)")) {
                    batch.setBytes(1, hash(0x0b));
                    batch.setBytes(2, new byte[32]);
                    batch.setLong(3, NOW_MS);
                    batch.setBytes(4, hash(0x0c));
                    batch.setBytes(5, hash(0x0d));
                    batch.setBytes(6, new byte[0]);
                    batch.setBytes(7, new byte[0]);
                    batch.setBytes(8, hash(0x0e));
                    batch.setBytes(9, envelope);
                    batch.setLong(10, NOW_MS);
                    batch.executeUpdate();
                }
            }
        }

        private int storedVersion() throws SQLException {
            try (Connection connection = connect();
                    Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT version FROM l2_schema WHERE id = 1")) {
                assertThat(row.next()).as("l2_schema row").isTrue();
                return row.getInt(1);
            }
        }

        private void execute(String sql) throws SQLException {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }
    }

    @Nested
    class OnSqlite extends Versioning {

        @TempDir
        Path directory;

        @Override
        Storage open() {
            return JdbcStorage.openSqlite(directory.resolve("l2.db"));
        }

        @Override
        Connection connect() throws SQLException {
            return DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("l2.db"));
        }

        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }

    @Nested
    class OnPostgres extends Versioning {

        private String schema;

        @BeforeEach
        void createSchema() {
            schema();
        }

        @Override
        Storage open() {
            return JdbcStorage.open(PostgresTestDatabase.urlFor(schema()));
        }

        @Override
        Connection connect() throws SQLException {
            return PostgresTestDatabase.connect(schema());
        }

        @Override
        Dialect dialect() {
            return Dialect.POSTGRES;
        }

        private String schema() {
            if (schema == null) {
                PostgresTestDatabase.assumeReachable();
                schema = PostgresTestDatabase.createSchema();
            }
            return schema;
        }

        @AfterEach
        void dropSchema() {
            if (schema != null) {
                PostgresTestDatabase.dropSchema(schema);
            }
        }
    }
}
