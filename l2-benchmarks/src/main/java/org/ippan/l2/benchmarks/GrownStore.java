package org.ippan.l2.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.AppendedTx;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.Committed;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.PruneOutcome;
import org.ippan.l2.storage.Pruned;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.Written;
import org.ippan.l2.storage.jdbc.JdbcStorage;

/**
 * A SQLite store as a node leaves it after a long run: {@code storeTxs} txs admitted in groups of
 * {@value #BATCH_TXS} (the default batch size), each group cut into one batch with an L1 request body the size of a
 * real one (the hex payload of its txs), every batch confirmed on L1, and, when the engine settings turn retention
 * on ({@code L2_RETAIN_CONFIRMED=n}), every batch but the last {@code n} pruned ({@code Storage#pruneConfirmed},
 * interleaved with the growth as the reconciler does it). Written straight through the storage port (one write
 * transaction per admission group, per batch, per L1 state change and per prune), not through the engine: the
 * engine would have to hash, cut and post 10 M txs, which is what the benchmarks measure, not what they start from.
 *
 * <p>Tx hashes are random 32-byte values (as BLAKE3 hashes are), each tx encoding is a real {@link Tx} with a
 * {@value #PAYLOAD_BYTES}-byte payload. Pruning applied here is what the storage port offers at this commit; a
 * future horizon that forgets more (tx hashes, batch rows) must be applied here too to describe such a store.
 *
 * <p>A store is grown in memory ({@link #growDirectory()}) and then copied to disk. Grown stores are cached in {@code l2.bench.storeDir} (default {@code java.io.tmpdir/l2-grown-stores}), one file
 * per (txs, batch size, payload, settings, format version), and reused only when its completion marker exists (a
 * growth that was interrupted is grown again). {@link #copyTo} gives a caller its own copy to write into.
 */
final class GrownStore {
    static final int BATCH_TXS = 1_000;
    static final int PAYLOAD_BYTES = 256;
    /** Bump when the way stores are grown changes, so old cached files are not reused. */
    static final int FORMAT = 1;
    static final long START_MS = SqliteAdmissionBenchmark.START_MS;
    static final String LEADER_ID = "grower";
    /** The term the store is grown in: a leader on it claims a higher one. */
    static final long TERM = 1;

    private GrownStore() {
    }

    /**
     * Grows (or finds) a cached store ahead of a benchmark run.
     *
     * <pre>
     * java -cp l2-benchmarks/target/benchmarks.jar org.ippan.l2.benchmarks.GrownStore 10000000 L2_RETAIN_CONFIRMED=100
     * </pre>
     *
     * @param args the txs, and the engine settings ({@code NAME=VALUE;...}) as the benchmark's {@code settings}
     */
    public static void main(String[] args) {
        Path file = cached(Long.parseLong(args[0]), EngineSettings.parse(args.length > 1 ? args[1] : ""));
        System.out.println(file);
    }

    /** @return where grown stores are cached */
    static Path cacheDirectory() {
        String configured = System.getProperty("l2.bench.storeDir");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "l2-grown-stores");
    }

    /**
     * @return where a store is grown before it is copied to the cache: {@code l2.bench.growDir}, else
     *     {@code /dev/shm} where it exists (memory: the store's fsyncs cost nothing there, which makes growing
     *     10 M txs minutes instead of most of an hour on a shared disk; the writes are the same), else the cache
     */
    static Path growDirectory() throws IOException {
        String configured = System.getProperty("l2.bench.growDir");
        Path directory = configured != null ? Path.of(configured)
                : Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : cacheDirectory();
        Files.createDirectories(directory);
        return directory;
    }

    /**
     * The cached store for these parameters, grown first if it is not cached yet.
     *
     * @param storeTxs how many txs, rounded up to whole batches; 0 gives an empty (not created) store
     * @param settings the engine settings (retention among them)
     * @return the database file (checkpointed: no WAL beside it), or null for 0 txs
     */
    static synchronized Path cached(long storeTxs, EngineSettings settings) {
        if (storeTxs == 0) {
            return null;
        }
        long batches = (storeTxs + BATCH_TXS - 1) / BATCH_TXS;
        String key = String.format(Locale.ROOT, "v%d-%dtxs-b%d-p%d-%s", FORMAT, batches * BATCH_TXS, BATCH_TXS,
                PAYLOAD_BYTES, shortHash(settings.toString()));
        Path directory = cacheDirectory();
        Path file = directory.resolve("grown-" + key + ".db");
        Path done = directory.resolve("grown-" + key + ".done");
        if (Files.exists(done) && Files.exists(file)) {
            return file;
        }
        try {
            Files.createDirectories(directory);
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
            long startNs = System.nanoTime();
            Path growDirectory = Files.createTempDirectory(growDirectory(), "l2-growing-");
            try {
                Path grown = growDirectory.resolve("l2.db");
                grow(grown, batches, settings.config(Map.of()));
                Files.copy(grown, file);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            } finally {
                SqliteAdmissionBenchmark.deleteDirectory(growDirectory);
            }
            Files.writeString(done, settings + System.lineSeparator(), StandardCharsets.UTF_8);
            System.out.printf(Locale.ROOT, "# grew %,d txs into %s (%,d MB) in %.1f s%n", batches * BATCH_TXS, file,
                    Files.size(file) >> 20, (System.nanoTime() - startNs) / 1e9);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies the cached store for these parameters into {@code directory} (as {@code l2.db}) and forces it to disk,
     * so that the copy's write-back does not overlap what is measured next.
     *
     * @return the copy, or a path where no file exists yet for 0 txs
     */
    static Path copyTo(Path directory, long storeTxs, EngineSettings settings) {
        Path target = directory.resolve("l2.db");
        Path source = cached(storeTxs, settings);
        if (source == null) {
            return target;
        }
        try {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** Grows the store through the storage port; checks every answer. */
    static void grow(Path file, long batches, SequencerConfig config) {
        // the store is grown at one instant (every batch cut at START_MS): only count horizons mean anything here
        if (config.retainConfirmed().ageMs() > 0 || config.forgetConfirmed().ageMs() > 0) {
            throw new IllegalArgumentException("a grown store takes retention as counts of batches only, got "
                    + config.retainConfirmed() + " / " + config.forgetConfirmed());
        }
        long retain = config.retainConfirmed().batchCount();
        long forget = config.forgetConfirmed().batchCount();
        SplittableRandom random = new SplittableRandom(file.toString().hashCode());
        byte[] payload = new byte[PAYLOAD_BYTES];
        random.nextBytes(payload);
        byte[] canonicalTx = new Tx(1, 1, "grown-store-account", payload).encode();
        // an L1 request body carries the batch's payload in hex: about two bytes per tx byte, plus a little JSON
        byte[] envelope = new byte[2 * BATCH_TXS * canonicalTx.length + 512];
        random.nextBytes(envelope);
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.INTEGRITY_CHECK_PROPERTY, "off"); // a new file: nothing to check
        try (JdbcStorage storage = JdbcStorage.open("sqlite:" + file, properties)) {
            long term = TERM;
            if (!(storage.claimTerm(term, LEADER_ID, START_MS) instanceof TermGranted)) {
                throw new IllegalStateException("term 1 refused on a new store " + file);
            }
            SequenceState state = SequenceState.initial();
            TxAppend append = new TxAppend(BATCH_TXS);
            for (long number = 1; number <= batches; number++) {
                append.clear();
                for (int i = 0; i < BATCH_TXS; i++) {
                    byte[] hash = new byte[32];
                    random.nextBytes(hash);
                    append.add(hash, canonicalTx, START_MS);
                }
                AppendOutcome appended = storage.appendTxs(term, append);
                if (!(appended instanceof Appended)) {
                    throw new IllegalStateException("appendTxs answered " + appended);
                }
                for (AppendedTx tx : append.results()) {
                    if (tx.duplicate()) {
                        throw new IllegalStateException("a random hash was a duplicate at batch " + number);
                    }
                }
                byte[] batchHash = new byte[32];
                random.nextBytes(batchHash);
                NewBatch batch = new NewBatch(number, batchHash, state.headBatchHash(), state.nextUnbatchedSeq(),
                        BATCH_TXS, START_MS, term, batchHash, (long) BATCH_TXS * canonicalTx.length, batchHash,
                        new byte[0], new byte[0], batchHash, envelope);
                CommitOutcome committed = storage.commitBatch(term, batch);
                if (!(committed instanceof Committed done)) {
                    throw new IllegalStateException("commitBatch answered " + committed);
                }
                state = done.sequenceState();
                BatchL1State confirmed = new BatchL1State(L1Status.CONFIRMED, "grown-" + number, number, 1, null,
                        START_MS);
                if (!(storage.updateL1State(term, number, confirmed) instanceof Written)) {
                    throw new IllegalStateException("updateL1State refused for batch " + number);
                }
                if (retain > 0 && number - retain >= 1) {
                    PruneOutcome pruned = storage.pruneConfirmed(term, number - retain, 16);
                    if (!(pruned instanceof Pruned)) {
                        throw new IllegalStateException("pruneConfirmed answered " + pruned);
                    }
                }
                if (forget > 0 && number - forget >= 1) {
                    PruneOutcome forgotten = storage.forgetConfirmed(term, number - forget, 16);
                    if (!(forgotten instanceof Pruned)) {
                        throw new IllegalStateException("forgetConfirmed answered " + forgotten);
                    }
                }
                if (number % 1_000 == 0) {
                    System.out.printf(Locale.ROOT, "# growing %s: %,d of %,d txs%n", file.getFileName(),
                            number * BATCH_TXS, batches * BATCH_TXS);
                }
            }
            storage.checkpoint();
        }
        if (Files.exists(Path.of(file + "-wal"))) {
            try {
                if (Files.size(Path.of(file + "-wal")) > 0) {
                    throw new IllegalStateException("the grown store " + file + " still has a WAL after close");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
