package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.ippan.l2.core.crypto.KeyLoadException;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.jdbc.IdentityLockException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's start, in order: configuration errors name their variable, the key is checked before storage is
 * opened, a follower never creates a database, and one process per identity runs on a store.
 */
class NodeStartChecksTest {
    @TempDir
    Path dir;

    private static int run(Map<String, String> env, ByteArrayOutputStream err) {
        return L2Node.run(env, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unsupportedStorageUrl_exitsWithAMessageNamingTheVariable() {
        Map<String, String> env = NodeHttp.env(dir.resolve("l2.db"));
        env.put("L2_STORAGE_URL", "mysql://user:secret@x/db");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(run(env, err)).isEqualTo(L2Node.EXIT_CONFIG);
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(message).startsWith("L2_STORAGE_URL: ").contains("mysql").doesNotContain("secret")
                .doesNotContain("Exception");
    }

    @Test
    void badStorageCheck_exitsNamingTheVariable() {
        Map<String, String> env = NodeHttp.env(dir.resolve("l2.db"));
        env.put("L2_STORAGE_CHECK", "thorough");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThat(run(env, err)).isEqualTo(L2Node.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("L2_STORAGE_CHECK: ");
        assertThat(dir.resolve("l2.db")).doesNotExist();
    }

    @Test
    void badKeyFile_isRefusedBeforeStorageIsOpened() {
        Path db = dir.resolve("data").resolve("l2.db");
        Map<String, String> env = NodeHttp.env(db);
        env.put("L2_SEQUENCER_KEY_PATH", dir.resolve("missing.key").toString());

        assertThatThrownBy(() -> L2Node.start(NodeConfig.fromEnvironment(env)))
                .isInstanceOf(KeyLoadException.class);
        assertThat(db).doesNotExist();
    }

    @Test
    void follower_onAMissingDatabase_refusesToStart_andCreatesNothing() {
        Path db = dir.resolve("wrong").resolve("l2.db");
        Map<String, String> env = NodeHttp.env(db);
        env.put("L2_LEADER", "0");

        assertThatThrownBy(() -> L2Node.start(NodeConfig.fromEnvironment(env)))
                .isInstanceOf(StorageException.class).hasMessageContaining(db.toString());
        assertThat(db.getParent()).doesNotExist();
    }

    @Test
    void secondLeaderWithTheSameId_onTheSameStore_isRefused_whileTheFirstRuns() throws Exception {
        Path db = dir.resolve("l2.db");
        Map<String, String> env = NodeHttp.env(db);
        try (L2Node first = L2Node.start(NodeConfig.fromEnvironment(env))) {
            assertThat(first.sequencer().readiness().ready()).isTrue();
            assertThatThrownBy(() -> L2Node.start(NodeConfig.fromEnvironment(env)))
                    .isInstanceOf(IdentityLockException.class).hasMessageContaining(db + ".sequencer-0.lock");
            assertThat(first.sequencer().readiness().ready()).as("the first is undisturbed").isTrue();
        }
        L2Node.start(NodeConfig.fromEnvironment(env)).close(); // released on close
        assertThat(Files.exists(db)).isTrue();
    }
}
