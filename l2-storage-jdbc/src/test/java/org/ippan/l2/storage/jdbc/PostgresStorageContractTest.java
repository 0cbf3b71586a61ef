package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

import org.ippan.l2.storage.AppendedTx;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.TransientStorageException;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.testkit.StorageContractTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link JdbcStorage} on PostgreSQL to the storage contract, each test in a fresh schema of its own.
 * Skipped, with a message, when the server at {@code L2_TEST_POSTGRES_URL} cannot be reached.
 */
class PostgresStorageContractTest extends StorageContractTest {

    private String schema;

    @Override
    protected Storage newStorage() {
        // Called from the kit's @BeforeEach, which runs before any @BeforeEach of this class.
        PostgresTestDatabase.assumeReachable();
        schema = PostgresTestDatabase.createSchema();
        return open(new Properties());
    }

    @Override
    protected Storage reopen(Storage store) {
        store.close();
        return open(new Properties());
    }

    private JdbcStorage open(Properties properties) {
        return JdbcStorage.open(PostgresTestDatabase.urlFor(schema), properties);
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            storage.close();
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    @Test
    void checkpoint_isNotNeededAndChangesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1))));

        assertThat(((JdbcStorage) storage).checkpoint()).isZero();
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(2);
    }

    @Test
    void appendTxs_whileAnotherSessionHoldsTheMetaRowLock_failsTransientlyAndWritesNothing() throws Exception {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.close();
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.LOCK_TIMEOUT_PROPERTY, "50");
        storage = open(properties);

        try (Connection other = PostgresTestDatabase.connect(schema)) {
            other.setAutoCommit(false);
            try (Statement statement = other.createStatement();
                    ResultSet locked = statement.executeQuery("SELECT term FROM l2_meta WHERE id = 1 FOR UPDATE")) {
                assertThat(locked.next()).isTrue();
                assertThatThrownBy(() -> storage.appendTxs(1, TxAppend.of(List.of(tx(1)))))
                        .isInstanceOf(TransientStorageException.class)
                        .hasMessageContaining("appendTxs");
            }
            other.rollback();
        }

        assertThat(storage.findTx(txHash(1))).isEmpty();
        assertThat(storage.readSequenceState()).isEqualTo(SequenceState.initial());
        assertThat(appended(storage, 1, List.of(tx(1)))).containsExactly(new AppendedTx(1, false));
    }

    @Test
    void readLeader_afterServerEndedItsConnections_failsTransientlyThenRecoversOnANewConnection() throws Exception {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.close();
        Properties properties = new Properties();
        String applicationName = "l2-test-" + schema;
        properties.setProperty("ApplicationName", applicationName);
        storage = open(properties);
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(1, LEADER_A, NOW_MS));

        int terminated = 0;
        try (Connection admin = PostgresTestDatabase.connect(schema);
                PreparedStatement terminate = admin.prepareStatement("SELECT pg_terminate_backend(pid, 10000) "
                        + "FROM pg_stat_activity WHERE application_name = ?")) {
            terminate.setString(1, applicationName);
            try (ResultSet results = terminate.executeQuery()) {
                while (results.next()) {
                    assertThat(results.getBoolean(1)).isTrue();
                    terminated++;
                }
            }
        }
        assertThat(terminated).isPositive();

        assertThatThrownBy(() -> storage.readLeader()).isInstanceOf(TransientStorageException.class);
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(1, LEADER_A, NOW_MS));
    }
}
