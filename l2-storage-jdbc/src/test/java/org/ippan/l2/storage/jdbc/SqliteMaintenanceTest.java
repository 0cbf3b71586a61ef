package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TxAppend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQLite specifics beyond the storage contract: the page size of new databases, and {@link JdbcStorage#checkpoint()},
 * which copies the write-ahead log into the database file beside the writer.
 */
class SqliteMaintenanceTest {

    private static final long NOW_MS = 1_735_000_000_000L;

    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve("l2.db");
    }

    // ---- page size -------------------------------------------------------------------------------------------

    @Test
    void open_newDatabase_usesTheDefaultPageSize() throws Exception {
        JdbcStorage.openSqlite(file()).close();

        assertThat(pageSize(file())).isEqualTo(JdbcStorage.DEFAULT_SQLITE_PAGE_SIZE).isEqualTo(2048);
    }

    @Test
    void open_pageSizeProperty_setsThePageSizeOfANewDatabase() throws Exception {
        open(4096).close();

        assertThat(pageSize(file())).isEqualTo(4096);
    }

    @Test
    void open_existingDatabase_keepsItsPageSizeAndItsData() throws Exception {
        try (JdbcStorage storage = open(4096)) {
            storage.claimTerm(1, "leader-a", NOW_MS);
            storage.appendTxs(1, txs(0, 10));
        }

        try (JdbcStorage storage = JdbcStorage.openSqlite(file())) {
            assertThat(storage.findTx(hash(7))).map(StoredTx::seq).contains(8L);
            assertThat(storage.appendTxs(1, txs(10, 1))).isInstanceOf(Appended.class);
        }
        assertThat(pageSize(file())).isEqualTo(4096);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000", "256", "131072", "big", ""})
    void open_invalidPageSize_isRejectedNamingTheProperty(String pageSize) {
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.SQLITE_PAGE_SIZE_PROPERTY, pageSize);

        assertThatThrownBy(() -> JdbcStorage.open("sqlite:" + file(), properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(JdbcStorage.SQLITE_PAGE_SIZE_PROPERTY)
                .hasMessageContaining("'" + pageSize + "'");
        assertThat(file()).doesNotExist();
    }

    // ---- checkpoint ------------------------------------------------------------------------------------------

    @Test
    void checkpoint_putsEveryCommittedTxIntoTheDatabaseFileItself() throws Exception {
        try (JdbcStorage storage = JdbcStorage.openSqlite(file())) {
            storage.claimTerm(1, "leader-a", NOW_MS);
            for (int group = 0; group < 3; group++) {
                storage.appendTxs(1, txs(group * 100, 100));
            }
            // Far below the auto-checkpoint limit: the commits are in the WAL only.
            assertThat(txsInFileWithoutItsLog(copyWithoutLog("before"))).isZero();

            assertThat(storage.checkpoint()).isPositive();

            Path copy = copyWithoutLog("after");
            assertThat(txsInFileWithoutItsLog(copy)).isEqualTo(300);
            try (JdbcStorage fromCopy = JdbcStorage.openSqlite(copy)) {
                assertThat(fromCopy.readSequenceState().nextSeq()).isEqualTo(301);
                assertThat(fromCopy.findTx(hash(299))).map(StoredTx::seq).contains(300L);
            }
        }
    }

    @Test
    void checkpoint_thenAWrite_startsTheLogOverSoItStaysBounded() throws Exception {
        try (JdbcStorage storage = JdbcStorage.openSqlite(file())) {
            storage.claimTerm(1, "leader-a", NOW_MS);
            storage.appendTxs(1, txs(0, 500));
            long framesOfTheBigGroup = storage.checkpoint();
            long walBytes = Files.size(wal());

            storage.appendTxs(1, txs(500, 1));
            long framesOfOneTx = storage.checkpoint();

            assertThat(framesOfOneTx).isPositive().isLessThan(framesOfTheBigGroup / 10);
            assertThat(Files.size(wal())).isEqualTo(walBytes);
            assertThat(storage.checkpoint()).as("nothing new to copy").isEqualTo(framesOfOneTx);
        }
    }

    @Test
    void checkpoint_whileAnotherThreadAppends_losesNothing() throws Exception {
        int groups = 40;
        int groupSize = 50;
        try (JdbcStorage storage = JdbcStorage.openSqlite(file())) {
            storage.claimTerm(1, "leader-a", NOW_MS);
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int group = 0; group < groups; group++) {
                        storage.appendTxs(1, txs(group * groupSize, groupSize));
                    }
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    done.set(true);
                }
            }, "test-writer");
            writer.start();
            int checkpoints = 0;
            while (!done.get()) {
                storage.checkpoint();
                checkpoints++;
            }
            writer.join();
            assertThat(failure.get()).isNull();
            assertThat(checkpoints).isPositive();

            storage.checkpoint();

            assertThat(txsInFileWithoutItsLog(copyWithoutLog("copy"))).isEqualTo(groups * groupSize);
            assertThat(storage.readSequenceState().nextSeq()).isEqualTo(groups * groupSize + 1);
        }
    }

    @Test
    void checkpoint_afterClose_failsAsStorageClosed() {
        JdbcStorage storage = JdbcStorage.openSqlite(file());
        storage.checkpoint();
        storage.close();

        assertThatThrownBy(storage::checkpoint)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(JdbcStorage.CLOSED_MESSAGE);
    }

    @Test
    void checkpoint_inMemoryDatabase_hasNoLogAndDoesNothing() {
        try (JdbcStorage storage = JdbcStorage.open("jdbc:sqlite::memory:")) {
            storage.claimTerm(1, "leader-a", NOW_MS);
            storage.appendTxs(1, txs(0, 3));

            assertThat(storage.checkpoint()).isZero();
            assertThat(storage.readSequenceState().nextSeq()).isEqualTo(4);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private JdbcStorage open(int pageSize) {
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.SQLITE_PAGE_SIZE_PROPERTY, Integer.toString(pageSize));
        return JdbcStorage.open("sqlite:" + file(), properties);
    }

    private Path wal() {
        return directory.resolve("l2.db-wal");
    }

    /** A copy of the database file alone, as it is on disk, without the WAL beside it. */
    private Path copyWithoutLog(String name) throws Exception {
        Path copyDirectory = Files.createDirectories(directory.resolve(name));
        return Files.copy(file(), copyDirectory.resolve("l2.db"));
    }

    /** How many txs a database file holds by itself (0 if it has no tx table yet). */
    private static long txsInFileWithoutItsLog(Path file) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            try (ResultSet table = statement.executeQuery(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'l2_txs'")) {
                table.next();
                if (table.getInt(1) == 0) {
                    return 0;
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM l2_txs")) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static int pageSize(Path file) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA page_size")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static TxAppend txs(int first, int count) {
        TxAppend txs = new TxAppend(count);
        for (int i = first; i < first + count; i++) {
            txs.add(hash(i), ("tx " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), NOW_MS);
        }
        return txs;
    }

    private static byte[] hash(int n) {
        byte[] hash = new byte[32];
        hash[0] = (byte) (n >>> 24);
        hash[1] = (byte) (n >>> 16);
        hash[2] = (byte) (n >>> 8);
        hash[3] = (byte) n;
        hash[31] = 1;
        return hash;
    }
}
