package org.ippan.l2.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.engine.EpochClock;
import org.ippan.l2.core.engine.NanoClock;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.engine.SequencerRunner;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.jdbc.JdbcStorage;

/**
 * The store's size over a long run at constant load (issue 16: with retention it should stay flat). A plain
 * program, not JMH: what it measures is a size over time.
 *
 * <p>A real {@link Sequencer} on a new SQLite file ({@link JdbcStorage}, the node's defaults), its loops run by a
 * {@link SequencerRunner} on 4 threads with a checkpoint every second (as {@code L2Node} does), an in-process
 * {@link SimulatedL1} that mines a block every {@code --block-ms} of real time (so posted batches are included and
 * then confirmed), and one client offering new txs ({@value GrownStore#PAYLOAD_BYTES}-byte payloads) at a fixed
 * rate, a group every {@code --tick-ms} ({@code submitAll}, like {@code POST /txs}; a group late behind its schedule
 * is larger). Engine settings are the node's {@code L2_*} variables ({@code --setting NAME=VALUE}, repeatable; see
 * {@link EngineSettings}), read by {@link SequencerConfig#fromEnvironment}, so settings the engine learns later need
 * no change here.
 *
 * <p>Every {@code --every} seconds it prints the txs admitted and confirmed (the txs of the confirmed prefix of
 * batches, read through the storage port), the batches cut, the batches still holding their L1 request body, and
 * the file: bytes (database plus WAL), {@code page_count}, {@code freelist_count} and the live pages (the
 * difference). After the load it drains (the batcher, poster and reconciler go on until every admitted tx is
 * confirmed, at most {@code --drain} seconds), then prints the sizes at 25, 50, 75 and 100 % of the load phase and
 * the slope of live pages over its second half ({@link SoakSummary}), and where the pages are per table and index
 * (SQLite's {@code dbstat}: pages, and the bytes in them that hold nothing). Exits 1 if the txs admitted and confirmed
 * differ at the end, or the engine reported an error.
 *
 * <pre>
 * java -cp l2-benchmarks/target/benchmarks.jar org.ippan.l2.benchmarks.RetentionSoak --rate 3000 --minutes 5 \
 *     [--every 10] [--drain 120] [--tick-ms 10] [--block-ms 1000] [--dir /tmp/l2-soak] [--keep]
 *     [--setting L2_RETAIN_CONFIRMED=100 ...]
 * </pre>
 */
public final class RetentionSoak {

    /** The command line. */
    record Options(double rate, double minutes, long everyMs, long drainMs, long tickMs, long blockMs, Path dir,
            boolean keep, EngineSettings settings) {

        static Options parse(String[] args) {
            double rate = 3000;
            double minutes = 5;
            long everyMs = 10_000;
            long drainMs = 120_000;
            long tickMs = 10;
            long blockMs = 1000;
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "l2-soak");
            boolean keep = false;
            EngineSettings settings = EngineSettings.none();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--keep")) {
                    keep = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--rate" -> rate = Double.parseDouble(value);
                    case "--minutes" -> minutes = Double.parseDouble(value);
                    case "--every" -> everyMs = (long) (Double.parseDouble(value) * 1000);
                    case "--drain" -> drainMs = (long) (Double.parseDouble(value) * 1000);
                    case "--tick-ms" -> tickMs = Long.parseLong(value);
                    case "--block-ms" -> blockMs = Long.parseLong(value);
                    case "--dir" -> dir = Path.of(value);
                    case "--setting" -> settings = settings.with(value);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (rate <= 0 || minutes <= 0 || everyMs <= 0 || tickMs <= 0 || blockMs <= 0 || drainMs < 0) {
                throw new IllegalArgumentException("rate, minutes, every, tick-ms and block-ms must be positive");
            }
            return new Options(rate, minutes, everyMs, drainMs, tickMs, blockMs, dir, keep, settings);
        }
    }

    private RetentionSoak() {
    }

    /**
     * Runs the soak.
     *
     * @param args see the class comment
     * @throws Exception when the store cannot be read or the run is interrupted
     */
    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        System.exit(run(options) ? 0 : 1);
    }

    static boolean run(Options options) throws Exception {
        SequencerConfig config = options.settings().config(Map.of());
        SqliteAdmissionBenchmark.deleteDirectory(Files.exists(options.dir()) ? options.dir() : null);
        Files.createDirectories(options.dir());
        Path file = options.dir().resolve("l2.db");
        System.out.printf(Locale.ROOT, "# soak: %,.0f tx/s for %.1f min, %s, settings [%s] (retainConfirmed=%s, forgetConfirmed=%s), "
                + "L1 block every %d ms, a group every %d ms%n", options.rate(), options.minutes(), file,
                options.settings(), config.retainConfirmed(), config.forgetConfirmed(), options.blockMs(),
                options.tickMs());
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        AtomicLong errors = new AtomicLong();
        ScheduledExecutorService loops = Executors.newScheduledThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "soak-loop");
            thread.setDaemon(true);
            return thread;
        });
        try (JdbcStorage storage = JdbcStorage.open("sqlite:" + file);
                SimulatedL1 l1 = SimulatedL1.builder().genesisTimeMs(System.currentTimeMillis())
                        .blockIntervalMs(options.blockMs()).build();
                Sequencer sequencer = Sequencer.builder().config(config).storage(storage).l1Poster(l1)
                        .wallClock(EpochClock.SYSTEM).nanoClock(NanoClock.SYSTEM)
                        .errorHandler((loop, error) -> {
                            errors.incrementAndGet();
                            if (firstError.compareAndSet(null, error)) {
                                System.out.println("# first engine error, in " + loop + ": " + error);
                            }
                        })
                        .build();
                Connection reader = openReader(file)) {
            sequencer.start();
            SequencerRunner runner = new SequencerRunner(sequencer, loops, NanoClock.SYSTEM, 50);
            loops.scheduleWithFixedDelay(storage::checkpoint, 1, 1, TimeUnit.SECONDS);
            loops.scheduleWithFixedDelay(() -> l1.advanceTo(System.currentTimeMillis()), 100, 100,
                    TimeUnit.MILLISECONDS);
            Probe probe = new Probe(storage, reader, file);
            Client client = new Client(sequencer, options.rate(), options.tickMs());
            try {
                List<SoakSummary.Sample> samples = new ArrayList<>();
                System.out.println(SoakSummary.Sample.header() + "   offered  refused");
                long startNs = System.nanoTime();
                long loadEndNs = startNs + (long) (options.minutes() * 60e9);
                Thread load = new Thread(() -> client.run(startNs, loadEndNs), "soak-client");
                load.start();
                long nextSampleNs = startNs + options.everyMs() * 1_000_000L;
                while (System.nanoTime() - loadEndNs < 0) {
                    sleepUntil(Math.min(nextSampleNs, loadEndNs));
                    if (System.nanoTime() - nextSampleNs >= 0 && nextSampleNs - loadEndNs < 0) {
                        SoakSummary.Sample sample = probe.sample(startNs, client.admitted.get());
                        samples.add(sample);
                        System.out.printf(Locale.ROOT, "%s %,9d %,8d%n", sample.row(), client.offered,
                                client.refused.get());
                        nextSampleNs += options.everyMs() * 1_000_000L;
                    }
                }
                load.join();
                SoakSummary.Sample endOfLoad = probe.sample(startNs, client.admitted.get());
                samples.add(endOfLoad);
                System.out.printf(Locale.ROOT, "%s %,9d %,8d  (end of load)%n", endOfLoad.row(), client.offered,
                        client.refused.get());
                long drainEndNs = System.nanoTime() + options.drainMs() * 1_000_000L;
                SoakSummary.Sample drained = endOfLoad;
                while (drained.confirmed() < drained.admitted() && System.nanoTime() - drainEndNs < 0) {
                    Thread.sleep(1000);
                    drained = probe.sample(startNs, client.admitted.get());
                }
                System.out.printf(Locale.ROOT, "%s  (drained)%n", drained.row());
                System.out.print(new SoakSummary(samples).text());
                System.out.print(probe.pagesByTable());
                System.out.printf(Locale.ROOT, "offered %,d, admitted %,d, refused %,d, confirmed %,d; "
                        + "engine errors %d%n", client.offered, drained.admitted(), client.refused.get(),
                        drained.confirmed(), errors.get());
                boolean ok = drained.admitted() == drained.confirmed() && errors.get() == 0
                        && client.failure.get() == null;
                if (client.failure.get() != null) {
                    System.out.println("client failed: " + client.failure.get());
                }
                System.out.println(ok ? "OK" : "FAILED: admitted and confirmed differ, or errors");
                return ok;
            } finally {
                runner.close();
                loops.shutdownNow();
                loops.awaitTermination(10, TimeUnit.SECONDS);
            }
        } finally {
            if (!options.keep()) {
                SqliteAdmissionBenchmark.deleteDirectory(options.dir());
            }
        }
    }

    private static void sleepUntil(long deadlineNs) {
        long remainingNs;
        while ((remainingNs = deadlineNs - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remainingNs);
        }
    }

    private static Connection openReader(Path file) throws SQLException {
        try {
            Class.forName("org.sqlite.JDBC"); // a fat jar may not list the driver as a service
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no SQLite JDBC driver on the class path", e);
        }
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    /** Reads the store: counts through the storage port, pages through a second (reading) connection. */
    private record Probe(JdbcStorage storage, Connection reader, Path file) {

        SoakSummary.Sample sample(long startNs, long admitted) {
            long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
            SequenceState state = storage.readSequenceState();
            // batches confirm in order: the confirmed txs end where the lowest batch not confirmed starts
            List<StoredBatch> open = storage.listBatchesInStatus(EnumSet.complementOf(EnumSet.of(L1Status.CONFIRMED)),
                    1);
            long confirmed = (open.isEmpty() ? state.nextUnbatchedSeq() : open.get(0).batch().firstSeq()) - 1;
            long fileBytes = size(file) + size(Path.of(file + "-wal"));
            return new SoakSummary.Sample(elapsedMs, admitted, confirmed, state.nextBatchNumber() - 1, bodiesKept(),
                    fileBytes, pragma("page_count"), pragma("freelist_count"), pragma("page_size"));
        }

        private long pragma(String name) {
            try (Statement statement = reader.createStatement();
                    ResultSet row = statement.executeQuery("PRAGMA " + name)) {
                row.next();
                return row.getLong(1);
            } catch (SQLException e) {
                throw new IllegalStateException("PRAGMA " + name + " failed", e);
            }
        }

        /**
         * Where the pages are, per table and index ({@code dbstat}, a full read of the file): pages, MB, and the MB
         * of those pages that hold nothing (space a shrunken row left in its page is not free-listed).
         */
        String pagesByTable() {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-36s %10s %9s %10s%n",
                    "pages by table/index (dbstat)", "pages", "MB", "unused MB"));
            try (Statement statement = reader.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT name, count(*), sum(pgsize), sum(unused) "
                            + "FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8")) {
                while (rows.next()) {
                    text.append(String.format(Locale.ROOT, "%-36s %,10d %9.1f %10.1f%n", rows.getString(1),
                            rows.getLong(2), rows.getLong(3) / 1048576.0, rows.getLong(4) / 1048576.0));
                }
            } catch (SQLException e) {
                text.append("  (dbstat not available: ").append(e.getMessage()).append(')').append(
                        System.lineSeparator());
            }
            return text.toString();
        }

        /** The batches with an L1 request body (this schema's envelope rows), -1 if that table is not there. */
        private long bodiesKept() {
            try (Statement statement = reader.createStatement();
                    ResultSet row = statement.executeQuery("SELECT count(*) FROM l2_batch_envelopes")) {
                row.next();
                return row.getLong(1);
            } catch (SQLException e) {
                return -1;
            }
        }

        private static long size(Path path) {
            try {
                return Files.exists(path) ? Files.size(path) : 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Offers new txs at a fixed rate, a group per tick; counts what was admitted and refused. */
    private static final class Client {
        private static final int MAX_GROUP = 1_000;
        final AtomicLong admitted = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile long offered;
        private final Sequencer sequencer;
        private final double rate;
        private final long tickNs;
        private final byte[] payload = new byte[GrownStore.PAYLOAD_BYTES];
        private final String from;
        private long nonce;

        Client(Sequencer sequencer, double rate, long tickMs) {
            this.sequencer = sequencer;
            this.rate = rate;
            this.tickNs = tickMs * 1_000_000L;
            SplittableRandom random = new SplittableRandom(System.nanoTime());
            random.nextBytes(payload);
            this.from = "soak-" + Long.toHexString(random.nextLong());
        }

        void run(long startNs, long endNs) {
            List<Tx> group = new ArrayList<>(MAX_GROUP);
            SubmitResults results = new SubmitResults(MAX_GROUP);
            try {
                long nextNs = startNs;
                while (nextNs - endNs < 0) {
                    sleepUntil(nextNs);
                    long due = (long) ((System.nanoTime() - startNs) / 1e9 * rate);
                    int count = (int) Math.min(MAX_GROUP, due - offered);
                    if (count > 0) {
                        group.clear();
                        for (int i = 0; i < count; i++) {
                            group.add(new Tx(1, nonce++, from, payload));
                        }
                        sequencer.submitAll(group, results);
                        int accepted = results.acceptedCount();
                        admitted.addAndGet(accepted);
                        refused.addAndGet(count - accepted);
                        offered += count;
                    }
                    nextNs += tickNs;
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }
    }
}
