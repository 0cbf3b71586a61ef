package org.ippan.l2.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.engine.SequencerMetrics;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.internal.Blake3;
import org.ippan.l2.core.internal.Blake3Hasher;
import org.ippan.l2.core.internal.Blake3Stream;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.memory.InMemoryStorage;
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
 * The v1 <b>format floor</b> and the <b>core pipeline</b>, single thread, side by side in one run: 1,000-tx batches of
 * txs with 256-byte payloads. Both report txs per second ({@code @OperationsPerInvocation(1000)}), so their ratio is
 * the pipeline's fraction of the floor, and {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes per tx.
 *
 * <ul>
 *   <li>{@code formatFloor}: exactly the hashing and signing wire format v1 mandates for a batch, with the raw
 *       primitives (the library's BLAKE3, {@code Blake3Hasher}, and BouncyCastle's {@code Ed25519}) over the very
 *       bytes the library hashes and signs (made once, in setup, by the library, and checked against it): BLAKE3 of
 *       each tx ({@code tx_hash}), of the batch ({@code batch_hash}), of the concatenated tx hashes
 *       ({@code tx_root}), of {@code canonical(BatchPayload)} with its hex payload ({@code envelope_hash}), Ed25519
 *       over the signed message, BLAKE3 of the hub payload's canonical JSON and of the idempotency key's pieces.
 *       Nothing else: no encoding, no copying, no allocation. Each input goes to the BLAKE3 the library would use
 *       for its length ({@code Blake3.threadDigest(length)}): the scalar {@code Blake3Hasher}, or from the
 *       accelerator's threshold on the Vector API hasher when the JVM has one ({@link PipelineVectorBenchmark}).</li>
 *   <li>{@code corePipeline}: the library's path for one batch: {@link Sequencer#submitAll(List, SubmitResults)}
 *       of 1,000 new txs into reused results (durable in {@link InMemoryStorage}, acknowledged with their sequence
 *       numbers), then the engine's loops stepped by hand on a manual clock, no threads: the batcher cuts the batch (a COUNT cut), builds and signs its envelope
 *       and L1 request and commits it; the poster posts it to a {@link SimulatedL1}; a block is mined; the
 *       reconciler confirms it. Every invocation checks that all 1,000 txs were accepted and that the batch holding
 *       exactly them was confirmed, and fails otherwise.</li>
 *   <li>{@code corePipeline} with {@code threads = 2}: the same work per invocation, on two threads. The benchmark's
 *       thread is the host's submitter and one seal thread (the engine's seal executor is a queue this thread
 *       drains while it waits); a second thread, started by the benchmark as a host would, runs the engine's loops
 *       ({@code doWork} in a loop, mining a block after every step that did work). So admission of batch
 *       <i>N</i>+1 overlaps the batcher's work on batch <i>N</i>, and the two threads seal consecutive batches
 *       side by side (whichever thread is free takes the oldest batch nobody has started). An invocation submits
 *       its 1,000 txs and returns once the batch of the invocation {@value #LAG} before it is confirmed (so at most
 *       {@value #LAG} + 1 batches are in the pipeline), except the last invocation on an engine, which waits for
 *       all of its batches: the pipeline is filled and drained inside the measured time, once per engine. Every
 *       batch is checked as on one thread: 1,000 txs, a COUNT cut, confirmed, nothing refused, no engine error.</li>
 * </ul>
 *
 * <p><b>Steady state.</b> The in-memory storage and the simulated L1 keep everything (every tx, every batch, every
 * 0.8 MB L1 request), so a single engine would grow by ~1.3 MB per batch, and the garbage collector would copy that
 * growing live set again and again: a cost that a real (on-disk) store does not put on the heap. So the engine,
 * its storage and its L1 are replaced, outside the measured time, after every {@value #BATCHES_PER_ENGINE} batches:
 * the live set stays below ~10 MB, the engine still runs batches 1 to 8 of a chain (posting and confirming in
 * order, linking each to the previous batch's hash), and building an engine (a few tens of KB, once per 8,000 txs)
 * adds only a few bytes per tx to the allocation figure. The engine's cache of recently admitted txs (which answers
 * resubmissions without a storage write) grows until it holds {@code dedupCacheSize} txs and from then on reuses its
 * slots, allocating nothing; an engine that lives for 8,000 txs would never get there with the default size of
 * 100,000, and the figure would show the cache's growth (~95 B per tx), not its steady state. So the benchmark's
 * cache holds 1,000 txs: full after the first batch of each engine. The txs of an engine's
 * {@value #BATCHES_PER_ENGINE} invocations are built with the engine, outside the measured time (a host decodes
 * them from its requests; {@code -prof gc} counts their allocation all the same); their hashes are computed in the
 * measured path, at admission, as in the node.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineBenchmark {
    static final int TXS = 1000;
    static final int PAYLOAD_BYTES = 256;
    static final long CHAIN_ID = 1;
    static final long START_MS = 1_735_000_000_000L;
    static final int BATCHES_PER_ENGINE = 8;
    private static final int SENDERS = 97;
    private static final int MAX_STEPS = 8;
    /** Two threads: how many batches behind its own an invocation waits for (see the class comment). */
    static final int LAG = 3;
    /** Two threads: how long an invocation waits for its batch before failing the run (a stuck pipeline). */
    /** Two threads: how long an idle thread spins before it parks until it is woken (or 1 ms passes). */
    private static final long IDLE_SPIN_NS = 20_000;
    private static final long PARK_NS = 1_000_000;
    private static final long STUCK_NS = TimeUnit.SECONDS.toNanos(30);

    /** 1,000 payloads of 256 random bytes and 97 sender names, shared by both states. */
    static final class TxMaterial {
        final byte[][] payloads = new byte[TXS][PAYLOAD_BYTES];
        final String[] senders = new String[SENDERS];

        TxMaterial(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            for (byte[] payload : payloads) {
                random.nextBytes(payload);
            }
            for (int i = 0; i < SENDERS; i++) {
                senders[i] = "sender-" + i;
            }
        }

        Tx tx(int index, long nonce) {
            return new Tx(CHAIN_ID, nonce, senders[index % SENDERS], payloads[index]);
        }
    }

    /**
     * 1,000-tx batches and admission groups, and a duplicate cache of 1,000 txs (see "Steady state" above).
     *
     * @return the engine configuration of the pipeline
     */
    static SequencerConfig config() {
        return config(SequencerConfig.builder().build().inclusionDeadlineMs());
    }

    /**
     * @param inclusionDeadlineMs the receipts' deadline; 0 issues no receipts
     * @return the engine configuration of the pipeline, with or without signed admission receipts
     */
    static SequencerConfig config(long inclusionDeadlineMs) {
        return SequencerConfig.builder()
                .inclusionDeadlineMs(inclusionDeadlineMs)
                .chainId(CHAIN_ID)
                .batchLimits(new BatchLimits(TXS, 1 << 20, 1000))
                .maxAdmissionGroup(TXS)
                .dedupCacheSize(TXS)
                .build();
    }

    static Ed25519Signer signer() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x42);
        return new Ed25519Signer(seed);
    }

    // ---- the floor ------------------------------------------------------------------------------------------------

    /** The bytes the format hashes and signs for one 1,000-tx batch, made by the library and checked against it. */
    @State(Scope.Thread)
    public static class Floor {
        byte[][] txBytes;
        byte[] batchBytes;
        byte[] txHashes;
        byte[] signedMessage;
        int domainLength;
        byte[] hubPayloadJson;
        byte[] keyPreimage;
        byte[] seed;
        byte[] publicKey;
        final Blake3Hasher digest = new Blake3Hasher();
        final byte[] hash = new byte[Hash.LENGTH];
        final byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];

        /** Builds a batch with the library and keeps the exact bytes it hashes and signs. */
        @Setup(Level.Trial)
        public void setUp() {
            System.err.println("BLAKE3 of large inputs in this JVM: " + Blake3.accelerator().orElse("scalar"));
            TxMaterial material = new TxMaterial(7);
            List<Tx> txs = new ArrayList<>(TXS);
            txBytes = new byte[TXS][];
            txHashes = new byte[TXS * Hash.LENGTH];
            for (int i = 0; i < TXS; i++) {
                Tx tx = material.tx(i, i);
                txs.add(tx);
                txBytes[i] = tx.encode();
                tx.hash().copyTo(txHashes, i * Hash.LENGTH);
            }
            Batch batch = new Batch(CHAIN_ID, 2, txs, START_MS);
            batchBytes = batch.encode();
            Hash prev = Hash.blake3(new byte[] {1});
            BatchPayload payload = BatchPayload.of(batch, prev);
            signedMessage = payload.signingBytes();
            domainLength = BatchPayload.SIGNING_DOMAIN_TEXT.length();
            seed = new byte[32];
            Arrays.fill(seed, (byte) 0x42);
            publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
            Ed25519.generatePublicKey(seed, 0, publicKey, 0);
            BatchEnvelope envelope = BatchEnvelope.sign(payload, signer());
            L2BatchEnvelopeV1 l1 = L2BatchEnvelopeV1.forBatch(batch, envelope, Hub.Fin, 0);
            hubPayloadJson = l1.payload().canonicalJson();
            keyPreimage = concat("ippan-l1l2".getBytes(StandardCharsets.US_ASCII),
                    "v1".getBytes(StandardCharsets.US_ASCII), "Fin".getBytes(StandardCharsets.US_ASCII),
                    l1.batchId().getBytes(StandardCharsets.US_ASCII), new byte[] {0, 0, 0, 0, 0, 0, 0, 2},
                    Hash.blake3(hubPayloadJson).toBytes());

            // the floor must compute what the library computes, or it is not the floor of this pipeline
            check(blake3(txBytes[TXS - 1]), txs.get(TXS - 1).hash(), "tx_hash");
            check(blake3(batchBytes), batch.hash(), "batch_hash");
            check(blake3(txHashes), batch.txRoot(), "tx_root");
            check(Hash.blake3(signedMessage, domainLength, signedMessage.length - domainLength),
                    payload.envelopeHash(), "envelope_hash");
            Ed25519.sign(seed, 0, publicKey, 0, signedMessage, 0, signedMessage.length, signature, 0);
            if (!Arrays.equals(signature, envelope.sequencerSig())) {
                throw new IllegalStateException("floor: the signature differs from the library's");
            }
            if (!Arrays.equals(blake3(keyPreimage).toBytes(), l1.idempotencyKey())) {
                throw new IllegalStateException("floor: the idempotency key differs from the library's");
            }
        }

        private Hash blake3(byte[] bytes) {
            digest.update(bytes, 0, bytes.length);
            byte[] out = new byte[Hash.LENGTH];
            digest.doFinal(out, 0);
            return Hash.of(out);
        }

        private static void check(Hash floor, Hash library, String what) {
            if (!floor.equals(library)) {
                throw new IllegalStateException("floor: " + what + " differs from the library's");
            }
        }
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /**
     * The hashing and signing v1 mandates for one 1,000-tx batch, with the raw primitives and nothing else.
     *
     * @return a byte of every output, summed, so that nothing is dead code
     */
    @Benchmark
    @OperationsPerInvocation(TXS)
    public int formatFloor(Floor f) {
        Blake3Hasher digest = f.digest;
        byte[] hash = f.hash;
        int sink = 0;
        for (byte[] tx : f.txBytes) {
            digest.update(tx, 0, tx.length); // tx_hash
            digest.doFinal(hash, 0);
            sink += hash[0];
        }
        sink += large(f.batchBytes, 0, f.batchBytes.length, hash); // batch_hash
        sink += large(f.txHashes, 0, f.txHashes.length, hash); // tx_root
        sink += large(f.signedMessage, f.domainLength, f.signedMessage.length - f.domainLength, hash); // envelope_hash
        Ed25519.sign(f.seed, 0, f.publicKey, 0, f.signedMessage, 0, f.signedMessage.length, f.signature, 0);
        sink += f.signature[0];
        sink += large(f.hubPayloadJson, 0, f.hubPayloadJson.length, hash); // BLAKE3(canonical_json(hub payload))
        digest.update(f.keyPreimage, 0, f.keyPreimage.length); // idempotency key
        digest.doFinal(hash, 0);
        return sink + hash[0];
    }

    /**
     * BLAKE3 of an input of any size with the hasher the library picks for that length: the scalar one, or the
     * accelerator's from its threshold when it is in use.
     *
     * @return the hash's first byte
     */
    private static int large(byte[] input, int offset, int length, byte[] hash) {
        Blake3Stream digest = Blake3.threadDigest(length);
        digest.update(input, offset, length);
        digest.doFinal(hash, 0);
        return hash[0];
    }

    /**
     * {@link #formatFloor} on two threads at once, each on its own batch: what the machine's two cores can hash and
     * sign when nothing else limits them, the ceiling of the two-thread pipeline (JMH sums the threads' scores).
     *
     * @return a byte of every output, summed, so that nothing is dead code
     */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(TXS)
    public int formatFloorOnTwoThreads(Floor f) {
        return formatFloor(f);
    }

    // ---- the pipeline ---------------------------------------------------------------------------------------------

    /** An engine on in-memory storage and a simulated L1, replaced every {@value #BATCHES_PER_ENGINE} batches. */
    @State(Scope.Thread)
    public static class Pipeline {
        /**
         * The signed admission receipts' deadline: the default (60 s: one receipt group signed per 1,000-tx
         * admission group, each tx answered with its receipt) or 0 (no receipts), so one run gives their cost.
         */
        @Param({"60000", "0"})
        public long inclusionDeadlineMs;
        /**
         * 1: the benchmark's thread does everything, stepping the loops by hand; 2: it submits and seals, and a
         * second thread runs the loops (see the class comment).
         */
        @Param({"1", "2"})
        public int threads;
        final BenchClock clock = new BenchClock(START_MS);
        final Counting metrics = new Counting();
        /** The txs of each invocation on the current engine, made with the engine. */
        final List<List<Tx>> engineTxs = new ArrayList<>(BATCHES_PER_ENGINE);
        List<Tx> txs;
        final SubmitResults results = new SubmitResults(TXS);
        /** Two threads: the engine's seal executor, a queue the benchmark's thread drains while it waits. */
        final ConcurrentLinkedQueue<Runnable> sealTasks = new ConcurrentLinkedQueue<>();
        /** Two threads: the host's loop thread. */
        ExecutorService loopThread;
        Future<?> loopRun;
        volatile boolean stopLoops;
        /** Set by the engine's work listener; the loop thread steps at once. */
        volatile boolean woken;
        /** Two threads: the benchmark's thread and the loop thread, unparked when the other has work for them. */
        volatile Thread submitterThread;
        volatile Thread loopsThread;
        long confirmedAtEngineStart;
        /** {@link PipelineBalance} only: the CPU time each thread spends working (not spinning), per part. */
        final Busy busy = new Busy();
        TxMaterial material;
        Ed25519Signer signer;
        SequencerConfig config;
        InMemoryStorage storage;
        SimulatedL1 l1;
        Sequencer sequencer;
        int batchesOnEngine;
        long nextNonce;

        /** Makes the tx material and the engine configuration. */
        @Setup(Level.Trial)
        public void setUp() {
            material = new TxMaterial(7);
            signer = signer();
            config = threads == 1 ? config(inclusionDeadlineMs)
                    : config(inclusionDeadlineMs).toBuilder().sealThreads(threads - 1).build();
            if (threads == 2) {
                loopThread = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "pipeline-loops");
                    t.setDaemon(true);
                    return t;
                });
            } else if (threads != 1) {
                throw new IllegalArgumentException("threads must be 1 or 2, got " + threads);
            }
        }

        /** Replaces the engine when it has run its batches; picks the next invocation's 1,000 new txs. */
        @Setup(Level.Invocation)
        public void nextBatch() {
            if (sequencer == null || batchesOnEngine == BATCHES_PER_ENGINE) {
                newEngine();
            }
            if (threads == 1) {
                clock.advanceMs(1); // two threads: the clock stays put while the loop thread runs (only COUNT cuts)
            }
            txs = engineTxs.get(batchesOnEngine);
        }

        private void newEngine() {
            closeEngine();
            engineTxs.clear();
            for (int b = 0; b < BATCHES_PER_ENGINE; b++) {
                List<Tx> batch = new ArrayList<>(TXS);
                for (int i = 0; i < TXS; i++) {
                    batch.add(material.tx(i, nextNonce++));
                }
                engineTxs.add(batch);
            }
            clock.advanceMs(1);
            storage = new InMemoryStorage();
            l1 = SimulatedL1.builder().finalityDepth(0).genesisTimeMs(START_MS).build();
            Sequencer.Builder builder = Sequencer.builder().config(config).storage(storage).l1Poster(l1)
                    .signer(signer).wallClock(clock).nanoClock(clock).metrics(metrics).errorHandler(metrics::error);
            if (threads == 2) {
                submitterThread = Thread.currentThread();
                metrics.waiter = submitterThread;
                builder.sealExecutor(task -> {
                    sealTasks.add(task);
                    LockSupport.unpark(submitterThread);
                });
            }
            sequencer = builder.build();
            if (threads == 2) {
                sequencer.onWorkAvailable(loop -> {
                    woken = true;
                    LockSupport.unpark(loopsThread);
                });
            }
            sequencer.start();
            batchesOnEngine = 0;
            confirmedAtEngineStart = metrics.confirmed;
            if (threads == 2) {
                stopLoops = false;
                Sequencer engine = sequencer;
                SimulatedL1 chain = l1;
                loopRun = loopThread.submit(() -> runLoops(engine, chain));
            }
        }

        /**
         * The host's loop thread: every loop's step, again and again, a block mined after each step that did work;
         * after a step that did none, it waits until the engine signals work ({@code onWorkAvailable}: txs
         * admitted, a batch sealed, an L1 answer): it spins {@value #IDLE_SPIN_NS} ns, then parks (unparked by the
         * signal, or after 1 ms), rather than take the engine's locks again and again while the other thread admits
         * or seals, or take a core the other thread needs on a busy machine.
         */
        private void runLoops(Sequencer engine, SimulatedL1 chain) {
            loopsThread = Thread.currentThread();
            while (!stopLoops) {
                woken = false;
                long cpu0 = busy.cpu();
                int work = engine.doWork(clock.nanoTime());
                long cpu1 = busy.cpu();
                if (cpu0 != 0 && cpu1 != 0) {
                    busy.loopNs += cpu1 - cpu0;
                }
                if (work > 0) {
                    chain.mineBlock();
                    continue;
                }
                long idle0 = busy.wall();
                idle(() -> woken || stopLoops);
                long idle1 = busy.wall();
                if (idle0 != 0 && idle1 != 0) {
                    busy.loopIdleNs += idle1 - idle0;
                }
            }
        }

        /** Spins {@value #IDLE_SPIN_NS} ns for {@code done}, then parks until unparked or 1 ms passes. */
        private static void idle(java.util.function.BooleanSupplier done) {
            long until = System.nanoTime() + IDLE_SPIN_NS;
            while (!done.getAsBoolean()) {
                if (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(PARK_NS);
                    return;
                }
            }
        }

        /** Closes the last engine (and, at the end of the trial, the loop thread). */
        @TearDown(Level.Trial)
        public void closeAll() {
            closeEngine();
            if (loopThread != null) {
                loopThread.shutdownNow();
                loopThread = null;
            }
        }

        private void closeEngine() {
            if (loopRun != null) {
                stopLoops = true;
                try {
                    loopRun.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the loop thread failed", e.getCause());
                }
                loopRun = null;
            }
            sealTasks.clear();
            if (sequencer != null) {
                sequencer.close();
                storage.close();
                l1.close();
                sequencer = null;
            }
        }

        /** Two threads: submits, then seals and waits until the batch {@value #LAG} before this one is confirmed. */
        long runOneBatchOnTwoThreads() {
            long cpu0 = busy.cpu();
            sequencer.submitAll(txs, results);
            busy.submitNs += busy.cpu() - cpu0;
            checkAccepted();
            batchesOnEngine++;
            long waitFor = confirmedAtEngineStart
                    + (batchesOnEngine == BATCHES_PER_ENGINE ? BATCHES_PER_ENGINE : batchesOnEngine - LAG);
            long startNs = System.nanoTime();
            while (metrics.confirmed < waitFor) {
                Runnable task = sealTasks.poll();
                if (task != null) {
                    long sealCpu0 = busy.cpu();
                    task.run();
                    long sealNs = busy.cpu() - sealCpu0;
                    busy.sealNs += sealNs;
                    busy.seals += sealNs > 300_000 ? 1 : 0; // a task another thread already sealed returns at once
                } else {
                    long idle0 = busy.wall();
                    idle(() -> !sealTasks.isEmpty() || metrics.confirmed >= waitFor || metrics.firstError != null);
                    long idle1 = busy.wall();
                    if (idle0 != 0 && idle1 != 0) {
                        busy.submitIdleNs += idle1 - idle0;
                    }
                    checkPipeline(startNs);
                }
            }
            checkPipeline(startNs);
            return metrics.confirmed;
        }

        private void checkPipeline(long startNs) {
            if (metrics.wrongCuts != 0 || metrics.refused != 0 || metrics.firstError != null
                    || System.nanoTime() - startNs > STUCK_NS) {
                throw new IllegalStateException("expected batches of " + TXS + " txs cut by COUNT and confirmed, got "
                        + metrics.wrongCuts + " other cuts (last: " + metrics.lastCutTxs + " txs, "
                        + metrics.lastCutReason + "), " + metrics.confirmed + " confirmed, " + metrics.refused
                        + " refused", metrics.firstError);
            }
        }

        private void checkAccepted() {
            for (int i = 0; i < TXS; i++) {
                if (!results.isAccepted(i) || results.isDuplicate(i)) {
                    throw new IllegalStateException("tx " + i + " was not newly accepted: " + results.get(i));
                }
            }
            if (inclusionDeadlineMs > 0 && results.receipt(TXS - 1).seq() != results.seq(TXS - 1)) {
                throw new IllegalStateException("the last tx's receipt is not its own");
            }
        }

        long runOneBatch() {
            if (threads == 2) {
                return runOneBatchOnTwoThreads();
            }
            sequencer.submitAll(txs, results);
            checkAccepted();
            long confirmedBefore = metrics.confirmed;
            long cutBefore = metrics.cut;
            for (int step = 0; step < MAX_STEPS && metrics.confirmed == confirmedBefore; step++) {
                sequencer.doWork(clock.nanoTime());
                l1.mineBlock();
            }
            if (metrics.confirmed != confirmedBefore + 1 || metrics.cut != cutBefore + 1
                    || metrics.lastCutTxs != TXS || metrics.lastCutReason != CutReason.COUNT
                    || metrics.refused != 0 || metrics.firstError != null) {
                throw new IllegalStateException("expected one batch of " + TXS + " txs cut and confirmed, got "
                        + (metrics.cut - cutBefore) + " cut (last: " + metrics.lastCutTxs + " txs, "
                        + metrics.lastCutReason + "), " + (metrics.confirmed - confirmedBefore) + " confirmed, "
                        + metrics.refused + " refused", metrics.firstError);
            }
            batchesOnEngine++;
            return metrics.confirmed;
        }
    }

    /** CPU time by part, read with the thread's CPU clock when {@link #on}; for {@link PipelineBalance}. */
    static final class Busy {
        private static final java.lang.management.ThreadMXBean CPU =
                java.lang.management.ManagementFactory.getThreadMXBean();
        volatile boolean on;
        long submitNs;
        long sealNs;
        long seals;
        volatile long loopNs;
        /** Wall time each thread spent waiting for work (spinning or parked). */
        long submitIdleNs;
        volatile long loopIdleNs;

        long cpu() {
            return on ? CPU.getCurrentThreadCpuTime() : 0;
        }

        long wall() {
            return on ? System.nanoTime() : 0;
        }

        void reset() {
            submitNs = 0;
            sealNs = 0;
            seals = 0;
            loopNs = 0;
            submitIdleNs = 0;
            loopIdleNs = 0;
        }
    }

    /**
     * Counts what the checks need. Each field has one writer (the loops' thread, or the submitter for
     * {@code refused}); volatile, so that the two-thread pipeline's submitter sees what the loop thread counted.
     */
    static final class Counting implements SequencerMetrics {
        volatile long confirmed;
        volatile long cut;
        volatile int lastCutTxs;
        volatile CutReason lastCutReason;
        volatile long wrongCuts;
        volatile long refused;
        volatile Throwable firstError;
        /** Two threads: the benchmark's thread, unparked when a batch is confirmed or an error is reported. */
        volatile Thread waiter;

        synchronized void error(String loop, Throwable error) {
            if (firstError == null) {
                firstError = new IllegalStateException("engine error in " + loop, error);
            }
            if (waiter != null) {
                LockSupport.unpark(waiter);
            }
        }

        @Override
        public synchronized void recordRejected(RefusalCode code, int count) {
            refused = refused + count;
        }

        @Override
        public void recordBatchCut(CutReason reason, int txCount, long encodedBytes) {
            cut = cut + 1; // one writer: the batcher
            lastCutTxs = txCount;
            lastCutReason = reason;
            if (txCount != TXS || reason != CutReason.COUNT) {
                wrongCuts = wrongCuts + 1;
            }
        }

        @Override
        public void recordBatchConfirmed() {
            confirmed = confirmed + 1; // one writer: the reconciler
            if (waiter != null) {
                LockSupport.unpark(waiter);
            }
        }
    }

    /**
     * One batch through the library: 1,000 txs submitted, cut, signed, posted, included and confirmed; on one thread,
     * or on two ({@code threads}).
     *
     * @return the number of batches confirmed so far
     */
    @Benchmark
    @OperationsPerInvocation(TXS)
    public long corePipeline(Pipeline p) {
        return p.runOneBatch();
    }
}
