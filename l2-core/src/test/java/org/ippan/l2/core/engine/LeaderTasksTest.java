package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The leader-tasks loop alone: every task is started, stepped and stopped, whatever another task throws. */
class LeaderTasksTest {
    private final Health health = new Health(3);
    private final CountingMetrics metrics = new CountingMetrics();
    private final List<Map.Entry<String, Throwable>> handled = new CopyOnWriteArrayList<>();
    private final LoopErrors errors = new LoopErrors(health, metrics, (loop, e) -> handled.add(Map.entry(loop, e)));
    private final List<String> calls = new ArrayList<>();
    private boolean leading = true;
    private final LeaderGate gate = new LeaderGate() {
        @Override
        public boolean isLeader() {
            return leading;
        }

        @Override
        public long term() {
            return 1;
        }

        @Override
        public void fenced(long storedTerm, String where) {
            leading = false;
        }

        @Override
        public String notLeaderMessage() {
            return "not leading";
        }
    };

    /** Records its calls in the shared list; throws from the calls named in {@code failing}. */
    private LeaderTask task(String name, int work, String... failing) {
        List<String> fails = List.of(failing);
        return new LeaderTask() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void onLeaderStart(long term) {
                calls.add(name + " start " + term);
                if (fails.contains("start")) {
                    throw new IllegalStateException(name + " start failed");
                }
            }

            @Override
            public int doWork(long nowNs) {
                calls.add(name + " work");
                if (fails.contains("work")) {
                    throw new IllegalStateException(name + " work failed");
                }
                return work;
            }

            @Override
            public void onLeaderStop(String reason) {
                calls.add(name + " stop " + reason);
                if (fails.contains("stop")) {
                    throw new IllegalStateException(name + " stop failed");
                }
            }
        };
    }

    @Test
    void doWork_returnsTheSumOfEveryTasksWork() {
        LeaderTasks loop = new LeaderTasks(gate, errors, List.of(task("a", 2), task("b", 3)));
        loop.start(1);
        assertThat(loop.doWork(0)).isEqualTo(5);
        assertThat(calls).containsExactly("a start 1", "b start 1", "a work", "b work");
    }

    @Test
    void doWork_aTaskThatThrows_isReportedAndTheNextTaskStillWorks() {
        LeaderTasks loop = new LeaderTasks(gate, errors, List.of(task("a", 2, "work"), task("b", 3)));
        loop.start(1);
        assertThat(loop.doWork(0)).isEqualTo(3);
        assertThat(handled).singleElement().satisfies(e -> assertThat(e.getKey()).isEqualTo("a"));
        assertThat(health.reasons(SequencerState.LEADER, "")).containsExactly("loop a failing: a work failed");
    }

    @Test
    void stop_aTaskWhoseStopThrows_isReportedAndTheNextTaskStillStops() {
        LeaderTasks loop = new LeaderTasks(gate, errors, List.of(task("a", 1, "stop"), task("b", 1)));
        loop.start(1);
        loop.stop("closed");
        assertThat(calls).containsExactly("a start 1", "b start 1", "a stop closed", "b stop closed");
        assertThat(handled).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo("a");
            assertThat(e.getValue()).hasMessage("a stop failed");
        });
        assertThat(metrics.snapshot().loopErrors()).containsEntry("a", 1L);
    }

    @Test
    void doWork_beforeStartOrAfterStop_runsNoTask() {
        LeaderTasks loop = new LeaderTasks(gate, errors, List.of(task("a", 1)));
        assertThat(loop.doWork(0)).isZero();
        loop.start(1);
        loop.stop("fenced");
        assertThat(loop.doWork(0)).isZero();
        assertThat(calls).containsExactly("a start 1", "a stop fenced");
    }

    @Test
    void doWork_whileNotLeading_runsNoTask() {
        LeaderTasks loop = new LeaderTasks(gate, errors, List.of(task("a", 1)));
        loop.start(1);
        leading = false;
        assertThat(loop.doWork(0)).isZero();
        assertThat(calls).containsExactly("a start 1");
    }

    @Test
    void startAndStop_eachCalledTwice_startAndStopEveryTaskOnce() {
        LeaderTasks loop = new LeaderTasks(gate, errors, List.of(task("a", 1)));
        loop.start(1);
        loop.start(1);
        loop.stop("fenced by term 2");
        loop.stop("closed");
        assertThat(calls).containsExactly("a start 1", "a stop fenced by term 2");
    }

    /**
     * The engine starts the tasks after the transition to leader, outside the leadership's lock: a fencing (another
     * thread's admission write meeting a higher term) or a close may come between, and stop the tasks before they
     * were started. They must then not start: nothing would ever stop them.
     */
    @Test
    void start_afterTheLeadershipAlreadyEndedAndStoppedTheTasks_startsNoTask() {
        LeaderTasks loop = new LeaderTasks(gate, errors, List.of(task("a", 1)));
        leading = false; // fenced between the transition to leader and the start of the tasks
        loop.stop("fenced by term 2");

        loop.start(1);

        assertThat(calls).as("neither started nor stopped").isEmpty();
        leading = true;
        assertThat(loop.doWork(0)).isZero();
        assertThat(calls).isEmpty();
    }

    @Test
    void nextDeadline_isATenthOfASecondAhead() {
        LeaderTasks loop = new LeaderTasks(gate, errors, List.of());
        assertThat(loop.nextDeadlineNs(5_000)).isEqualTo(5_000 + 100_000_000L);
        assertThat(loop.name()).isEqualTo("leader-tasks");
    }
}
