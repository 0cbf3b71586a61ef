package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;

import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageCorruptException;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StorageFullException;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TxAppend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage that admits damage, on real SQLite files: a damaged file is refused at open (or, unchecked, answers typed
 * errors), a foreign file is refused, a follower never creates a database, a full disk is a typed failure.
 */
class SqliteOpenChecksTest {
    private static final long NOW_MS = 1_735_000_000_000L;

    @TempDir
    Path dir;

    private static Properties props(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static Storage open(Path file, Properties properties) {
        return JdbcStorage.open("sqlite:" + file, properties);
    }

    /** A store of {@code txs} txs of ~200 bytes, closed. */
    private static void fill(Path file, int txs) {
        try (Storage storage = JdbcStorage.openSqlite(file)) {
            assertThat(storage.claimTerm(1, "leader-a", NOW_MS)).isInstanceOf(TermGranted.class);
            append(storage, 0, txs);
        }
    }

    private static void append(Storage storage, int from, int count) {
        for (int start = from; start < from + count; start += 500) {
            TxAppend group = new TxAppend();
            for (int n = start; n < Math.min(from + count, start + 500); n++) {
                byte[] hash = ByteBuffer.allocate(32).putInt(n).putInt(n * 31).array();
                byte[] tx = new byte[200];
                Arrays.fill(tx, (byte) n);
                group.add(hash, tx, NOW_MS);
            }
            storage.appendTxs(1, group);
        }
    }

    private static void overwriteMiddle(Path file, int bytes) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] junk = new byte[bytes];
            Arrays.fill(junk, (byte) 0x5A);
            raf.seek(raf.length() / 2 / 4096 * 4096);
            raf.write(junk);
        }
    }

    @Test
    void open_fileWith4KbOverwrittenMidFile_isRefusedNamingTheFile() throws Exception {
        Path file = dir.resolve("l2.db");
        fill(file, 5_000);
        overwriteMiddle(file, 4096);

        Throwable refused = catchThrowable(() -> open(file, props()).close());

        assertThat(refused).isInstanceOf(StorageCorruptException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("quick_check");
        assertThat(((StorageCorruptException) refused).location()).isEqualTo(file.toString());
    }

    @Test
    void open_fullCheck_alsoRefusesTheDamagedFile() throws Exception {
        Path file = dir.resolve("l2.db");
        fill(file, 5_000);
        overwriteMiddle(file, 4096);

        assertThatThrownBy(() -> open(file, props(JdbcStorage.INTEGRITY_CHECK_PROPERTY, "full")).close())
                .isInstanceOf(StorageCorruptException.class).hasMessageContaining("integrity_check");
    }

    @Test
    void checkOff_damagedPagesMetLater_areTypedCorruptErrorsNamingTheFile() throws Exception {
        Path file = dir.resolve("l2.db");
        fill(file, 5_000);
        overwriteMiddle(file, 4096);

        Throwable failure = catchThrowable(() -> {
            try (Storage storage = open(file, props(JdbcStorage.INTEGRITY_CHECK_PROPERTY, "off"))) {
                for (long seq = 1; seq <= 5_000; seq += 100) {
                    storage.readTxs(seq, 100);
                }
                append(storage, 10_000, 2_000);
            }
        });

        assertThat(failure).isInstanceOf(StorageCorruptException.class).hasMessageContaining(file.toString());
    }

    @Test
    void open_soundFile_passesTheCheck_andIsMarkedAsOurs() throws Exception {
        Path file = dir.resolve("l2.db");
        fill(file, 100);
        open(file, props(JdbcStorage.INTEGRITY_CHECK_PROPERTY, "full")).close();

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA application_id")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getInt(1)).isEqualTo(OpenChecks.SQLITE_APPLICATION_ID);
        }
    }

    @Test
    void open_sqliteFileOfAnotherApplication_isRefused_andGetsNoTablesOfOurs() throws Exception {
        Path file = dir.resolve("customers.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
        }

        assertThatThrownBy(() -> open(file, props()).close()).isInstanceOf(StorageCorruptException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("customers");

        assertThat(tables(file)).containsExactly("customers");
    }

    @Test
    void open_sqliteFileWithAnotherApplicationId_isRefused() throws Exception {
        Path file = dir.resolve("other.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA application_id = 1234");
        }

        assertThatThrownBy(() -> open(file, props()).close()).isInstanceOf(StorageCorruptException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("application_id");
    }

    @Test
    void open_notASqliteFile_isATypedCorruptErrorNamingTheFile() throws Exception {
        Path file = dir.resolve("notes.db");
        Files.write(file, "these are my notes, not a database; ".repeat(200).getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> open(file, props()).close()).isInstanceOf(StorageCorruptException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void follower_onAMissingPath_isRefused_andCreatesNoFile() {
        Path file = dir.resolve("wrong").resolve("l2.db");

        assertThatThrownBy(() -> open(file, props(JdbcStorage.CREATE_IF_MISSING_PROPERTY, "false")).close())
                .isInstanceOf(StorageException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("does not exist");

        assertThat(file).doesNotExist();
        assertThat(file.getParent()).doesNotExist();
    }

    @Test
    void follower_onAnEmptyFile_isRefused() throws Exception {
        Path file = dir.resolve("l2.db");
        Files.createFile(file);

        assertThatThrownBy(() -> open(file, props(JdbcStorage.CREATE_IF_MISSING_PROPERTY, "false")).close())
                .isInstanceOf(StorageException.class).hasMessageContaining("is empty");
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void follower_onASqliteFileWithoutOurTables_isRefused_andAddsNone() throws Exception {
        Path file = dir.resolve("l2.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA user_version = 7"); // writes the header: a valid, table-less file
        }

        assertThatThrownBy(() -> open(file, props(JdbcStorage.CREATE_IF_MISSING_PROPERTY, "false")).close())
                .isInstanceOf(StorageException.class).hasMessageContaining("holds no L2 store");
        assertThat(tables(file)).isEmpty();
    }

    @Test
    void follower_onALeadersStore_opens() {
        Path file = dir.resolve("l2.db");
        fill(file, 10);

        try (Storage storage = open(file, props(JdbcStorage.CREATE_IF_MISSING_PROPERTY, "false"))) {
            assertThat(storage.readSequenceState().nextSeq()).isEqualTo(11);
        }
    }

    @Test
    void badOpenProperties_areRefusedNamingTheProperty() {
        Path file = dir.resolve("l2.db");
        assertThatThrownBy(() -> open(file, props(JdbcStorage.INTEGRITY_CHECK_PROPERTY, "fast")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(JdbcStorage.INTEGRITY_CHECK_PROPERTY);
        assertThatThrownBy(() -> open(file, props(JdbcStorage.CREATE_IF_MISSING_PROPERTY, "maybe")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(JdbcStorage.CREATE_IF_MISSING_PROPERTY);
    }

    @Test
    void fullDatabase_isATypedFullFailure_andWritesWorkAgainOnceThereIsRoom() throws Exception {
        Path file = dir.resolve("l2.db");
        fill(file, 10);
        long pages = Files.size(file) / JdbcStorage.DEFAULT_SQLITE_PAGE_SIZE;
        // SQLite's own limit on the file's pages: it then fails writes exactly as on a full disk (SQLITE_FULL)
        try (Storage storage = open(file, props("max_page_count", Long.toString(pages + 4)))) {
            Throwable full = catchThrowable(() -> append(storage, 1_000, 5_000));
            assertThat(full).isInstanceOf(StorageFullException.class).hasMessageContaining("full")
                    .hasMessageContaining(file.toString());
            assertThat(storage.readSequenceState().nextSeq()).as("reads still work").isGreaterThan(1);
        }
        try (Storage storage = open(file, props())) {
            long before = storage.readSequenceState().nextSeq();
            append(storage, 1_000, 5_000);
            assertThat(storage.readSequenceState().nextSeq()).isEqualTo(before + 5_000 - (before - 11));
        }
    }

    private static java.util.List<String> tables(Path file) throws SQLException {
        java.util.List<String> names = new java.util.ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
