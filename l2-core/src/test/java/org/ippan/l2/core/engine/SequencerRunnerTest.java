package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.Test;

/**
 * The convenience runner on a real executor and the system clocks: the one test where real time passes, kept
 * short by small intervals and bounded by a deadline.
 */
class SequencerRunnerTest {
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void runner_onARealExecutor_takesSubmittedTxsAllTheWayToConfirmed() throws Exception {
        runsToConfirmed(5);
    }

    /**
     * With an idle step only every minute, the txs still get through in time: every hand-off (admission to
     * batcher, batcher to poster, L1 answers to the loop that asked) wakes the loop that has the work, and the
     * loops' own deadlines (batch age, reconcile interval) do the rest. A missing wake-up stalls this test.
     */
    @Test
    void runner_withAMinuteOfMaxIdle_isDrivenByWakeUpsAndDeadlines() throws Exception {
        runsToConfirmed(60_000);
    }

    private static void runsToConfirmed(long maxIdleMs) throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        SimulatedL1 l1 = SimulatedL1.builder().finalityDepth(0).build();
        CountingMetrics metrics = new CountingMetrics();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        SequencerConfig config = SequencerConfig.builder().batchLimits(new BatchLimits(10, 1 << 20, 10))
                .finalityConfirmations(0).reconcileIntervalMs(10).heartbeatIntervalMs(50).build();
        Sequencer sequencer = Sequencer.builder().config(config).storage(storage).l1Poster(l1)
                .wallClock(EpochClock.SYSTEM).nanoClock(NanoClock.SYSTEM).metrics(metrics)
                .errorHandler((loop, error) -> errors.add(error)).build();
        sequencer.start();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2);
        SequencerRunner runner = new SequencerRunner(sequencer, executor, NanoClock.SYSTEM, maxIdleMs);
        try {
            List<SubmitResult> results = new ArrayList<>();
            for (int n = 1; n <= 100; n++) {
                results.add(sequencer.submit(EngineFixture.tx(n)));
            }
            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(SubmitResult.Accepted.class));

            long startNs = System.nanoTime();
            SequencerStatus status = sequencer.status();
            while (!allConfirmed(status) && System.nanoTime() - startNs < DEADLINE_NS) {
                l1.mineBlock();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                status = sequencer.status();
            }

            assertThat(allConfirmed(status)).as("all confirmed within 10 s: %s", status).isTrue();
            // how the 100 txs split into batches depends on real time (AGE cuts); that they all are does not
            long batchCount = status.batches().lastBatchNumber();
            List<StoredBatch> batches = storage.listBatches(1, 1_000);
            assertThat(batches).hasSize((int) batchCount).allSatisfy(b -> {
                assertThat(b.status()).isEqualTo(L1Status.CONFIRMED);
                assertThat(b.batch().txCount()).isBetween(1, 10);
                assertThat(l1.applyCount(b.batch().idempotencyKey())).isEqualTo(1);
            });
            assertThat(batches.stream().mapToInt(b -> b.batch().txCount()).sum()).isEqualTo(100);
            List<Long> numbers = new ArrayList<>();
            for (long n = 1; n <= batchCount; n++) {
                numbers.add(n);
            }
            assertThat(l1.includedSubmissions()).extracting(SimulatedL1.IncludedSubmission::sequence)
                    .containsExactlyElementsOf(numbers);
            assertThat(metrics.snapshot().confirmed()).isEqualTo(batchCount);
            assertThat(metrics.snapshot().txsCut()).isEqualTo(100);
            assertThat(errors).isEmpty();
            assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
        } finally {
            runner.close();
            sequencer.close();
            executor.shutdown();
            assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static boolean allConfirmed(SequencerStatus status) {
        return status.pool().pending() == 0 && status.batches().lastBatchNumber() > 0
                && status.batches().confirmed() == status.batches().lastBatchNumber();
    }

    @Test
    void runner_rejectsAMaxIdleBelowOneMs() {
        Sequencer sequencer = new EngineFixture().builder(EngineFixture.config().build()).build();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        try {
            assertThatThrownBy(() -> new SequencerRunner(sequencer, executor, NanoClock.SYSTEM, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxIdleMs");
        } finally {
            executor.shutdownNow();
        }
    }
}
