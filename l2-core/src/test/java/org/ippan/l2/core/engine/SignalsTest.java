package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The signal object: which event sets which loop's flag, and which loop the host is told to step. */
class SignalsTest {
    private final List<Map.Entry<String, Throwable>> errors = new CopyOnWriteArrayList<>();
    private final Signals signals = new Signals((loop, error) -> errors.add(Map.entry(loop, error)));
    private final DutyLoop batcher = new NamedLoop("batcher");
    private final DutyLoop poster = new NamedLoop("poster");
    private final DutyLoop reconciler = new NamedLoop("reconciler");
    private final DutyLoop heartbeat = new NamedLoop("heartbeat");
    private final List<String> woken = new ArrayList<>();

    @BeforeEach
    void bind() {
        signals.bind(batcher, poster, reconciler, heartbeat);
        signals.onWorkAvailable(loop -> woken.add(loop.name()));
        signals.takePostingRefresh(); // the first refresh is due from the start; tests look at what events add
    }

    @Test
    void txsAdmitted_wakesTheBatcherOnly() {
        signals.txsAdmitted();
        assertThat(woken).containsExactly("batcher");
        assertThat(signals.takePostingRefresh()).isFalse();
        assertThat(signals.takeReconcileRound()).isFalse();
    }

    @Test
    void batchesCommitted_asksThePosterToReloadOnceAndWakesIt() {
        signals.batchesCommitted();
        assertThat(woken).containsExactly("poster");
        assertThat(signals.takePostingRefresh()).isTrue();
        assertThat(signals.takePostingRefresh()).as("taken once").isFalse();
    }

    @Test
    void batchesRequeued_isACommitForThePoster() {
        signals.batchesRequeued();
        assertThat(woken).containsExactly("poster");
        assertThat(signals.takePostingRefresh()).isTrue();
    }

    @Test
    void postingRefreshIsDueBeforeTheFirstStep() {
        Signals fresh = new Signals((loop, error) -> {});
        assertThat(fresh.takePostingRefresh()).isTrue();
        assertThat(fresh.takePostingRefresh()).isFalse();
    }

    @Test
    void requestPostingRefresh_setsTheFlagWithoutWakingAnyone() {
        signals.requestPostingRefresh();
        assertThat(woken).isEmpty();
        assertThat(signals.takePostingRefresh()).isTrue();
    }

    @Test
    void batchPosted_requestsAReconcileRoundOnce() {
        assertThat(signals.reconcileRoundRequested()).isFalse();
        signals.batchPosted();
        assertThat(signals.reconcileRoundRequested()).isTrue();
        assertThat(signals.takeReconcileRound()).isTrue();
        assertThat(signals.reconcileRoundRequested()).isFalse();
        assertThat(signals.takeReconcileRound()).isFalse();
        signals.requestReconcileRound();
        assertThat(signals.takeReconcileRound()).isTrue();
        assertThat(woken).isEmpty();
    }

    @Test
    void postedThrough_wakesBatcherAndReconcilerOnlyWhenItMovesForwardAfterTheFirstReading() {
        assertThat(signals.postedThrough()).isEqualTo(-1);
        signals.postedThrough(3);
        assertThat(signals.postedThrough()).isEqualTo(3);
        assertThat(woken).as("the first reading is no progress").isEmpty();
        signals.postedThrough(3);
        assertThat(woken).as("unchanged").isEmpty();
        signals.postedThrough(5);
        assertThat(woken).containsExactly("batcher", "reconciler");
        woken.clear();
        signals.postedThrough(4);
        assertThat(signals.postedThrough()).isEqualTo(4);
        assertThat(woken).as("backwards").isEmpty();
    }

    @Test
    void postedThrough_fromZeroCountsAsProgress() {
        signals.postedThrough(0);
        signals.postedThrough(1);
        assertThat(woken).containsExactly("batcher", "reconciler");
    }

    @Test
    void leadershipGained_wakesEveryLoopInOrder() {
        signals.leadershipGained();
        assertThat(woken).containsExactly("batcher", "poster", "reconciler", "heartbeat");
    }

    @Test
    void hostRequests_wakeTheLoopThatActsOnThem() {
        signals.cutRequested();
        signals.postingResumed();
        signals.limitsChanged();
        assertThat(woken).containsExactly("batcher", "poster", "batcher");
        assertThat(signals.takePostingRefresh()).isFalse();
    }

    @Test
    void answerArrived_wakesTheLoopThatAsked() {
        signals.answerArrived(reconciler);
        assertThat(woken).containsExactly("reconciler");
    }

    @Test
    void aThrowingListenerGoesToTheErrorHandlerAndTheFlagsStillHold() {
        RuntimeException boom = new IllegalStateException("listener broke");
        signals.onWorkAvailable(loop -> {
            throw boom;
        });
        signals.batchesCommitted();
        assertThat(errors).containsExactly(Map.entry("work-listener", boom));
        assertThat(signals.takePostingRefresh()).isTrue();
    }

    @Test
    void unboundSignalsWakeNobody() {
        Signals unbound = new Signals((loop, error) -> {});
        List<DutyLoop> seen = new ArrayList<>();
        unbound.onWorkAvailable(seen::add);
        unbound.txsAdmitted();
        unbound.leadershipGained();
        assertThat(seen).isEmpty();
    }

    private record NamedLoop(String name) implements DutyLoop {
        @Override
        public int doWork(long nowNs) {
            return 0;
        }

        @Override
        public long nextDeadlineNs(long nowNs) {
            return nowNs;
        }
    }
}
