package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.Test;

/** The leadership room alone: the claim, the transition funnel, fencing, closing and the hooks' order. */
class LeadershipTest {
    private final ManualClock clock = new ManualClock(EngineFixture.START_MS);
    private final InMemoryStorage memory = new InMemoryStorage();
    private final Health health = new Health(3);
    private final List<String> events = new ArrayList<>();
    private final SequencerMetrics metrics = new SequencerMetrics() {
        @Override
        public void recordStateChange(SequencerState from, SequencerState to) {
            events.add(from + "->" + to);
        }
    };

    private Leadership leadership(Role role, long term, String id, Storage storage) {
        SequencerConfig config = SequencerConfig.builder().role(role).term(term).leaderId(id).build();
        Leadership leadership = new Leadership(Candidacy.fromConfig(config), false, id, storage, clock, clock, metrics, health);
        leadership.hooks(() -> events.add("recover in " + leadership.state()),
                claimed -> events.add("started " + claimed + " in " + leadership.state()),
                reason -> events.add("stopped leading: " + reason),
                () -> events.add("stopped writing"));
        return leadership;
    }

    private Leadership leader(long term) {
        return leadership(Role.LEADER, term, "node-a", memory);
    }

    @Test
    void start_asLeader_claimsTheTermThenRecoversThenLeadsThenStartsLeaderWork() {
        Leadership leadership = leader(4);
        clock.advanceMs(5);
        leadership.start();
        assertThat(leadership.state()).isEqualTo(SequencerState.LEADER);
        assertThat(leadership.isLeader()).isTrue();
        assertThat(leadership.term()).isEqualTo(4);
        assertThat(memory.readLeader()).isEqualTo(new LeaderRecord(4, "node-a", EngineFixture.START_MS + 5));
        assertThat(events).containsExactly("recover in NEW", "NEW->LEADER", "started 4 in LEADER");
        assertThat(leadership.stateReason()).isEqualTo("claimed term 4 (storage held term 0)");
        assertThat(leadership.timeOfLastStateChangeNs()).isEqualTo(clock.nanoTime());
    }

    @Test
    void start_namesThePreviousHolder() {
        memory.claimTerm(2, "node-b", 1);
        Leadership leadership = leader(3);
        leadership.start();
        assertThat(leadership.stateReason()).isEqualTo("claimed term 3 (storage held term 2 of node-b)");
    }

    @Test
    void start_asFollower_claimsNothingAndStartsNothing() {
        Leadership leadership = leadership(Role.FOLLOWER, 7, "node-f", memory);
        leadership.start();
        assertThat(leadership.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(leadership.isLeader()).isFalse();
        assertThat(memory.readLeader().term()).isZero();
        assertThat(events).containsExactly("NEW->FOLLOWER");
        assertThat(leadership.notLeaderMessage()).isEqualTo("this node (node-f) is a read-only follower");
    }

    @Test
    void start_twice_isRefused() {
        Leadership leadership = leader(1);
        leadership.start();
        assertThatThrownBy(leadership::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("already started (state LEADER)");
    }

    @Test
    void start_belowTheStoredTerm_isRefusedWithTheTermToUse_andStaysNew() {
        memory.claimTerm(5, "node-b", 1);
        Leadership leadership = leader(3);
        assertThatThrownBy(leadership::start).isInstanceOf(SequencerStartException.class)
                .hasMessage("storage holds term 5 (leader node-b), higher than this node's LEADER_TERM=3: it may not"
                        + " lead; to promote it, restart with LEADER_TERM=6");
        assertThat(leadership.state()).isEqualTo(SequencerState.NEW);
        assertThat(events).isEmpty();
        assertThat(memory.readLeader().term()).isEqualTo(5);
    }

    @Test
    void start_onATermHeldByAnotherLeader_isRefused() {
        memory.claimTerm(3, "node-b", 1);
        Leadership leadership = leader(3);
        assertThatThrownBy(leadership::start).isInstanceOf(SequencerStartException.class)
                .hasMessage("term 3 is already held by leader node-b; another leader (node-a) needs a higher term:"
                        + " restart with LEADER_TERM=4");
        assertThat(leadership.state()).isEqualTo(SequencerState.NEW);
    }

    @Test
    void start_whenStorageFailsToClaim_failsNamingTheTerm_andReportsStorage() {
        Leadership leadership = leadership(Role.LEADER, 2, "node-a", failing(Set.of("claimTerm")));
        assertThatThrownBy(leadership::start).isInstanceOf(SequencerStartException.class)
                .hasMessage("storage failed while claiming term 2: injected claimTerm failure")
                .hasCauseInstanceOf(StorageException.class);
        assertThat(leadership.state()).isEqualTo(SequencerState.NEW);
        assertThat(health.reasons(SequencerState.NEW, "")).contains("storage failing: injected claimTerm failure");
        assertThat(events).isEmpty();
    }

    @Test
    void start_whenRecoveryFails_staysNewAndStartsNothing() {
        SequencerConfig config = SequencerConfig.builder().term(1).build();
        Leadership leadership = new Leadership(Candidacy.fromConfig(config), false, config.leaderId(), memory, clock, clock,
                metrics, health);
        leadership.hooks(() -> {
            throw new StorageException("read failed");
        }, claimed -> events.add("started"), reason -> events.add("stopped"), () -> events.add("stopped writing"));
        assertThatThrownBy(leadership::start).isInstanceOf(SequencerStartException.class)
                .hasMessage("storage failed while recovering state: read failed");
        assertThat(leadership.state()).isEqualTo(SequencerState.NEW);
        assertThat(events).isEmpty();
        assertThat(health.reasons(SequencerState.NEW, "")).contains("storage reads failing: read failed");
    }

    @Test
    void fenced_stopsLeadingThenStopsWriting_once() {
        Leadership leadership = leader(1);
        leadership.start();
        events.clear();
        clock.advanceMs(10);
        leadership.fenced(2, "heartbeat");
        assertThat(leadership.state()).isEqualTo(SequencerState.FENCED);
        assertThat(leadership.isLeader()).isFalse();
        assertThat(leadership.stateReason()).isEqualTo("storage holds term 2, higher than this node's term 1 (seen by"
                + " heartbeat); stopped admitting, cutting, posting and heartbeating");
        assertThat(leadership.timeOfLastStateChangeNs()).isEqualTo(clock.nanoTime());
        assertThat(events).containsExactly("LEADER->FENCED", "stopped leading: fenced by term 2", "stopped writing");
        assertThat(leadership.notLeaderMessage()).startsWith("this node was fenced: storage holds term 2");
        events.clear();
        leadership.fenced(3, "poster");
        assertThat(events).as("a second fencing changes nothing").isEmpty();
        assertThat(leadership.stateReason()).contains("term 2");
    }

    @Test
    void fenced_whenNotLeading_isIgnored() {
        Leadership leadership = leadership(Role.FOLLOWER, 1, "node-f", memory);
        leadership.fenced(2, "admission");
        assertThat(leadership.state()).isEqualTo(SequencerState.NEW);
        assertThat(events).isEmpty();
    }

    @Test
    void close_aLeader_stopsLeadingAndWriting_idempotently() {
        Leadership leadership = leader(1);
        leadership.start();
        events.clear();
        leadership.close();
        leadership.close();
        assertThat(leadership.state()).isEqualTo(SequencerState.CLOSED);
        assertThat(events).containsExactly("LEADER->CLOSED", "stopped leading: closed", "stopped writing");
        assertThat(leadership.notLeaderMessage()).isEqualTo("this node is closed");
    }

    @Test
    void close_aNodeThatDoesNotLead_onlyStopsWriting() {
        Leadership leadership = leader(1);
        assertThat(leadership.notLeaderMessage()).isEqualTo("this node is not started");
        leadership.close();
        assertThat(events).containsExactly("NEW->CLOSED", "stopped writing");
        assertThatThrownBy(leadership::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void term_beforeStart_isTheCandidacysTerm() {
        assertThat(leader(9).term()).isEqualTo(9);
    }

    /** A storage that fails the named methods with a {@link StorageException} and delegates the rest. */
    private Storage failing(Set<String> methods) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    if (methods.contains(method.getName())) {
                        throw new StorageException("injected " + method.getName() + " failure");
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
