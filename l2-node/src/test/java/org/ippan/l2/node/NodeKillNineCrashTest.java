package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.node.devnet.DevnetL1Server;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node killed with {@code kill -9} under load, many times, on one SQLite file.
 *
 * <p>A devnet L1 runs in this JVM (so it outlives the node). Each cycle starts the node as a child JVM (the same
 * class path as the tests, main class {@link L2Node}) as leader of term 0 on the same SQLite file, drives it with
 * concurrent {@code POST /tx} and {@code POST /txs} clients, and kills it with SIGKILL
 * ({@link Process#destroyForcibly()}) after a seeded random delay. A tx whose request failed or was refused
 * (connection reset by the kill, 503, 429) is uncertain and is resubmitted in a later cycle: resubmitting is
 * idempotent, so it must then be acknowledged with the same hash. A last run resubmits whatever is still
 * uncertain, waits until every batch is confirmed, and stops the node with SIGTERM (graceful shutdown).
 *
 * <p>Then the SQLite file and the devnet are checked directly: every tx that got a 200 is stored once and lies
 * in exactly one batch; batch numbers run 1..N, seq ranges are contiguous and cover every stored tx; each batch
 * re-hashes from its txs to its stored {@code batch_hash} and {@code tx_root} and names the previous batch's
 * hash; every batch is {@code CONFIRMED}, and the devnet applied each batch's idempotency key exactly once and
 * nothing else.
 *
 * <p>Cycles: 20 by default; more on demand with {@code -Dl2.crash.cycles=N} (or {@code L2_CRASH_CYCLES=N}); the
 * seed of the kill delays and payloads with {@code -Dl2.crash.seed=S}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NodeKillNineCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CHAIN_ID = 1;
    private static final int CLIENTS = 4;
    private static final int BULK = 10;
    private static final long START_TIMEOUT_MS = 60_000;
    private static final long DRAIN_TIMEOUT_MS = 60_000;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    /** Every tx the node acknowledged with a 200: its hash (as computed here) and how often it was acknowledged. */
    private final Map<Hash, AtomicLong> acked = new ConcurrentHashMap<>();
    /** Txs whose submission failed or was refused: resubmitted later. */
    private final ConcurrentLinkedQueue<Tx> uncertain = new ConcurrentLinkedQueue<>();
    private final AtomicLong failedRequests = new AtomicLong();
    private final AtomicLong refusedTxs = new AtomicLong();
    private final AtomicLong duplicateAnswers = new AtomicLong();
    /** Assertion failures and unexpected exceptions of the client threads. */
    private final ConcurrentLinkedQueue<Throwable> clientErrors = new ConcurrentLinkedQueue<>();

    @Test
    void everyAckedTx_isInExactlyOneConfirmedBatch_afterRepeatedKillNine() throws Exception {
        int cycles = intSetting("l2.crash.cycles", "L2_CRASH_CYCLES", 20);
        long seed = longSetting("l2.crash.seed", "L2_CRASH_SEED", 20261124L);
        Random random = new Random(seed);
        Path db = dir.resolve("l2.db");
        Path key = ChildJvm.writeKey(dir.resolve("sequencer.key"));
        long started = System.nanoTime();
        long startupNanos = 0;
        int kills = 0;

        try (DevnetL1Server devnet = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 20, 1,
                DevnetL1Server.Checks.CONTENTS)) {
            Map<String, String> env = nodeEnv(db, key, devnet);
            for (int cycle = 1; cycle <= cycles; cycle++) {
                long t0 = System.nanoTime();
                Node node = Node.start(env, dir.resolve("node-" + cycle + ".log"));
                startupNanos += System.nanoTime() - t0;
                try {
                    long killAfterMs = 100 + random.nextInt(1_500);
                    runLoad(node, random.nextLong(), killAfterMs);
                } finally {
                    node.kill();
                }
                kills++;
            }

            Node last = Node.start(env, dir.resolve("node-final.log"));
            try {
                resubmitUncertain(last);
                awaitAllConfirmed(last);
            } finally {
                last.stopGracefully();
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            Figures figures = verify(db, devnet.chain());
            System.out.printf(
                    "kill -9 crash test (seed %d): %d cycles, %d kills, %d txs acknowledged (%d duplicate answers),"
                            + " %d failed requests, %d refused txs resubmitted; %d txs in %d batches, all confirmed"
                            + " once on the devnet L1 (height %d); lost = 0, duplicated = 0;"
                            + " mean node start %d ms, %d ms in all%n",
                    seed, cycles, kills, acked.size(), duplicateAnswers.get(), failedRequests.get(),
                    refusedTxs.get(), figures.txs(), figures.batches(), devnet.chain().height(),
                    TimeUnit.NANOSECONDS.toMillis(startupNanos / (cycles + 1L)), elapsedMs);
            assertThat(figures.batches()).as("batches").isPositive();
            assertThat(acked).as("acknowledged txs").isNotEmpty();
        }
    }

    // ---- load ---------------------------------------------------------------------------------------------------

    /** Runs {@value #CLIENTS} clients against the node for {@code killAfterMs}, then returns (the caller kills). */
    private void runLoad(Node node, long seed, long killAfterMs) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Random random = new Random(seed + c);
            String from = "crash-" + Long.toHexString(seed) + "-" + c;
            Thread client = new Thread(() -> {
                try {
                    clientLoop(node, from, random, stop);
                } catch (Throwable e) {
                    clientErrors.add(e);
                }
            }, "crash-client-" + c);
            clients.add(client);
            client.start();
        }
        Thread.sleep(killAfterMs);
        node.kill();
        stop.set(true);
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(client.isAlive()).as("client stopped").isFalse();
        }
        assertThat(clientErrors).as("client errors").isEmpty();
    }

    private void clientLoop(Node node, String from, Random random, AtomicBoolean stop) {
        long nonce = 0;
        while (!stop.get()) {
            List<Tx> txs = new ArrayList<>();
            Tx retry = uncertain.poll();
            if (retry != null) {
                txs.add(retry);
            }
            int fresh = random.nextInt(4) == 0 ? BULK : 1;
            for (int i = 0; i < fresh; i++) {
                byte[] payload = new byte[random.nextInt(65)];
                random.nextBytes(payload);
                txs.add(new Tx(CHAIN_ID, ++nonce, from, payload));
            }
            boolean answered = txs.size() == 1 ? submitOne(node, txs.get(0)) : submitMany(node, txs);
            if (!answered) {
                return; // the node is gone (killed): this client's part of the cycle is over
            }
        }
    }

    /** Submits one tx with {@code POST /tx}; false when the request failed (no answer). */
    private boolean submitOne(Node node, Tx tx) {
        Optional<HttpResponse<String>> response = post(node, "/tx", json(tx));
        if (response.isEmpty()) {
            uncertain.add(tx);
            return false;
        }
        record(tx, response.get().statusCode(), parse(response.get().body()));
        return true;
    }

    /** Submits txs with {@code POST /txs}; false when the request failed (no answer). */
    private boolean submitMany(Node node, List<Tx> txs) {
        StringBuilder body = new StringBuilder("[");
        for (Tx tx : txs) {
            body.append(body.length() == 1 ? "" : ",").append(json(tx));
        }
        Optional<HttpResponse<String>> response = post(node, "/txs", body.append(']').toString());
        if (response.isEmpty()) {
            uncertain.addAll(txs);
            return false;
        }
        JsonNode answers = parse(response.get().body());
        if (response.get().statusCode() != 200 || answers == null || !answers.isArray()) {
            refusedTxs.addAndGet(txs.size());
            uncertain.addAll(txs);
            return true;
        }
        assertThat(answers.size()).as("one answer per tx").isEqualTo(txs.size());
        for (int i = 0; i < txs.size(); i++) {
            record(txs.get(i), answers.get(i).path("accepted").asBoolean() ? 200 : 503, answers.get(i));
        }
        return true;
    }

    /** Records one tx's answer: a 200 must carry the tx's own hash; anything else makes it uncertain. */
    private void record(Tx tx, int status, JsonNode answer) {
        if (status == 200 && answer != null && answer.path("accepted").asBoolean()) {
            assertThat(answer.path("tx_hash").asText()).as("tx_hash of an accepted tx")
                    .isEqualTo(tx.hash().toHex());
            if (answer.path("duplicate").asBoolean()) {
                duplicateAnswers.incrementAndGet();
            }
            acked.computeIfAbsent(tx.hash(), h -> new AtomicLong()).incrementAndGet();
        } else {
            String code = answer == null ? "" : answer.path("code").asText();
            assertThat(code).as("refusal of a valid tx: only transient codes").isIn("", "UNAVAILABLE", "QUEUE_FULL");
            refusedTxs.incrementAndGet();
            uncertain.add(tx);
        }
    }

    private void resubmitUncertain(Node node) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
        while (!uncertain.isEmpty()) {
            assertThat(System.nanoTime() - deadline).as("resubmission finished in time").isNegative();
            List<Tx> txs = new ArrayList<>();
            Tx tx;
            while (txs.size() < BULK && (tx = uncertain.poll()) != null) {
                txs.add(tx);
            }
            boolean answered = txs.size() == 1 ? submitOne(node, txs.get(0)) : submitMany(node, txs);
            if (!answered || uncertain.contains(txs.get(0))) {
                Thread.sleep(10); // refused (busy) or no answer: back off a little
            }
        }
    }

    private void awaitAllConfirmed(Node node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
        JsonNode status = null;
        while (System.nanoTime() - deadline < 0) {
            Optional<HttpResponse<String>> answer = get(node, "/status");
            if (answer.isPresent() && answer.get().statusCode() == 200) {
                status = JSON.readTree(answer.get().body());
                if (status.path("pool").path("pending").asLong() == 0
                        && status.path("batches").path("pending").asLong() == 0
                        && status.path("batches").path("posted").asLong() == 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not everything confirmed in time; last status " + status);
    }

    // ---- verification -------------------------------------------------------------------------------------------

    private record Figures(long txs, long batches) {}

    /** Checks the SQLite file and the devnet directly, with the node stopped. */
    private Figures verify(Path db, SimulatedL1 chain) {
        try (Storage storage = JdbcStorage.open("sqlite:" + db)) {
            SequenceState state = storage.readSequenceState();
            long storedTxs = state.nextSeq() - 1;
            assertThat(state.nextUnbatchedSeq()).as("every stored tx is batched").isEqualTo(state.nextSeq());

            Set<Hash> storedHashes = new HashSet<>();
            long expectedNumber = 1;
            long expectedFirstSeq = 1;
            byte[] expectedPrev = new byte[32];
            List<StoredBatch> page;
            while (!(page = storage.listBatches(expectedNumber, 500)).isEmpty()) {
                for (StoredBatch stored : page) {
                    NewBatch batch = stored.batch();
                    assertThat(batch.batchNumber()).as("batch numbers are contiguous").isEqualTo(expectedNumber);
                    assertThat(batch.firstSeq()).as("batch %d starts where the last ended", expectedNumber)
                            .isEqualTo(expectedFirstSeq);
                    assertThat(batch.prevBatchHash()).as("batch %d names its predecessor", expectedNumber)
                            .isEqualTo(expectedPrev);
                    List<StoredTx> txs = storage.readTxs(batch.firstSeq(), batch.txCount());
                    assertThat(txs).hasSize(batch.txCount());
                    List<Tx> decoded = new ArrayList<>(txs.size());
                    for (StoredTx stored2 : txs) {
                        Tx tx = Tx.decode(stored2.canonicalTx());
                        assertThat(tx.hash().toBytes()).isEqualTo(stored2.txHash());
                        assertThat(storedHashes.add(tx.hash())).as("tx %s stored once", tx.hash()).isTrue();
                        decoded.add(tx);
                    }
                    Batch rebuilt = new Batch(CHAIN_ID, batch.batchNumber(), decoded, batch.createdMs());
                    assertThat(rebuilt.hash().toBytes()).as("batch %d re-hashes", expectedNumber)
                            .isEqualTo(batch.batchHash());
                    assertThat(rebuilt.txRoot().toBytes()).isEqualTo(batch.txRoot());
                    assertThat(stored.l1State().status()).as("batch %d confirmed", expectedNumber)
                            .isEqualTo(L1Status.CONFIRMED);
                    assertThat(chain.applyCount(batch.idempotencyKey()))
                            .as("batch %d applied once on the devnet", expectedNumber).isEqualTo(1);
                    expectedNumber++;
                    expectedFirstSeq = batch.endSeq();
                    expectedPrev = batch.batchHash();
                }
            }
            long batches = expectedNumber - 1;
            assertThat(expectedFirstSeq - 1).as("batches cover every stored tx").isEqualTo(storedTxs);
            assertThat(state.nextBatchNumber()).isEqualTo(expectedNumber);
            assertThat(state.headBatchHash()).isEqualTo(expectedPrev);
            assertThat(chain.includedSubmissions()).as("the devnet holds these batches and nothing else")
                    .hasSize((int) batches);

            List<Hash> lost = new ArrayList<>();
            for (Hash hash : acked.keySet()) {
                if (!storedHashes.contains(hash)) {
                    lost.add(hash);
                }
            }
            assertThat(lost).as("acknowledged txs missing from every batch").isEmpty();
            return new Figures(storedTxs, batches);
        }
    }

    // ---- the child node -----------------------------------------------------------------------------------------

    /** A node running as a child JVM. */
    private static final class Node {
        private final Process process;
        private final String baseUrl;

        private Node(Process process, String baseUrl) {
            this.process = process;
            this.baseUrl = baseUrl;
        }

        static Node start(Map<String, String> env, Path log) throws IOException, InterruptedException {
            Process process = ChildJvm.launch(L2Node.class.getName(), 256, env, log);
            return new Node(process, ChildJvm.awaitListening(process, log, START_TIMEOUT_MS));
        }

        /** SIGKILL: no shutdown hook runs. */
        void kill() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed node exited").isTrue();
        }

        /** SIGTERM: the shutdown hook closes the node gracefully. */
        void stopGracefully() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the node did not stop on SIGTERM");
            }
        }
    }

    private static Map<String, String> nodeEnv(Path db, Path key, DevnetL1Server devnet) {
        Map<String, String> env = new HashMap<>();
        env.put("L2_LISTEN_ADDR", "127.0.0.1:0");
        env.put("L2_STORAGE_URL", "sqlite:" + db);
        env.put("L2_SEQUENCER_KEY_PATH", key.toString());
        env.put("L2_LEADER", "1");
        env.put("LEADER_TERM", "0");
        env.put("LEADER_ID", "crash-leader");
        env.put("L2_CHAIN_ID", Long.toString(CHAIN_ID));
        env.put("L2_MAX_BATCH_TXS", "50");
        env.put("L2_MAX_WAIT_MS", "20");
        env.put("L2_FINALITY_CONFIRMATIONS", "1");
        env.put("L2_RECONCILE_MS", "20");
        env.put("L2_HEARTBEAT_MS", "100");
        env.put("L1_BASE_URL", devnet.baseUrl());
        env.put("L1_ENDPOINT_CHAIN_STATUS", DevnetL1Server.PATH_STATUS);
        env.put("L1_ENDPOINT_SUBMIT_BATCH", DevnetL1Server.PATH_SUBMIT);
        env.put("L1_ENDPOINT_GET_INCLUSION", DevnetL1Server.PATH_INCLUSION);
        env.put("L1_ENDPOINT_GET_FINALITY", DevnetL1Server.PATH_FINALITY);
        env.put("L1_TIMEOUT_MS", "2000");
        return env;
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    private static String json(Tx tx) {
        return "{\"chain_id\":" + Long.toUnsignedString(tx.chainId()) + ",\"from\":\"" + tx.from() + "\",\"nonce\":"
                + Long.toUnsignedString(tx.nonce()) + ",\"payload\":\"" + Hex.encode(tx.payload()) + "\"}";
    }

    /** POST; empty when the request failed (the node died or is not listening). */
    private Optional<HttpResponse<String>> post(Node node, String path, String body) {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(URI.create(node.baseUrl + path))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            failedRequests.incrementAndGet();
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failedRequests.incrementAndGet();
            return Optional.empty();
        }
    }

    private Optional<HttpResponse<String>> get(Node node, String path) {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(URI.create(node.baseUrl + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static int intSetting(String property, String variable, int fallback) {
        return (int) longSetting(property, variable, fallback);
    }

    private static long longSetting(String property, String variable, long fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return Long.parseLong(value.trim());
    }
}
