package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.Test;

/** The leadership room in lease mode alone: the claim after the lease, the write deadline, stepping down, fencing. */
class LeadershipLeaseTest {
    private static final long DEADLINE_NS = 1_000_000_000L;

    private final ManualClock clock = new ManualClock(EngineFixture.START_MS);
    private final InMemoryStorage memory = new InMemoryStorage();
    private final List<String> events = new ArrayList<>();
    private final SequencerMetrics metrics = new SequencerMetrics() {
        @Override
        public void recordStateChange(SequencerState from, SequencerState to) {
            events.add(from + "->" + to);
        }
    };

    private Leadership leadership(boolean leaseMode, Role role, long configuredTerm) {
        SequencerConfig config = SequencerConfig.builder().role(role).term(configuredTerm).leaderId("node-a").build();
        Leadership leadership = new Leadership(Candidacy.fromConfig(config), leaseMode, "node-a", memory, clock, clock,
                metrics, new Health(3));
        leadership.hooks(() -> events.add("recover in " + leadership.state()),
                claimed -> events.add("started " + claimed + " in " + leadership.state()),
                reason -> events.add("stopped leading: " + reason),
                () -> events.add("stopped writing"));
        return leadership;
    }

    private Leadership standby() {
        Leadership leadership = leadership(true, Role.LEADER, 7);
        leadership.start();
        events.clear();
        return leadership;
    }

    @Test
    void inLeaseMode_theConfiguredTermIsNotUsed_andStartClaimsNothing() {
        Leadership leadership = leadership(true, Role.LEADER, 7);

        assertThat(leadership.term()).isZero();
        leadership.start();

        assertThat(leadership.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(memory.readLeader()).isEqualTo(LeaderRecord.initial());
        assertThat(leadership.notLeaderMessage())
                .isEqualTo("this node (node-a) is not the leader: started as a standby: campaigning for the lease");
    }

    @Test
    void leadWithLease_claimsTheNextTerm_recoversBeforeLeading_thenStartsLeaderWork() {
        memory.claimTerm(3, "node-b", 1);
        Leadership leadership = standby();

        assertThat(leadership.leadWithLease(DEADLINE_NS, "won the lease")).isEqualTo(4);

        assertThat(events).containsExactly("recover in FOLLOWER", "FOLLOWER->LEADER", "started 4 in LEADER");
        assertThat(leadership.term()).isEqualTo(4);
        assertThat(leadership.writableUntilNs()).isEqualTo(DEADLINE_NS);
        assertThat(leadership.stateReason()).isEqualTo("won the lease; claimed term 4 (storage held term 3 of node-b)");
        assertThat(memory.readLeader().leaderId()).isEqualTo("node-a");
    }

    @Test
    void leadWithLease_onAFreshStore_namesNoPreviousHolder() {
        Leadership leadership = standby();

        leadership.leadWithLease(DEADLINE_NS, "won the lease");

        assertThat(leadership.stateReason()).isEqualTo("won the lease; claimed term 1 (storage held term 0)");
    }

    @Test
    void leadWithLease_isRefused_unlessAStartedStandbyInLeaseMode() {
        Leadership notStarted = leadership(true, Role.LEADER, 0);
        assertThat(notStarted.leadWithLease(DEADLINE_NS, "won")).isEqualTo(-1);
        Leadership singleFollower = leadership(false, Role.FOLLOWER, 0);
        singleFollower.start();
        assertThat(singleFollower.leadWithLease(DEADLINE_NS, "won")).isEqualTo(-1);
        Leadership leading = standby();
        leading.leadWithLease(DEADLINE_NS, "won");
        assertThat(leading.leadWithLease(DEADLINE_NS, "won again")).isEqualTo(-1);

        assertThat(memory.readLeader().term()).isEqualTo(1); // only the one claim
        assertThat(notStarted.state()).isEqualTo(SequencerState.NEW);
        assertThat(singleFollower.state()).isEqualTo(SequencerState.FOLLOWER);
    }

    @Test
    void theWriteDeadline_endsWritesAtItsExactTime_andARenewalMovesIt() {
        Leadership leadership = standby();
        leadership.leadWithLease(clock.nanoTime() + DEADLINE_NS, "won");

        clock.advanceMs(999);
        assertThat(leadership.isLeader()).isTrue();
        leadership.writableUntil(clock.nanoTime() + DEADLINE_NS);
        clock.advanceMs(999);
        assertThat(leadership.isLeader()).isTrue();
        clock.advanceMs(1);

        assertThat(leadership.isLeader()).isFalse();
        assertThat(leadership.state()).isEqualTo(SequencerState.LEADER); // the lease loop steps it down
        assertThat(leadership.notLeaderMessage()).contains("stopped writing: its lease was not renewed in time");
    }

    @Test
    void stepDown_stopsLeaderWorkAndWrites_once() {
        Leadership leadership = standby();
        leadership.leadWithLease(DEADLINE_NS, "won");
        events.clear();

        assertThat(leadership.stepDown("handed over")).isTrue();
        assertThat(leadership.stepDown("again")).isFalse();

        assertThat(events).containsExactly("LEADER->FOLLOWER", "stopped leading: handed over", "stopped writing");
        assertThat(leadership.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(leadership.stateReason()).isEqualTo("handed over");
    }

    @Test
    void fenced_byItsOwnTerm_isNoFencing_byTheNextTerm_standsBy() {
        Leadership leadership = standby();
        leadership.leadWithLease(DEADLINE_NS, "won");
        events.clear();

        leadership.fenced(1, "a write of its own term");
        assertThat(leadership.state()).isEqualTo(SequencerState.LEADER);
        assertThat(events).isEmpty();

        leadership.fenced(2, "heartbeat");

        assertThat(leadership.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(leadership.stateReason()).isEqualTo("storage holds term 2, higher than this node's term 1 (seen by"
                + " heartbeat); stopped admitting, cutting, posting and heartbeating; standing by");
        assertThat(events).containsExactly("LEADER->FOLLOWER", "stopped leading: fenced by term 2", "stopped writing");
    }

    @Test
    void signals_leadershipGained_makesThePosterReadStorageAfresh() {
        Signals signals = new Signals((loop, error) -> {});
        signals.takePostingRefresh();
        signals.postedThrough(5);
        assertThat(signals.takePostingRefresh()).isFalse();

        signals.leadershipGained();

        assertThat(signals.takePostingRefresh()).isTrue();
        assertThat(signals.postedThrough()).isEqualTo(-1);
    }
}
