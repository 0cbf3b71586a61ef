package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.refusalCode;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.lease.memory.InMemoryLeaseStore;
import org.ippan.l2.storage.L1Status;
import org.junit.jupiter.api.Test;

/** The control room, stepped with a manual clock: pause, resume, flush, run-time limits, named hand-over. */
class SequencerControlTest {
    private static final String OPS = "test-operator";
    private final EngineFixture f = new EngineFixture();

    private int step(Sequencer sequencer, String loop) {
        return Loops.named(sequencer, loop).doWork(f.now());
    }

    private static List<Long> postedBatchNumbers(List<L1Submission> mempool, int from) {
        List<Long> numbers = new ArrayList<>();
        for (int i = from; i < mempool.size(); i++) {
            numbers.add(mempool.get(i).sequence());
        }
        return numbers;
    }

    // ---- pause / resume ---------------------------------------------------------------------------------------------

    @Test
    void pausePosting_holdsPosting_whileBatchesAreCutAndCommitted_andResumePostsThemInOrder() {
        Sequencer s = f.start(EngineFixture.config().batchLimits(new BatchLimits(2, 1 << 20, 100)).build());
        SequencerControl control = s.control();

        assertThat(control.pausePosting(OPS)).isTrue();
        assertThat(control.pausePosting(OPS)).as("already paused").isFalse();
        assertThat(control.postingPaused()).isTrue();
        for (int i = 0; i < 3; i++) {
            s.submitAll(txs(1 + 2 * i, 3 + 2 * i));
            f.advanceMs(10);
            s.doWork(f.now());
        }

        assertThat(f.batchCount()).as("cut and committed while paused").isEqualTo(3);
        assertThat(f.l1.mempool()).as("nothing posted while paused").isEmpty();
        for (long n = 1; n <= 3; n++) {
            assertThat(f.status(n)).isEqualTo(L1Status.COMMITTED);
        }
        assertThat(accepted(s.submit(tx(100))).seq()).as("admission keeps accepting").isEqualTo(7);

        assertThat(control.resumePosting(OPS)).isTrue();
        assertThat(control.resumePosting(OPS)).as("not paused any more").isFalse();
        s.doWork(f.now());
        s.doWork(f.now());

        assertThat(postedBatchNumbers(f.l1.mempool(), 0)).as("posted in order").startsWith(1L, 2L, 3L);
        for (long n = 1; n <= 3; n++) {
            assertThat(f.status(n)).isEqualTo(L1Status.POSTED);
        }
    }

    @Test
    void pausePosting_afterAPostWasSent_stillSavesItsAnswer_andSendsNothingNew() {
        Sequencer s = f.start(EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100))
                .maxPostsInFlight(1).build());
        s.submitAll(txs(1, 3));
        step(s, Batcher.NAME);
        assertThat(step(s, Poster.NAME)).isEqualTo(1); // batch 1 sent

        s.control().pausePosting(OPS);
        step(s, Poster.NAME);
        step(s, Poster.NAME);

        assertThat(f.status(1)).as("the answer to a post in flight is saved").isEqualTo(L1Status.POSTED);
        assertThat(f.status(2)).isEqualTo(L1Status.COMMITTED);
        assertThat(f.l1.mempool()).hasSize(1);
    }

    // ---- flush ------------------------------------------------------------------------------------------------------

    @Test
    void flush_cutsAtOnce_withoutWaitingForTheLimits_andAnswersTheBatchNumber() throws Exception {
        Sequencer s = f.start(EngineFixture.config().batchLimits(new BatchLimits(10, 1 << 20, 60_000)).build());
        s.submitAll(txs(1, 4));
        step(s, Batcher.NAME);
        assertThat(f.batchCount()).as("below every limit: waits").isZero();

        CompletableFuture<FlushResult> flushed = s.control().flush(OPS);
        assertThat(flushed).isNotDone();
        step(s, Batcher.NAME);

        assertThat(flushed.get()).isEqualTo(new FlushResult(true, 1));
        assertThat(f.batch(1).batch().txCount()).isEqualTo(3);
        assertThat(f.cut(CutReason.FLUSH)).isEqualTo(1);
    }

    @Test
    void flush_withNothingPending_answersNothingCut() throws Exception {
        Sequencer s = f.leader();
        CompletableFuture<FlushResult> flushed = s.control().flush(OPS);
        step(s, Batcher.NAME);

        assertThat(flushed.get()).isEqualTo(FlushResult.NOTHING_PENDING);
        assertThat(f.batchCount()).isZero();
    }

    @Test
    void flush_onAFollower_failsNotLeading() {
        f.leader();
        Sequencer follower = f.start(EngineFixture.config().role(Role.FOLLOWER).leaderId("reader").build());

        assertThat(follower.control().flush(OPS)).isCompletedExceptionally();
        assertThatThrownBy(() -> follower.control().flush(OPS).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotLeadingException.class);
    }

    @Test
    void flush_whenLeadershipIsLostBeforeTheBatcherStep_failsNotLeading() {
        Sequencer s = f.leader();
        s.submit(tx(1));
        CompletableFuture<FlushResult> flushed = s.control().flush(OPS);
        s.stepDown();

        step(s, Batcher.NAME);

        assertThatThrownBy(flushed::get).hasCauseInstanceOf(NotLeadingException.class);
        assertThat(f.batchCount()).isZero();
    }

    // ---- run-time limits --------------------------------------------------------------------------------------------

    @Test
    void setLimits_takesEffectAtTheNextCut() {
        Sequencer s = f.start(EngineFixture.config().batchLimits(new BatchLimits(10, 1 << 20, 60_000)).build());
        s.submitAll(txs(1, 4));
        step(s, Batcher.NAME);
        assertThat(f.batchCount()).isZero();

        RuntimeLimits applied = s.control().setLimits(OPS, new RuntimeLimits(2, 1 << 20, 60_000, 50));
        assertThat(applied).isEqualTo(s.control().limits());
        step(s, Batcher.NAME);

        assertThat(f.batchCount()).as("count limit of 2 applies at the next cut").isEqualTo(1);
        assertThat(f.batch(1).batch().txCount()).isEqualTo(2);
        assertThat(f.cut(CutReason.COUNT)).isEqualTo(1);
        assertThat(s.status().pool().capacity()).isEqualTo(50);
    }

    @Test
    void setLimits_shorterMaxWait_cutsTheWaitingTxsByAge() {
        Sequencer s = f.start(EngineFixture.config().batchLimits(new BatchLimits(10, 1 << 20, 60_000)).build());
        s.submit(tx(1));
        f.advanceMs(500);
        step(s, Batcher.NAME);
        assertThat(f.batchCount()).isZero();

        s.control().setLimits(OPS, new RuntimeLimits(10, 1 << 20, 200, 100_000));
        step(s, Batcher.NAME);

        assertThat(f.batchCount()).isEqualTo(1);
        assertThat(f.cut(CutReason.AGE)).isEqualTo(1);
    }

    @Test
    void setLimits_admissionCap_refusesBeyondTheNewCap_naming_it() {
        Sequencer s = f.leader();
        s.control().setLimits(OPS, new RuntimeLimits(10, 1 << 20, 100, 2));

        assertThat(accepted(s.submit(tx(1))).seq()).isEqualTo(1);
        assertThat(accepted(s.submit(tx(2))).seq()).isEqualTo(2);
        var refused = s.submit(tx(3));
        assertThat(refusalCode(refused)).isEqualTo(RefusalCode.QUEUE_FULL);
        assertThat(refused.toString()).contains("admission cap of 2 ");
    }

    @Test
    void setLimits_survivesARestart_onTheSameStorage() {
        Sequencer first = f.leader();
        RuntimeLimits wanted = new RuntimeLimits(3, 500_000, 250, 77);
        first.control().setLimits(OPS, wanted);
        first.close();

        Sequencer restarted = f.start(EngineFixture.config().term(2).build());

        assertThat(restarted.control().limits()).isEqualTo(wanted);
        restarted.submitAll(txs(1, 5));
        step(restarted, Batcher.NAME);
        assertThat(f.batch(1).batch().txCount()).isEqualTo(3);
    }

    @Test
    void setLimits_survivesALeaderChange_andTheDeposedLeadersWriteIsFenced() {
        Sequencer a = f.start(EngineFixture.config().leaderId("a").build());
        RuntimeLimits wanted = new RuntimeLimits(4, 400_000, 300, 1_000);
        a.control().setLimits(OPS, wanted);

        Sequencer b = f.start(EngineFixture.config().leaderId("b").term(2).build());
        assertThat(b.control().limits()).as("the new leader uses the stored limits").isEqualTo(wanted);

        assertThatThrownBy(() -> a.control().setLimits(OPS, new RuntimeLimits(9, 400_000, 300, 1_000)))
                .isInstanceOf(NotLeadingException.class).hasMessageContaining("term 2");
        assertThat(a.state()).isEqualTo(SequencerState.FENCED);
        assertThat(a.control().limits()).as("nothing changed in memory").isEqualTo(wanted);
        assertThat(f.memory.readSetting(SequencerControl.LIMITS_SETTING)).contains(wanted.encode());
    }

    @Test
    void setLimits_invalid_isRefusedNamingTheField_andChangesNothing() {
        Sequencer s = f.leader();
        RuntimeLimits before = s.control().limits();

        assertThatThrownBy(() -> new RuntimeLimits(0, 1 << 20, 100, 10))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("max_batch_txs:");
        assertThatThrownBy(() -> new RuntimeLimits(1, 10, 100, 10))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("max_batch_bytes:");
        assertThatThrownBy(() -> new RuntimeLimits(1, 1 << 20, -1, 10))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("max_wait_ms:");
        assertThatThrownBy(() -> new RuntimeLimits(1, 1 << 20, 100, 0))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("admission_cap:");
        // valid alone, but the largest tx this node admits (maxTxSize 64 KiB by default) would no longer fit
        assertThatThrownBy(() -> s.control().setLimits(OPS, new RuntimeLimits(10, 1_000, 100, 10)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("max_batch_bytes:")
                .hasMessageContaining("maxTxSize");

        assertThat(s.control().limits()).isEqualTo(before);
        assertThat(f.memory.readSetting(SequencerControl.LIMITS_SETTING)).isEmpty();
    }

    @Test
    void setLimits_onAFollower_isRefusedNotLeading() {
        f.leader();
        Sequencer follower = f.start(EngineFixture.config().role(Role.FOLLOWER).leaderId("reader").build());

        assertThatThrownBy(() -> follower.control().setLimits(OPS, new RuntimeLimits(2, 1 << 20, 100, 10)))
                .isInstanceOf(NotLeadingException.class);
        assertThat(f.memory.readSetting(SequencerControl.LIMITS_SETTING)).isEmpty();
    }

    @Test
    void storedLimitsThatDoNotSuitTheNewLeader_areIgnoredForTheConfiguredOnes() {
        f.memory.claimTerm(1, "old", f.nowMs());
        f.memory.saveSetting(1, SequencerControl.LIMITS_SETTING, "max_batch_txs=banana");

        Sequencer s = f.start(EngineFixture.config().term(2).build());

        assertThat(s.control().limits()).isEqualTo(RuntimeLimits.of(s.config()));
    }

    @Test
    void runtimeLimits_encodeAndDecode_roundTrip_andDecodeNamesTheBadField() {
        RuntimeLimits limits = new RuntimeLimits(7, 123_456, 0, Integer.MAX_VALUE);
        assertThat(RuntimeLimits.decode(limits.encode())).isEqualTo(limits);
        assertThatThrownBy(() -> RuntimeLimits.decode("max_batch_txs=1;max_batch_bytes=70000;max_wait_ms=1"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("admission_cap: is missing");
        assertThatThrownBy(() -> RuntimeLimits.decode("max_batch_txs=x"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("max_batch_txs: must be a whole number");
    }

    // ---- step down --------------------------------------------------------------------------------------------------

    @Test
    void stepDown_toANamedNode_theOtherStandbysHoldOff_andTheTargetTakesTheLease() {
        InMemoryLeaseStore lease = new InMemoryLeaseStore(f.clock::currentTimeMs);
        Sequencer a = leaseNode("a", lease);
        a.doWork(f.now());
        Sequencer b = leaseNode("b", lease);
        Sequencer c = leaseNode("c", lease);
        assertThat(a.state()).isEqualTo(SequencerState.LEADER);

        assertThat(a.control().stepDown(OPS, Optional.of("c"))).isTrue();
        assertThat(a.state()).isEqualTo(SequencerState.FOLLOWER);

        f.advanceMs(400);
        b.doWork(f.now()); // b steps first and would win a free lease without the hand-over record
        c.doWork(f.now());

        assertThat(b.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(c.state()).isEqualTo(SequencerState.LEADER);
        assertThat(lease.holder().orElseThrow().holderId()).isEqualTo("c");
    }

    @Test
    void stepDown_theRecordIsSpentOnceTheTargetLeads_soItsOwnPlainHandOverIsNotHeldUp() {
        InMemoryLeaseStore lease = new InMemoryLeaseStore(f.clock::currentTimeMs);
        Sequencer a = leaseNode("a", lease);
        a.doWork(f.now());
        Sequencer b = leaseNode("b", lease);
        Sequencer c = leaseNode("c", lease);
        a.control().stepDown(OPS, Optional.of("c"));
        f.advanceMs(400);
        c.doWork(f.now());
        assertThat(c.state()).isEqualTo(SequencerState.LEADER);

        assertThat(c.control().stepDown(OPS, Optional.empty())).isTrue(); // well inside the 2 s window
        f.advanceMs(400);
        b.doWork(f.now());

        assertThat(b.state()).as("the record named c for the term a handed over; c claimed a newer one")
                .isEqualTo(SequencerState.LEADER);
    }

    @Test
    void stepDown_toANamedNodeThatNeverComes_letsAnyStandbyTakeOverAfterOneTtl() {
        InMemoryLeaseStore lease = new InMemoryLeaseStore(f.clock::currentTimeMs);
        Sequencer a = leaseNode("a", lease);
        a.doWork(f.now());
        Sequencer b = leaseNode("b", lease);
        a.control().stepDown(OPS, Optional.of("gone"));

        for (int i = 0; i < 4; i++) { // within the 2 s window
            f.advanceMs(400);
            b.doWork(f.now());
        }
        assertThat(b.state()).isEqualTo(SequencerState.FOLLOWER);
        f.advanceMs(400);
        b.doWork(f.now());

        assertThat(b.state()).isEqualTo(SequencerState.LEADER);
    }

    @Test
    void stepDown_namedTarget_isRefusedOutsideLeaseModeOrNamingItself() {
        Sequencer single = f.leader();

        assertThatThrownBy(() -> single.control().stepDown(OPS, Optional.of("b")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("to:").hasMessageContaining("lease mode");
        assertThat(single.state()).isEqualTo(SequencerState.LEADER);

        InMemoryLeaseStore lease = new InMemoryLeaseStore(f.clock::currentTimeMs);
        Sequencer a = leaseNode("a", lease);
        assertThatThrownBy(() -> a.control().stepDown(OPS, Optional.of("a")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("names this node");
    }

    @Test
    void stepDown_withoutTarget_inSingleMode_stopsLeading() {
        Sequencer s = f.leader();

        assertThat(s.control().stepDown(OPS, Optional.empty())).isTrue();
        assertThat(s.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(s.control().stepDown(OPS, Optional.empty())).isFalse();
    }

    @Test
    void controlCalls_requireAnActor() {
        Sequencer s = f.leader();
        assertThatThrownBy(() -> s.control().pausePosting(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("actor");
        assertThat(s.control().postingPaused()).isFalse();
    }

    private Sequencer leaseNode(String id, InMemoryLeaseStore lease) {
        Sequencer node = f.builder(EngineFixture.config().leaderMode(LeaderMode.LEASE).leaderId(id).leaseTtlMs(2_000)
                .leaseRenewMs(400).advertisedUrl("http://" + id + ":8080").build()).leaseStore(lease).build();
        node.start();
        return node;
    }
}
