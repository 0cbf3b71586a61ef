package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process per identity, with real processes (issue 14's acceptance): a second node process with the same
 * {@code LEADER_ID} on the same SQLite store is refused at start (exit code and a message naming the lock file and
 * the holder's pid), while a restart after {@code kill -9} of the first proceeds at once. The nodes are child JVMs
 * started from the test class path, as in {@link NodeKillNineCrashTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeIdentityProcessTest {
    private static final long START_TIMEOUT_MS = 60_000;

    @Test
    void secondProcessWithTheSameId_isRefusedNamingTheLockAndHolder_whileAKillNineRestartProceeds(@TempDir Path dir)
            throws Exception {
        Path db = dir.resolve("shared.db");
        Map<String, String> env = NodeHttp.env(db);
        env.put("LEADER_ID", "twin");
        Path lockFile = db.toAbsolutePath().resolveSibling("shared.db.twin.lock");

        Process first = start(env, dir.resolve("first.log"));
        Process restarted = null;
        try {
            awaitListening(first, dir.resolve("first.log"));

            Path secondLog = dir.resolve("second.log");
            long secondStartNs = System.nanoTime();
            Process second = start(env, secondLog);
            boolean exited = second.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            String output = Files.readString(secondLog, StandardCharsets.UTF_8);
            if (!exited) {
                second.destroyForcibly();
            }
            assertThat(exited).as("the second process exits:\n%s", output).isTrue();
            long refusedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - secondStartNs);
            assertThat(second.exitValue()).as(output).isEqualTo(L2Node.EXIT_START);
            assertThat(output).contains(lockFile.toString()).contains("pid " + first.pid()).contains("twin")
                    .doesNotContain("listening on");
            assertThat(first.isAlive()).as("the first is undisturbed").isTrue();

            first.destroyForcibly(); // SIGKILL: no shutdown hook, no release
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long restartNs = System.nanoTime();
            restarted = start(env, dir.resolve("restarted.log"));
            String url = awaitListening(restarted, dir.resolve("restarted.log"));
            long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNs);
            String restartedLog = Files.readString(dir.resolve("restarted.log"), StandardCharsets.UTF_8);
            assertThat(restartedLog).doesNotContain("another process already runs");
            System.out.printf("[identity] second process refused (exit %d) %d ms after its start: %s%n"
                    + "[identity] restart after kill -9 listening on %s %d ms after the kill (JVM start included)%n",
                    second.exitValue(), refusedMs, output.lines().filter(l -> l.contains("lock")).findFirst()
                            .orElse(""), url, restartMs);
        } finally {
            first.destroyForcibly();
            if (restarted != null) {
                restarted.destroyForcibly();
                restarted.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Process start(Map<String, String> env, Path log) throws IOException {
        return ChildJvm.launch(L2Node.class.getName(), 128, env, log);
    }

    private static String awaitListening(Process process, Path log) throws IOException, InterruptedException {
        return ChildJvm.awaitListening(process, log, START_TIMEOUT_MS);
    }
}
