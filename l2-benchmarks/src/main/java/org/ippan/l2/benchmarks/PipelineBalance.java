package org.ippan.l2.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * How {@link PipelineBenchmark#corePipeline}'s work splits over its two threads: the CPU time (the threads' own CPU
 * clocks, so other processes on the machine do not count) each spends admitting, sealing and running the loops, per
 * batch, next to the one-thread pipeline's CPU time per batch. The two-thread pipeline cannot beat
 * {@code one-thread CPU / the busier thread's CPU}; on a quiet machine it should come close. Not a JMH benchmark:
 * run it with {@code java -cp l2-benchmarks/target/benchmarks.jar org.ippan.l2.benchmarks.PipelineBalance}.
 */
public final class PipelineBalance {
    private static final int WARMUP_BATCHES = 800;
    private static final int MEASURED_BATCHES = 800;

    private PipelineBalance() {}

    /**
     * Runs both pipelines and prints the split.
     *
     * @param args none (receipts off), or the receipts' inclusion deadline in ms (60000: receipts on)
     */
    public static void main(String[] args) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int threads = 1; threads <= 2; threads++) {
            PipelineBenchmark.Pipeline p = new PipelineBenchmark.Pipeline();
            p.inclusionDeadlineMs = args.length > 0 ? Long.parseLong(args[0]) : 0;
            p.threads = threads;
            p.setUp();
            run(p, WARMUP_BATCHES);
            p.busy.reset();
            p.busy.on = true;
            long wall0 = System.nanoTime();
            long cpu0 = cpu.getCurrentThreadCpuTime();
            run(p, MEASURED_BATCHES);
            double wallMs = (System.nanoTime() - wall0) / 1e6 / MEASURED_BATCHES;
            double benchCpuMs = (cpu.getCurrentThreadCpuTime() - cpu0) / 1e6 / MEASURED_BATCHES;
            p.busy.on = false;
            p.closeAll();
            if (threads == 1) {
                System.out.printf("1 thread : %.3f ms wall per batch, %.3f ms CPU%n", wallMs, benchCpuMs);
            } else {
                PipelineBenchmark.Busy b = p.busy;
                double submit = b.submitNs / 1e6 / MEASURED_BATCHES;
                double seal = b.sealNs / 1e6 / MEASURED_BATCHES;
                double loops = b.loopNs / 1e6 / MEASURED_BATCHES;
                System.out.printf("2 threads: %.3f ms wall per batch; submitter thread busy %.3f ms (admission %.3f,"
                        + " sealing %.3f: %d seal tasks of over 0.3 ms), idle %.3f ms; loop thread busy %.3f ms (cut,"
                        + " commit, post, confirm and its sealing), idle %.3f ms; submitter thread CPU incl. spinning"
                        + " %.3f ms%n", wallMs, submit + seal, submit, seal, b.seals, b.submitIdleNs / 1e6
                        / MEASURED_BATCHES, loops, b.loopIdleNs / 1e6 / MEASURED_BATCHES, benchCpuMs);
            }
        }
    }

    private static void run(PipelineBenchmark.Pipeline p, int batches) {
        for (int i = 0; i < batches; i++) {
            p.nextBatch();
            p.runOneBatch();
        }
    }
}
