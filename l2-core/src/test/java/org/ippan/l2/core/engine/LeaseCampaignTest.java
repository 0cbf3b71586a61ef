package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseHolder;
import org.ippan.l2.lease.LeaseOutcome;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.lease.memory.InMemoryLeaseStore;
import org.junit.jupiter.api.Test;

/**
 * The lease loop step by step: when it calls the lease store and when it does not, what each step answers (the work
 * a runner reads), when it next has something to do, and what it gives back to the store when it stops leading.
 */
class LeaseCampaignTest {
    private static final long TTL_MS = 2_000;
    private static final long RENEW_MS = 400;
    private static final long MARGIN_MS = 800;

    private final EngineFixture f = new EngineFixture();
    private final InMemoryLeaseStore memory = new InMemoryLeaseStore(f.clock::currentTimeMs);
    private final CountingLeaseStore lease = new CountingLeaseStore(memory);
    private final AtomicInteger renewFailuresRecorded = new AtomicInteger();

    /** Passes every call on and counts them by kind. */
    private static final class CountingLeaseStore implements LeaseStore {
        private final LeaseStore inner;
        final List<String> calls = new ArrayList<>();

        CountingLeaseStore(LeaseStore inner) {
            this.inner = inner;
        }

        @Override
        public synchronized LeaseOutcome acquire(String holderId, String advertisedUrl, long ttlMs) {
            calls.add("acquire");
            return inner.acquire(holderId, advertisedUrl, ttlMs);
        }

        @Override
        public synchronized LeaseOutcome renew(Lease l) {
            calls.add("renew");
            return inner.renew(l);
        }

        @Override
        public synchronized boolean release(Lease l) {
            calls.add("release");
            return inner.release(l);
        }

        @Override
        public synchronized Optional<LeaseHolder> holder() {
            calls.add("holder");
            return inner.holder();
        }

        @Override
        public void close() {
            inner.close();
        }

        synchronized List<String> takeCalls() {
            List<String> taken = List.copyOf(calls);
            calls.clear();
            return taken;
        }
    }

    private SequencerConfig.Builder config(String id) {
        return EngineFixture.config().leaderMode(LeaderMode.LEASE).leaderId(id).leaseTtlMs(TTL_MS)
                .leaseRenewMs(RENEW_MS);
    }

    private Sequencer build(SequencerConfig config, org.ippan.l2.storage.Storage storage) {
        return f.builder(config, storage, f.l1).leaseStore(lease).metrics(new SequencerMetrics() {
            @Override
            public void recordLeaseRenewFailed() {
                renewFailuresRecorded.incrementAndGet();
            }
        }).build();
    }

    private Sequencer started(String id) {
        Sequencer node = build(config(id).build(), f.storage);
        node.start();
        return node;
    }

    private static DutyLoop campaign(Sequencer node) {
        return Loops.named(node, LeaseCampaign.NAME);
    }

    @Test
    void beforeStartAndAfterClose_theLoopCallsNothing() {
        Sequencer node = build(config("a").build(), f.storage);
        DutyLoop loop = campaign(node);
        assertThat(loop.name()).isEqualTo("lease");

        assertThat(loop.doWork(f.now())).isZero();
        node.start();
        node.close();
        assertThat(loop.doWork(f.now())).isZero();

        assertThat(lease.takeCalls()).isEmpty();
        assertThat(node.state()).isEqualTo(SequencerState.CLOSED);
    }

    @Test
    void aStepThatWins_answersWork_andTheNextAttemptWaitsOneRenewPeriod() {
        Sequencer node = started("a");
        DutyLoop loop = campaign(node);
        assertThat(loop.nextDeadlineNs(f.now())).isEqualTo(f.now()); // nothing tried yet: due now

        assertThat(loop.doWork(f.now())).isEqualTo(1);
        assertThat(lease.takeCalls()).containsExactly("acquire");
        long wonAt = f.now();

        assertThat(loop.doWork(f.now())).isZero(); // not due again yet
        f.advanceMs(RENEW_MS - 1);
        assertThat(loop.doWork(f.now())).isZero();
        assertThat(lease.takeCalls()).isEmpty();
        assertThat(loop.nextDeadlineNs(f.now())).isEqualTo(wonAt + RENEW_MS * 1_000_000L);

        f.advanceMs(1);
        assertThat(loop.doWork(f.now())).isEqualTo(1);
        assertThat(lease.takeCalls()).containsExactly("renew");
    }

    @Test
    void aLeader_isDueAtItsWriteDeadline_whenThatComesBeforeTheNextAttempt() {
        long renewMs = 500; // margin (2000 - 500) / 2 = 750: the deadline (1,250 ms) falls between two attempts
        Sequencer node = build(config("a").leaseRenewMs(renewMs).build(), f.storage);
        node.start();
        DutyLoop loop = campaign(node);
        loop.doWork(f.now());
        long wonAt = f.now();
        memory.setUnavailable(true);

        f.advanceMs(renewMs);
        assertThat(loop.doWork(f.now())).isZero(); // renewal fails
        assertThat(loop.nextDeadlineNs(f.now())).isEqualTo(f.now() + renewMs * 1_000_000L);
        f.advanceMs(renewMs);
        assertThat(loop.doWork(f.now())).isZero(); // fails again

        assertThat(loop.nextDeadlineNs(f.now())).isEqualTo(wonAt + 1_250 * 1_000_000L);
        assertThat(renewFailuresRecorded.get()).isEqualTo(2);
        assertThat(node.status().leader().lease().renewFailures()).isEqualTo(2);
    }

    @Test
    void atItsDeadline_aLeaderStepsDown_answersWork_andReleasesTheLease() {
        Sequencer node = started("a");
        DutyLoop loop = campaign(node);
        loop.doWork(f.now());
        memory.failNextCalls(1);
        f.advanceMs(RENEW_MS);
        loop.doWork(f.now()); // this renewal fails
        f.advanceMs(TTL_MS - MARGIN_MS - RENEW_MS);
        lease.takeCalls();

        assertThat(loop.doWork(f.now())).isEqualTo(1);

        assertThat(node.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(lease.takeCalls()).containsExactly("release");
        assertThat(memory.holder()).isEmpty(); // given back before it expired: a standby need not wait
        assertThat(node.status().leader().lease().lastChange()).startsWith("stepped down: ")
                .contains("safety deadline");
        assertThat(node.leaderHint()).isEmpty(); // it no longer points clients at itself
    }

    @Test
    void aRenewalRefused_stepsDownWithTheStoresReason() {
        ManualClock frozen = new ManualClock(EngineFixture.START_MS); // its deadline never comes: only the store says
        Sequencer node = f.builder(config("a").build(), f.storage, f.l1).leaseStore(lease).nanoClock(frozen)
                .build();
        node.start();
        DutyLoop loop = campaign(node);
        loop.doWork(frozen.nanoTime());
        f.advanceMs(TTL_MS);
        memory.acquire("b", "http://b", TTL_MS);
        frozen.advanceMs(RENEW_MS);
        lease.takeCalls();

        assertThat(loop.doWork(frozen.nanoTime())).isEqualTo(1);

        assertThat(lease.takeCalls()).containsExactly("renew"); // refused: nothing to release
        assertThat(node.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(node.stateReason()).contains("lost the lease", "b holds it now");
        assertThat(node.leaderHint().orElseThrow().leaderId()).isEqualTo("b");
    }

    @Test
    void aDeposedLeader_releasesItsLease_atItsNextStep() {
        ManualClock frozen = new ManualClock(EngineFixture.START_MS);
        Sequencer node = f.builder(config("a").build(), f.storage, f.l1).leaseStore(lease).nanoClock(frozen)
                .build();
        node.start();
        DutyLoop loop = campaign(node);
        loop.doWork(frozen.nanoTime());
        f.memory.claimTerm(5, "operator", f.nowMs()); // a higher term, outside the lease
        Loops.named(node, Heartbeat.NAME).doWork(frozen.nanoTime()); // its heartbeat meets it
        assertThat(node.state()).isEqualTo(SequencerState.FOLLOWER);
        frozen.advanceMs(RENEW_MS);
        lease.takeCalls();

        loop.doWork(frozen.nanoTime());

        assertThat(lease.takeCalls()).startsWith("release", "acquire");
        assertThat(f.memory.readLeader().term()).isEqualTo(6); // it won again (the lease was free) and claimed 5 + 1
    }

    @Test
    void aCallThatFails_isRetriedAtTheNextPeriod_andReadinessClearsWhenOneSucceeds() {
        Sequencer node = started("a");
        DutyLoop loop = campaign(node);
        loop.doWork(f.now());
        memory.failNextCalls(1);
        f.advanceMs(RENEW_MS);
        assertThat(loop.doWork(f.now())).isZero();
        assertThat(node.readiness().reasons()).anyMatch(r -> r.startsWith("loop lease failing"));

        f.advanceMs(RENEW_MS);
        assertThat(loop.doWork(f.now())).isEqualTo(1);

        assertThat(node.readiness().reasons()).noneMatch(r -> r.contains("lease"));
        assertThat(node.state()).isEqualTo(SequencerState.LEADER);
        assertThat(renewFailuresRecorded.get()).isEqualTo(1);
    }

    @Test
    void aStandbysFailedCall_isNoRenewFailure() {
        memory.acquire("b", "http://b", TTL_MS);
        Sequencer node = started("a");
        memory.failNextCalls(1);

        assertThat(campaign(node).doWork(f.now())).isZero();

        assertThat(renewFailuresRecorded.get()).isZero();
        assertThat(node.status().leader().lease().renewFailures()).isZero();
    }

    @Test
    void aStandbyRefused_answersNoWork_andKeepsTheHolderAsItsHint() {
        memory.acquire("b", "http://b", TTL_MS);
        Sequencer node = started("a");

        assertThat(campaign(node).doWork(f.now())).isZero();

        assertThat(lease.takeCalls()).containsExactly("acquire");
        assertThat(node.leaderHint().orElseThrow().leaderUrl()).isEqualTo("http://b");
        assertThat(node.status().leader().lease().lastChange()).isEqualTo("leader b");
    }

    @Test
    void aFollowerThatNeverCampaigns_onlyReadsTheHolder() {
        memory.acquire("b", "http://b", TTL_MS);
        Sequencer reader = build(config("reader").role(Role.FOLLOWER).build(), f.storage);
        reader.start();

        assertThat(campaign(reader).doWork(f.now())).isZero();

        assertThat(lease.takeCalls()).containsExactly("holder");
        assertThat(reader.leaderHint().orElseThrow().leaderId()).isEqualTo("b");
    }

    @Test
    void theHoldOff_endsAtItsExactTime() {
        Sequencer node = started("a");
        DutyLoop loop = campaign(node);
        loop.doWork(f.now());
        long steppedDownAt = f.now();
        node.stepDown();
        lease.takeCalls();
        // steps every renew period; the hold-off (one TTL = 5 renew periods) ends exactly at the fifth
        for (int i = 1; i <= 5; i++) {
            f.advanceMs(RENEW_MS);
            loop.doWork(f.now());
        }

        assertThat(f.now() - steppedDownAt).isEqualTo(TTL_MS * 1_000_000L);
        assertThat(lease.takeCalls()).containsExactly("holder", "holder", "holder", "holder", "acquire");
    }

    @Test
    void aStorageFailureWhileClaiming_givesTheLeaseBack_andTheNextStepTriesAgain() {
        Sequencer node = started("a");
        DutyLoop loop = campaign(node);
        f.memory.failNextWrites(1);

        assertThat(loop.doWork(f.now())).isZero();

        assertThat(node.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(lease.takeCalls()).containsExactly("acquire", "release");
        assertThat(memory.holder()).isEmpty();
        f.advanceMs(RENEW_MS);
        assertThat(loop.doWork(f.now())).isEqualTo(1);
        assertThat(node.state()).isEqualTo(SequencerState.LEADER);
    }

    @Test
    void aClaimRefused_givesTheLeaseBack_andAnswersNoWork() {
        ScriptedStorage racing = new ScriptedStorage(f.storage);
        Sequencer node = build(config("a").build(), racing);
        node.start();
        racing.beforeClaim(() -> { // takes the term a is about to claim
            if (f.memory.readLeader().term() == 0) {
                f.memory.claimTerm(1, "racer", f.nowMs());
            }
        });

        assertThat(campaign(node).doWork(f.now())).isZero();

        assertThat(node.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(lease.takeCalls()).containsExactly("acquire", "release");
        assertThat(memory.holder()).isEmpty();
        assertThat(node.status().leader().lease().lastChange()).doesNotStartWith("leader a");
    }
}
