package org.ippan.l2.benchmarks;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.memory.InMemoryStorage;

/**
 * Measures what {@link InMemoryStorage#appendTxs} allocates per appended tx, beyond the tx's own arrays: it appends
 * groups of fresh txs (by default {@value #DEFAULT_GROUPS} groups of {@value #DEFAULT_GROUP} txs) into one store
 * through one reused {@link TxAppend}, reading the thread's allocated bytes around each call only (the txs' hashes
 * and encodings are made beforehand). Several rounds run, each on a new store, with at least
 * {@value #WARM_UP_CALLS} calls in all, so that the JIT has settled by the last rounds, which are printed.
 *
 * <p>Two figures per round: the mean over all groups, which includes the store's amortised growth (its arrays and
 * index double as it fills), and the median group, which with enough groups is a call that grew nothing: what a tx
 * costs between growths. Not a JMH benchmark: run it with
 * {@code java -cp l2-benchmarks/target/benchmarks.jar org.ippan.l2.benchmarks.StorageAppendAllocation [groups
 * [txs per group]]}; {@code 8 1000} is what {@link PipelineBenchmark#corePipeline}'s store takes before it is
 * replaced.
 */
public final class StorageAppendAllocation {
    private static final int DEFAULT_GROUP = 1000;
    private static final int DEFAULT_GROUPS = 200;
    private static final int MIN_ROUNDS = 15;
    private static final int WARM_UP_CALLS = 3_000;
    private static final int REPORTED = 3;
    private static final int TX_BYTES = 120;

    private StorageAppendAllocation() {}

    /**
     * Runs the rounds and prints the last {@value #REPORTED}.
     *
     * @param args optionally the number of groups, then the number of txs per group
     */
    public static void main(String[] args) {
        int groups = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_GROUPS;
        int group = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_GROUP;
        if (groups < 1 || group < 1) {
            throw new IllegalArgumentException("groups and txs per group must be at least 1");
        }
        int txs = Math.multiplyExact(groups, group);
        int rounds = Math.max(MIN_ROUNDS, WARM_UP_CALLS / groups);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        SplittableRandom random = new SplittableRandom(42);
        TxAppend append = new TxAppend(group);
        long[] perGroup = new long[groups];
        for (int round = 0; round < rounds; round++) {
            byte[][] hashes = new byte[txs][];
            byte[][] canonicalTxs = new byte[txs][];
            for (int i = 0; i < hashes.length; i++) {
                hashes[i] = new byte[32];
                random.nextBytes(hashes[i]);
                canonicalTxs[i] = new byte[TX_BYTES];
            }
            InMemoryStorage storage = new InMemoryStorage();
            storage.claimTerm(1, "bench", 0);
            long total = 0;
            for (int g = 0; g < groups; g++) {
                append.clear();
                for (int i = g * group; i < (g + 1) * group; i++) {
                    append.add(hashes[i], canonicalTxs[i], i);
                }
                long before = threads.getThreadAllocatedBytes(thread);
                Object outcome = storage.appendTxs(1, append);
                long allocated = threads.getThreadAllocatedBytes(thread) - before;
                if (!(outcome instanceof Appended) || append.isDuplicate(group - 1)) {
                    throw new IllegalStateException("unexpected append: " + outcome + ", " + append);
                }
                perGroup[g] = allocated;
                total += allocated;
            }
            if (storage.readSequenceState().nextSeq() != txs + 1L) {
                throw new IllegalStateException("unexpected state: " + storage.readSequenceState());
            }
            if (round >= rounds - REPORTED) {
                long[] sorted = perGroup.clone();
                Arrays.sort(sorted);
                System.out.printf("round %d: %d txs in groups of %d: mean %.1f B/tx (with the store's growth), "
                        + "median group %.1f B/tx, max group %.1f B/tx%n", round, txs, group,
                        (double) total / txs, (double) sorted[groups / 2] / group,
                        (double) sorted[groups - 1] / group);
            }
        }
    }
}
