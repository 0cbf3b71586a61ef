package org.ippan.l2.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.node.L2Node;
import org.ippan.l2.node.devnet.DevnetL1Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay} over a run with {@code kill -9} restarts in it: a node in a child JVM on one SQLite file, loaded
 * with txs and killed with SIGKILL at a seeded random moment, {@value #KILLS} times, then restarted a last time,
 * drained (every acknowledged tx in a batch, every batch posted to a devnet L1 that outlives the kills) and stopped
 * gracefully. Replay must then rebuild every batch to the byte, and what it rebuilds from the store is checked
 * against every body the L1 received: replay matches every posted byte.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplayAcrossKillNineTest {
    private static final int KILLS = 3;
    private static final long SEED = 20261203L;
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.]+:[0-9]+)");
    private static final long START_TIMEOUT_MS = 60_000;

    @TempDir
    Path dir;

    private final LiveNode http = new LiveNode();
    private final List<String> acked = new ArrayList<>();
    private long nonce;

    @Test
    void replay_matchesEveryPostedByte_ofARunWithKillNineRestarts() throws Exception {
        Random random = new Random(SEED);
        Path db = dir.resolve("l2.db");
        Path key = dir.resolve("sequencer.key");
        CliRun.Result keygen = CliRun.run("keygen", "--out", key.toString());
        assertThat(keygen.code()).as(keygen.toString()).isZero();
        String publicKey = keygen.out().strip();

        try (DevnetL1Server devnet = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 20, 1,
                DevnetL1Server.Checks.CONTENTS);
                RecordingProxy l1 = new RecordingProxy(devnet.baseUrl(), DevnetL1Server.PATH_SUBMIT)) {
            Map<String, String> env = nodeEnv(db, key, l1.url());
            for (int cycle = 1; cycle <= KILLS; cycle++) {
                Process node = launch(env, dir.resolve("node-" + cycle + ".log"));
                try {
                    String url = awaitListening(node, dir.resolve("node-" + cycle + ".log"));
                    load(url, 150 + random.nextInt(900));
                } finally {
                    node.destroyForcibly(); // SIGKILL: no shutdown hook runs
                    assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("killed node exited").isTrue();
                }
            }
            Path lastLog = dir.resolve("node-final.log");
            Process last = launch(env, lastLog);
            long lastBatch;
            try {
                String url = awaitListening(last, lastLog);
                load(url, 300);
                http.awaitProofs(url, acked);
                awaitDrained(url, devnet.chain());
                lastBatch = http.lastBatchNumber(url);
                // and verify-batch agrees with the live node on the batches around each restart
                CliRun.Result verify = CliRun.run("--url", url, "verify-batch", Long.toString(lastBatch), "--key",
                        publicKey);
                assertThat(verify.code()).as(verify.toString()).isZero();
            } finally {
                last.destroy(); // SIGTERM: a graceful stop
                if (!last.waitFor(30, TimeUnit.SECONDS)) {
                    last.destroyForcibly();
                    throw new AssertionError("the node did not stop on SIGTERM");
                }
            }

            CliRun.Result replay = CliRun.run("--json", "replay", "--storage-url", "sqlite:" + db, "--key", publicKey,
                    "--hub", "Fin", "--fee", "0", "--chain-id", "1");
            assertThat(replay.code()).as(replay.toString()).isZero();
            JsonNode summary = L2Ctl.JSON.readTree(replay.out());
            assertThat(summary.get("batches_checked").asLong()).isEqualTo(lastBatch);
            assertThat(summary.get("txs_checked").asLong()).as("every acknowledged tx is batched")
                    .isGreaterThanOrEqualTo(acked.size());
            assertThat(summary.get("mismatches").asLong()).isZero();

            // every body the L1 received (re-posts across the kills included) is, byte for byte, the stored body
            // that replay rebuilt: replay matches every posted byte
            List<byte[]> posted = l1.posted();
            Set<Long> postedNumbers = new TreeSet<>();
            long postedBytes = 0;
            try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + db);
                    PreparedStatement select = sql.prepareStatement(
                            "SELECT l1_envelope FROM l2_batch_envelopes WHERE batch_number = ?")) {
                for (byte[] body : posted) {
                    long number = L2BatchEnvelopeV1.fromJson(body).sequence();
                    select.setLong(1, number);
                    try (ResultSet rows = select.executeQuery()) {
                        assertThat(rows.next()).as("batch %d stored", number).isTrue();
                        assertThat(rows.getBytes(1)).as("batch %d: stored = posted", number).isEqualTo(body);
                    }
                    postedNumbers.add(number);
                    postedBytes += body.length;
                }
            }
            assertThat(postedNumbers).as("every batch was posted").hasSize((int) lastBatch)
                    .contains(1L, lastBatch);
            System.out.printf("replay across kill -9 (seed %d): %d kills, %d txs acknowledged, %d batches rebuilt "
                    + "to the byte (%d bytes), %d posts received by the L1 (%d bytes, re-posts included), all equal "
                    + "to the rebuilt bytes; 0 mismatches%n", SEED, KILLS, acked.size(), lastBatch,
                    summary.get("bytes_compared").asLong(), posted.size(), postedBytes);
        }
    }

    /** Submits txs one after another for {@code ms}; only acknowledged ones are recorded. */
    private void load(String url, long ms) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() - until < 0) {
            long n = nonce++;
            try {
                HttpResponse<String> answer = http.post(url, "/tx", LiveNode.tx("kill-user-" + (n % 4), n,
                        new byte[] {(byte) n, (byte) (n >> 8), 0x33}));
                if (answer.statusCode() == 200) {
                    acked.add(L2Ctl.JSON.readTree(answer.body()).get("tx_hash").asText());
                }
            } catch (Exception e) {
                return; // the node is gone or refusing: this cycle's load is over
            }
        }
    }

    /** Waits until nothing is pending and the L1 holds every batch the node cut. */
    private void awaitDrained(String url, SimulatedL1 chain) throws Exception {
        long deadline = System.nanoTime() + LiveNode.DEADLINE.toNanos();
        while (true) {
            JsonNode status = L2Ctl.JSON.readTree(http.get(url, "/status").body());
            long last = status.path("batches").path("last_batch_number").asLong();
            if (status.path("pool").path("pending").asLong() == 0 && last > 0
                    && chain.includedSubmissions().size() == last) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not drained within " + LiveNode.DEADLINE + ": " + status);
            }
            Thread.sleep(20);
        }
    }

    private static Map<String, String> nodeEnv(Path db, Path key, String l1Url) {
        Map<String, String> env = LiveNode.env(db, key);
        env.remove("L2_DEVNET_BLOCK_MS");
        env.put("L2_LEADER", "1");
        env.put("LEADER_TERM", "0");
        env.put("LEADER_ID", "kill-leader");
        env.put("L2_CHAIN_ID", "1");
        env.put("L2_MAX_WAIT_MS", "20");
        env.put("L1_BASE_URL", l1Url);
        env.put("L1_ENDPOINT_CHAIN_STATUS", DevnetL1Server.PATH_STATUS);
        env.put("L1_ENDPOINT_SUBMIT_BATCH", DevnetL1Server.PATH_SUBMIT);
        env.put("L1_ENDPOINT_GET_INCLUSION", DevnetL1Server.PATH_INCLUSION);
        env.put("L1_ENDPOINT_GET_FINALITY", DevnetL1Server.PATH_FINALITY);
        env.put("L1_TIMEOUT_MS", "2000");
        return env;
    }

    /** The node's main in a small child JVM on this test's class path, its output in {@code log}. */
    private static Process launch(Map<String, String> env, Path log) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(javaBin, "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", classPath, L2Node.class.getName());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    /** The base URL the child logs once it listens; it is killed if it does not within the timeout. */
    private static String awaitListening(Process process, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() - deadline < 0) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Matcher matcher = LISTENING.matcher(output);
            if (matcher.find()) {
                return matcher.group(1);
            }
            if (!process.isAlive()) {
                throw new AssertionError("the node exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(10);
        }
        process.destroyForcibly();
        throw new AssertionError("the node did not start in time:\n" + Files.readString(log));
    }
}
