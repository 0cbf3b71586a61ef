package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.tx;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.engine.SequencerMetrics.PostFailure;
import org.junit.jupiter.api.Test;

/**
 * {@link SequencerRunner}'s scheduling, step by step on a {@link ManualScheduler}: when each loop is stepped
 * next, what a wake-up and {@link SequencerRunner#close()} do, and that a loop that throws is contained. No real
 * time passes and no thread races (one test starts a thread and joins it, to wake a loop mid-step).
 */
class SequencerRunnerScheduleTest {
    private static final long MAX_IDLE_MS = 5_000;

    private final EngineFixture f = new EngineFixture();
    private final ManualScheduler scheduler = new ManualScheduler(f.clock);
    private final CountingTask task = new CountingTask();

    /** A leader task that counts its steps, doing {@code work} and running {@code during} in each. */
    private static final class CountingTask implements LeaderTask {
        int steps;
        int work;
        RuntimeException failure;
        Runnable during = () -> {};

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public int doWork(long nowNs) {
            steps++;
            during.run();
            if (failure != null) {
                throw failure;
            }
            return work;
        }
    }

    private Sequencer leader(SequencerMetrics metrics) {
        Sequencer.Builder builder = f.builder(EngineFixture.config().build()).leaderTask(task);
        if (metrics != null) {
            builder.metrics(metrics);
        }
        Sequencer sequencer = builder.build();
        sequencer.start();
        return sequencer;
    }

    /** Runs each pending task and returns the one that stepped the counting task's loop. */
    private ManualScheduler.Task leaderTasksStep() {
        for (ManualScheduler.Task candidate : scheduler.pending()) {
            int before = task.steps;
            List<ManualScheduler.Task> scheduled = scheduler.run(candidate);
            if (task.steps > before) {
                assertThat(scheduled).as("one next step").hasSize(1);
                return scheduled.get(0);
            }
        }
        throw new AssertionError("no pending step ran the leader tasks");
    }

    private static long delayMs(ManualScheduler.Task t) {
        return t.delayNs / 1_000_000L;
    }

    @Test
    void runner_onConstruction_schedulesEveryLoopOnceAtOnce() {
        Sequencer sequencer = leader(null);

        new SequencerRunner(sequencer, scheduler, f.clock, MAX_IDLE_MS);

        assertThat(scheduler.pendingDelaysMs()).containsExactly(0L, 0L, 0L, 0L, 0L, 0L);
        assertThat(task.steps).as("nothing stepped before the executor runs it").isZero();
    }

    @Test
    void runner_afterAnIdleStep_schedulesEachLoopAtItsDeadline_cappedByMaxIdle() {
        Sequencer follower = f.start(EngineFixture.config().role(Role.FOLLOWER).build());
        new SequencerRunner(follower, scheduler, f.clock, MAX_IDLE_MS);

        assertThat(scheduler.runDue()).isEqualTo(6);

        assertThat(scheduler.pendingDelaysMs()).as("leader tasks 100 ms, the others a second while not leading")
                .containsExactly(100L, 1_000L, 1_000L, 1_000L, 1_000L, 1_000L);

        ManualScheduler capped = new ManualScheduler(f.clock);
        new SequencerRunner(f.start(EngineFixture.config().role(Role.FOLLOWER).build()), capped, f.clock, 250);
        capped.runDue();
        assertThat(capped.pendingDelaysMs()).containsExactly(100L, 250L, 250L, 250L, 250L, 250L);
    }

    @Test
    void runner_withTheSmallestMaxIdle_stepsAnIdleLoopAMillisecondLater() {
        Sequencer follower = f.start(EngineFixture.config().role(Role.FOLLOWER).build());
        new SequencerRunner(follower, scheduler, f.clock, 1);

        assertThat(scheduler.runDue()).isEqualTo(6);

        assertThat(scheduler.pendingDelaysMs()).containsExactly(1L, 1L, 1L, 1L, 1L, 1L);
    }

    @Test
    void runner_afterAStepThatDidWork_stepsTheLoopAgainAtOnce() {
        Sequencer sequencer = leader(null);
        new SequencerRunner(sequencer, scheduler, f.clock, MAX_IDLE_MS);
        task.work = 1;

        ManualScheduler.Task next = leaderTasksStep();
        assertThat(delayMs(next)).isZero();

        task.work = 0;
        List<ManualScheduler.Task> after = scheduler.run(next);
        assertThat(after).singleElement().extracting(SequencerRunnerScheduleTest::delayMs).isEqualTo(100L);
    }

    @Test
    void runner_workSignalForOneLoop_stepsThatLoopAloneAtOnce() {
        Sequencer sequencer = leader(null);
        new SequencerRunner(sequencer, scheduler, f.clock, MAX_IDLE_MS);
        sequencer.submit(tx(1));
        scheduler.runUntilQuiet(20);
        assertThat(scheduler.runDue()).as("quiet: every next step is later").isZero();
        int scheduledBefore = scheduler.all().size();
        int stepsBefore = task.steps;

        sequencer.flush(); // wakes the batcher

        List<ManualScheduler.Task> woken = scheduler.all().subList(scheduledBefore, scheduler.all().size());
        assertThat(woken).singleElement().extracting(SequencerRunnerScheduleTest::delayMs).isEqualTo(0L);
        assertThat(scheduler.pending()).as("the later step it replaces is cancelled").hasSize(6);
        scheduler.run(woken.get(0));
        assertThat(f.cut(CutReason.FLUSH)).as("the batcher was the loop stepped").isEqualTo(1);
        assertThat(task.steps).isEqualTo(stepsBefore);
    }

    @Test
    void runner_wakeAll_stepsEveryLoopAtOnce_andASupersededStepDoesNothing() {
        Sequencer sequencer = leader(null);
        SequencerRunner runner = new SequencerRunner(sequencer, scheduler, f.clock, MAX_IDLE_MS);
        scheduler.runUntilQuiet(20);
        List<ManualScheduler.Task> later = scheduler.pending();
        assertThat(later).hasSize(6).allSatisfy(t -> assertThat(t.delayNs).isPositive());

        runner.wakeAll();

        assertThat(later).allSatisfy(t -> assertThat(t.isCancelled()).isTrue());
        assertThat(scheduler.pendingDelaysMs()).containsExactly(0L, 0L, 0L, 0L, 0L, 0L);
        int scheduled = scheduler.all().size();
        runner.wakeAll();
        assertThat(scheduler.all()).as("already due at once: nothing more scheduled").hasSize(scheduled);

        int steps = task.steps;
        for (ManualScheduler.Task stale : later) {
            assertThat(scheduler.run(stale)).as("a superseded step schedules nothing").isEmpty();
        }
        assertThat(task.steps).as("and steps nothing").isEqualTo(steps);
    }

    @Test
    void runner_close_cancelsEveryStepAndIgnoresLaterWakeUps() {
        Sequencer sequencer = leader(null);
        SequencerRunner runner = new SequencerRunner(sequencer, scheduler, f.clock, MAX_IDLE_MS);
        scheduler.runUntilQuiet(20);
        List<ManualScheduler.Task> later = scheduler.pending();
        int steps = task.steps;

        runner.close();

        assertThat(scheduler.pending()).isEmpty();
        assertThat(later).allSatisfy(t -> assertThat(t.isCancelled()).isTrue());
        int scheduled = scheduler.all().size();
        for (ManualScheduler.Task stale : later) {
            scheduler.run(stale); // a step the executor had already started
        }
        sequencer.flush();
        runner.wakeAll();
        assertThat(sequencer.submit(tx(1))).as("the engine itself runs on").isInstanceOf(SubmitResult.Accepted.class);
        assertThat(scheduler.all()).as("nothing scheduled after close").hasSize(scheduled);
        assertThat(task.steps).as("nothing stepped after close").isEqualTo(steps);
    }

    /**
     * The host closes the runner while a loop is being stepped (from that step, here, which orders it: from another
     * thread, {@code close()} waits for the step's lock the same way): no step follows, not even the one at once that
     * a step that did work asks for.
     */
    @Test
    void runner_closedDuringAStep_schedulesNothingAfterThatStep() {
        Sequencer sequencer = leader(null);
        SequencerRunner runner = new SequencerRunner(sequencer, scheduler, f.clock, MAX_IDLE_MS);
        scheduler.runUntilQuiet(20);
        int steps = task.steps;
        int scheduled = scheduler.all().size();
        task.work = 1;
        task.during = runner::close;

        f.advanceMs(100); // only the leader tasks are due
        assertThat(scheduler.runDue()).isEqualTo(1);

        assertThat(task.steps).isEqualTo(steps + 1);
        assertThat(scheduler.pending()).isEmpty();
        assertThat(scheduler.all()).as("nothing scheduled during or after close").hasSize(scheduled);
    }

    @Test
    void runner_loopThatThrows_isContainedAndSteppedAgainAfterMaxIdle() {
        CountingMetrics counting = new CountingMetrics();
        SequencerMetrics throwing = new SequencerMetrics() {
            @Override
            public void recordLoopError(String loop) {
                counting.recordLoopError(loop);
                throw new IllegalStateException("metrics broken");
            }

            @Override
            public void recordPostFailed(PostFailure kind, long latencyNs) {
                counting.recordPostFailed(kind, latencyNs);
            }
        };
        Sequencer sequencer = leader(throwing);
        new SequencerRunner(sequencer, scheduler, f.clock, MAX_IDLE_MS);
        task.failure = new IllegalArgumentException("task broken");

        ManualScheduler.Task next = leaderTasksStep(); // the error escapes the loop (metrics threw): contained

        assertThat(counting.snapshot().loopErrors()).containsEntry("counting", 1L);
        assertThat(delayMs(next)).as("stepped again after maxIdle, not at its 100 ms deadline").isEqualTo(MAX_IDLE_MS);
        task.failure = null;
        assertThat(scheduler.run(next)).singleElement().extracting(SequencerRunnerScheduleTest::delayMs)
                .isEqualTo(100L);
    }

    @Test
    void runner_wakeUpArrivingDuringAStep_stepsTheLoopAgainAtOnce() {
        Sequencer sequencer = leader(null);
        SequencerRunner runner = new SequencerRunner(sequencer, scheduler, f.clock, MAX_IDLE_MS);
        scheduler.runUntilQuiet(20);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        task.during = () -> {
            Thread other = new Thread(runner::wakeAll, "waker");
            other.setUncaughtExceptionHandler((t, e) -> failure.set(e));
            other.start();
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };

        f.advanceMs(100); // only the leader tasks are due
        assertThat(scheduler.runDue()).isEqualTo(1);

        assertThat(failure.get()).isNull();
        assertThat(scheduler.pendingDelaysMs()).as("the stepping loop too, not at its 100 ms deadline")
                .containsExactly(0L, 0L, 0L, 0L, 0L, 0L);
    }
}
