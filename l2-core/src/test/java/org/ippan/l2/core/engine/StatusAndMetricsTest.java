package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.refusalCode;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.Arrays;
import java.util.List;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.engine.SequencerMetrics.PostFailure;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.ippan.l2.storage.L1Status;
import org.junit.jupiter.api.Test;

/** {@code status()}, the counters of {@link CountingMetrics} and the readiness reasons after scripted runs. */
class StatusAndMetricsTest {
    private static final String PUBKEY_OF_SEED_42 = "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12";

    private final EngineFixture f = new EngineFixture();

    private static Ed25519Signer signer() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x42);
        return new Ed25519Signer(seed);
    }

    private void post(Sequencer sequencer) {
        Loops.named(sequencer, Poster.NAME).doWork(f.now());
    }

    private void reconcile(Sequencer sequencer) {
        ((Reconciler) Loops.named(sequencer, Reconciler.NAME)).requestRound();
        Loops.named(sequencer, Reconciler.NAME).doWork(f.now());
        Loops.named(sequencer, Reconciler.NAME).doWork(f.now());
    }

    @Test
    void status_andMetrics_afterAScriptedRun() {
        SequencerConfig config = EngineFixture.config().leaderId("seq-A").term(4).admissionCap(500)
                .batchLimits(new BatchLimits(5, 1 << 20, 100)).maxPostsInFlight(1).build();
        Sequencer sequencer = f.builder(config).signer(signer()).build();
        sequencer.start();

        // admission: 12 accepted, 1 duplicate, 3 refused
        sequencer.submitAll(txs(1, 13));
        assertThat(accepted(sequencer.submit(tx(3))).duplicate()).isTrue();
        assertThat(refusalCode(sequencer.submit(new Tx(9, 1, "bob", new byte[1]))))
                .isEqualTo(RefusalCode.CHAIN_ID_MISMATCH);
        assertThat(refusalCode(sequencer.submit(new Tx(1, 1, "", new byte[1])))).isEqualTo(RefusalCode.INVALID_FIELD);
        assertThat(refusalCode(sequencer.submit(new Tx(1, 2, "", new byte[1])))).isEqualTo(RefusalCode.INVALID_FIELD);

        // cutting: batches 1 and 2 by COUNT, 3 by FLUSH, 4 by AGE; 3 txs stay pending
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        sequencer.flush();
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        accepted(sequencer.submit(tx(13)));
        f.advanceMs(100);
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        sequencer.submitAll(txs(14, 17));
        assertThat(f.batchCount()).isEqualTo(4);

        // posting: 1 fails once then goes, 2 goes (and L1 loses it), 3 is refused for good, 4 waits behind it
        f.l1.failNextCalls(Call.SUBMIT, 1, Failure.TRANSIENT);
        f.l1.rejectSequence(3, "bad_batch", "refused");
        post(sequencer);
        post(sequencer);
        f.advanceMs(100);
        post(sequencer); // batch 1 sent again
        post(sequencer); // 1 posted, 2 sent
        post(sequencer); // 2 posted, 3 sent
        post(sequencer); // 3 refused: posting halted
        assertThat(f.status(3)).isEqualTo(L1Status.FAILED);
        f.l1.lose(f.batch(2).batch().idempotencyKey());
        f.l1.mineBlocks(3);
        reconcile(sequencer); // 1 confirmed; 2 unknown to L1, still posted

        f.advanceMs(250);
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());
        long heartbeatMs = f.nowMs();
        f.advanceMs(300); // no heartbeat due yet
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());

        SequencerStatus status = sequencer.status();
        assertThat(status.state()).isEqualTo(SequencerState.LEADER);
        assertThat(status.leader()).isEqualTo(new SequencerStatus.Leader("single", true, "seq-A", PUBKEY_OF_SEED_42,
                4, heartbeatMs, 4, "seq-A", false, null));
        assertThat(status.pool()).isEqualTo(new SequencerStatus.Pool(3, 500));
        assertThat(status.batches()).isEqualTo(new SequencerStatus.Batches(2, 1, 1, 1, 4,
                Hex.encode(f.batch(4).batchHash())));
        assertThat(status.l1().height()).isEqualTo(3);
        assertThat(status.l1().lastError()).contains("bad_batch");
        assertThat(status.readiness().ready()).isFalse();
        assertThat(status.readiness().reasons()).singleElement().asString().startsWith("posting halted: ");

        CountingMetrics.Snapshot metrics = f.metrics.snapshot();
        assertThat(metrics.accepted()).isEqualTo(16);
        assertThat(metrics.duplicates()).isEqualTo(1);
        assertThat(metrics.rejected()).containsEntry(RefusalCode.CHAIN_ID_MISMATCH, 1L)
                .containsEntry(RefusalCode.INVALID_FIELD, 2L).containsEntry(RefusalCode.QUEUE_FULL, 0L);
        assertThat(metrics.rejectedTotal()).isEqualTo(3);
        assertThat(metrics.batchesCut()).containsEntry(CutReason.COUNT, 2L).containsEntry(CutReason.FLUSH, 1L)
                .containsEntry(CutReason.AGE, 1L).containsEntry(CutReason.BYTES, 0L);
        assertThat(metrics.txsCut()).isEqualTo(13);
        assertThat(metrics.postsSucceeded()).isEqualTo(2);
        assertThat(metrics.postFailures()).containsEntry(PostFailure.TRANSIENT, 1L)
                .containsEntry(PostFailure.PERMANENT, 1L).containsEntry(PostFailure.UNKNOWN_RESULT, 0L);
        assertThat(metrics.postFailuresTotal()).isEqualTo(2);
        assertThat(metrics.confirmed()).isEqualTo(1);
        assertThat(metrics.reposted()).isZero();
        assertThat(metrics.stateChanges()).isEqualTo(1);
    }

    @Test
    void status_leaderPubkey_isTheLeaderIdWithoutAKey() {
        Sequencer sequencer = f.start(EngineFixture.config().leaderId("seq-B").build());

        SequencerStatus.Leader leader = sequencer.status().leader();

        assertThat(leader.leaderPubkey()).isEqualTo("seq-B");
        assertThat(leader.id()).isEqualTo("seq-B");
        assertThat(leader.termId()).isZero();
        assertThat(leader.lastHeartbeatMs()).as("the claim records the first heartbeat").isEqualTo(f.nowMs());
        assertThat(sequencer.status().batches()).isEqualTo(new SequencerStatus.Batches(0, 0, 0, 0, 0, null));
        assertThat(sequencer.status().pool()).isEqualTo(new SequencerStatus.Pool(0, 100_000));
    }

    @Test
    void status_whenStorageReadsFail_showsTheLastKnownValues_andStorageFailing() {
        Sequencer sequencer = f.leader();
        sequencer.submitAll(txs(1, 4));
        SequencerStatus known = sequencer.status();
        f.storage.failNextReads(1);

        SequencerStatus failing = sequencer.status();

        assertThat(failing.pool()).isEqualTo(known.pool());
        assertThat(failing.batches()).isEqualTo(known.batches());
        assertThat(failing.leader()).isEqualTo(known.leader());
        assertThat(failing.readiness().reasons()).containsExactly("storage reads failing: injected read failure");
        assertThat(sequencer.status().readiness().ready()).as("the next read works").isTrue();
    }

    @Test
    void readiness_namesEachFailingCondition_andRecovers() {
        Sequencer sequencer = f.builder(EngineFixture.config().l1FailureThreshold(2)
                .batchLimits(new BatchLimits(1, 1 << 20, 100)).build()).build();
        assertThat(sequencer.readiness()).isEqualTo(Readiness.of(List.of("not started")));
        sequencer.start();
        sequencer.doWork(f.now());
        sequencer.doWork(f.now()); // the first reconciler round is applied: none is left open
        assertReady(sequencer);

        // storage failing, seen by the heartbeat
        f.advanceMs(1_000);
        f.memory.failNextWrites(1);
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());
        assertThat(sequencer.readiness().reasons()).containsExactly(
                "storage failing: injected write failure (nothing applied)",
                "loop heartbeat failing: injected write failure (nothing applied)");
        f.advanceMs(1_000);
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());
        assertReady(sequencer);

        // L1 failing past the threshold, seen by the reconciler
        f.l1.failNextCalls(Call.CHAIN_STATUS, 2, Failure.TRANSIENT);
        reconcile(sequencer);
        assertReady(sequencer);
        reconcile(sequencer);
        assertThat(sequencer.readiness().reasons()).singleElement().asString()
                .startsWith("L1 failing: 2 consecutive failures, last: chain status: ");
        reconcile(sequencer);
        assertReady(sequencer);

        // posting halted
        accepted(sequencer.submit(tx(1)));
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        f.l1.rejectNextSubmits(1, "bad_batch", "refused");
        post(sequencer);
        post(sequencer);
        assertThat(sequencer.readiness().reasons()).singleElement().asString()
                .isEqualTo("posting halted: L1 refused batch 1: bad_batch: refused");
        sequencer.resumePosting();
        post(sequencer);
        post(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertReady(sequencer);

        // fenced: for good
        f.memory.claimTerm(1, "usurper", f.nowMs());
        f.advanceMs(1_000);
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());
        assertThat(sequencer.readiness().reasons()).singleElement().asString().startsWith("fenced: ");

        sequencer.close();
        assertThat(sequencer.readiness().reasons()).containsExactly("closed");
    }

    private static void assertReady(Sequencer sequencer) {
        assertThat(sequencer.readiness().reasons()).isEmpty();
        assertThat(sequencer.readiness().ready()).isTrue();
    }
}
