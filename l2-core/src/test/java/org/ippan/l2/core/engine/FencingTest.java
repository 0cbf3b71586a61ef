package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines on one store and one L1: leader A holds term 1, then leader B claims term 2. From then on A's next
 * write of every kind (admission, batch commit, poster state save, reconciler update, heartbeat) is refused by
 * storage and A reports itself {@link SequencerState#FENCED}; A writes and posts nothing more, and B batches
 * everything A had acknowledged. Starting with a lower term, or with the same term under another leader id, is
 * refused.
 */
class FencingTest {
    private CrashWorld world;
    private CrashWorld.Node a;
    private final Map<Hash, Long> acked = new HashMap<>();
    private int nextTx = 1;

    @BeforeEach
    void leaderOneLeadsForAWhile() {
        world = new CrashWorld();
        a = world.start(1, "leader-a");
        for (int i = 0; i < 16; i++) {
            accept(a, world.tx(nextTx++));
        }
        world.settle(a, 100);
        assertThat(world.storage.countBatches().confirmed()).as("term 1 cut, posted and confirmed batches")
                .isEqualTo(2);
    }

    @Test
    void admission_afterHigherTermClaimed_isRefusedAndFencesTheOldLeader() {
        List<Tx> pendingOfA = acceptPending(a, 3);
        CrashWorld.Node b = world.start(2, "leader-b");
        long firstBatchOfB = world.storage.readSequenceState().nextBatchNumber();
        SequenceState before = world.storage.readSequenceState();

        Tx late = world.tx(nextTx++);
        SubmitResult result = a.engine.submit(late);

        assertThat(result).isInstanceOf(SubmitResult.Refused.class);
        assertThat(((SubmitResult.Refused) result).refusal().code()).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(world.storage.findTx(late.hash().toBytes())).as("nothing stored for the refused tx").isEmpty();
        assertThat(world.storage.readSequenceState()).isEqualTo(before);
        assertFencedAtOnceAndInert(a, CrashingStorage.Op.APPEND_TXS, "admission");
        bTakesOver(b, firstBatchOfB, pendingOfA);
    }

    @Test
    void batchCommit_afterHigherTermClaimed_isRefusedAndFencesTheOldLeader() {
        List<Tx> pendingOfA = acceptPending(a, 3);
        CrashWorld.Node b = world.start(2, "leader-b");
        long firstBatchOfB = world.storage.readSequenceState().nextBatchNumber();
        SequenceState before = world.storage.readSequenceState();

        world.clock.advanceMs(300); // past maxWait: term 1's batcher cuts its 3 pending txs now
        Loops.named(a.engine, Batcher.NAME).doWork(world.clock.nanoTime());

        assertThat(world.storage.readSequenceState()).as("term 1 committed nothing").isEqualTo(before);
        assertFencedAtOnceAndInert(a, CrashingStorage.Op.COMMIT_BATCH, "batch commit");
        bTakesOver(b, firstBatchOfB, pendingOfA);
    }

    @Test
    void posterStateSave_ofAnL1AnswerArrivingAfterTheFence_isRefusedAndNothingMoreIsPosted() {
        // three batches; the L1 answers to the first two are held back, the third waits for a posting slot
        List<Tx> pendingOfA = new ArrayList<>();
        a.l1.holdSubmits();
        for (int i = 0; i < 24; i++) {
            pendingOfA.add(accept(a, world.tx(nextTx++)));
        }
        world.step(a, 1);
        assertThat(world.storage.readSequenceState().nextBatchNumber()).isEqualTo(6);
        assertThat(a.l1.heldCount()).as("maxPostsInFlight posts outstanding").isEqualTo(2);
        int submitsOfA = a.l1.submits();
        pendingOfA.addAll(acceptPending(a, 2));

        CrashWorld.Node b = world.node(2, "leader-b");
        b.engine.start();
        long firstBatchOfB = world.storage.readSequenceState().nextBatchNumber();

        assertThat(a.l1.releaseHeld()).isEqualTo(2); // L1 applies batches 3 and 4 and answers term 1 late
        world.clock.advanceMs(1);
        Loops.named(a.engine, Poster.NAME).doWork(world.clock.nanoTime());

        for (long n = 3; n <= 5; n++) {
            assertThat(world.storage.findBatchByNumber(n).orElseThrow().status())
                    .as("term 1 saved no L1 state for batch %d", n).isEqualTo(L1Status.COMMITTED);
        }
        assertThat(a.l1.submits()).as("batch 5 never reached L1 from term 1").isEqualTo(submitsOfA);
        assertFencedAtOnceAndInert(a, CrashingStorage.Op.UPDATE_L1_STATE, "poster");
        bTakesOver(b, firstBatchOfB, pendingOfA);
        for (long n = 3; n <= 5; n++) {
            StoredBatch batch = world.storage.findBatchByNumber(n).orElseThrow();
            assertThat(world.l1.applyCount(batch.batch().idempotencyKey())).as("batch %d applied once", n)
                    .isEqualTo(1);
        }
        assertThat(b.l1.submitted()).as("term 2 re-posts 3 and 4 (already known), then posts 5 and its own 6")
                .extracting(s -> s.sequence()).containsExactly(3L, 4L, 5L, 6L);
    }

    @Test
    void reconcilerUpdate_afterHigherTermClaimed_isRefusedAndFencesTheOldLeader() {
        List<Tx> pendingOfA = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pendingOfA.add(accept(a, world.tx(nextTx++)));
        }
        world.step(a, 1);
        world.step(a, 1);
        assertThat(world.storage.findBatchByNumber(3).orElseThrow().status()).isEqualTo(L1Status.POSTED);
        world.l1.mineBlocks(1 + CrashWorld.FINALITY); // batch 3 is now final on L1: the reconciler would confirm it
        pendingOfA.addAll(acceptPending(a, 2));
        CrashWorld.Node b = world.start(2, "leader-b");
        long firstBatchOfB = world.storage.readSequenceState().nextBatchNumber();

        for (int i = 0; i < 10 && a.engine.state() == SequencerState.LEADER; i++) {
            world.clock.advanceMs(600);
            Loops.named(a.engine, Reconciler.NAME).doWork(world.clock.nanoTime());
        }

        assertThat(world.storage.findBatchByNumber(3).orElseThrow().status()).as("term 1 did not confirm batch 3")
                .isEqualTo(L1Status.POSTED);
        assertFencedAtOnceAndInert(a, CrashingStorage.Op.UPDATE_L1_STATE, "reconciler");
        bTakesOver(b, firstBatchOfB, pendingOfA);
    }

    @Test
    void heartbeat_afterHigherTermClaimed_isRefusedAndFencesTheOldLeader() {
        List<Tx> pendingOfA = acceptPending(a, 3);
        CrashWorld.Node b = world.start(2, "leader-b");
        long firstBatchOfB = world.storage.readSequenceState().nextBatchNumber();
        LeaderRecord claimed = world.storage.readLeader();

        world.clock.advanceMs(1500);
        Loops.named(a.engine, Heartbeat.NAME).doWork(world.clock.nanoTime());

        assertThat(world.storage.readLeader()).as("term 1's heartbeat not recorded").isEqualTo(claimed);
        assertThat(claimed.term()).isEqualTo(2);
        assertThat(claimed.leaderId()).isEqualTo("leader-b");
        assertFencedAtOnceAndInert(a, CrashingStorage.Op.HEARTBEAT, "heartbeat");
        bTakesOver(b, firstBatchOfB, pendingOfA);
    }

    @Test
    void start_withATermLowerThanStorage_isRefused() {
        world.start(2, "leader-b");
        CrashWorld.Node stale = world.node(1, "leader-c");

        assertThatThrownBy(stale.engine::start).isInstanceOf(SequencerStartException.class)
                .hasMessageContaining("storage holds term 2").hasMessageContaining("LEADER_TERM=3");

        assertThat(stale.engine.state()).isEqualTo(SequencerState.NEW);
        assertThat(stale.storage.writeAttempts()).as("only the refused claim").isEqualTo(1);
        assertThat(world.storage.readLeader().term()).isEqualTo(2);
        assertThat(world.storage.readLeader().leaderId()).isEqualTo("leader-b");
        assertThat(stale.engine.submit(world.tx(nextTx++))).isInstanceOf(SubmitResult.Refused.class);
        assertThat(stale.engine.doWork(world.clock.nanoTime())).isZero();
        assertThat(stale.storage.writeAttempts()).isEqualTo(1);
    }

    @Test
    void start_withTheSameTermUnderAnotherLeaderId_isRefused() {
        world.start(2, "leader-b");
        CrashWorld.Node usurper = world.node(2, "leader-c");

        assertThatThrownBy(usurper.engine::start).isInstanceOf(SequencerStartException.class)
                .hasMessageContaining("already held by leader leader-b").hasMessageContaining("LEADER_TERM=3");

        assertThat(usurper.engine.state()).isEqualTo(SequencerState.NEW);
        assertThat(world.storage.readLeader().leaderId()).isEqualTo("leader-b");
    }

    @Test
    void start_ofTheSameLeaderIdWithTheSameTerm_succeedsAndRecovers() {
        CrashWorld.Node b = world.start(2, "leader-b");
        List<Tx> pendingOfB = acceptPending(b, 3);
        b.kill(); // the process dies; the same leader restarts with the same term

        CrashWorld.Node restarted = world.start(2, "leader-b");

        assertThat(restarted.engine.state()).isEqualTo(SequencerState.LEADER);
        assertThat(restarted.engine.admission().pool().pendingCount()).isEqualTo(3);
        world.settle(restarted, 100);
        for (Tx tx : pendingOfB) {
            assertThat(world.storage.findBatchContaining(acked.get(tx.hash()))).isPresent();
        }
        assertThat(world.check(acked, Map.of()).violations()).isEmpty();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private Tx accept(CrashWorld.Node node, Tx tx) {
        SubmitResult result = node.engine.submit(tx);
        assertThat(result).as("submit to %s", node.name).isInstanceOf(SubmitResult.Accepted.class);
        SubmitResult.Accepted accepted = (SubmitResult.Accepted) result;
        assertThat(accepted.duplicate()).isFalse();
        acked.put(accepted.txHash(), accepted.seq());
        return tx;
    }

    /** Accepts {@code count} txs that stay pending (fewer than a batch, no time passes). */
    private List<Tx> acceptPending(CrashWorld.Node node, int count) {
        List<Tx> txs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            txs.add(accept(node, world.tx(nextTx++)));
        }
        assertThat(world.storage.readSequenceState().pendingCount()).isEqualTo(count);
        return txs;
    }

    /**
     * The old leader reports FENCED after exactly one refused write of the expected kind, and from then on
     * writes nothing, posts nothing and refuses every submission, whatever time passes.
     */
    private void assertFencedAtOnceAndInert(CrashWorld.Node old, CrashingStorage.Op refusedWrite, String where) {
        assertThat(old.engine.state()).isEqualTo(SequencerState.FENCED);
        assertThat(old.engine.stateReason()).contains("storage holds term 2").contains("seen by " + where);
        assertThat(old.engine.readiness().ready()).isFalse();
        assertThat(old.storage.fencedAnswers()).as("the first refused write fenced it; it did not try again")
                .containsExactly(refusedWrite);
        assertThat(old.storage.writeAttemptsAfterFence()).as("writes attempted after FENCED").isZero();
        assertThat(old.l1.submitsAfterFence()).as("L1 submits after FENCED").isZero();

        int writes = old.storage.writeAttempts();
        int submits = old.l1.submits();
        SubmitResult refused = old.engine.submit(world.tx(nextTx++));
        assertThat(refused).isInstanceOf(SubmitResult.Refused.class);
        assertThat(((SubmitResult.Refused) refused).refusal().code()).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(old.engine.submitAll(List.of(world.tx(nextTx++), world.tx(nextTx++))))
                .allSatisfy(r -> assertThat(r).isInstanceOf(SubmitResult.Refused.class));
        old.engine.flush();
        for (int i = 0; i < 20; i++) {
            world.l1.mineBlock();
            assertThat(world.step(old, 700)).as("a fenced engine does no work").isZero();
        }
        assertThat(old.storage.writeAttempts()).as("no write attempted by the fenced engine").isEqualTo(writes);
        assertThat(old.l1.submits()).as("no L1 submit by the fenced engine").isEqualTo(submits);
        assertThat(old.storage.fencedAnswers()).containsExactly(refusedWrite);
        assertThat(world.audit.violations()).isEmpty();
    }

    /** The new leader batches everything the old one acknowledged; no batch of term 1 after the claim. */
    private void bTakesOver(CrashWorld.Node b, long firstBatchOfB, List<Tx> pendingOfA) {
        assertThat(b.engine.state()).isEqualTo(SequencerState.LEADER);
        world.settle(b, 200);
        for (Tx tx : pendingOfA) {
            assertThat(world.storage.findBatchContaining(acked.get(tx.hash())))
                    .as("tx acknowledged by term 1 is batched").isPresent();
        }
        for (StoredBatch batch : world.batches()) {
            long expectedTerm = batch.batchNumber() < firstBatchOfB ? 1 : 2;
            assertThat(batch.batch().term()).as("term of batch %d", batch.batchNumber()).isEqualTo(expectedTerm);
        }
        assertThat(world.storage.readSequenceState().nextBatchNumber()).isGreaterThan(firstBatchOfB);
        CrashWorld.Check check = world.check(acked, Map.of());
        assertThat(check.violations()).isEmpty();
        assertThat(check.lost()).isZero();
        assertThat(check.duplicated()).isZero();
    }
}
