package org.ippan.l2.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.AppendedTx;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.Committed;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.jdbc.JdbcStorage;

/**
 * What durable admission writes to disk on SQLite, and where, for several store settings measured in one run (a
 * plain program, not JMH: it measures bytes and the worst commit, which JMH's scores do not show).
 *
 * <p>Each setting gets a new database file, grown through {@link JdbcStorage} the way the node grows it: groups of
 * {@value #GROUP} new txs ({@code appendTxs}, 32-byte random hashes, {@value #TX_BYTES}-byte canonical txs), each
 * followed by a batch of those txs with a {@value #ENVELOPE_BYTES}-byte L1 envelope ({@code commitBatch}). After
 * {@code growTxs} txs, the next {@code measureTxs} are measured: the bytes the writing thread made the kernel
 * write (its {@code /proc/thread-self/io} {@code write_bytes}: WAL appends and, with SQLite's auto-checkpoint,
 * the checkpoints inside commits), split between {@code appendTxs} and {@code commitBatch}; the bytes written by
 * the thread calling {@link JdbcStorage#checkpoint()} at the setting's interval (for the settings that do); txs per second of
 * the writing loop; and the slowest {@code appendTxs}, which is where a checkpoint inside a commit shows.
 *
 * <p>Settings run in rounds ({@code rounds} times the list), so that each is measured next to the others.
 *
 * <pre>
 * java -cp l2-benchmarks/target/benchmarks.jar org.ippan.l2.benchmarks.SqliteWriteCost [growTxs] [measureTxs]
 *     [rounds] [directory] [settings, as indexes into the list, e.g. 0,1,2]
 * </pre>
 */
public final class SqliteWriteCost {

    static final int GROUP = 1_000;
    static final int TX_BYTES = 400;
    static final int ENVELOPE_BYTES = 800_000;

    /** A store setting under test: the page size, and how often checkpoint() is called (0: never). */
    record Setting(String name, int pageSize, long checkpointIntervalMs) {

        boolean checkpointStep() {
            return checkpointIntervalMs > 0;
        }
    }

    /** What one measured phase wrote and how fast it went. */
    record Result(Setting setting, long txs, double seconds, long appendBytes, long batchBytes,
            long checkpointBytes, long worstAppendNs, long p99AppendNs, long worstWriteNs, long checkpoints,
            long worstCheckpointNs) {

        String row() {
            double perTx = 1.0 / txs;
            return String.format(Locale.ROOT, "%-22s %9.0f %8.0f %8.0f %8.0f %8.0f %9.1f %9.1f %9.1f %5d %8.0f",
                    setting.name(), txs / seconds, appendBytes * perTx, batchBytes * perTx, checkpointBytes * perTx,
                    (appendBytes + batchBytes + checkpointBytes) * perTx, p99AppendNs / 1e6, worstAppendNs / 1e6,
                    worstWriteNs / 1e6, checkpoints, worstCheckpointNs / 1e6);
        }
    }

    private SqliteWriteCost() {
    }

    /**
     * Runs the comparison and prints one row per setting and round.
     *
     * @param args growTxs (default 300,000), measureTxs (200,000), rounds (2), directory (/tmp/h-sqlite)
     * @throws Exception when a write is refused or fails
     */
    public static void main(String[] args) throws Exception {
        long growTxs = args.length > 0 ? Long.parseLong(args[0]) : 300_000;
        long measureTxs = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path directory = Path.of(args.length > 3 ? args[3] : "/tmp/h-sqlite");
        List<Setting> all = List.of(
                new Setting("4K, in-commit ckpt", 4096, 0),
                new Setting("4K, ckpt step 1 s", 4096, 1000),
                new Setting("4K, ckpt step 250 ms", 4096, 250),
                new Setting("2K, in-commit ckpt", 2048, 0),
                new Setting("2K, ckpt step 1 s", 2048, 1000),
                new Setting("2K, ckpt step 250 ms", 2048, 250),
                new Setting("1K, in-commit ckpt", 1024, 0),
                new Setting("1K, ckpt step 1 s", 1024, 1000),
                new Setting("512, ckpt step 1 s", 512, 1000));
        List<String> chosen = args.length > 4 ? List.of(args[4].split(",")) : null;
        List<Setting> settings = all.stream()
                .filter(setting -> chosen == null || chosen.contains(Integer.toString(all.indexOf(setting))))
                .toList();
        System.out.printf(Locale.ROOT, "grow %,d txs, then measure %,d txs; groups of %,d txs of %d B, "
                + "a %,d B envelope per group%n", growTxs, measureTxs, GROUP, TX_BYTES, ENVELOPE_BYTES);
        System.out.printf(Locale.ROOT, "%-22s %9s %8s %8s %8s %8s %9s %9s %9s %5s %8s%n", "setting", "tx/s",
                "B/tx txs", "B/tx env", "B/tx ckpt", "B/tx all", "p99 app", "max app", "max any", "ckpts",
                "max ckpt");
        List<Result> results = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (Setting setting : settings) {
                Result result = run(setting, growTxs, measureTxs, directory.resolve("write-cost-" + round));
                results.add(result);
                System.out.println(result.row());
            }
        }
    }

    static Result run(Setting setting, long growTxs, long measureTxs, Path directory) throws Exception {
        deleteTree(directory);
        Files.createDirectories(directory);
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.SQLITE_PAGE_SIZE_PROPERTY, Integer.toString(setting.pageSize()));
        SplittableRandom random = new SplittableRandom(42);
        byte[] envelope = new byte[ENVELOPE_BYTES];
        random.nextBytes(envelope);
        try (JdbcStorage storage = JdbcStorage.open("sqlite:" + directory.resolve("l2.db"), properties)) {
            storage.claimTerm(1, "bench", SqliteAdmissionBenchmark.START_MS);
            Writer writer = new Writer(storage, random, envelope);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong checkpointBytes = new AtomicLong();
            AtomicLong checkpoints = new AtomicLong();
            AtomicLong worstCheckpointNs = new AtomicLong();
            AtomicBoolean measuring = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread checkpointer = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        Thread.sleep(setting.checkpointIntervalMs());
                        long before = threadWriteBytes();
                        long startNs = System.nanoTime();
                        storage.checkpoint();
                        long elapsedNs = System.nanoTime() - startNs;
                        if (measuring.get()) {
                            checkpointBytes.addAndGet(threadWriteBytes() - before);
                            checkpoints.incrementAndGet();
                            worstCheckpointNs.accumulateAndGet(elapsedNs, Math::max);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "write-cost-checkpoint");
            if (setting.checkpointStep()) {
                checkpointer.start();
            }
            try {
                writer.write(growTxs, null);
                measuring.set(true);
                long startNs = System.nanoTime();
                long[] appendNs = new long[(int) (measureTxs / GROUP)];
                long[] bytes = writer.write(measureTxs, appendNs);
                long worstWriteNs = writer.worstWriteNs;
                double seconds = (System.nanoTime() - startNs) / 1e9;
                measuring.set(false);
                Arrays.sort(appendNs);
                if (failure.get() != null) {
                    throw new IllegalStateException("checkpoint failed", failure.get());
                }
                return new Result(setting, measureTxs, seconds, bytes[0], bytes[1], checkpointBytes.get(),
                        appendNs[appendNs.length - 1], appendNs[(int) (appendNs.length * 0.99)], worstWriteNs,
                        checkpoints.get(), worstCheckpointNs.get());
            } finally {
                stop.set(true);
                checkpointer.interrupt();
                if (setting.checkpointStep()) {
                    checkpointer.join();
                }
            }
        } finally {
            deleteTree(directory);
        }
    }

    /** Appends groups and commits a batch of each, as the node does; checks every answer. */
    private static final class Writer {
        private final JdbcStorage storage;
        private final SplittableRandom random;
        private final byte[] envelope;
        private final byte[] canonicalTx = new byte[TX_BYTES];
        private SequenceState state = SequenceState.initial();
        /** The slowest appendTxs or commitBatch of the last measured write. */
        long worstWriteNs;

        Writer(JdbcStorage storage, SplittableRandom random, byte[] envelope) {
            this.storage = storage;
            this.random = random;
            this.envelope = envelope;
        }

        /** @return bytes written by appendTxs and by commitBatch; fills appendNs (one per group) if not null */
        long[] write(long txs, long[] appendNs) {
            long appendBytes = 0;
            long batchBytes = 0;
            worstWriteNs = 0;
            for (int group = 0; group < txs / GROUP; group++) {
                TxAppend newTxs = new TxAppend(GROUP);
                for (int i = 0; i < GROUP; i++) {
                    byte[] hash = new byte[32];
                    random.nextBytes(hash);
                    newTxs.add(hash, canonicalTx, SqliteAdmissionBenchmark.START_MS);
                }
                long before = threadWriteBytes();
                long startNs = System.nanoTime();
                AppendOutcome appended = storage.appendTxs(1, newTxs);
                long elapsedNs = System.nanoTime() - startNs;
                long middle = threadWriteBytes();
                if (!(appended instanceof Appended) || newTxs.results().stream().anyMatch(AppendedTx::duplicate)) {
                    throw new IllegalStateException("appendTxs answered " + appended);
                }
                long firstSeq = state.nextUnbatchedSeq();
                long number = state.nextBatchNumber();
                byte[] batchHash = new byte[32];
                random.nextBytes(batchHash);
                NewBatch batch = new NewBatch(number, batchHash, state.headBatchHash(), firstSeq, GROUP,
                        SqliteAdmissionBenchmark.START_MS, 1, batchHash, (long) GROUP * TX_BYTES, batchHash,
                        new byte[32], new byte[64], batchHash, envelope);
                long batchStartNs = System.nanoTime();
                CommitOutcome committed = storage.commitBatch(1, batch);
                worstWriteNs = Math.max(worstWriteNs, Math.max(elapsedNs, System.nanoTime() - batchStartNs));
                if (!(committed instanceof Committed done)) {
                    throw new IllegalStateException("commitBatch answered " + committed);
                }
                state = done.sequenceState();
                appendBytes += middle - before;
                batchBytes += threadWriteBytes() - middle;
                if (appendNs != null) {
                    appendNs[group] = elapsedNs;
                }
            }
            return new long[] {appendBytes, batchBytes};
        }
    }

    /** Bytes this thread has caused to be written to storage (Linux; counted when pages are dirtied). */
    static long threadWriteBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/io"))) {
                if (line.startsWith("write_bytes:")) {
                    return Long.parseLong(line.substring("write_bytes:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("/proc/thread-self/io has no write_bytes");
    }

    private static void deleteTree(Path directory) {
        if (Files.exists(directory)) {
            SqliteAdmissionBenchmark.deleteDirectory(directory);
        }
    }
}
