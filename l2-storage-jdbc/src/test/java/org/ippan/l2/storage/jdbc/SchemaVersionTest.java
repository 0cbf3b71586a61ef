package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.TermGranted;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema is versioned: a database of a newer version than the library's is refused, on both databases. */
class SchemaVersionTest {

    private static final long NOW_MS = 1_735_000_000_000L;

    /** The tests, run against each database below. */
    abstract static class Versioning {

        /** Opens the store under test (the same database every time). */
        abstract Storage open();

        /** A plain JDBC connection to that database; the caller closes it. */
        abstract Connection connect() throws SQLException;

        @Test
        void open_freshDatabase_recordsSchemaVersionOne() throws Exception {
            open().close();

            assertThat(storedVersion()).isEqualTo(1);
        }

        @Test
        void open_versionOneDatabase_opensWithItsData() throws Exception {
            try (Storage storage = open()) {
                storage.claimTerm(3, "leader-a", NOW_MS);
            }

            try (Storage storage = open()) {
                assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(3, "leader-a", NOW_MS));
            }
            assertThat(storedVersion()).isEqualTo(1);
        }

        @Test
        void open_schemaVersionNewerThanLibrary_isRefusedWithUpgradeMessageAndChangesNothing() throws Exception {
            try (Storage storage = open()) {
                assertThat(storage.claimTerm(3, "leader-a", NOW_MS)).isEqualTo(new TermGranted(0, null));
            }
            execute("UPDATE l2_schema SET version = 2 WHERE id = 1");

            assertThatThrownBy(this::open)
                    .isExactlyInstanceOf(StorageException.class)
                    .hasMessageContaining("schema version 2 is newer than this library supports (1): "
                            + "upgrade the library");

            assertThat(storedVersion()).isEqualTo(2);
            try (Connection connection = connect();
                    Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT term, leader_id FROM l2_meta WHERE id = 1")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getLong(1)).isEqualTo(3);
                assertThat(row.getString(2)).isEqualTo("leader-a");
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
