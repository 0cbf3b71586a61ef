package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.refusalCode;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.storage.Conflict;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.StorageException;
import org.junit.jupiter.api.Test;

/**
 * What the engine does with each answer a leader write can get (written, fenced, in conflict, failed, or landed
 * but answered otherwise), driven through the public facade and a storage port that answers from a script. A
 * fenced or conflicting write is never taken for a done one.
 */
class WriteOutcomeTest {
    private final EngineFixture f = new EngineFixture();
    private final ScriptedStorage storage = new ScriptedStorage(f.memory);

    private Sequencer start(SequencerConfig config) {
        Sequencer sequencer = f.builder(config, storage, f.l1).build();
        sequencer.start();
        return sequencer;
    }

    /** One tx per batch (cut at once, by count), one post in flight at a time. */
    private static SequencerConfig oneTxPerBatchOnePostAtATime() {
        return EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100)).maxPostsInFlight(1).build();
    }

    static DutyLoop loop(Sequencer sequencer, String name) {
        return sequencer.loops().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no loop " + name));
    }

    private long submits() {
        return f.l1.callCount(Call.SUBMIT);
    }

    // ---- batch commit ---------------------------------------------------------------------------------------------

    @Test
    void commitBatch_fencedOutcome_fencesNodeAndCommitsNothing() {
        Sequencer sequencer = start(EngineFixture.config().build());
        sequencer.submitAll(txs(1, 4));
        storage.nextCommit(new Fenced(2));
        f.advanceMs(200); // past maxWait: the 3 pending txs are cut now

        int cut = loop(sequencer, "batcher").doWork(f.now());

        assertThat(cut).as("a fenced commit is no batch cut").isZero();
        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);
        assertThat(sequencer.stateReason()).contains("term 2").contains("batch commit");
        assertThat(f.batchCount()).isZero();
        assertThat(f.memory.readSequenceState().nextUnbatchedSeq()).isEqualTo(1);
        assertThat(f.metrics.snapshot().batchesCutTotal()).isZero();
        for (int i = 0; i < 3; i++) {
            f.advanceMs(1_000);
            sequencer.doWork(f.now());
        }
        assertThat(f.batchCount()).as("a fenced node cuts nothing later either").isZero();
        assertThat(submits()).as("nor posts anything").isZero();
        assertThat(refusalCode(sequencer.submit(tx(9)))).isEqualTo(RefusalCode.NOT_LEADER);
    }

    @Test
    void commitBatch_conflictOutcome_isReportedAndNothingCountsAsCommitted() {
        Sequencer sequencer = start(EngineFixture.config().build());
        sequencer.submitAll(txs(1, 4));
        storage.nextCommit(new Conflict("head moved"));
        f.advanceMs(200);

        int cut = loop(sequencer, "batcher").doWork(f.now());

        assertThat(cut).isZero();
        assertThat(f.batchCount()).isZero();
        assertThat(f.metrics.snapshot().batchesCutTotal()).isZero();
        assertThat(f.errorsOf("batcher")).singleElement().extracting(Throwable::getMessage).asString()
                .contains("batch 1 not committed").contains("head moved");
        assertThat(sequencer.state()).as("a conflict is no fence").isEqualTo(SequencerState.LEADER);
        assertThat(submits()).as("nothing to post").isZero();

        assertThat(loop(sequencer, "batcher").doWork(f.now())).as("the next step cuts the batch").isEqualTo(1);
        assertThat(f.batch(1).batch().firstSeq()).isEqualTo(1);
        assertThat(f.batch(1).batch().txCount()).isEqualTo(3);
    }

    @Test
    void commitBatch_conflictAfterTheWriteLanded_rebuildsTheViewFromStorageAndCutsNoTxTwice() {
        Sequencer sequencer = start(EngineFixture.config().build());
        sequencer.submitAll(txs(1, 4));
        storage.afterWriting().nextCommit(new Conflict("answer lost"));
        f.advanceMs(200);
        loop(sequencer, "batcher").doWork(f.now());
        assertThat(f.batchCount()).as("the write landed").isEqualTo(1);

        sequencer.submitAll(txs(4, 6));
        f.advanceMs(200);
        sequencer.doWork(f.now());

        assertThat(f.batchCount()).isEqualTo(2);
        assertThat(f.batch(2).batch().firstSeq()).as("batch 2 starts after batch 1's txs").isEqualTo(4);
        assertThat(f.batch(2).batch().txCount()).isEqualTo(2);
        assertThat(f.errorsOf("batcher")).as("only the scripted conflict").hasSize(1);
    }

    // ---- the poster's saves -----------------------------------------------------------------------------------------

    @Test
    void refusedForGood_fencedWriteOfFailed_fencesTheNode() {
        Sequencer sequencer = start(oneTxPerBatchOnePostAtATime());
        sequencer.submitAll(txs(1, 3));
        f.l1.rejectNextSubmits(1, "bad_batch", "refused for good");
        storage.nextL1State(L1Status.FAILED, new Fenced(2));

        sequencer.doWork(f.now()); // cuts 1 and 2, posts 1: L1 refuses it
        sequencer.doWork(f.now()); // the refusal is collected: FAILED is written, storage says term 2

        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);
        assertThat(sequencer.stateReason()).contains("term 2").contains("poster");
        assertThat(storage.l1StateWrites()).extracting(s -> s.status()).containsExactly(L1Status.FAILED);
        assertThat(f.status(1)).as("the fenced write changed nothing").isEqualTo(L1Status.COMMITTED);
        f.advanceMs(5_000);
        sequencer.doWork(f.now());
        assertThat(submits()).as("nothing more posted").isEqualTo(1);
    }

    @Test
    void savePosted_failingAgainOnItsRetry_postsNothingBehindTheUnsavedBatch() {
        Sequencer sequencer = start(oneTxPerBatchOnePostAtATime());
        sequencer.submitAll(txs(1, 3));
        storage.nextL1StateThrows(L1Status.POSTED, new StorageException("disk full"));
        storage.nextL1StateThrows(L1Status.POSTED, new StorageException("disk still full"));

        sequencer.doWork(f.now()); // cuts 1 and 2, posts 1: L1 accepts it
        sequencer.doWork(f.now()); // saving POSTED fails: retried 100 ms later
        f.advanceMs(100);
        sequencer.doWork(f.now()); // the retried save fails too

        assertThat(submits()).as("batch 2 waits for batch 1's state to be saved").isEqualTo(1);
        assertThat(f.status(1)).isEqualTo(L1Status.COMMITTED);
        assertThat(f.errorsOf("poster")).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(StorageException.class));

        f.advanceMs(100);
        sequencer.doWork(f.now());
        sequencer.doWork(f.now());

        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(f.l1.mempool()).extracting(L1Submission::sequence).containsExactly(1L, 2L);
        assertThat(f.l1.applyCount(f.batch(1).batch().idempotencyKey())).isEqualTo(1);
    }

    @Test
    void savePosted_aFailedSaveThatLanded_isNotWrittenAgain() {
        Sequencer sequencer = start(oneTxPerBatchOnePostAtATime());
        sequencer.submitAll(txs(1, 3));
        storage.afterWriting().nextL1StateThrows(L1Status.POSTED, new StorageException("answer lost"));

        sequencer.doWork(f.now());
        sequencer.doWork(f.now()); // POSTED lands, but the store answers with an error
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        f.advanceMs(100);
        sequencer.doWork(f.now());
        sequencer.doWork(f.now());

        assertThat(storage.l1StateWrites()).as("one POSTED write per batch: batch 1's was not repeated")
                .extracting(s -> s.status()).containsExactly(L1Status.POSTED, L1Status.POSTED);
        assertThat(f.l1.mempool()).extracting(L1Submission::sequence).containsExactly(1L, 2L);
        assertThat(f.status(2)).isEqualTo(L1Status.POSTED);
    }

    @Test
    void savePosted_conflictOutcome_isReportedAndTheBatchIsNotPostedAgain() {
        Sequencer sequencer = start(oneTxPerBatchOnePostAtATime());
        sequencer.submitAll(txs(1, 2));
        storage.nextL1State(L1Status.POSTED, new Conflict("no such batch"));

        sequencer.doWork(f.now());
        sequencer.doWork(f.now());
        f.advanceMs(2_000);
        sequencer.doWork(f.now());

        assertThat(f.errorsOf("poster")).anySatisfy(e -> assertThat(e).hasMessageContaining("batch 1 state not saved")
                .hasMessageContaining("no such batch"));
        assertThat(sequencer.state()).isEqualTo(SequencerState.LEADER);
    }

    @Test
    void savePosted_fencedOutcome_fencesTheNodeAndPostsNothingMore() {
        Sequencer sequencer = start(oneTxPerBatchOnePostAtATime());
        sequencer.submitAll(txs(1, 3));
        storage.nextL1State(L1Status.POSTED, new Fenced(5));

        sequencer.doWork(f.now());
        sequencer.doWork(f.now());
        f.advanceMs(2_000);
        sequencer.doWork(f.now());

        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);
        assertThat(sequencer.stateReason()).contains("term 5").contains("poster");
        assertThat(submits()).as("batch 2 never posted by the fenced node").isEqualTo(1);
    }
}
