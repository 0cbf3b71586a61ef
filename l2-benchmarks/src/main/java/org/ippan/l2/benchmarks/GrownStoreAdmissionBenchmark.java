package org.ippan.l2.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.engine.EpochClock;
import org.ippan.l2.core.engine.NanoClock;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.engine.SequencerMetrics;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable admission on a SQLite store that already holds {@code storeTxs} confirmed txs, against an empty store, in
 * the same run (issue 16: a store grown to 10 M txs must admit at ≥ 0.8× the empty store's rate). Both report txs
 * per second; the ratio of the two {@code storeTxs} rows of one method is the figure.
 *
 * <ul>
 *   <li>{@code submitOne}: {@value #CLIENTS} threads each call {@link Sequencer#submit(Tx)} with one new tx and wait
 *       until it is durable (like {@code POST /tx} from that many clients; the engine group-commits them).</li>
 *   <li>{@code submitAll1000}: {@value #BULK_CLIENTS} threads each call {@link Sequencer#submitAll} with
 *       {@value #BULK} new txs (like {@code POST /txs}).</li>
 * </ul>
 * Every tx is new (its own account and nonce: a new BLAKE3 hash, random with respect to the stored ones), so each
 * admission runs the engine's duplicate check and inserts into the grown {@code l2_txs} table, its seq primary key
 * and its unique tx-hash index. The store is a copy, per trial, of a {@link GrownStore} (cached on disk between runs,
 * keyed by its parameters); the engine runs with the {@code settings} (the node's {@code L2_*} variables, see
 * {@link EngineSettings}) over an unbounded admission cap, and no batcher runs: admission alone is measured, so the
 * store grows by the txs admitted during the trial (small next to 10 M; the empty store ends the trial holding them).
 * The integrity check at open is off (it is a start-up cost, not an admission one).
 *
 * <p>Defaults are small for CI's smoke pass; the figure is {@code -p storeTxs=0,10000000}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GrownStoreAdmissionBenchmark {
    static final int CLIENTS = 32;
    static final int BULK_CLIENTS = 2;
    static final int BULK = 1_000;

    /** A started leader on a copy of a grown store, per trial. */
    @State(Scope.Benchmark)
    public static class Store {
        /** Txs the store holds before the trial (rounded up to whole batches of {@value GrownStore#BATCH_TXS}). */
        @Param({"0", "20000"})
        public long storeTxs;

        /** Engine settings, {@code NAME=VALUE;...} (also how the store was grown: retention). */
        @Param({"L2_RETAIN_CONFIRMED=100"})
        public String settings;

        final AtomicReference<Throwable> firstError = new AtomicReference<>();
        Path dir;
        JdbcStorage storage;
        SimulatedL1 l1;
        Sequencer sequencer;

        /** Copies the grown store and starts a leader on it. */
        @Setup(Level.Trial)
        public void open() {
            EngineSettings engineSettings = EngineSettings.parse(settings);
            dir = SqliteAdmissionBenchmark.newDirectory();
            Path file = GrownStore.copyTo(dir, storeTxs, engineSettings);
            Properties properties = new Properties();
            properties.setProperty(JdbcStorage.INTEGRITY_CHECK_PROPERTY, "off");
            storage = JdbcStorage.open("sqlite:" + file, properties);
            l1 = SimulatedL1.builder().build();
            // nothing is cut here (admission alone is measured), so no cap; the grower held term 1
            SequencerConfig config = engineSettings.config(Map.of("L2_ADMISSION_CAP",
                    Integer.toString(Integer.MAX_VALUE), "LEADER_TERM", Long.toString(GrownStore.TERM + 1)));
            SequencerMetrics metrics = new SequencerMetrics() {
                @Override
                public void recordRejected(RefusalCode code, int count) {
                    firstError.compareAndSet(null, new IllegalStateException(count + " txs refused: " + code));
                }
            };
            sequencer = Sequencer.builder().config(config).storage(storage).l1Poster(l1)
                    .wallClock(EpochClock.SYSTEM).nanoClock(NanoClock.SYSTEM).metrics(metrics)
                    .errorHandler((loop, error) -> firstError.compareAndSet(null,
                            new IllegalStateException("engine error in " + loop, error)))
                    .build();
            sequencer.start();
            long held = storage.readSequenceState().nextSeq() - 1;
            if (held < storeTxs) {
                throw new IllegalStateException("the store holds " + held + " txs, expected " + storeTxs);
            }
        }

        /** Stops the leader, closes and deletes the copy; fails if anything was refused or failed. */
        @TearDown(Level.Trial)
        public void close() {
            long before = storeTxs;
            long after;
            try {
                after = storage.readSequenceState().nextSeq() - 1;
                sequencer.close();
                storage.close();
                l1.close();
            } finally {
                SqliteAdmissionBenchmark.deleteDirectory(dir);
            }
            System.out.printf(Locale.ROOT, "%n# store held %,d txs before the trial, %,d after%n", before, after);
            Throwable error = firstError.get();
            if (error != null) {
                throw new IllegalStateException("admission failed", error);
            }
        }
    }

    /** One client: its own account (random per trial), nonces and payload. */
    @State(Scope.Thread)
    public static class Client {
        private static final AtomicInteger THREADS = new AtomicInteger();
        private final byte[] payload = new byte[GrownStore.PAYLOAD_BYTES];
        private final List<Tx> bulk = new ArrayList<>(BULK);
        private final SubmitResults results = new SubmitResults(BULK);
        private String from;
        private long nonce;

        /** A new account per trial, so no tx repeats one admitted in an earlier trial of the same store. */
        @Setup(Level.Trial)
        public void open() {
            SplittableRandom random = new SplittableRandom(System.nanoTime() ^ THREADS.incrementAndGet());
            random.nextBytes(payload);
            from = "client-" + Long.toHexString(random.nextLong());
        }

        Tx nextTx() {
            return new Tx(1, nonce++, from, payload);
        }

        List<Tx> nextBulk() {
            bulk.clear();
            for (int i = 0; i < BULK; i++) {
                bulk.add(nextTx());
            }
            return bulk;
        }
    }

    /**
     * One new tx submitted and acknowledged as durable.
     *
     * @return the acceptance
     */
    @Benchmark
    @Threads(CLIENTS)
    public SubmitResult submitOne(Store store, Client client) {
        SubmitResult result = store.sequencer.submit(client.nextTx());
        if (!(result instanceof SubmitResult.Accepted accepted) || accepted.duplicate()) {
            throw new IllegalStateException("expected a new acceptance, got " + result);
        }
        return result;
    }

    /**
     * {@value #BULK} new txs submitted as one group and acknowledged as durable.
     *
     * @return the answers
     */
    @Benchmark
    @Threads(BULK_CLIENTS)
    @OperationsPerInvocation(BULK)
    public SubmitResults submitAll1000(Store store, Client client) {
        SubmitResults results = store.sequencer.submitAll(client.nextBulk(), client.results);
        if (results.acceptedCount() != BULK) {
            throw new IllegalStateException("expected " + BULK + " acceptances, got " + results);
        }
        for (int i = 0; i < BULK; i++) {
            if (results.isDuplicate(i)) {
                throw new IllegalStateException("a new tx was answered as a duplicate: " + results.get(i));
            }
        }
        return results;
    }
}
