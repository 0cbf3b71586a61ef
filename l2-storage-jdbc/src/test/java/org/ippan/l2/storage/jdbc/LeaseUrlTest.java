package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.ippan.l2.lease.LeaseArguments;
import org.ippan.l2.lease.LeaseException;
import org.ippan.l2.lease.LeaseGranted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Opening a {@link JdbcLeaseStore}: the URLs of the storage, and typed errors naming the problem, never the secret
 * parts of a URL, and raised before anything is created.
 */
class LeaseUrlTest {

    @TempDir
    Path directory;

    @Test
    void open_takesTheStoragesUrlForms_andCreatesMissingDirectories() {
        Path file = directory.resolve("a").resolve("b").resolve("l2.db");
        try (JdbcLeaseStore lease = JdbcLeaseStore.open("sqlite:" + file, "sequencer")) {
            assertThat(lease.acquire("node-a", "", 60_000)).isInstanceOf(LeaseGranted.class);
        }
        try (JdbcLeaseStore lease = JdbcLeaseStore.open("jdbc:sqlite:" + file, "sequencer")) {
            assertThat(lease.holder().orElseThrow().holderId()).isEqualTo("node-a");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "mysql://u:secret@db.example/l2, mysql",
        "jdbc:mysql://u:secret@db.example/l2, jdbc:mysql",
        "postgres://u:secret@db.example/l2, postgres",
        "etcd://u:secret@db.example:2379, etcd",
    })
    void open_unsupportedScheme_isRefusedNamingTheSchemeButNotTheRest(String url, String scheme) {
        assertThatThrownBy(() -> JdbcLeaseStore.open(url, "sequencer"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported lease URL scheme '" + scheme + "'")
                .hasMessageContaining("sqlite:PATH")
                .hasMessageNotContaining("secret");
    }

    @Test
    void open_urlsWithoutPathOrScheme_areRefusedNamingTheProblem() {
        for (String url : List.of("sqlite:", "jdbc:sqlite:", "jdbc:postgresql:")) {
            assertThatThrownBy(() -> JdbcLeaseStore.open(url, "sequencer")).as(url)
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lease URL scheme '" + url.substring(0, url.lastIndexOf(':')) + "' needs");
        }
        assertThatThrownBy(() -> JdbcLeaseStore.open("./data/l2.db", "sequencer"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease URL has no scheme");
    }

    @Test
    void open_badLeaseNames_areRefusedNamingTheParameter_beforeAnythingIsCreated() {
        Path file = directory.resolve("l2.db");
        for (String name : List.of("", "a\nb", "x".repeat(LeaseArguments.MAX_LEASE_NAME_CHARS + 1))) {
            assertThatThrownBy(() -> JdbcLeaseStore.open("sqlite:" + file, name))
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("leaseName");
        }
        assertThatThrownBy(() -> JdbcLeaseStore.open("sqlite:" + file, null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessageContaining("leaseName");
        assertThat(file).doesNotExist();
    }

    @Test
    void open_nullArguments_areRefusedNamingTheParameter() {
        String url = "sqlite:" + directory.resolve("l2.db");
        assertThatThrownBy(() -> JdbcLeaseStore.open(null, "sequencer"))
                .isExactlyInstanceOf(NullPointerException.class).hasMessageContaining("url");
        assertThatThrownBy(() -> JdbcLeaseStore.open(url, "sequencer", null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessageContaining("properties");
        assertThatThrownBy(() -> JdbcLeaseStore.open(url, "sequencer", new Properties(), null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessageContaining("sqliteClockMs");
        assertThat(directory.resolve("l2.db")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource({"soon", "0"})
    void open_invalidLockTimeout_isRefusedNamingTheProperty(String lockTimeout) {
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.LOCK_TIMEOUT_PROPERTY, lockTimeout);

        assertThatThrownBy(() -> JdbcLeaseStore.open("sqlite:" + directory.resolve("l2.db"), "sequencer",
                properties))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(JdbcStorage.LOCK_TIMEOUT_PROPERTY);
        assertThat(directory.resolve("l2.db")).doesNotExist();
    }

    @Test
    void open_unreachablePostgres_failsWithLeaseException_namingWhereButNotThePassword() {
        // Port 1 on the loopback refuses at once.
        String url = "jdbc:postgresql://127.0.0.1:1/l2?user=u&password=secret&connectTimeout=2";

        assertThatThrownBy(() -> JdbcLeaseStore.open(url, "sequencer"))
                .isExactlyInstanceOf(LeaseException.class)
                .hasMessageContaining("opening of lease 'sequencer' on PostgreSQL at jdbc:postgresql://127.0.0.1:1/l2")
                .hasMessageNotContaining("secret");
    }
}
