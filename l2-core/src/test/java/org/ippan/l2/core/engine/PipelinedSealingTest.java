package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.Test;

/**
 * The batcher's two stages (a seal executor: batches cut ahead and sealed on other threads, committed in order by
 * the batcher) post exactly the bytes of the one-thread path, in the same order, and keep fencing.
 */
class PipelinedSealingTest {
    private static final long START_MS = 1_735_000_000_000L;
    private static final HexFormat HEX = HexFormat.of();

    /** An executor the test drives: it queues tasks and runs them when, and in the order, the script says. */
    static final class ManualExecutor implements java.util.concurrent.Executor {
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            queued.add(task);
        }

        void runSome(SplittableRandom random) {
            int n = random.nextInt(queued.size() + 1);
            for (int i = 0; i < n; i++) {
                Runnable task = random.nextBoolean() ? queued.pollFirst() : queued.pollLast();
                task.run();
            }
        }
    }

    /** One engine on in-memory storage and a simulated L1, stepped by hand. */
    static final class World {
        final ManualClock clock = new ManualClock(START_MS);
        final InMemoryStorage storage = new InMemoryStorage();
        final SimulatedL1 l1 = SimulatedL1.builder().finalityDepth(0).genesisTimeMs(START_MS).build();
        final CountingMetrics metrics = new CountingMetrics();
        final List<Throwable> errors = new ArrayList<>();
        final Sequencer sequencer;

        World(SequencerConfig config, java.util.concurrent.Executor sealExecutor) {
            this(config, sealExecutor, signer42());
        }

        World(SequencerConfig config, java.util.concurrent.Executor sealExecutor, EnvelopeSigner signer) {
            Sequencer.Builder builder = Sequencer.builder().config(config).storage(storage).l1Poster(l1)
                    .signer(signer).wallClock(clock).nanoClock(clock).metrics(metrics)
                    .errorHandler((loop, error) -> errors.add(error));
            if (sealExecutor != null) {
                builder.sealExecutor(sealExecutor);
            }
            sequencer = builder.build();
            sequencer.start();
        }

        void step() {
            sequencer.doWork(clock.nanoTime());
            l1.mineBlock();
        }

        /** Every batch storage holds, and every submission L1 included, as text: what the two paths must share. */
        List<String> posted() {
            List<String> out = new ArrayList<>();
            for (StoredBatch b : storage.listBatches(1, Integer.MAX_VALUE)) {
                NewBatch n = b.batch();
                out.add("batch " + n.batchNumber() + " " + n.firstSeq() + "+" + n.txCount() + " " + n.createdMs()
                        + " " + HEX.formatHex(n.batchHash()) + " " + HEX.formatHex(n.prevBatchHash()) + " "
                        + HEX.formatHex(n.txRoot()) + " " + HEX.formatHex(n.envelopeHash()) + " "
                        + HEX.formatHex(n.sequencerSig()) + " " + HEX.formatHex(n.idempotencyKey()) + " "
                        + HEX.formatHex(n.l1Envelope()));
            }
            for (SimulatedL1.IncludedSubmission s : l1.includedSubmissions()) {
                out.add("l1 " + s.sequence() + " " + HEX.formatHex(s.idempotencyKey()) + " "
                        + HEX.formatHex(s.submission().body()));
            }
            return out;
        }
    }

    static EnvelopeSigner signer42() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x42);
        return new Ed25519Signer(seed);
    }

    private static SequencerConfig config(int maxTxs, long maxBytes, long maxWaitMs, int sealThreads) {
        return SequencerConfig.builder().batchLimits(new BatchLimits(maxTxs, maxBytes, maxWaitMs))
                .maxTxSize(1024).finalityConfirmations(0).sealThreads(sealThreads).build();
    }

    private static List<List<Tx>> groups(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Tx>> groups = new ArrayList<>();
        long nonce = 0;
        for (int g = 0; g < count; g++) {
            List<Tx> group = new ArrayList<>();
            int size = 1 + random.nextInt(120);
            for (int i = 0; i < size; i++) {
                byte[] payload = new byte[random.nextInt(700)];
                random.nextBytes(payload);
                group.add(new Tx(1, nonce++, "sender-" + random.nextInt(20), payload));
            }
            groups.add(group);
        }
        return groups;
    }

    private static List<Tx> txs(int n) {
        List<Tx> txs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            txs.add(new Tx(1, i, "sender", new byte[] {(byte) i}));
        }
        return txs;
    }

    /**
     * Submits the groups and steps the engine as a seeded script says (steps and clock advances between
     * submissions, the seal executor running some of its tasks in between), then drains: everything confirmed.
     */
    private static List<String> run(long seed, SequencerConfig config, boolean pipelined) {
        ManualExecutor executor = pipelined ? new ManualExecutor() : null;
        World w = new World(config, executor);
        SplittableRandom script = new SplittableRandom(seed ^ 0x5CA1AB1EL);
        SplittableRandom sealing = new SplittableRandom(seed);
        List<List<Tx>> groups = groups(seed, 40);
        int total = 0;
        for (List<Tx> group : groups) {
            SubmitResults results = new SubmitResults(group.size());
            w.sequencer.submitAll(group, results);
            total += group.size();
            int steps = script.nextInt(3);
            for (int s = 0; s < steps; s++) {
                w.clock.advanceMs(script.nextInt(40));
                if (executor != null) {
                    executor.runSome(sealing);
                }
                w.step();
            }
        }
        w.sequencer.flush();
        for (int s = 0; s < 2000 && (w.storage.readSequenceState().pendingCount() > 0
                || w.storage.countBatches().confirmed() < w.storage.readSequenceState().nextBatchNumber() - 1); s++) {
            w.clock.advanceMs(20);
            if (executor != null) {
                executor.runSome(sealing);
            }
            w.step();
        }
        assertThat(w.errors).isEmpty();
        assertThat(w.storage.readSequenceState().pendingCount()).as("seed %d, pipelined %s: every tx batched (%s)",
                seed, pipelined, w.storage.countBatches()).isZero();
        long txsInBatches = w.storage.listBatches(1, Integer.MAX_VALUE).stream()
                .peek(b -> assertThat(b.l1State().status()).isEqualTo(L1Status.CONFIRMED))
                .mapToLong(b -> b.batch().txCount()).sum();
        assertThat(txsInBatches).isEqualTo(total);
        w.sequencer.close();
        return w.posted();
    }

    @Test
    void pipelined_postsEveryByteOfTheOneThreadPath_inTheSameOrder() {
        for (long seed = 1; seed <= 10; seed++) {
            SequencerConfig config = config(10 + (int) (seed % 5) * 30, 4096 + seed * 3000, 50, (int) (seed % 3));
            List<String> oneThread = run(seed, config, false);
            List<String> twoStages = run(seed, config, true);
            assertThat(oneThread.size()).as("seed %d: batches", seed).isGreaterThan(4);
            assertSame(seed, oneThread, twoStages);
        }
    }

    @Test
    void pipelined_onARealThread_postsTheSameBytes() throws Exception {
        // cuts by count and size only, on a clock that does not move: the host's thread may seal any batch at any
        // time, and the bytes are still those of the one-thread path
        SequencerConfig config = config(64, 20_000, 3_600_000, 1);
        List<List<Tx>> groups = groups(99, 60);
        List<String> expected = runFixedClock(config, groups, null);
        ExecutorService sealer = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 3; round++) {
                assertSame(round, expected, runFixedClock(config, groups, sealer));
            }
        } finally {
            sealer.shutdownNow();
            assertThat(sealer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Equal, line by line; a difference is shown by its first 160 chars, not by megabytes of hex. */
    private static void assertSame(long run, List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                throw new AssertionError("run " + run + ", line " + i + ": expected " + clip(expected.get(i))
                        + " but was " + clip(actual.get(i)));
            }
        }
        assertThat(actual.size()).as("run %d: lines", run).isEqualTo(expected.size());
    }

    private static String clip(String line) {
        return line.length() <= 160 ? line : line.substring(0, 160) + "...";
    }

    private static List<String> runFixedClock(SequencerConfig config, List<List<Tx>> groups,
            java.util.concurrent.Executor sealer) {
        World w = new World(config, sealer);
        int total = 0;
        for (List<Tx> group : groups) {
            w.sequencer.submitAll(group, new SubmitResults(group.size()));
            total += group.size();
            w.step();
        }
        w.sequencer.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (w.storage.readSequenceState().pendingCount() > 0
                || w.storage.countBatches().confirmed() < w.storage.readSequenceState().nextBatchNumber() - 1) {
            assertThat(System.nanoTime()).as("drained within 30 s").isLessThan(deadline);
            w.step();
            Thread.onSpinWait();
        }
        assertThat(w.errors).isEmpty();
        assertThat(w.storage.listBatches(1, Integer.MAX_VALUE).stream().mapToLong(b -> b.batch().txCount()).sum())
                .isEqualTo(total);
        w.sequencer.close();
        return w.posted();
    }

    @Test
    void pipelined_signHalfTakenByAnotherTaskBeforeTheHashHalf_postsTheSameBytes() {
        // an executor that runs each task at once, inside execute: the sign half of every batch is claimed and done
        // by the executor's task while the thread that opened the batch has not begun its hash half, and that thread
        // then joins the halves; the unsigned envelope (no sign half) the same way
        SequencerConfig config = config(50, 30_000, 3_600_000, 1);
        List<List<Tx>> groups = groups(7, 30);
        assertSame(0, runFixedClock(config, groups, null), runFixedClock(config, groups, Runnable::run));
    }

    @Test
    void pipelined_aSignerAnsweringAShortSignature_failsTheStepAsOnOneThread_andCommitsNothing() {
        EnvelopeSigner good = signer42();
        EnvelopeSigner broken = new EnvelopeSigner() {
            @Override
            public byte[] publicKey() {
                return good.publicKey();
            }

            @Override
            public byte[] sign(byte[] message, int offset, int length) {
                return Arrays.copyOf(good.sign(message, offset, length), 10);
            }
        };
        for (boolean pipelined : new boolean[] {false, true}) {
            ManualExecutor executor = pipelined ? new ManualExecutor() : null;
            // no receipts: they are signed by the same signer, at admission
            SequencerConfig config = config(10, 1 << 20, 3_600_000, 1).toBuilder().inclusionDeadlineMs(0).build();
            World w = new World(config, executor, broken);
            List<Tx> txs = txs(25);
            w.sequencer.submitAll(txs, new SubmitResults(txs.size()));
            w.sequencer.doWork(w.clock.nanoTime());
            if (executor != null) {
                executor.queued.forEach(Runnable::run);
                w.sequencer.doWork(w.clock.nanoTime());
            }
            assertThat(w.errors).as("pipelined %s", pipelined).isNotEmpty();
            assertThat(w.errors.get(0)).as("pipelined %s", pipelined).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("10-byte signature");
            assertThat(w.storage.readSequenceState().nextBatchNumber()).as("pipelined %s: nothing committed",
                    pipelined).isEqualTo(1);
            assertThat(w.storage.readSequenceState().pendingCount()).isEqualTo(25);
            w.sequencer.close();
        }
    }

    @Test
    void pipelined_fencedCommit_dropsTheBatchesInFlightAndWritesNone() {
        ManualExecutor executor = new ManualExecutor();
        World w = new World(config(10, 1 << 20, 3_600_000, 1), executor);
        List<Tx> txs = txs(25);
        w.sequencer.submitAll(txs, new SubmitResults(txs.size()));
        // the batcher cuts two batches ahead and, the executor not running, seals the oldest itself and commits it
        w.sequencer.doWork(w.clock.nanoTime());
        long committed = w.storage.readSequenceState().nextBatchNumber() - 1;
        assertThat(w.errors).isEmpty();
        assertThat(committed).isEqualTo(2); // it helped with both, in order
        // another leader claims a higher term; batch 3 (the remaining 5 txs, on flush) is then cut and refused
        long stored = w.storage.readLeader().term();
        w.storage.claimTerm(stored + 1, "usurper", w.clock.currentTimeMs());
        w.sequencer.flush();
        executor.queued.forEach(Runnable::run); // the host's thread seals whatever it was given
        w.sequencer.doWork(w.clock.nanoTime());
        assertThat(w.sequencer.state()).isEqualTo(SequencerState.FENCED);
        assertThat(w.storage.readSequenceState().nextBatchNumber()).as("nothing written in the stale term")
                .isEqualTo(committed + 1);
        assertThat(w.storage.readSequenceState().pendingCount()).as("the refused batch's txs stay pending")
                .isEqualTo(5);
    }

    @Test
    void pipelined_batchesAreCommittedOldestFirst_whateverOrderTheyAreSealedIn() {
        ManualExecutor executor = new ManualExecutor();
        World w = new World(config(10, 1 << 20, 3_600_000, 3), executor);
        List<Tx> first40 = txs(40);
        w.sequencer.submitAll(first40, new SubmitResults(first40.size()));
        // a step cuts all 4 ahead (room for sealThreads 3 + 2) and seals the oldest itself; the host thread seals the
        // others newest first, and the batcher commits them in batch order
        w.sequencer.doWork(w.clock.nanoTime());
        while (!executor.queued.isEmpty()) {
            executor.queued.pollLast().run();
        }
        w.sequencer.doWork(w.clock.nanoTime());
        assertThat(w.storage.readSequenceState().nextBatchNumber()).isEqualTo(5);
        byte[] prev = new byte[32];
        for (long n = 1; n <= 4; n++) {
            NewBatch b = w.storage.findBatchByNumber(n).orElseThrow().batch();
            assertThat(b.prevBatchHash()).as("batch %d chains to %d", n, n - 1).isEqualTo(prev);
            assertThat(b.firstSeq()).isEqualTo(1 + (n - 1) * 10);
            prev = b.batchHash();
        }
        assertThat(w.errors).isEmpty();
    }
}
