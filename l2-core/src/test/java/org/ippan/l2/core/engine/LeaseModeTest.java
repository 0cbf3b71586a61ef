package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.refusalCode;
import static org.ippan.l2.core.engine.EngineFixture.tx;

import java.util.Map;
import java.util.Optional;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseHolder;
import org.ippan.l2.lease.LeaseOutcome;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.lease.memory.InMemoryLeaseStore;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.Test;

/**
 * Lease mode: several engines on one storage and one lease, on manual clocks. The lease decides who tries to lead;
 * the term in storage decides whose writes count.
 */
class LeaseModeTest {
    private static final long TTL_MS = 2_000;
    private static final long RENEW_MS = 400;
    /** (TTL - renew) / 2: a leader that cannot renew stops writing this long before its lease can expire. */
    private static final long MARGIN_MS = 800;

    private final EngineFixture f = new EngineFixture();
    private final InMemoryLeaseStore lease = new InMemoryLeaseStore(f.clock::currentTimeMs);

    private SequencerConfig config(String id) {
        return EngineFixture.config().leaderMode(LeaderMode.LEASE).leaderId(id).leaseTtlMs(TTL_MS)
                .leaseRenewMs(RENEW_MS).advertisedUrl("http://" + id + ":8080").build();
    }

    private Sequencer node(String id) {
        return node(id, lease, f.clock);
    }

    private Sequencer node(String id, LeaseStore store, ManualClock clock) {
        Sequencer node = f.builder(config(id)).leaseStore(store).wallClock(clock).nanoClock(clock).build();
        node.start();
        return node;
    }

    @Test
    void aCandidate_startsAsStandby_thenWinsTheLease_andClaimsTheNextTerm() {
        f.memory.claimTerm(6, "old-single-leader", f.nowMs());
        Sequencer a = node("a");
        assertThat(a.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(a.stateReason()).contains("campaigning");

        a.doWork(f.now());

        assertThat(a.state()).isEqualTo(SequencerState.LEADER);
        assertThat(f.memory.readLeader().term()).isEqualTo(7);
        assertThat(f.memory.readLeader().leaderId()).isEqualTo("a");
        assertThat(a.stateReason()).contains("won the lease", "claimed term 7", "storage held term 6");
        assertThat(lease.holder().orElseThrow().holderId()).isEqualTo("a");
        SequencerStatus.Leader status = a.status().leader();
        assertThat(status.mode()).isEqualTo("lease");
        assertThat(status.termId()).isEqualTo(7);
        assertThat(status.canShutdown()).isFalse();
        assertThat(status.lease().holderId()).isEqualTo("a");
        assertThat(status.lease().holderUrl()).isEqualTo("http://a:8080");
        assertThat(status.lease().expiresAtMs()).isEqualTo(f.nowMs() + TTL_MS);
        assertThat(status.lease().lastChange()).contains("leader a in term 7");
        assertThat(accepted(a.submit(tx(1))).seq()).isEqualTo(1);
    }

    @Test
    void aSecondCandidate_standsBy_andPointsClientsAtTheLeader() {
        Sequencer a = node("a");
        a.doWork(f.now());
        Sequencer b = node("b");

        b.doWork(f.now());

        assertThat(b.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(b.leaderHint()).contains(new LeaderHint("a", "http://a:8080", f.nowMs() + TTL_MS));
        assertThat(refusalCode(b.submit(tx(1)))).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(b.status().leader().canShutdown()).isTrue();
        assertThat(b.status().leader().lease().holderId()).isEqualTo("a");
    }

    @Test
    void aFollowerThatNeverCampaigns_watchesTheHolder() {
        Sequencer a = node("a");
        a.doWork(f.now());
        Sequencer reader = f.builder(EngineFixture.config().leaderMode(LeaderMode.LEASE).role(Role.FOLLOWER)
                .leaderId("reader").leaseTtlMs(TTL_MS).leaseRenewMs(RENEW_MS).build()).leaseStore(lease).build();
        reader.start();

        for (int i = 0; i < 10; i++) {
            f.advanceMs(RENEW_MS);
            a.doWork(f.now());
            reader.doWork(f.now());
        }
        assertThat(reader.leaderHint().orElseThrow().leaderId()).isEqualTo("a");
        for (int i = 0; i < 10; i++) { // a dies
            f.advanceMs(RENEW_MS);
            reader.doWork(f.now());
        }

        assertThat(reader.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(reader.stateReason()).contains("read-only follower");
        assertThat(reader.leaderHint()).isEmpty();
        assertThat(reader.status().leader().lease().lastChange()).isEqualTo("no leader holds the lease");
        assertThat(lease.holder()).isEmpty(); // the reader never takes it
        assertThat(f.memory.readLeader().term()).isEqualTo(1);
    }

    @Test
    void aLeaderThatCannotRenew_stopsWritingBeforeItsLeaseCanExpire() {
        Sequencer a = node("a");
        a.doWork(f.now());
        long expiresAtMs = lease.holder().orElseThrow().expiresAtMs();
        lease.setUnavailable(true);

        for (long t = RENEW_MS; t < TTL_MS - MARGIN_MS; t += RENEW_MS) {
            f.advanceMs(RENEW_MS);
            a.doWork(f.now()); // renewals fail
        }
        assertThat(a.readiness().reasons()).anyMatch(r -> r.contains("loop lease failing") && r.contains("outage"));
        f.advanceMs(TTL_MS - MARGIN_MS - 1 - (f.nowMs() - (expiresAtMs - TTL_MS)));
        assertThat(accepted(a.submit(tx(1))).seq()).isEqualTo(1); // still inside its safe window
        f.advanceMs(1);

        assertThat(refusalCode(a.submit(tx(2)))).isEqualTo(RefusalCode.NOT_LEADER); // before any step notices
        a.doWork(f.now());
        assertThat(a.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(a.stateReason()).contains("could not be renewed before its safety deadline");
        assertThat(a.status().leader().lease().renewFailures()).isPositive();
        assertThat(f.nowMs()).isEqualTo(expiresAtMs - MARGIN_MS);
    }

    @Test
    void aDeadLeader_isReplacedAfterItsLease_andEveryAcknowledgedTxIsBatchedOnce() {
        Sequencer a = node("a");
        a.doWork(f.now());
        for (int n = 1; n <= 5; n++) {
            accepted(a.submit(tx(n)));
        }
        Sequencer b = node("b");
        b.doWork(f.now());
        assertThat(b.state()).isEqualTo(SequencerState.FOLLOWER);

        // a dies: nobody steps it again; b campaigns every renew period
        long waitedMs = 0;
        while (b.state() != SequencerState.LEADER) {
            f.advanceMs(RENEW_MS);
            waitedMs += RENEW_MS;
            b.doWork(f.now());
            assertThat(waitedMs).isLessThanOrEqualTo(TTL_MS + RENEW_MS);
        }
        assertThat(waitedMs).isGreaterThanOrEqualTo(TTL_MS);
        assertThat(f.memory.readLeader()).isEqualTo(new LeaderRecord(2, "b", f.nowMs()));
        b.flush();
        b.doWork(f.now());

        StoredBatch batch = f.memory.findBatchByNumber(1).orElseThrow();
        assertThat(batch.batch().term()).isEqualTo(2);
        assertThat(batch.batch().txCount()).isEqualTo(5);
        assertThat(f.memory.readSequenceState().pendingCount()).isZero();
    }

    @Test
    void aLeaderPausedPastItsLease_isRefusedByTheTerm_atItsFirstWrite_andStandsBy() {
        ManualClock frozen = new ManualClock(EngineFixture.START_MS); // a's clock stops: a VM frozen and thawed
        InMemoryLeaseStore sharedLease = new InMemoryLeaseStore(f.clock::currentTimeMs); // the store's own clock
        Sequencer a = node("a", sharedLease, frozen);
        a.doWork(frozen.nanoTime());
        assertThat(a.state()).isEqualTo(SequencerState.LEADER);
        Sequencer b = node("b", sharedLease, f.clock);
        f.advanceMs(TTL_MS);
        b.doWork(f.now());
        assertThat(b.state()).isEqualTo(SequencerState.LEADER);

        // a wakes up believing it still leads (its clock did not move) and writes
        assertThat(a.state()).isEqualTo(SequencerState.LEADER);
        assertThat(refusalCode(a.submit(tx(1)))).isEqualTo(RefusalCode.NOT_LEADER);

        assertThat(a.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(a.stateReason()).contains("storage holds term 2", "standing by");
        assertThat(f.memory.findTx(tx(1).hash().toBytes())).isEmpty();
        assertThat(accepted(b.submit(tx(1))).seq()).isEqualTo(1);
        frozen.advanceMs(RENEW_MS);
        a.doWork(frozen.nanoTime()); // its campaign gives up the lost lease and finds b holding it
        assertThat(a.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(a.leaderHint().orElseThrow().leaderId()).isEqualTo("b");
    }

    @Test
    void stepDown_handsOver_withinOneRenewPeriod_andTheOldLeaderStandsByForATtl() {
        Sequencer a = node("a");
        a.doWork(f.now());
        accepted(a.submit(tx(1)));
        Sequencer b = node("b");
        b.doWork(f.now());
        f.advanceMs(100);

        assertThat(a.stepDown()).isTrue();

        assertThat(a.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(a.stateReason()).contains("handed over");
        assertThat(a.status().leader().canShutdown()).isTrue();
        assertThat(lease.holder()).isEmpty();
        assertThat(f.memory.readLeader().lastHeartbeatMs()).isEqualTo(f.nowMs()); // its last heartbeat
        assertThat(refusalCode(a.submit(tx(2)))).isEqualTo(RefusalCode.NOT_LEADER);
        f.advanceMs(RENEW_MS);
        b.doWork(f.now());
        assertThat(b.state()).isEqualTo(SequencerState.LEADER);
        a.doWork(f.now());
        assertThat(a.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(a.stepDown()).isFalse();
        assertThat(accepted(b.submit(tx(2))).seq()).isEqualTo(2);
    }

    @Test
    void aHandedOverNode_campaignsAgain_afterOneTtl_ifNobodyTookTheLease() {
        Sequencer a = node("a");
        a.doWork(f.now());
        a.stepDown();

        f.advanceMs(TTL_MS - 1);
        a.doWork(f.now());
        assertThat(a.state()).isEqualTo(SequencerState.FOLLOWER);
        f.advanceMs(RENEW_MS);
        a.doWork(f.now());

        assertThat(a.state()).isEqualTo(SequencerState.LEADER);
        assertThat(f.memory.readLeader().term()).isEqualTo(2);
    }

    @Test
    void aSecondProcessWithTheSameId_neverLeadsWhileTheFirstHoldsTheLease() {
        Sequencer first = node("a");
        first.doWork(f.now());
        Sequencer twin = node("a");

        for (int i = 0; i < 3; i++) {
            f.advanceMs(RENEW_MS);
            first.doWork(f.now());
            twin.doWork(f.now());
        }

        assertThat(first.state()).isEqualTo(SequencerState.LEADER);
        assertThat(twin.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(f.memory.readLeader().term()).isEqualTo(1);
        assertThat(f.errors).isEmpty();
    }

    @Test
    void aLostLease_stepsTheLeaderDown_atItsNextRenewal() {
        Capturing capturing = new Capturing(lease);
        Sequencer a = node("a", capturing, f.clock);
        a.doWork(f.now());
        assertThat(lease.release(capturing.lastGranted)).isTrue(); // an operator's tool, say
        acquiredBy("intruder");

        f.advanceMs(RENEW_MS);
        a.doWork(f.now());

        assertThat(a.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(a.stateReason()).contains("lost the lease", "intruder");
        assertThat(a.leaderHint().orElseThrow().leaderId()).isEqualTo("intruder");
    }

    /** Passes every call on, keeping the last lease granted. */
    private static final class Capturing implements LeaseStore {
        private final LeaseStore inner;
        Lease lastGranted;

        Capturing(LeaseStore inner) {
            this.inner = inner;
        }

        private LeaseOutcome keep(LeaseOutcome outcome) {
            if (outcome instanceof LeaseGranted granted) {
                lastGranted = granted.lease();
            }
            return outcome;
        }

        @Override
        public LeaseOutcome acquire(String holderId, String advertisedUrl, long ttlMs) {
            return keep(inner.acquire(holderId, advertisedUrl, ttlMs));
        }

        @Override
        public LeaseOutcome renew(Lease l) {
            return keep(inner.renew(l));
        }

        @Override
        public boolean release(Lease l) {
            return inner.release(l);
        }

        @Override
        public Optional<LeaseHolder> holder() {
            return inner.holder();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private void acquiredBy(String id) {
        assertThat(lease.acquire(id, "", TTL_MS)).isInstanceOf(LeaseGranted.class);
    }

    @Test
    void theBuilder_requiresALeaseStoreInLeaseMode_andRefusesOneOtherwise() {
        assertThatThrownBy(() -> f.builder(config("a")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseStore");
        assertThatThrownBy(() -> f.builder(EngineFixture.config().build()).leaseStore(lease).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only in lease and rotating modes");
    }

    @Test
    void theConfiguration_readsLeaseSettings_andRefusesARenewPeriodOverHalfTheTtl() {
        SequencerConfig c = SequencerConfig.fromEnvironment(Map.of("L2_LEADER_MODE", "lease", "L2_LEASE_TTL_MS",
                "2000", "L2_LEASE_RENEW_MS", "400", "L2_ADVERTISED_URL", "http://10.0.0.1:8080"));
        assertThat(c.leaderMode()).isEqualTo(LeaderMode.LEASE);
        assertThat(c.leaseTtlMs()).isEqualTo(2000);
        assertThat(c.leaseRenewMs()).isEqualTo(400);
        assertThat(c.leaseSafetyMarginMs()).isEqualTo(800);
        assertThat(c.advertisedUrl()).isEqualTo("http://10.0.0.1:8080");
        SequencerConfig defaults = SequencerConfig.builder().build();
        assertThat(defaults.leaseTtlMs()).isEqualTo(5000);
        assertThat(defaults.leaseRenewMs()).isEqualTo(1000);

        assertThatThrownBy(() -> SequencerConfig.fromEnvironment(Map.of("L2_LEASE_TTL_MS", "2000",
                "L2_LEASE_RENEW_MS", "1001")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("L2_LEASE_RENEW_MS")
                .hasMessageContaining("half of L2_LEASE_TTL_MS");
        assertThatThrownBy(() -> SequencerConfig.fromEnvironment(Map.of("L2_LEASE_TTL_MS", "99")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("L2_LEASE_TTL_MS");
        assertThatThrownBy(() -> SequencerConfig.fromEnvironment(Map.of("L2_LEADER_MODE", "raft")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'single', 'lease' or 'rotating'");
    }
}
