package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.txs;
import static org.ippan.l2.core.engine.WriteOutcomeTest.loop;

import java.util.List;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.ippan.l2.storage.StorageException;
import org.junit.jupiter.api.Test;

/**
 * Each loop's {@link DutyLoop#nextDeadlineNs}, read through {@link Sequencer#loops()}: a host that runs the loops
 * itself sleeps until that time, so a deadline too late stalls the node and one too early spins a core.
 */
class LoopDeadlineTest {
    private static final long MS = 1_000_000L;
    private static final List<String> ENGINE_LOOPS = List.of("batcher", "poster", "reconciler", "heartbeat");

    private final EngineFixture f = new EngineFixture();

    private long deadlineInMs(Sequencer sequencer, String name) {
        long now = f.now();
        return (loop(sequencer, name).nextDeadlineNs(now) - now) / MS;
    }

    @Test
    void loops_areTheSixEngineLoopsByName() {
        Sequencer sequencer = f.leader();

        assertThat(sequencer.loops()).extracting(DutyLoop::name)
                .containsExactly("batcher", "poster", "reconciler", "retention", "heartbeat", "leader-tasks");
    }

    @Test
    void notLeading_everyEngineLoopWaitsASecond() {
        Sequencer follower = f.start(EngineFixture.config().role(Role.FOLLOWER).build());
        Sequencer notStarted = f.builder(EngineFixture.config().build()).build();

        for (Sequencer sequencer : List.of(follower, notStarted)) {
            for (String name : ENGINE_LOOPS) {
                assertThat(deadlineInMs(sequencer, name)).as(name).isEqualTo(1_000);
            }
            assertThat(deadlineInMs(sequencer, "leader-tasks")).isEqualTo(100);
        }
    }

    @Test
    void fencedOrClosed_everyEngineLoopWaitsASecond() {
        Sequencer sequencer = f.leader();
        sequencer.close();

        for (String name : ENGINE_LOOPS) {
            assertThat(deadlineInMs(sequencer, name)).as(name).isEqualTo(1_000);
        }
    }

    @Test
    void leaderNotYetStepped_everyEngineLoopIsDueNow() {
        Sequencer sequencer = f.leader();

        for (String name : ENGINE_LOOPS) {
            assertThat(deadlineInMs(sequencer, name)).as(name).isZero();
        }
    }

    @Test
    void idleLeader_afterAStep_waitsForHeartbeatRefreshAndReconcileIntervals() {
        Sequencer sequencer = f.start(EngineFixture.config().heartbeatIntervalMs(700).reconcileIntervalMs(900)
                .build());
        sequencer.doWork(f.now());
        f.advanceMs(10);

        assertThat(deadlineInMs(sequencer, "batcher")).as("nothing pending: idle second").isEqualTo(990);
        assertThat(deadlineInMs(sequencer, "poster")).as("next refresh").isEqualTo(990);
        assertThat(deadlineInMs(sequencer, "heartbeat")).isEqualTo(690);
        // the reconciler's first round is out (answered at once by the simulated L1): due now to apply it
        assertThat(deadlineInMs(sequencer, "reconciler")).isZero();
        sequencer.doWork(f.now());
        assertThat(deadlineInMs(sequencer, "reconciler")).as("the interval counts from the round's start")
                .isEqualTo(890);
        assertThat(deadlineInMs(sequencer, "leader-tasks")).isEqualTo(100);
    }

    @Test
    void batcher_withPendingTxs_isDueWhenTheOldestReachesMaxWait() {
        Sequencer sequencer = f.start(EngineFixture.config().batchLimits(new BatchLimits(10, 1 << 20, 300)).build());
        sequencer.submitAll(txs(1, 3));
        f.advanceMs(40);
        loop(sequencer, "batcher").doWork(f.now());
        f.advanceMs(10);

        assertThat(deadlineInMs(sequencer, "batcher")).isEqualTo(250);
        f.advanceMs(250);
        assertThat(loop(sequencer, "batcher").doWork(f.now())).as("cut at its deadline").isEqualTo(1);
    }

    @Test
    void batcher_heldBackByUnpostedBatches_waitsASecond() {
        Sequencer sequencer = f.start(EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100))
                .maxUnpostedBatches(1).build());
        sequencer.doWork(f.now()); // the poster reads storage: nothing posted yet
        f.advanceMs(10);
        f.l1.failNextCalls(Call.SUBMIT, 10, Failure.TRANSIENT);
        sequencer.submitAll(txs(1, 4));
        assertThat(loop(sequencer, "batcher").doWork(f.now())).as("batch 1 cut, then held back").isEqualTo(1);

        assertThat(deadlineInMs(sequencer, "batcher")).isEqualTo(1_000);
        assertThat(f.batchCount()).isEqualTo(1);
    }

    @Test
    void batcher_afterAStorageFailure_retriesIn100Ms() {
        ScriptedStorage failing = new ScriptedStorage(f.memory);
        Sequencer sequencer = f.builder(EngineFixture.config().build(), failing, f.l1).build();
        sequencer.start();
        sequencer.submitAll(txs(1, 3));
        f.advanceMs(200);
        failing.nextCommitThrows(new StorageException("disk gone"));

        assertThat(loop(sequencer, "batcher").doWork(f.now())).isZero();

        assertThat(deadlineInMs(sequencer, "batcher")).isEqualTo(100);
        assertThat(loop(sequencer, "batcher").doWork(f.now())).as("not before the retry time").isZero();
    }

    @Test
    void poster_backingOffAfterATransientFailure_isDueWhenTheBackoffEnds() {
        Sequencer sequencer = f.start(EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100))
                .build());
        f.l1.failNextCalls(Call.SUBMIT, 1, Failure.TRANSIENT);
        sequencer.submitAll(txs(1, 2));
        sequencer.doWork(f.now()); // cut and posted: L1 fails it
        sequencer.doWork(f.now()); // the failure is collected: first backoff, exactly 100 ms
        f.advanceMs(30);

        assertThat(deadlineInMs(sequencer, "poster")).isEqualTo(70);
    }

    @Test
    void poster_atItsInFlightLimit_waitsForTheNextRefreshNotForTheQueuedBatches() {
        CrashingL1 hold = new CrashingL1(f.l1, "leader", new CrashingStorage.Audit(f.memory));
        hold.holdSubmits();
        Sequencer held = f.builder(EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100))
                .maxPostsInFlight(1).build(), f.storage, hold).build();
        held.start();
        held.submitAll(txs(1, 4));
        held.doWork(f.now()); // 3 batches cut, batch 1 in flight (unanswered), 2 and 3 wait for a slot
        f.advanceMs(10);

        assertThat(hold.submits()).isEqualTo(1);
        assertThat(deadlineInMs(held, "poster")).as("an answer wakes the loop; nothing else is due")
                .isEqualTo(990);
    }

    @Test
    void poster_haltedByARefusal_waitsForTheNextRefresh() {
        Sequencer sequencer = f.start(EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100))
                .maxPostsInFlight(1).build());
        f.l1.rejectNextSubmits(1, "bad_batch", "no");
        sequencer.submitAll(txs(1, 3));
        sequencer.doWork(f.now());
        sequencer.doWork(f.now()); // batch 1 refused: posting halted, batch 2 waits
        f.advanceMs(10);

        assertThat(deadlineInMs(sequencer, "poster")).as("batch 2 is not due while halted").isEqualTo(990);
    }
}
