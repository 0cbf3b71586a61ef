package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.engine.CrashingStorage.Op;
import org.ippan.l2.core.engine.CrashingStorage.When;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.memory.InMemoryStorage.WriteFault;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The crash points of engineering guide §4.7, one test each, with the expected recovery. A crash drops the engine
 * object (never closed) and builds a new one on the same store and the same L1, which must rebuild everything from
 * storage alone. Every test ends by letting the new engine settle with no faults and checking the invariants:
 * every acknowledged tx in exactly one batch, batches contiguous and hash-chained, every key applied once on L1.
 */
class CrashPointTest {
    private static final String LEADER = "leader-a";

    private CrashWorld world;
    private CrashWorld.Node node;
    private final Map<Hash, Long> acked = new HashMap<>();
    private final Map<String, Integer> losses = new HashMap<>();
    private int nextTx = 1;

    @BeforeEach
    void leaderWithOneConfirmedBatch() {
        world = new CrashWorld();
        node = world.start(1, LEADER);
        for (int i = 0; i < 8; i++) {
            accept(world.tx(nextTx++));
        }
        world.settle(node, 100);
        assertThat(world.storage.countBatches().confirmed()).isEqualTo(1);
    }

    // ---- after accept, before durable -------------------------------------------------------------------------

    @Test
    void afterAcceptBeforeDurable_storageWriteFails_clientGetsUnavailableNothingStoredResubmissionAcceptedOnce() {
        Tx tx = world.tx(nextTx++);
        long nextSeq = world.storage.readSequenceState().nextSeq();
        world.storage.injectWriteFaults(WriteFault.FAIL, 1);

        assertRefused(node.engine.submit(tx), RefusalCode.UNAVAILABLE);
        assertThat(world.storage.findTx(tx.hash().toBytes())).isEmpty();
        assertThat(world.storage.readSequenceState().nextSeq()).isEqualTo(nextSeq);

        SubmitResult.Accepted first = accept(tx);
        assertThat(first.duplicate()).isFalse();
        assertThat(first.seq()).isEqualTo(nextSeq);
        assertDuplicateOf(node.engine.submit(tx), first.seq());
        finish();
    }

    @Test
    void afterAcceptBeforeDurable_processDies_txNotStoredAndResubmissionAfterRestartAcceptedOnce() {
        Tx tx = world.tx(nextTx++);
        long nextSeq = world.storage.readSequenceState().nextSeq();
        node.storage.crashAt(When.BEFORE, "append-before", call -> call.op() == Op.APPEND_TXS);

        assertThatThrownBy(() -> node.engine.submit(tx)).isInstanceOf(SimulatedCrash.class);
        assertThat(world.storage.findTx(tx.hash().toBytes())).isEmpty();

        restart();
        SubmitResult.Accepted first = accept(tx);
        assertThat(first.duplicate()).isFalse();
        assertThat(first.seq()).isEqualTo(nextSeq);
        assertDuplicateOf(node.engine.submit(tx), first.seq());
        finish();
    }

    // ---- after durable, before ack ----------------------------------------------------------------------------

    @Test
    void afterDurableBeforeAck_acknowledgementLost_txIsStoredBatchedOnceAndResubmissionIsDuplicateWithSameSeq() {
        accept(world.tx(nextTx++));
        Tx tx = world.tx(nextTx++);
        world.storage.injectWriteFaults(WriteFault.APPLY_THEN_FAIL, 1);

        assertRefused(node.engine.submit(tx), RefusalCode.UNAVAILABLE);
        long storedSeq = world.storage.findTx(tx.hash().toBytes()).orElseThrow().seq();

        SubmitResult again = node.engine.submit(tx);
        assertDuplicateOf(again, storedSeq);
        acked.put(tx.hash(), storedSeq);
        accept(world.tx(nextTx++)); // admission goes on after the lost acknowledgement
        finish();
        assertThat(world.storage.findBatchContaining(storedSeq)).isPresent();
    }

    @Test
    void afterDurableBeforeAck_processDies_restartBatchesTheTxOnceAndResubmissionIsDuplicateWithSameSeq() {
        Tx tx = world.tx(nextTx++);
        node.storage.crashAt(When.AFTER, "append-after", call -> call.op() == Op.APPEND_TXS);

        assertThatThrownBy(() -> node.engine.submit(tx)).isInstanceOf(SimulatedCrash.class);
        long storedSeq = world.storage.findTx(tx.hash().toBytes()).orElseThrow().seq();

        restart();
        assertThat(node.engine.admission().pool().pendingCount()).as("recovered from storage alone").isEqualTo(1);
        assertDuplicateOf(node.engine.submit(tx), storedSeq);
        acked.put(tx.hash(), storedSeq);
        finish();
    }

    // ---- during batch commit ----------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(WriteFault.class)
    void duringBatchCommit_commitFailsThenProcessDies_restartPutsTheSameTxsIntoBatchN(WriteFault fault) {
        List<Tx> txs = acceptSome(5);
        long n = world.storage.readSequenceState().nextBatchNumber();
        long firstSeq = world.storage.readSequenceState().nextUnbatchedSeq();
        world.storage.injectWriteFaults(fault, 1);

        world.step(node, 300); // past maxWait: the batcher cuts, the commit fails
        if (fault != WriteFault.APPLY_THEN_FAIL) {
            assertThat(world.storage.readSequenceState().nextBatchNumber()).as("nothing committed").isEqualTo(n);
            assertThat(world.storage.readSequenceState().pendingCount()).isEqualTo(5);
            assertThat(node.engine.readiness().ready()).isFalse();
        }
        node.storage.crashAt(When.BEFORE, "commit-before", call -> call.op() == Op.COMMIT_BATCH);
        for (int i = 0; i < 10 && !node.dead(); i++) {
            stepExpectingCrash(200);
        }
        if (fault != WriteFault.APPLY_THEN_FAIL) {
            assertThat(node.dead()).as("died in the retried commit").isTrue();
            assertThat(world.storage.readSequenceState().nextBatchNumber()).isEqualTo(n);
        }

        restart();
        finish();
        NewBatch batch = world.storage.findBatchByNumber(n).orElseThrow().batch();
        assertThat(batch.firstSeq()).isEqualTo(firstSeq);
        assertThat(batch.txCount()).isEqualTo(txs.size());
        for (int i = 0; i < txs.size(); i++) {
            assertThat(world.storage.readTxs(firstSeq + i, 1).get(0).txHash()).isEqualTo(txs.get(i).hash().toBytes());
        }
    }

    // ---- after batch commit, before post ----------------------------------------------------------------------

    @Test
    void afterBatchCommitBeforePost_processDies_restartPostsBatchNFromStorageWithTheSameKey() {
        acceptSome(5);
        long n = world.storage.readSequenceState().nextBatchNumber();
        node.storage.crashAt(When.AFTER, "commit-after", call -> call.op() == Op.COMMIT_BATCH);

        stepExpectingCrash(300);
        assertThat(node.dead()).isTrue();
        StoredBatch committed = world.storage.findBatchByNumber(n).orElseThrow();
        assertThat(committed.status()).isEqualTo(L1Status.COMMITTED);
        assertThat(node.l1.submitted()).extracting(L1Submission::sequence).doesNotContain(n);
        byte[] key = committed.batch().idempotencyKey();
        assertThat(world.l1.applyCount(key)).isZero();

        restart();
        world.step(node, 1);
        world.step(node, 1);
        assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).isEqualTo(L1Status.POSTED);
        List<L1Submission> posted = submissionsOf(node, n);
        assertThat(posted).hasSize(1);
        assertThat(posted.get(0).idempotencyKey()).isEqualTo(key);
        assertThat(posted.get(0).body()).as("the exact request fixed at commit")
                .isEqualTo(committed.batch().l1Envelope());
        finish();
        assertThat(world.l1.applyCount(key)).isEqualTo(1);
    }

    // ---- after post sent, before response ---------------------------------------------------------------------

    @Test
    void afterPostSentBeforeResponse_timeoutThenProcessDies_restartResubmitsL1AnswersAlreadyKnownAppliedOnce() {
        acceptSome(5);
        long n = world.storage.readSequenceState().nextBatchNumber();
        world.l1.timeOutNextSubmitsAfterApplying(1);
        world.step(node, 300); // cut, commit, post: L1 applies it, the answer times out
        world.step(node, 1); // the poster sees the unknown result
        byte[] key = world.storage.findBatchByNumber(n).orElseThrow().batch().idempotencyKey();
        assertThat(world.l1.applyCount(key)).isEqualTo(1);
        assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).isEqualTo(L1Status.COMMITTED);
        node.kill();

        restart();
        world.step(node, 1);
        world.step(node, 1);
        assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).isEqualTo(L1Status.POSTED);
        assertThat(submissionsOf(node, n)).hasSize(1);
        finish();
        assertThat(world.l1.applyCount(key)).isEqualTo(1);
    }

    @Test
    void afterPostSentBeforeResponse_timeout_theSameEngineAsksL1BeforePostingAgain() {
        acceptSome(5);
        long n = world.storage.readSequenceState().nextBatchNumber();
        world.l1.timeOutNextSubmitsAfterApplying(1);
        world.step(node, 300);
        world.step(node, 1);
        int queries = node.l1.inclusionQueries();
        world.l1.mineBlock(); // L1 included it meanwhile

        for (int i = 0; i < 20 && world.storage.findBatchByNumber(n).orElseThrow().status() == L1Status.COMMITTED;
                i++) {
            world.step(node, 50);
        }
        assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).isNotEqualTo(L1Status.COMMITTED);
        assertThat(node.l1.inclusionQueries()).as("asked L1 by key").isGreaterThan(queries);
        assertThat(submissionsOf(node, n)).as("found by the question: not posted again").hasSize(1);
        finish();
        assertThat(world.l1.applyCount(world.storage.findBatchByNumber(n).orElseThrow().batch().idempotencyKey()))
                .isEqualTo(1);
    }

    @Test
    void afterPostSentBeforeResponse_processDiesWithTheRequestSent_restartResubmitsAppliedOnce() {
        acceptSome(5);
        long n = world.storage.readSequenceState().nextBatchNumber();
        node.l1.crashAtSubmit(When.AFTER, "submit-after");

        stepExpectingCrash(300);
        assertThat(node.dead()).isTrue();
        byte[] key = world.storage.findBatchByNumber(n).orElseThrow().batch().idempotencyKey();
        assertThat(world.l1.applyCount(key)).isEqualTo(1);

        restart();
        finish();
        assertThat(submissionsOf(node, n)).hasSize(1);
        assertThat(world.l1.applyCount(key)).isEqualTo(1);
    }

    // ---- after L1 accepted, before state saved ----------------------------------------------------------------

    @Test
    void afterL1AcceptedBeforeStateSaved_processDies_restartRepostsTheSameKeyAlreadyKnownAndSavesPosted() {
        acceptSome(5);
        long n = world.storage.readSequenceState().nextBatchNumber();
        node.storage.crashAt(When.BEFORE, "posted-before", call -> call.op() == Op.UPDATE_L1_STATE
                && call.status() == L1Status.POSTED && call.batchNumber() == n);

        stepExpectingCrash(300);
        stepExpectingCrash(1);
        assertThat(node.dead()).isTrue();
        StoredBatch batch = world.storage.findBatchByNumber(n).orElseThrow();
        assertThat(batch.status()).isEqualTo(L1Status.COMMITTED);
        byte[] key = batch.batch().idempotencyKey();
        assertThat(world.l1.applyCount(key)).as("L1 applied it before the crash").isEqualTo(1);

        restart();
        world.step(node, 1);
        world.step(node, 1);
        assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).isEqualTo(L1Status.POSTED);
        List<L1Submission> reposted = submissionsOf(node, n);
        assertThat(reposted).hasSize(1);
        assertThat(reposted.get(0).idempotencyKey()).isEqualTo(key);
        finish();
        assertThat(world.l1.applyCount(key)).isEqualTo(1);
    }

    @Test
    void afterL1AcceptedStateSaveLandsButItsAcknowledgementIsLost_theRetryNeverOverwritesTheReconcilersState() {
        acceptSome(5);
        long n = world.storage.readSequenceState().nextBatchNumber();
        world.step(node, 300); // cut, commit, post
        world.storage.injectWriteFaults(WriteFault.APPLY_THEN_FAIL, 1);
        world.step(node, 1); // the POSTED save lands, the poster sees a failure and will save again
        assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).isEqualTo(L1Status.POSTED);
        world.l1.mineBlocks(1 + CrashWorld.FINALITY);
        for (int i = 0; i < 10 && world.storage.findBatchByNumber(n).orElseThrow().status() != L1Status.CONFIRMED;
                i++) {
            world.clock.advanceMs(600);
            Loops.named(node.engine, Reconciler.NAME).doWork(world.clock.nanoTime());
        }
        assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).isEqualTo(L1Status.CONFIRMED);

        world.step(node, 200); // the poster's retry is due

        assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).as("a confirmed batch stays confirmed")
                .isEqualTo(L1Status.CONFIRMED);
        assertThat(world.audit.violations()).isEmpty();
        finish();
        assertThat(world.l1.applyCount(world.storage.findBatchByNumber(n).orElseThrow().batch().idempotencyKey()))
                .isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = WriteFault.class, names = {"FAIL", "APPLY_THEN_FAIL"})
    void afterL1RefusedBeforeTheRefusalIsSaved_postingHaltsAndTheBatchIsNotPostedAgainUntilResumed(WriteFault fault) {
        acceptSome(5);
        long n = world.storage.readSequenceState().nextBatchNumber();
        world.l1.rejectNextSubmits(1, "E_REFUSED", "refused once");
        world.step(node, 300); // cut, commit, post: L1 refuses the batch for good
        world.storage.injectWriteFaults(fault, 1);
        world.step(node, 1); // saving FAILED fails (it may have landed)
        int posts = submissionsOf(node, n).size();

        for (int i = 0; i < 10; i++) {
            world.step(node, 1);
        }
        for (int i = 0; i < 10; i++) {
            world.step(node, 300);
        }

        assertThat(submissionsOf(node, n)).as("not posted again without resumePosting").hasSize(posts);
        assertThat(world.storage.findBatchByNumber(n).orElseThrow().status())
                .isEqualTo(fault == WriteFault.FAIL ? L1Status.COMMITTED : L1Status.FAILED);
        assertThat(node.engine.readiness().reasons()).anySatisfy(r -> assertThat(r).contains("posting halted"));
        assertThat(world.audit.violations()).isEmpty();
        assertThat(node.engine.resumePosting()).isTrue();
        finish();
    }

    @Test
    void afterL1CallFailsPermanently_resumedPostingPostsTheBatchAndKeepsPosting() {
        for (int round = 1; round <= 2; round++) { // two rounds: maxPostsInFlight is 2
            acceptSome(5);
            long n = world.storage.readSequenceState().nextBatchNumber();
            world.l1.failNextCalls(SimulatedL1.Call.SUBMIT, 1, SimulatedL1.Failure.PERMANENT);
            world.step(node, 300); // cut, commit, post: the call fails permanently
            world.step(node, 1);
            assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).isEqualTo(L1Status.FAILED);
            assertThat(node.engine.readiness().reasons()).anySatisfy(r -> assertThat(r).contains("posting halted"));

            assertThat(node.engine.resumePosting()).isTrue();
            world.step(node, 1); // back to COMMITTED, posted again
            world.step(node, 1); // its answer is collected and saved

            assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).as("round %d", round)
                    .isEqualTo(L1Status.POSTED);
        }
        finish();
    }

    // ---- during reconcile -------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(When.class)
    void duringReconcile_processDiesBetweenUpdates_restartFinishesConfirmingInOrder(When when) {
        long first = world.storage.readSequenceState().nextBatchNumber();
        acceptSome(24); // three full batches
        for (int i = 0; i < 4; i++) {
            world.step(node, 1); // cut, post (two in flight at most), save
        }
        for (long n = first; n < first + 3; n++) {
            assertThat(world.storage.findBatchByNumber(n).orElseThrow().status()).isEqualTo(L1Status.POSTED);
        }
        world.l1.mineBlocks(1 + CrashWorld.FINALITY);
        long second = first + 1;
        node.storage.crashAt(when, "reconcile-" + when, call -> call.op() == Op.UPDATE_L1_STATE
                && call.status() == L1Status.CONFIRMED && call.batchNumber() == second);

        for (int i = 0; i < 20 && !node.dead(); i++) {
            stepExpectingCrash(300);
        }
        assertThat(node.dead()).isTrue();
        assertThat(world.storage.findBatchByNumber(first).orElseThrow().status()).isEqualTo(L1Status.CONFIRMED);
        assertThat(world.storage.findBatchByNumber(second).orElseThrow().status())
                .isEqualTo(when == When.AFTER ? L1Status.CONFIRMED : L1Status.POSTED);
        assertThat(world.storage.findBatchByNumber(first + 2).orElseThrow().status()).isEqualTo(L1Status.POSTED);

        restart();
        finish(); // the audit fails the test if any batch was confirmed before one below it
    }

    // ---- during term change -----------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(When.class)
    void duringTermChange_newLeaderDiesAroundItsClaim_aHigherTermRecoversAndTheOldTermCannotWrite(When when) {
        List<Tx> pending = acceptSome(3);
        CrashWorld.Node b = world.node(2, "leader-b");
        b.storage.crashAt(when, "claim-" + when, call -> call.op() == Op.CLAIM_TERM);

        assertThatThrownBy(b.engine::start).isInstanceOf(SimulatedCrash.class);
        assertThat(world.storage.readLeader().term()).isEqualTo(when == When.AFTER ? 2 : 1);

        CrashWorld.Node c = world.start(3, "leader-c");
        SubmitResult late = node.engine.submit(world.tx(nextTx++));
        assertRefused(late, RefusalCode.NOT_LEADER);
        assertThat(node.engine.state()).isEqualTo(SequencerState.FENCED);
        world.step(node, 2000);
        assertThat(node.storage.fencedAnswers()).containsExactly(Op.APPEND_TXS);

        node = c;
        finish();
        for (Tx tx : pending) {
            assertThat(world.storage.findBatchContaining(acked.get(tx.hash())).orElseThrow().batch().term())
                    .isEqualTo(3);
        }
    }

    @Test
    void duringTermChange_claimAppliedButAcknowledgementLost_theSameLeaderRestartsWithItsTerm() {
        List<Tx> pending = acceptSome(3);
        CrashWorld.Node b = world.node(2, "leader-b");
        world.storage.injectWriteFaults(WriteFault.APPLY_THEN_FAIL, 1);

        assertThatThrownBy(b.engine::start).isInstanceOf(SequencerStartException.class);
        assertThat(b.engine.state()).isEqualTo(SequencerState.NEW);
        assertThat(world.storage.readLeader().term()).isEqualTo(2);
        world.step(node, 2000); // the old leader's heartbeat meets term 2
        assertThat(node.engine.state()).isEqualTo(SequencerState.FENCED);
        assertRefused(node.engine.submit(world.tx(nextTx++)), RefusalCode.NOT_LEADER);

        b.engine.start(); // retried: re-claiming its own term succeeds
        assertThat(b.engine.state()).isEqualTo(SequencerState.LEADER);
        node = b;
        finish();
        for (Tx tx : pending) {
            assertThat(world.storage.findBatchContaining(acked.get(tx.hash()))).isPresent();
        }
    }

    @Test
    void duringTermChange_claimFails_nothingChangesAndTheStartCanBeRetried() {
        acceptSome(3);
        CrashWorld.Node b = world.node(2, "leader-b");
        world.storage.injectWriteFaults(WriteFault.FAIL, 1);

        assertThatThrownBy(b.engine::start).isInstanceOf(SequencerStartException.class);
        assertThat(world.storage.readLeader().term()).isEqualTo(1);
        accept(world.tx(nextTx++)); // the old leader still leads

        b.engine.start();
        node = b;
        finish();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private SubmitResult.Accepted accept(Tx tx) {
        SubmitResult result = node.engine.submit(tx);
        assertThat(result).as("submit to %s", node.name).isInstanceOf(SubmitResult.Accepted.class);
        SubmitResult.Accepted accepted = (SubmitResult.Accepted) result;
        Long known = acked.putIfAbsent(accepted.txHash(), accepted.seq());
        assertThat(known == null ? accepted.seq() : known).isEqualTo(accepted.seq());
        return accepted;
    }

    private List<Tx> acceptSome(int count) {
        List<Tx> txs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Tx tx = world.tx(nextTx++);
            assertThat(accept(tx).duplicate()).isFalse();
            txs.add(tx);
        }
        return txs;
    }

    private static void assertRefused(SubmitResult result, RefusalCode code) {
        assertThat(result).isInstanceOf(SubmitResult.Refused.class);
        assertThat(((SubmitResult.Refused) result).refusal().code()).isEqualTo(code);
    }

    private static void assertDuplicateOf(SubmitResult result, long seq) {
        assertThat(result).isInstanceOf(SubmitResult.Accepted.class);
        assertThat(((SubmitResult.Accepted) result).duplicate()).isTrue();
        assertThat(((SubmitResult.Accepted) result).seq()).isEqualTo(seq);
    }

    /** Steps the node; a simulated crash leaves it dead. */
    private void stepExpectingCrash(long advanceMs) {
        try {
            world.step(node, advanceMs);
        } catch (SimulatedCrash expected) {
            assertThat(node.dead()).isTrue();
        }
    }

    /** Drops the engine object (never closed) and starts a new one with the same identity on the same world. */
    private void restart() {
        node.kill();
        node = world.start(node.term, node.engine.config().leaderId());
        assertThat(node.engine.state()).isEqualTo(SequencerState.LEADER);
    }

    private static List<L1Submission> submissionsOf(CrashWorld.Node node, long batchNumber) {
        return node.l1.submitted().stream().filter(s -> s.sequence() == batchNumber).toList();
    }

    private void finish() {
        world.settle(node, 300);
        CrashWorld.Check check = world.check(acked, losses);
        assertThat(check.violations()).isEmpty();
        assertThat(check.lost()).isZero();
        assertThat(check.duplicated()).isZero();
        assertThat(node.engine.readiness().ready()).as("%s", node.engine.readiness()).isTrue();
    }
}
