package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process per identity on a SQLite store: a second holder is refused, a kill -9 frees the lock at once. */
class IdentityLockTest {
    @TempDir
    Path dir;

    @Test
    void secondHolderInTheSameProcess_isRefused_andTheLockIsFreeAfterClose() {
        String url = "sqlite:" + dir.resolve("l2.db");
        try (IdentityLock first = IdentityLock.acquire(url, "seq-a")) {
            assertThatThrownBy(() -> IdentityLock.acquire(url, "seq-a")).isInstanceOf(IdentityLockException.class)
                    .hasMessageContaining(dir.resolve("l2.db.seq-a.lock").toString())
                    .hasMessageContaining("seq-a");
            IdentityLock.acquire(url, "seq-b").close(); // another identity is another lock
            assertThat(first.toString()).contains("l2.db.seq-a.lock");
        }
        IdentityLock.acquire(url, "seq-a").close();
    }

    @Test
    void lockFile_namesTheIdSafely() {
        Path db = dir.resolve("l2.db");
        assertThat(IdentityLock.lockFile(db, "seq-0").getFileName().toString()).isEqualTo("l2.db.seq-0.lock");
        assertThat(IdentityLock.lockFile(db, "../x").getFileName().toString()).startsWith("l2.db..._x-")
                .endsWith(".lock");
        assertThat(IdentityLock.lockFile(db, "../x").getParent()).isEqualTo(db.toAbsolutePath().getParent());
    }

    @Test
    void anotherProcessHoldingTheLock_refusesThisOne_untilItIsKilledWithSigkill() throws Exception {
        String url = "sqlite:" + dir.resolve("l2.db");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process holder = new ProcessBuilder(javaBin, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                IdentityLockHolder.class.getName(), url, "seq-a").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("LOCKED"));
            assertThat(line).as("the child took the lock").startsWith("LOCKED");

            assertThatThrownBy(() -> IdentityLock.acquire(url, "seq-a")).isInstanceOf(IdentityLockException.class)
                    .hasMessageContaining("pid " + holder.pid());

            holder.destroyForcibly(); // SIGKILL: no shutdown hook, no release
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long startNs = System.nanoTime();
            IdentityLock.acquire(url, "seq-a").close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isLessThan(1_000);
        } finally {
            holder.destroyForcibly();
        }
    }
}
