package org.ippan.l2.benchmarks;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.engine.DutyLoop;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.engine.SequencerMetrics;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.memory.InMemoryStorage;

/**
 * Splits {@link PipelineBenchmark#corePipeline}'s allocation per tx by phase — making the txs, their own encodings
 * and hashes, {@code submitAll}, and each loop that cuts, signs, posts and confirms — by reading the thread's
 * allocated bytes around each phase, on the same engine, txs and steady state (a new engine every 8 batches) as the
 * benchmark. Not a JMH benchmark: run it
 * with {@code java -cp l2-benchmarks/target/benchmarks.jar org.ippan.l2.benchmarks.PipelineAllocationBreakdown}.
 */
public final class PipelineAllocationBreakdown {
    private static final int ENGINES = 40;
    private static final int REPORTED = 5;

    private PipelineAllocationBreakdown() {}

    /**
     * Runs {@value #ENGINES} engines of 8 batches and prints the last {@value #REPORTED} (the JIT has settled by then).
     *
     * @param args none
     */
    public static void main(String[] args) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        PipelineBenchmark.TxMaterial material = new PipelineBenchmark.TxMaterial(7);
        Ed25519Signer signer = PipelineBenchmark.signer();
        SequencerConfig config = PipelineBenchmark.config();
        BenchClock clock = new BenchClock(PipelineBenchmark.START_MS);
        long nonce = 0;
        int batches = PipelineBenchmark.BATCHES_PER_ENGINE;
        double txsPerEngine = (double) batches * PipelineBenchmark.TXS;
        SubmitResults results = new SubmitResults(PipelineBenchmark.TXS);
        List<Tx> txs = new ArrayList<>(PipelineBenchmark.TXS);
        for (int engine = 0; engine < ENGINES; engine++) {
            long start = threads.getThreadAllocatedBytes(thread);
            InMemoryStorage storage = new InMemoryStorage();
            SimulatedL1 l1 = SimulatedL1.builder().finalityDepth(0).genesisTimeMs(PipelineBenchmark.START_MS).build();
            Sequencer sequencer = Sequencer.builder().config(config).storage(storage).l1Poster(l1).signer(signer)
                    .wallClock(clock).nanoClock(clock).metrics(SequencerMetrics.NONE).build();
            sequencer.start();
            long built = threads.getThreadAllocatedBytes(thread);
            List<DutyLoop> loops = sequencer.loops();
            long making = 0;
            long hashing = 0;
            long submitting = 0;
            long[] looping = new long[loops.size()];
            for (int b = 0; b < batches; b++) {
                clock.advanceMs(1);
                long t0 = threads.getThreadAllocatedBytes(thread);
                txs.clear();
                for (int i = 0; i < PipelineBenchmark.TXS; i++) {
                    txs.add(material.tx(i, nonce++));
                }
                long t1 = threads.getThreadAllocatedBytes(thread);
                for (Tx tx : txs) {
                    tx.hash(); // the tx's own encoding and hash, which admission would otherwise compute
                }
                long t2 = threads.getThreadAllocatedBytes(thread);
                sequencer.submitAll(txs, results);
                long t3 = threads.getThreadAllocatedBytes(thread);
                if (results.acceptedCount() != PipelineBenchmark.TXS) {
                    throw new IllegalStateException("not all accepted: " + results);
                }
                for (int step = 0; step < 4; step++) {
                    for (int l = 0; l < loops.size(); l++) {
                        long before = threads.getThreadAllocatedBytes(thread);
                        loops.get(l).doWork(clock.nanoTime());
                        looping[l] += threads.getThreadAllocatedBytes(thread) - before;
                    }
                    l1.mineBlock();
                }
                making += t1 - t0;
                hashing += t2 - t1;
                submitting += t3 - t2;
            }
            if (storage.countBatches().confirmed() != batches) {
                throw new IllegalStateException("expected " + batches + " confirmed batches, got "
                        + storage.countBatches());
            }
            sequencer.close();
            if (engine >= ENGINES - REPORTED) {
                StringBuilder perLoop = new StringBuilder();
                for (int l = 0; l < loops.size(); l++) {
                    perLoop.append(String.format(", %s %.0f B", loops.get(l).name(), looping[l] / txsPerEngine));
                }
                System.out.printf("engine %d: building it %d B (%.1f B/tx); per tx: making the txs %.0f B, "
                        + "their encodings and hashes %.0f B, submitAll %.0f B%s%n", engine, built - start,
                        (built - start) / txsPerEngine, making / txsPerEngine, hashing / txsPerEngine,
                        submitting / txsPerEngine, perLoop);
            }
        }
    }
}
