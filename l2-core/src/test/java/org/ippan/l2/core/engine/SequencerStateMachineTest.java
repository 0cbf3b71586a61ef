package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.refusalCode;
import static org.ippan.l2.core.engine.EngineFixture.tx;

import java.util.ArrayList;
import java.util.List;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.TermGranted;
import org.junit.jupiter.api.Test;

/** Every state and transition of the leader state machine, and the leader tasks that follow the leadership. */
class SequencerStateMachineTest {
    private final EngineFixture f = new EngineFixture();

    // ---- NEW ------------------------------------------------------------------------------------------------------

    @Test
    void new_refusesWritesAndIsNotReady() {
        Sequencer sequencer = f.builder(EngineFixture.config().build()).build();

        assertThat(sequencer.state()).isEqualTo(SequencerState.NEW);
        assertThat(sequencer.state() == SequencerState.LEADER).isFalse();
        SubmitResult result = sequencer.submit(tx(1));
        assertThat(refusalCode(result)).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(((SubmitResult.Refused) result).refusal().message()).contains("not started");
        assertThat(sequencer.submitAll(List.of(tx(2), tx(3)))).allSatisfy(
                r -> assertThat(refusalCode(r)).isEqualTo(RefusalCode.NOT_LEADER));
        assertThat(sequencer.readiness().ready()).isFalse();
        assertThat(sequencer.readiness().reasons()).containsExactly("not started");
        assertThat(sequencer.doWork(f.now())).isZero();
        assertThat(f.storage.writes()).as("a node that is not started writes nothing").isZero();
        assertThat(sequencer.status().leader().isLeader()).isFalse();
    }

    // ---- NEW -> LEADER ------------------------------------------------------------------------------------------

    @Test
    void start_asLeader_claimsTermInStorage() {
        Sequencer sequencer = f.start(EngineFixture.config().term(4).leaderId("node-a").build());

        assertThat(sequencer.state()).isEqualTo(SequencerState.LEADER);
        assertThat(sequencer.state() == SequencerState.LEADER).isTrue();
        LeaderRecord stored = f.memory.readLeader();
        assertThat(stored.term()).isEqualTo(4);
        assertThat(stored.leaderId()).isEqualTo("node-a");
        assertThat(stored.lastHeartbeatMs()).isEqualTo(f.nowMs());
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
        assertThat(sequencer.stateReason()).contains("claimed term 4");
    }

    @Test
    void start_sameTermSameLeaderId_restartsFine() {
        Sequencer first = f.start(EngineFixture.config().term(2).build());
        accepted(first.submit(tx(1)));
        first.close();

        Sequencer second = f.start(EngineFixture.config().term(2).build());

        assertThat(second.state()).isEqualTo(SequencerState.LEADER);
        assertThat(f.memory.readLeader().term()).isEqualTo(2);
        assertThat(accepted(second.submit(tx(2))).seq()).as("recovered the next seq from storage").isEqualTo(2);
        assertThat(accepted(second.submit(tx(1))).duplicate()).isTrue();
    }

    @Test
    void start_lowerStoredTerm_isRaisedToThisNodesTerm() {
        assertThat(f.memory.claimTerm(3, "old-leader", f.nowMs())).isInstanceOf(TermGranted.class);

        Sequencer sequencer = f.start(EngineFixture.config().term(7).leaderId("new-leader").build());

        assertThat(sequencer.state()).isEqualTo(SequencerState.LEADER);
        assertThat(f.memory.readLeader().term()).isEqualTo(7);
        assertThat(f.memory.readLeader().leaderId()).isEqualTo("new-leader");
        assertThat(sequencer.stateReason()).contains("term 3").contains("old-leader");
    }

    // ---- NEW -> FOLLOWER ----------------------------------------------------------------------------------------

    @Test
    void start_asFollower_becomesFollowerWithoutWriting() {
        Sequencer follower = f.start(EngineFixture.config().role(Role.FOLLOWER).build());

        assertThat(follower.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(follower.state() == SequencerState.LEADER).isFalse();
        assertThat(f.storage.writes()).isZero();
        assertThat(f.memory.readLeader()).isEqualTo(LeaderRecord.initial());
        assertThat(follower.readiness().ready()).isTrue();
        assertThat(f.transitions).containsExactly("NEW->FOLLOWER");
    }

    // ---- LEADER -> FENCED, by each kind of write ----------------------------------------------------------------

    @Test
    void fence_byAdmission_refusesTheTxAndStopsTheNode() {
        Sequencer sequencer = f.leader();
        accepted(sequencer.submit(tx(1)));
        usurp();

        SubmitResult result = sequencer.submit(tx(2));

        assertThat(refusalCode(result)).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(((SubmitResult.Refused) result).refusal().message()).contains("fenced");
        assertThat(f.memory.readSequenceState().nextSeq()).as("nothing stored for the stale term").isEqualTo(2);
        assertFenced(sequencer, "admission");
    }

    @Test
    void fence_byBatchCommit_commitsNothing() {
        Sequencer sequencer = f.leader();
        accepted(sequencer.submit(tx(1)));
        sequencer.flush();
        usurp();

        Loops.named(sequencer, Batcher.NAME).doWork(f.now());

        assertThat(f.memory.findBatchByNumber(1)).isEmpty();
        assertThat(f.memory.readSequenceState().nextUnbatchedSeq()).isEqualTo(1);
        assertFenced(sequencer, "batch commit");
    }

    @Test
    void fence_byPosterStateSave_leavesTheBatchCommitted() {
        Sequencer sequencer = f.leader();
        accepted(sequencer.submit(tx(1)));
        sequencer.flush();
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now()); // sends the batch
        usurp();

        Loops.named(sequencer, Poster.NAME).doWork(f.now()); // collects L1's answer and tries to save POSTED

        assertThat(f.status(1)).isEqualTo(L1Status.COMMITTED);
        assertFenced(sequencer, "poster");
    }

    @Test
    void fence_byReconciler_leavesTheBatchPosted() {
        Sequencer sequencer = f.leader();
        accepted(sequencer.submit(tx(1)));
        sequencer.flush();
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        f.l1.mineBlock();
        usurp();

        ((Reconciler) Loops.named(sequencer, Reconciler.NAME)).requestRound();
        Loops.named(sequencer, Reconciler.NAME).doWork(f.now()); // asks L1
        Loops.named(sequencer, Reconciler.NAME).doWork(f.now()); // applies: INCLUDED would be written

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertFenced(sequencer, "reconciler");
    }

    @Test
    void fence_byHeartbeat_stopsTheNode() {
        Sequencer sequencer = f.leader();
        usurp();
        long heartbeatBefore = f.memory.readLeader().lastHeartbeatMs();
        f.advanceMs(5);

        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());

        assertThat(f.memory.readLeader().lastHeartbeatMs()).isEqualTo(heartbeatBefore);
        assertFenced(sequencer, "heartbeat");
    }

    /** Another node claims a higher term, directly in storage. */
    private void usurp() {
        assertThat(f.memory.claimTerm(1, "usurper", f.nowMs())).isInstanceOf(TermGranted.class);
    }

    private void assertFenced(Sequencer sequencer, String where) {
        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);
        assertThat(sequencer.stateReason()).contains("term 1").contains(where);
        assertThat(sequencer.state() == SequencerState.LEADER).isFalse();
        assertThat(sequencer.status().leader().isLeader()).isFalse();
        Readiness readiness = sequencer.readiness();
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.reasons()).anySatisfy(r -> assertThat(r).startsWith("fenced: ").contains(where));
        assertThat(f.transitions).endsWith("LEADER->FENCED");
        assertThat(refusalCode(sequencer.submit(tx(99)))).isEqualTo(RefusalCode.NOT_LEADER);

        int writes = f.storage.writes();
        long submits = f.l1.callCount(Call.SUBMIT);
        long statusCalls = f.l1.callCount(Call.CHAIN_STATUS);
        sequencer.flush();
        for (int i = 0; i < 5; i++) {
            f.advanceMs(2_000);
            assertThat(sequencer.doWork(f.now())).isZero();
        }
        assertThat(f.storage.writes()).as("a fenced node writes nothing").isEqualTo(writes);
        assertThat(f.l1.callCount(Call.SUBMIT)).as("a fenced node posts nothing").isEqualTo(submits);
        assertThat(f.l1.callCount(Call.CHAIN_STATUS)).isEqualTo(statusCalls);
        assertThat(f.memory.readLeader().leaderId()).isEqualTo("usurper");
    }

    // ---- -> CLOSED ----------------------------------------------------------------------------------------------

    @Test
    void close_fromLeader_stopsEverything() {
        Sequencer sequencer = f.leader();
        accepted(sequencer.submit(tx(1)));

        sequencer.close();

        assertClosed(sequencer);
        assertThat(f.transitions).containsExactly("NEW->LEADER", "LEADER->CLOSED");
    }

    @Test
    void close_fromFollower_isClosed() {
        Sequencer follower = f.start(EngineFixture.config().role(Role.FOLLOWER).build());

        follower.close();

        assertClosed(follower);
        assertThat(f.transitions).containsExactly("NEW->FOLLOWER", "FOLLOWER->CLOSED");
    }

    @Test
    void close_fromFenced_isClosed() {
        Sequencer sequencer = f.leader();
        usurp();
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());
        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);

        sequencer.close();

        assertClosed(sequencer);
        assertThat(f.transitions).containsExactly("NEW->LEADER", "LEADER->FENCED", "FENCED->CLOSED");
    }

    @Test
    void close_isIdempotent() {
        Sequencer sequencer = f.leader();
        sequencer.close();
        sequencer.close();

        assertThat(f.transitions).containsExactly("NEW->LEADER", "LEADER->CLOSED");
        assertThat(f.metrics.snapshot().stateChanges()).isEqualTo(2);
    }

    private void assertClosed(Sequencer sequencer) {
        assertThat(sequencer.state()).isEqualTo(SequencerState.CLOSED);
        assertThat(sequencer.state() == SequencerState.LEADER).isFalse();
        assertThat(sequencer.readiness().reasons()).contains("closed");
        assertThat(sequencer.readiness().ready()).isFalse();
        SubmitResult result = sequencer.submit(tx(42));
        assertThat(refusalCode(result)).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(((SubmitResult.Refused) result).refusal().message()).contains("closed");
        int writes = f.storage.writes();
        sequencer.flush();
        f.advanceMs(5_000);
        assertThat(sequencer.doWork(f.now())).isZero();
        assertThat(f.storage.writes()).isEqualTo(writes);
    }

    // ---- start refusals -----------------------------------------------------------------------------------------

    @Test
    void start_twice_isRefused() {
        Sequencer sequencer = f.leader();

        assertThatThrownBy(sequencer::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("LEADER");
        sequencer.close();
        assertThatThrownBy(sequencer::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
    }

    @Test
    void start_storageHoldsHigherTerm_isRefusedWithWhatToDo() {
        f.memory.claimTerm(5, "other", f.nowMs());
        Sequencer sequencer = f.builder(EngineFixture.config().term(3).build()).build();

        assertThatThrownBy(sequencer::start).isInstanceOf(SequencerStartException.class)
                .hasMessageContaining("storage holds term 5")
                .hasMessageContaining("other")
                .hasMessageContaining("LEADER_TERM=6");
        assertThat(sequencer.state()).isEqualTo(SequencerState.NEW);
        assertThat(f.memory.readLeader().term()).isEqualTo(5);
        assertThat(f.memory.readLeader().leaderId()).isEqualTo("other");
        assertThat(f.transitions).isEmpty();
    }

    @Test
    void start_sameTermHeldByAnotherLeader_isRefusedWithWhatToDo() {
        f.memory.claimTerm(3, "other", f.nowMs());
        Sequencer sequencer = f.builder(EngineFixture.config().term(3).leaderId("me").build()).build();

        assertThatThrownBy(sequencer::start).isInstanceOf(SequencerStartException.class)
                .hasMessageContaining("already held by leader other")
                .hasMessageContaining("LEADER_TERM=4");
        assertThat(sequencer.state()).isEqualTo(SequencerState.NEW);
        assertThat(f.memory.readLeader().leaderId()).isEqualTo("other");
    }

    @Test
    void start_storageFailsWhileClaiming_staysNewAndCanStartLater() {
        Sequencer sequencer = f.builder(EngineFixture.config().build()).build();
        f.memory.failNextWrites(1);

        assertThatThrownBy(sequencer::start).isInstanceOf(SequencerStartException.class)
                .hasMessageContaining("storage failed while claiming term 0");
        assertThat(sequencer.state()).isEqualTo(SequencerState.NEW);
        assertThat(f.memory.readLeader()).isEqualTo(LeaderRecord.initial());
        assertThat(sequencer.readiness().reasons()).anySatisfy(r -> assertThat(r).startsWith("storage failing"));

        sequencer.start();
        assertThat(sequencer.state()).isEqualTo(SequencerState.LEADER);
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
    }

    @Test
    void start_storageFailsWhileRecovering_staysNewAndCanStartLater() {
        Sequencer sequencer = f.builder(EngineFixture.config().build()).build();
        f.storage.failNextReads(1);

        assertThatThrownBy(sequencer::start).isInstanceOf(SequencerStartException.class)
                .hasMessageContaining("recovering");
        assertThat(sequencer.state()).isEqualTo(SequencerState.NEW);
        assertThat(refusalCode(sequencer.submit(tx(1)))).isEqualTo(RefusalCode.NOT_LEADER);

        sequencer.start();
        assertThat(sequencer.state()).isEqualTo(SequencerState.LEADER);
        assertThat(accepted(sequencer.submit(tx(1))).seq()).isEqualTo(1);
    }

    // ---- time and metrics of transitions ------------------------------------------------------------------------

    @Test
    void transitions_stampTimeOfLastStateChangeFromTheClock() {
        long builtNs = f.now();
        Sequencer sequencer = f.builder(EngineFixture.config().build()).build();
        assertThat(sequencer.timeOfLastStateChangeNs()).isEqualTo(builtNs);

        f.advanceMs(7);
        sequencer.start();
        assertThat(sequencer.timeOfLastStateChangeNs()).isEqualTo(builtNs + 7_000_000L);

        f.advanceMs(11);
        usurp();
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());
        assertThat(sequencer.timeOfLastStateChangeNs()).isEqualTo(builtNs + 18_000_000L);

        f.advanceMs(13);
        sequencer.close();
        assertThat(sequencer.timeOfLastStateChangeNs()).isEqualTo(builtNs + 31_000_000L);
    }

    @Test
    void transitions_areReportedToMetrics() {
        Sequencer sequencer = f.leader();
        usurp();
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());
        sequencer.close();

        assertThat(f.transitions).containsExactly("NEW->LEADER", "LEADER->FENCED", "FENCED->CLOSED");
        assertThat(f.metrics.snapshot().stateChanges()).isEqualTo(3);
    }

    // ---- leader tasks -------------------------------------------------------------------------------------------

    /** Records its calls; throws from {@code doWork} while {@link #failures} is positive. */
    private static final class RecordingTask implements LeaderTask {
        final List<String> calls = new ArrayList<>();
        int failures;
        boolean failOnStart;

        @Override
        public String name() {
            return "recording-task";
        }

        @Override
        public void onLeaderStart(long term) {
            calls.add("start " + term);
            if (failOnStart) {
                throw new IllegalStateException("start failed");
            }
        }

        @Override
        public int doWork(long nowNs) {
            calls.add("work");
            if (failures > 0) {
                failures--;
                throw new IllegalStateException("boom");
            }
            return 1;
        }

        @Override
        public void onLeaderStop(String reason) {
            calls.add("stop " + reason);
        }
    }

    @Test
    void leaderTask_startsWithTheTerm_worksOnlyWhileLeader_stopsWhenFenced() {
        RecordingTask task = new RecordingTask();
        Sequencer sequencer = f.builder(EngineFixture.config().term(0).build()).leaderTask(task).build();
        sequencer.doWork(f.now());
        assertThat(task.calls).as("nothing before start").isEmpty();

        sequencer.start();
        assertThat(task.calls).containsExactly("start 0");
        Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now());
        Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now());
        assertThat(task.calls).containsExactly("start 0", "work", "work");

        usurp();
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());
        assertThat(task.calls).hasSize(4);
        assertThat(task.calls.get(3)).startsWith("stop ").contains("fenced by term 1");

        Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now());
        sequencer.doWork(f.now());
        sequencer.close();
        assertThat(task.calls).as("no work and no second stop after the fence").hasSize(4);
    }

    @Test
    void leaderTask_stopsOnClose() {
        RecordingTask task = new RecordingTask();
        Sequencer sequencer = f.builder(EngineFixture.config().term(2).build()).leaderTask(task).build();
        sequencer.start();
        Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now());

        sequencer.close();
        Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now());

        assertThat(task.calls).containsExactly("start 2", "work", "stop closed");
    }

    @Test
    void leaderTask_neverRunsOnAFollower() {
        RecordingTask task = new RecordingTask();
        Sequencer follower = f.builder(EngineFixture.config().role(Role.FOLLOWER).build()).leaderTask(task).build();
        follower.start();
        follower.doWork(f.now());
        follower.close();

        assertThat(task.calls).isEmpty();
    }

    @Test
    void leaderTask_exception_goesToErrorHandlerAndReadinessUntilItWorksAgain() {
        RecordingTask task = new RecordingTask();
        task.failures = 1;
        Sequencer sequencer = f.builder(EngineFixture.config().build()).leaderTask(task).build();
        sequencer.start();

        assertThat(Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now())).isZero();

        assertThat(sequencer.state()).isEqualTo(SequencerState.LEADER);
        assertThat(f.errorsOf("recording-task")).singleElement()
                .satisfies(e -> assertThat(e).hasMessage("boom"));
        assertThat(sequencer.readiness().ready()).isFalse();
        assertThat(sequencer.readiness().reasons()).containsExactly("loop recording-task failing: boom");
        assertThat(f.metrics.snapshot().loopErrors()).containsEntry("recording-task", 1L);

        assertThat(Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now())).isEqualTo(1);
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
    }

    @Test
    void leaderTask_exceptionOnStart_goesToErrorHandlerAndTheNodeStillLeads() {
        RecordingTask task = new RecordingTask();
        task.failOnStart = true;
        Sequencer sequencer = f.builder(EngineFixture.config().build()).leaderTask(task).build();

        sequencer.start();

        assertThat(sequencer.state()).isEqualTo(SequencerState.LEADER);
        assertThat(f.errorsOf("recording-task")).singleElement()
                .satisfies(e -> assertThat(e).hasMessage("start failed"));
        assertThat(sequencer.readiness().reasons()).containsExactly("loop recording-task failing: start failed");
        Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now());
        assertThat(sequencer.readiness().ready()).isTrue();
    }

    @Test
    void bridgeWatcherTask_pollsAtItsIntervalOnlyWhileLeading() {
        List<String> polls = new ArrayList<>();
        BridgeWatcher watcher = (term, nowMs) -> {
            polls.add(term + "@" + nowMs);
            return 1;
        };
        BridgeWatcherTask task = new BridgeWatcherTask(watcher, f.clock, 500);
        Sequencer sequencer = f.builder(EngineFixture.config().term(3).build()).leaderTask(task).build();
        assertThat(task.name()).isEqualTo("bridge-watcher");
        Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now());
        assertThat(polls).as("not leading yet").isEmpty();

        sequencer.start();
        long t0 = f.nowMs();
        assertThat(Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now())).isEqualTo(1);
        f.advanceMs(499);
        assertThat(Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now())).isZero();
        f.advanceMs(1);
        assertThat(Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now())).isEqualTo(1);
        assertThat(polls).containsExactly("3@" + t0, "3@" + (t0 + 500));

        assertThat(f.memory.claimTerm(4, "usurper", f.nowMs())).isInstanceOf(TermGranted.class);
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());
        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);
        f.advanceMs(5_000);
        Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now());
        assertThat(task.doWork(f.now())).as("stopped: polls nothing even when called directly").isZero();
        assertThat(polls).hasSize(2);
    }

    @Test
    void bridgeWatcherTask_withNoOpWatcher_doesNothing() {
        BridgeWatcherTask task = new BridgeWatcherTask(BridgeWatcher.NO_OP, f.clock, 1);
        Sequencer sequencer = f.builder(EngineFixture.config().build()).leaderTask(task).build();
        sequencer.start();

        assertThat(Loops.named(sequencer, LeaderTasks.NAME).doWork(f.now())).isZero();
        assertThat(sequencer.readiness().ready()).isTrue();
        assertThatThrownBy(() -> new BridgeWatcherTask(BridgeWatcher.NO_OP, f.clock, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intervalMs");
    }
}
