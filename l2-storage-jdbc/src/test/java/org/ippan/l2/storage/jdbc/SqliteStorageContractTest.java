package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

import org.ippan.l2.storage.AppendedTx;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.TransientStorageException;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.testkit.StorageContractTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Holds {@link JdbcStorage} on SQLite to the storage contract: a fresh database file per test. */
class SqliteStorageContractTest extends StorageContractTest {

    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve("l2.db");
    }

    @Override
    protected Storage newStorage() {
        return JdbcStorage.openSqlite(file());
    }

    @Override
    protected Storage reopen(Storage store) {
        store.close();
        return JdbcStorage.openSqlite(file());
    }

    @Test
    void open_usesWriteAheadLog() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement statement = connection.createStatement();
                ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
            assertThat(mode.next()).isTrue();
            assertThat(mode.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void appendTxs_whileAnotherConnectionHoldsTheWriteLock_failsTransientlyAndWritesNothing() throws Exception {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.close();
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.LOCK_TIMEOUT_PROPERTY, "50");
        storage = JdbcStorage.open("sqlite:" + file(), properties);

        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement statement = other.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            assertThatThrownBy(() -> storage.appendTxs(1, TxAppend.of(List.of(tx(1)))))
                    .isInstanceOf(TransientStorageException.class)
                    .hasMessageContaining("appendTxs");
            statement.execute("ROLLBACK");
        }

        assertThat(storage.findTx(txHash(1))).isEmpty();
        assertThat(storage.readSequenceState()).isEqualTo(SequenceState.initial());
        assertThat(appended(storage, 1, List.of(tx(1)))).containsExactly(new AppendedTx(1, false));
    }
}
