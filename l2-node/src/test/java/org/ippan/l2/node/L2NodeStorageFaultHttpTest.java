package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.node.NodeHttp.assertRefused;
import static org.ippan.l2.node.NodeHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.node.NodeHttp.Answer;
import org.ippan.l2.storage.StorageCorruptException;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StorageFullException;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage faults met through the node, over real HTTP on loopback (issue 14's acceptance): a full disk (a real tmpfs
 * when the test may mount one, else a storage wrapper failing as SQLite does on {@code SQLITE_FULL}), a database with
 * 4 KB overwritten mid-file, and typed storage failures on reads answered {@code 503 UNAVAILABLE}, never 500.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class L2NodeStorageFaultHttpTest {
    private final NodeHttp http = new NodeHttp();

    private static Tx tx(String from, long nonce, int payloadSize) {
        byte[] payload = new byte[payloadSize];
        new SplittableRandom(nonce * 31 + from.hashCode()).nextBytes(payload);
        return new Tx(1, nonce, from, payload);
    }

    // ---- typed storage failures on reads ---------------------------------------------------------------------

    @Test
    void storageFailuresOnReads_answer503Typed_withRetryAfter_notInternalError(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("reads.db");
        FaultInjectingStorage storage = new FaultInjectingStorage(JdbcStorage.openSqlite(db));
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(NodeHttp.env(db)), storage)) {
            String stored = http.submitNew(node, tx("r", 1, 8));
            JsonNode confirmed = http.awaitConfirmed(node, stored);
            String batchHash = confirmed.get("batch_hash").asText();

            Answer status = http.get(node, "/status");
            assertThat(status.status()).isEqualTo(200);
            JsonNode ok = status.body().get("storage");
            assertThat(ok).as(status.text()).isNotNull();
            assertThat(ok.get("state").asText()).isEqualTo("ok");
            assertThat(ok.get("last_write_error").isNull()).isTrue();
            assertThat(ok.get("last_read_error").isNull()).isTrue();
            assertThat(ok.get("corruption").isNull()).isTrue();
            Map<String, Double> okMetrics = NodeHttp.samples(http.get(node, "/metrics").text());
            assertThat(NodeHttp.value(okMetrics, "l2_storage_state{state=\"ok\"}")).isEqualTo(1);
            for (String other : List.of("failing", "full", "corrupt")) {
                assertThat(NodeHttp.value(okMetrics, "l2_storage_state{state=\"" + other + "\"}")).isZero();
            }
            assertThat(NodeHttp.value(okMetrics, "l2_storage_write_failing")).isZero();
            assertThat(NodeHttp.value(okMetrics, "l2_storage_read_failing")).isZero();
            assertThat(NodeHttp.value(okMetrics, "l2_ready")).isEqualTo(1);

            // a transient failure, then a full store: 503 with the kind named, and reads work again after
            storage.failLookups(() -> new StorageException(FaultInjectingStorage.INJECTED + ": findTx failed: boom"));
            assertStorage503(http.get(node, "/tx/" + stored), "failing", "boom");
            storage.failLookups(() -> new StorageFullException(FaultInjectingStorage.INJECTED + ": disk full", null));
            assertStorage503(http.get(node, "/batch/" + batchHash), "full", "disk full");
            storage.failLookups(null);
            assertThat(http.get(node, "/tx/" + stored).status()).isEqualTo(200);

            // corruption: every lookup answers a typed 503 naming the file; readiness red, status and metrics say so
            String damaged = db + " is damaged";
            storage.failLookups(() -> new StorageCorruptException(db.toString(), FaultInjectingStorage.INJECTED
                    + ": findTx failed: SQLite database " + damaged + ": [SQLITE_CORRUPT] database disk image is "
                    + "malformed", null));
            assertStorage503(http.get(node, "/tx/" + stored), "corrupt", damaged);
            assertStorage503(http.get(node, "/batch/" + batchHash), "corrupt", damaged);
            assertStorage503(http.get(node, "/batches"), "corrupt", damaged);
            Answer ready = http.get(node, "/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body().get("reasons").toString()).contains("storage corrupt").contains(damaged);
            JsonNode corrupt = http.get(node, "/status").body().get("storage");
            assertThat(corrupt.get("state").asText()).isEqualTo("corrupt");
            assertThat(corrupt.get("corruption").asText()).contains(damaged);
            Map<String, Double> m = NodeHttp.samples(http.get(node, "/metrics").text());
            assertThat(NodeHttp.value(m, "l2_storage_state{state=\"corrupt\"}")).isEqualTo(1);
            assertThat(NodeHttp.value(m, "l2_storage_state{state=\"ok\"}")).isZero();
            assertThat(NodeHttp.value(m, "l2_ready")).isZero();
            storage.failLookups(null);
        }
    }

    private static void assertStorage503(Answer answer, String kind, String named) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(503);
        assertThat(answer.raw().headers().firstValue("Retry-After").orElse("")).matches("[1-9][0-9]*");
        assertThat(answer.body().get("code").asText()).isEqualTo("UNAVAILABLE");
        assertThat(answer.body().get("storage").asText()).isEqualTo(kind);
        assertThat(answer.body().get("error").asText()).startsWith("storage " + kind + ": ").contains(named)
                .doesNotContain("Exception");
    }

    // ---- a full disk ----------------------------------------------------------------------------------------------

    /** The full disk of a test: fills and frees. */
    private interface Disk {
        void fill() throws IOException;

        void free() throws IOException;
    }

    @Test
    void fullDisk_onATmpfs_turnsReadinessRedWithin2s_refuses503_andIsGreenAgainAfterSpaceReturns_losingNothing(
            @TempDir Path dir) throws Exception {
        Path mount = dir.resolve("tmpfs");
        Files.createDirectories(mount);
        String refusal = mountTmpfs(mount, "6m");
        if (refusal != null) {
            System.out.println("[full disk] cannot mount a tmpfs here (" + refusal + "): the full disk is simulated "
                    + "by a storage wrapper failing as SQLite does on SQLITE_FULL instead");
            fullDiskWithAWrapper(dir);
            return;
        }
        try {
            Path db = mount.resolve("l2.db");
            Path filler = mount.resolve("filler");
            Disk disk = new Disk() {
                @Override
                public void fill() throws IOException {
                    byte[] chunk = new byte[64 * 1024];
                    try (OutputStream out = Files.newOutputStream(filler)) {
                        while (true) {
                            out.write(chunk);
                        }
                    } catch (IOException e) {
                        if (!String.valueOf(e.getMessage()).contains("space")) {
                            throw e;
                        }
                    }
                }

                @Override
                public void free() throws IOException {
                    Files.delete(filler);
                }
            };
            try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(NodeHttp.env(db)))) {
                fullDisk(node, disk, "tmpfs 6 MB");
            }
        } finally {
            umount(mount);
        }
    }

    @Test
    void fullDisk_asSqliteFull_turnsReadinessRedWithin2s_refuses503_andIsGreenAgainAfterSpaceReturns_losingNothing(
            @TempDir Path dir) throws Exception {
        fullDiskWithAWrapper(dir);
    }

    private void fullDiskWithAWrapper(Path dir) throws Exception {
        Path db = dir.resolve("full.db");
        FaultInjectingStorage storage = new FaultInjectingStorage(JdbcStorage.openSqlite(db));
        Disk disk = new Disk() {
            @Override
            public void fill() {
                storage.failWritesAsFull(true);
            }

            @Override
            public void free() {
                storage.failWritesAsFull(false);
            }
        };
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(NodeHttp.env(db)), storage)) {
            fullDisk(node, disk, "SQLITE_FULL wrapper");
        }
    }

    /**
     * Before: txs accepted. Then the disk fills: txs are submitted until one is refused (a tmpfs may still take a
     * few writes into space SQLite holds already); from that refusal {@code /readyz} must be 503 within 2 s, every
     * refusal {@code 503 UNAVAILABLE} with {@code Retry-After}, status and metrics say {@code full}. Then space
     * returns: {@code /readyz} turns 200 once a write succeeded, txs are accepted again, and every tx acknowledged
     * before, during and after is found.
     */
    private void fullDisk(L2Node node, Disk disk, String how) throws Exception {
        List<String> acknowledged = new ArrayList<>();
        long nonce = 0;
        for (int i = 0; i < 20; i++) {
            acknowledged.add(http.submitNew(node, tx("disk", ++nonce, 900)));
        }
        int before = acknowledged.size();

        disk.fill();
        long filledNs = System.nanoTime();
        Answer refused = null;
        while (refused == null && System.nanoTime() - filledNs < TimeUnit.SECONDS.toNanos(60)) {
            Tx tx = tx("disk", ++nonce, 900);
            Answer answer = http.post(node, "/tx", json(tx));
            if (answer.status() == 200) {
                acknowledged.add(answer.body().get("tx_hash").asText()); // space SQLite already held
            } else {
                refused = answer;
            }
        }
        assertThat(refused).as("a write was refused within 60 s of the disk filling").isNotNull();
        long refusedNs = System.nanoTime();
        int during = acknowledged.size() - before;
        assertRefused(refused, 503, RefusalCode.UNAVAILABLE);
        assertThat(refused.body().get("error").asText()).contains("storage full");
        assertThat(refused.raw().headers().firstValue("Retry-After").orElse("")).matches("[1-9][0-9]*");

        Answer red = http.awaitGet(node, "/readyz", a -> a.status() == 503);
        long redMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refusedNs);
        assertThat(red.status()).isEqualTo(503);
        assertThat(redMs).as("/readyz red after the first refused write").isLessThan(2_000);
        assertThat(red.body().get("reasons").toString()).contains("storage full");

        // it stays red while the disk is full: the heartbeat's writes fail too, reads do not clear it
        for (int i = 0; i < 5; i++) {
            Tx tx = tx("disk", ++nonce, 900);
            Answer answer = http.post(node, "/tx", json(tx));
            assertRefused(answer, 503, RefusalCode.UNAVAILABLE);
            assertThat(answer.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(http.get(node, "/tx/" + acknowledged.get(0)).status()).isEqualTo(200);
            Thread.sleep(100);
            assertThat(http.get(node, "/readyz").status()).as("still red").isEqualTo(503);
        }
        JsonNode storage = http.get(node, "/status").body().get("storage");
        assertThat(storage.get("state").asText()).isEqualTo("full");
        assertThat(storage.get("last_write_error").asText()).isNotBlank();
        Map<String, Double> m = NodeHttp.samples(http.get(node, "/metrics").text());
        assertThat(NodeHttp.value(m, "l2_storage_state{state=\"full\"}")).isEqualTo(1);
        assertThat(NodeHttp.value(m, "l2_storage_write_failing")).isEqualTo(1);
        assertThat(NodeHttp.value(m, "l2_ready")).isZero();

        disk.free();
        long freedNs = System.nanoTime();
        Answer green = http.awaitGet(node, "/readyz", a -> a.status() == 200);
        long greenMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freedNs);
        assertThat(green.status()).as(green.text()).isEqualTo(200);
        for (int i = 0; i < 20; i++) {
            acknowledged.add(http.submitNew(node, tx("disk", ++nonce, 900)));
        }
        JsonNode healed = http.get(node, "/status").body().get("storage");
        assertThat(healed.get("state").asText()).isEqualTo("ok");
        assertThat(healed.get("last_write_error").isNull()).isTrue();

        int missing = 0;
        for (String hash : acknowledged) {
            if (http.get(node, "/tx/" + hash).status() != 200) {
                missing++;
            }
        }
        System.out.printf("[full disk] %s: %d txs acknowledged before, %d after the disk filled (space SQLite "
                + "held), %d after; first refusal %d ms after the disk filled; /readyz red %d ms after it, green %d "
                + "ms after space returned; acknowledged txs not found: %d%n", how, before, during, 20,
                TimeUnit.NANOSECONDS.toMillis(refusedNs - filledNs), redMs, greenMs, missing);
        assertThat(missing).as("acknowledged txs lost").isZero();
        http.awaitConfirmed(node, acknowledged.get(acknowledged.size() - 1));
    }

    /** @return null if {@code dir} now has a tmpfs of {@code size} mounted, else why not */
    private static String mountTmpfs(Path dir, String size) {
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                    .redirectErrorStream(true).start();
            String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!mount.waitFor(10, TimeUnit.SECONDS)) {
                mount.destroyForcibly();
                return "mount did not finish";
            }
            return mount.exitValue() == 0 ? null : "mount exited " + mount.exitValue() + ": " + output;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static void umount(Path dir) throws IOException, InterruptedException {
        Process umount = new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start();
        umount.getInputStream().readAllBytes();
        umount.waitFor(10, TimeUnit.SECONDS);
    }

    // ---- a damaged database ---------------------------------------------------------------------------------------

    @Test
    void damagedDatabase_isRefusedAtStartNamingTheFile_andWithTheCheckOff_answersTyped503_readinessRed(
            @TempDir Path dir) throws Exception {
        Path db = dir.resolve("damaged.db");
        Map<String, String> env = NodeHttp.env(db);
        List<String> txHashes = new ArrayList<>();
        List<String> batchHashes = new ArrayList<>();
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env))) {
            for (int request = 0; request < 4; request++) {
                StringBuilder body = new StringBuilder("[");
                for (int i = 0; i < 100; i++) {
                    Tx tx = tx("dmg", request * 100L + i + 1, 600);
                    body.append(i == 0 ? "" : ",").append(json(tx));
                    txHashes.add(tx.hash().toHex());
                }
                Answer answer = http.post(node, "/txs", body.append(']').toString());
                assertThat(answer.status()).isEqualTo(200);
                answer.body().forEach(item -> assertThat(item.get("accepted").asBoolean()).isTrue());
            }
            http.awaitConfirmed(node, txHashes.get(txHashes.size() - 1));
            Answer settled = http.awaitGet(node, "/status", a -> a.body().get("pool").get("pending").asLong() == 0
                    && a.body().get("batches").get("pending").asLong() == 0
                    && a.body().get("batches").get("posted").asLong() == 0);
            assertThat(settled.body().get("pool").get("pending").asLong()).isZero();
            for (JsonNode batch : http.get(node, "/batches?limit=1000").body().get("batches")) {
                batchHashes.add(batch.get("batch_hash").asText());
            }
        }
        long size = Files.size(db);
        assertThat(size).as("the database file holds the txs").isGreaterThan(200_000);
        long offset = (size / 2) / 4096 * 4096;
        byte[] garbage = new byte[4096];
        long seed = System.nanoTime();
        new SplittableRandom(seed).nextBytes(garbage);
        try (RandomAccessFile file = new RandomAccessFile(db.toFile(), "rw")) {
            file.seek(offset);
            file.write(garbage);
        }
        System.out.printf("[damaged database] %d bytes, 4096 overwritten at offset %d (seed %d)%n", size, offset,
                seed);

        // the default check refuses the start, naming the file
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long checkStartNs = System.nanoTime();
        int exit = L2Node.run(env, new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        System.out.printf("[damaged database] default check: exit %d after %d ms: %s", exit,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checkStartNs), message);
        assertThat(exit).as(message).isEqualTo(L2Node.EXIT_START);
        assertThat(message).contains(db.toString());

        // with the check off it starts, and the damage it meets is a typed 503, readiness red
        env.put("L2_STORAGE_CHECK", "off");
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env), NodeConfig.storageCheck(env))) {
            int ok = 0;
            int unavailable = 0;
            List<String> paths = new ArrayList<>();
            txHashes.forEach(hash -> paths.add("/tx/" + hash));
            batchHashes.forEach(hash -> paths.add("/batch/" + hash));
            paths.add("/batches?limit=1000");
            for (String path : paths) {
                Answer answer = http.get(node, path);
                assertThat(answer.status()).as("%s: %s", path, answer.text()).isIn(200, 503);
                if (answer.status() == 503) {
                    unavailable++;
                    assertStorage503(answer, "corrupt", db.toString());
                } else {
                    ok++;
                }
            }
            System.out.printf("[damaged database] check off: of %d reads %d answered 200, %d typed 503, 0 500%n",
                    paths.size(), ok, unavailable);
            assertThat(unavailable).as("reads that met the damage").isPositive();
            Answer ready = http.get(node, "/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body().get("reasons").toString()).contains("storage corrupt").contains(db.toString());
            assertThat(http.get(node, "/status").body().get("storage").get("state").asText()).isEqualTo("corrupt");
            Map<String, Double> m = NodeHttp.samples(http.get(node, "/metrics").text());
            assertThat(NodeHttp.value(m, "l2_storage_state{state=\"corrupt\"}")).isEqualTo(1);
        }
    }
}
