package org.ippan.l2.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.engine.EpochClock;
import org.ippan.l2.core.engine.NanoClock;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.engine.SequencerMetrics;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable admission on SQLite (WAL, {@code synchronous=FULL}: every commit is fsynced) through the library, against
 * the raw-insert ceiling with the same fsync policy, in the same run. Both report txs (rows) per second.
 *
 * <ul>
 *   <li>{@code sequencerSubmit}: {@value #SUBMITTERS} threads each call {@link Sequencer#submit(Tx)} with one new
 *       tx and wait until it is durable, on {@link JdbcStorage} over a SQLite file. Concurrent submissions are
 *       group-committed by flat combining, at most {@value #GROUP} per storage write
 *       ({@code maxAdmissionGroup}); with twice as many submitters as that, a full group is always waiting, so
 *       (nearly) every write holds {@value #GROUP} txs. The auxiliary counters {@code groupedTxs} and
 *       {@code groupWrites} (totals per iteration) give the mean group size, to check that.</li>
 *   <li>{@code rawInsert}: one thread, plain JDBC on its own SQLite file with the same pragmas, inserting rows of
 *       the same shape (seq, 32-byte hash, 299-byte canonical tx, admission time) into a table of the same shape
 *       (same primary key and unique hash index), {@value #GROUP} rows per transaction with one batched statement.
 *       Only the inserts and the commit: the ceiling of what any admission path can do with this fsync policy.</li>
 * </ul>
 * Each iteration starts from a new, empty database file (deleted afterwards), so both paths insert into tables of
 * comparable sizes. The library path checks every answer is a new acceptance and fails the run otherwise.
 *
 * <p>Both are bounded by fsync: SQLite commits one WAL write plus one fsync per transaction; per-row work is a few
 * microseconds next to that, which is why group commit matters and why the ratio, not the absolute rate, is the
 * figure (an fsync costs whatever the shared disk answers at the time).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SqliteAdmissionBenchmark {
    /** Txs per storage write (library) and rows per transaction (raw). */
    static final int GROUP = 16;
    /** Library submitters: twice a group, so a full group is queued whenever a write starts. */
    static final int SUBMITTERS = 2 * GROUP;
    static final int PAYLOAD_BYTES = 256;
    static final long START_MS = 1_735_000_000_000L;

    static Path newDirectory() {
        try {
            return Files.createTempDirectory("l2-bench-sqlite-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the library ----------------------------------------------------------------------------------------------

    /** A started leader on a new SQLite file, per iteration. */
    @State(Scope.Benchmark)
    public static class Library {
        final Metrics metrics = new Metrics();
        Path dir;
        JdbcStorage storage;
        SimulatedL1 l1;
        Sequencer sequencer;

        /** Opens a new database and starts a leader on it. */
        @Setup(Level.Iteration)
        public void open() {
            dir = newDirectory();
            storage = JdbcStorage.open("sqlite:" + dir.resolve("l2.db"));
            l1 = SimulatedL1.builder().build();
            SequencerConfig config = SequencerConfig.builder()
                    .maxAdmissionGroup(GROUP)
                    .admissionCap(Integer.MAX_VALUE) // nothing is cut here: admission alone is measured
                    .build();
            sequencer = Sequencer.builder().config(config).storage(storage).l1Poster(l1)
                    .wallClock(EpochClock.SYSTEM).nanoClock(NanoClock.SYSTEM).metrics(metrics)
                    .errorHandler((loop, error) -> metrics.error(loop, error))
                    .build();
            sequencer.start();
        }

        /** Stops the leader, closes and deletes the database; fails if anything was refused or failed. */
        @TearDown(Level.Iteration)
        public void close() {
            try {
                sequencer.close();
                storage.close();
                l1.close();
            } finally {
                deleteDirectory(dir);
            }
            Throwable error = metrics.firstError.get();
            if (error != null) {
                throw new IllegalStateException("admission failed", error);
            }
        }
    }

    /** Counts storage writes (groups) on the thread that made them, and keeps the first error. */
    static final class Metrics implements SequencerMetrics {
        final AtomicReference<Throwable> firstError = new AtomicReference<>();

        @Override
        public void recordAdmitted(int accepted, int duplicates, long latencyNs) {
            Submitter current = Submitter.CURRENT.get();
            if (current != null) { // the combining thread is one of the submitters
                current.groupWrites++;
                current.groupedTxs += accepted + duplicates;
            }
        }

        @Override
        public void recordRejected(RefusalCode code, int count) {
            firstError.compareAndSet(null, new IllegalStateException(count + " txs refused: " + code));
        }

        void error(String loop, Throwable error) {
            firstError.compareAndSet(null, new IllegalStateException("engine error in " + loop, error));
        }
    }

    /**
     * One submitter thread: its own nonces and payload; counts the group writes it performed as the combining
     * thread. Auxiliary counters, summed over threads per iteration: {@code groupedTxs / groupWrites} is the mean
     * group size.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Submitter {
        static final ThreadLocal<Submitter> CURRENT = new ThreadLocal<>();
        private static final AtomicInteger THREADS = new AtomicInteger();

        /** Storage writes (group commits) this thread made for everyone. */
        public long groupWrites;
        /** Txs in those writes. */
        public long groupedTxs;
        private final String from = "submitter-" + THREADS.incrementAndGet();
        private final byte[] payload = new byte[PAYLOAD_BYTES];
        private long nonce;

        /** Registers the thread's counter and resets it. */
        @Setup(Level.Iteration)
        public void register() {
            new SplittableRandom(from.hashCode()).nextBytes(payload);
            groupWrites = 0;
            groupedTxs = 0;
            CURRENT.set(this);
        }

        Tx nextTx() {
            return new Tx(1, nonce++, from, payload);
        }
    }

    /**
     * One tx submitted and acknowledged as durable.
     *
     * @return the acceptance
     */
    @Benchmark
    @Threads(SUBMITTERS)
    public SubmitResult sequencerSubmit(Library library, Submitter submitter) {
        SubmitResult result = library.sequencer.submit(submitter.nextTx());
        if (!(result instanceof SubmitResult.Accepted accepted) || accepted.duplicate()) {
            throw new IllegalStateException("expected a new acceptance, got " + result);
        }
        return result;
    }

    // ---- the raw ceiling ------------------------------------------------------------------------------------------

    /** A plain JDBC connection to a new SQLite file per iteration, with the library's pragmas and table shape. */
    @State(Scope.Thread)
    public static class Raw {
        private final SplittableRandom random = new SplittableRandom(11);
        private final byte[] canonicalTx = new Tx(1, 1, "submitter-1", new byte[PAYLOAD_BYTES]).encode();
        private Path dir;
        private Connection connection;
        private PreparedStatement insert;
        private long nextSeq;

        /** Opens a new database with the same pragmas and table as the library's. */
        @Setup(Level.Iteration)
        public void open() throws SQLException {
            dir = newDirectory();
            try {
                Class.forName("org.sqlite.JDBC"); // a fat jar may not list the driver as a service
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("no SQLite JDBC driver on the class path", e);
            }
            connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("raw.db"));
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout = 10000");
                statement.execute("PRAGMA page_size = " + JdbcStorage.DEFAULT_SQLITE_PAGE_SIZE); // as the library's
                try (ResultSet mode = statement.executeQuery("PRAGMA journal_mode = WAL")) {
                    if (!mode.next() || !"wal".equalsIgnoreCase(mode.getString(1))) {
                        throw new IllegalStateException("SQLite did not switch to WAL");
                    }
                }
                statement.execute("PRAGMA synchronous = FULL");
                statement.execute("CREATE TABLE l2_txs (seq INTEGER PRIMARY KEY, tx_hash BLOB NOT NULL UNIQUE, "
                        + "canonical_tx BLOB NOT NULL, admitted_ms INTEGER NOT NULL)");
            }
            connection.setAutoCommit(false);
            insert = connection.prepareStatement(
                    "INSERT INTO l2_txs (seq, tx_hash, canonical_tx, admitted_ms) VALUES (?, ?, ?, ?)");
            nextSeq = 1;
        }

        /** Closes and deletes the database. */
        @TearDown(Level.Iteration)
        public void close() throws SQLException {
            try {
                insert.close();
                connection.close();
            } finally {
                deleteDirectory(dir);
            }
        }
    }

    /**
     * One transaction of {@value #GROUP} inserted rows, committed (fsynced).
     *
     * @return the next sequence number
     */
    @Benchmark
    @OperationsPerInvocation(GROUP)
    public long rawInsert(Raw raw) throws SQLException {
        PreparedStatement insert = raw.insert;
        for (int i = 0; i < GROUP; i++) {
            byte[] hash = new byte[32];
            raw.random.nextBytes(hash);
            insert.setLong(1, raw.nextSeq++);
            insert.setBytes(2, hash);
            insert.setBytes(3, raw.canonicalTx);
            insert.setLong(4, START_MS);
            insert.addBatch();
        }
        insert.executeBatch();
        raw.connection.commit();
        return raw.nextSeq;
    }
}
