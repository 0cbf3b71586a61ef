package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.TermGranted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing and opening of storage URLs ({@code L2_STORAGE_URL}). */
class SqliteUrlTest {

    private static final long NOW_MS = 1_735_000_000_000L;

    @TempDir
    Path directory;

    @Test
    void open_relativeSqliteUrl_createsParentDirectoriesUnderWorkingDirectory() throws IOException {
        String top = "target/l2-url-test-" + UUID.randomUUID();
        Path relativeFile = Path.of(".", top, "data", "l2.db");
        try {
            try (Storage storage = JdbcStorage.open("sqlite:./" + top + "/data/l2.db")) {
                assertThat(storage.claimTerm(1, "leader-a", NOW_MS)).isEqualTo(new TermGranted(0, null));
            }

            assertThat(relativeFile.getParent()).isDirectory();
            assertThat(relativeFile).isRegularFile();
            try (Storage reopened = JdbcStorage.open("sqlite:" + relativeFile.toAbsolutePath())) {
                assertThat(reopened.readLeader().term()).isEqualTo(1);
            }
        } finally {
            deleteTree(Path.of(top));
        }
    }

    @Test
    void open_sqliteUrl_createsMissingParentDirectoriesAndTheFile() {
        Path file = directory.resolve("a").resolve("b").resolve("l2.db");

        JdbcStorage.open("sqlite:" + file).close();

        assertThat(file).isRegularFile();
    }

    @Test
    void open_jdbcSqliteUrlAndOpenSqlite_reachTheSameDatabase() {
        Path file = directory.resolve("nested").resolve("l2.db");
        try (Storage storage = JdbcStorage.open("jdbc:sqlite:" + file)) {
            storage.claimTerm(4, "leader-a", NOW_MS);
        }

        try (Storage storage = JdbcStorage.openSqlite(file)) {
            assertThat(storage.readLeader().term()).isEqualTo(4);
        }
    }

    @Test
    void parse_sqliteUrl_keepsThePathAsGiven() {
        StorageUrl url = StorageUrl.parse("sqlite:./data/l2.db");

        assertThat(url.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:./data/l2.db");
        assertThat(url.sqliteFile()).isEqualTo(Path.of("./data/l2.db"));
    }

    @Test
    void parse_jdbcSqliteUrls_createDirectoriesOnlyForPlainPaths() {
        assertThat(StorageUrl.parse("jdbc:sqlite:/var/l2/l2.db?foo=bar").sqliteFile())
                .isEqualTo(Path.of("/var/l2/l2.db"));
        assertThat(StorageUrl.parse("jdbc:sqlite::memory:").sqliteFile()).isNull();
        assertThat(StorageUrl.parse("jdbc:sqlite:file:l2.db?mode=ro").sqliteFile()).isNull();
    }

    @Test
    void parse_postgresUrl_isPostgresAndRedactsCredentials() {
        StorageUrl url = StorageUrl.parse("jdbc:postgresql://db.example:5432/l2?user=u&password=secret");

        assertThat(url.dialect()).isEqualTo(Dialect.POSTGRES);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/l2?user=u&password=secret");
        assertThat(url.sqliteFile()).isNull();
        assertThat(url.redacted()).isEqualTo("jdbc:postgresql://db.example:5432/l2");
        assertThat(StorageUrl.parse("jdbc:postgresql://u:secret@db.example/l2").redacted())
                .isEqualTo("jdbc:postgresql://db.example/l2");
    }

    @ParameterizedTest
    @CsvSource({
        "mysql://u:secret@db.example/l2, mysql",
        "jdbc:mysql://u:secret@db.example/l2, jdbc:mysql",
        "postgres://u:secret@db.example/l2, postgres",
        "postgresql://u:secret@db.example/l2, postgresql",
        "file:/var/l2/secret.db, file",
        "sqlite3:/var/l2/secret.db, sqlite3",
    })
    void open_unsupportedScheme_isRefusedNamingTheSchemeButNotTheRest(String url, String scheme) {
        assertThatThrownBy(() -> JdbcStorage.open(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported storage URL scheme '" + scheme + "'")
                .hasMessageContaining("sqlite:PATH")
                .hasMessageNotContaining("secret");
    }

    @Test
    void open_postgresUrlWithoutJdbcPrefix_isRefusedWithAHint() {
        assertThatThrownBy(() -> JdbcStorage.open("postgres://db.example/l2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void open_urlsWithoutPathOrScheme_areRefused() {
        for (String url : List.of("sqlite:", "sqlite:  ", "jdbc:sqlite:", "jdbc:postgresql:")) {
            assertThatThrownBy(() -> JdbcStorage.open(url)).as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("storage URL scheme '" + url.substring(0, url.lastIndexOf(':')) + "'");
        }
        assertThatThrownBy(() -> JdbcStorage.open("./data/l2.db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no scheme");
        assertThatThrownBy(() -> JdbcStorage.open(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no scheme");
    }

    @Test
    void open_nullArguments_areRejectedNamingTheParameter() {
        assertThatThrownBy(() -> JdbcStorage.open(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("url");
        assertThatThrownBy(() -> JdbcStorage.open("sqlite:" + directory.resolve("l2.db"), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("properties");
        assertThatThrownBy(() -> JdbcStorage.openSqlite(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("file");
    }

    @Test
    void openPostgres_sqliteUrl_isRefusedNamingTheScheme() {
        assertThatThrownBy(() -> JdbcStorage.openPostgres("jdbc:sqlite:" + directory.resolve("l2.db"),
                new Properties()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'jdbc:sqlite'");
        assertThat(directory.resolve("l2.db")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource({"soon", "0", "-5"})
    void open_invalidLockTimeout_isRejectedNamingTheProperty(String lockTimeout) {
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.LOCK_TIMEOUT_PROPERTY, lockTimeout);

        assertThatThrownBy(() -> JdbcStorage.open("sqlite:" + directory.resolve("l2.db"), properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(JdbcStorage.LOCK_TIMEOUT_PROPERTY)
                .hasMessageContaining("'" + lockTimeout + "'");
        assertThat(directory.resolve("l2.db")).doesNotExist();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
