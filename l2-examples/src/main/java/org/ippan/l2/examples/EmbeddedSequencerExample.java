package org.ippan.l2.examples;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.engine.CountingMetrics;
import org.ippan.l2.core.engine.EpochClock;
import org.ippan.l2.core.engine.NanoClock;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.engine.SequencerRunner;
import org.ippan.l2.core.engine.SequencerStatus;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.memory.InMemoryStorage;

/**
 * The smallest real wiring of the library: a leader on in-memory storage and a simulated L1, its loops on an
 * executor this host owns, a few txs submitted, and the wait until their batches are confirmed.
 *
 * <p>Run: {@code java -cp l2-examples/target/classes:... org.ippan.l2.examples.EmbeddedSequencerExample [txs]}.
 */
public final class EmbeddedSequencerExample {
    private EmbeddedSequencerExample() {}

    /**
     * Submits {@code args[0]} txs (default 1000), waits up to 30 s for their batches to be confirmed, prints the
     * status.
     */
    public static void main(String[] args) throws InterruptedException {
        int txCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        SequencerStatus status = run(txCount, 30_000);
        System.out.println(status);
        if (status.batches().pending() + status.batches().posted() > 0) {
            System.exit(1);
        }
    }

    /**
     * Runs the example.
     *
     * @param txCount how many txs to submit
     * @param timeoutMs how long to wait for every batch to be confirmed
     * @return the final status
     */
    public static SequencerStatus run(int txCount, long timeoutMs) throws InterruptedException {
        InMemoryStorage storage = new InMemoryStorage();
        SimulatedL1 l1 = SimulatedL1.builder().finalityDepth(2).blockIntervalMs(50)
                .genesisTimeMs(System.currentTimeMillis()).build();
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        SequencerConfig config = SequencerConfig.builder()
                .batchLimits(new BatchLimits(100, 1 << 20, 50))
                .finalityConfirmations(2)
                .reconcileIntervalMs(50)
                .build();
        CountingMetrics metrics = new CountingMetrics();
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
        try (Sequencer sequencer = Sequencer.builder().config(config).storage(storage).l1Poster(l1)
                .signer(new Ed25519Signer(seed)).metrics(metrics).build()) {
            sequencer.start();
            SequencerRunner runner = new SequencerRunner(sequencer, executor, NanoClock.SYSTEM, 100);
            // the simulated chain has no threads either: this host mines its blocks
            executor.scheduleAtFixedRate(() -> l1.advanceTo(EpochClock.SYSTEM.currentTimeMs()), 50, 50,
                    TimeUnit.MILLISECONDS);
            List<Tx> txs = new ArrayList<>();
            for (int i = 0; i < txCount; i++) {
                txs.add(new Tx(config.chainId(), i, "user-" + (i % 10),
                        ("hello " + i).getBytes(StandardCharsets.UTF_8)));
            }
            for (SubmitResult result : sequencer.submitAll(txs)) {
                if (!(result instanceof SubmitResult.Accepted)) {
                    throw new IllegalStateException("not accepted: " + result);
                }
            }
            sequencer.flush();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            SequencerStatus status = sequencer.status();
            while (System.nanoTime() - deadline < 0
                    && (status.pool().pending() > 0 || status.batches().pending() + status.batches().posted() > 0)) {
                Thread.sleep(20);
                status = sequencer.status();
            }
            runner.close();
            return status;
        } finally {
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
