package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.storage.ForwardingStorage;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.memory.InMemoryStorage.WriteFault;
import org.junit.jupiter.api.Test;

/** Admission around leadership: a new leader rebuilds its pool from storage; a node that stopped leading admits nothing. */
class AdmissionRecoveryTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void start_withMorePendingTxsThanOneRecoveryPage_rebuildsEveryOneOnceInSeqOrder() {
        int pendingTxs = 10_000 + 2_345; // more than the 10,000 txs recovery reads per page
        Sequencer first = f.leader();
        List<Tx> txs = txs(1, 1 + pendingTxs);
        assertThat(first.submitAll(txs)).allMatch(r -> r instanceof SubmitResult.Accepted);
        first.close();
        AtomicInteger pageReads = new AtomicInteger();
        EngineFixture.CountingStorage counting = new EngineFixture.CountingStorage(f.memory) {
            @Override
            public List<StoredTx> readTxs(long fromSeq, int maxCount) {
                pageReads.incrementAndGet();
                return super.readTxs(fromSeq, maxCount);
            }
        };

        Sequencer next = f.builder(EngineFixture.config().term(1).build(), counting, f.l1).build();
        next.start();

        PendingPool pool = next.admission().pool();
        assertThat(pool.pendingCount()).isEqualTo(pendingTxs);
        PendingPool.Candidates view = new PendingPool.Candidates();
        pool.view(Integer.MAX_VALUE, view);
        assertThat(view.size()).isEqualTo(pendingTxs);
        for (int i = 0; i < pendingTxs; i++) {
            if (view.seq(i) != i + 1 || !view.tx(i).equals(txs.get(i))) {
                throw new AssertionError("candidate " + i + " is seq " + view.seq(i) + ", expected " + (i + 1));
            }
        }
        assertThat(view.nextBatchNumber()).isEqualTo(1);
        assertThat(pageReads.get()).as("one read per page, none past the last pending tx").isEqualTo(2);
    }

    /**
     * A store whose sequence state runs ahead of the txs it can read (a damaged or lying store): recovery takes the
     * txs there are and stops at the first empty page, rather than failing on it or reading for ever.
     */
    @Test
    void start_onAStoreWhoseSequenceRunsAheadOfItsTxs_recoversTheTxsThereAre() {
        Sequencer first = f.leader();
        first.submitAll(txs(1, 4));
        first.close();
        AtomicInteger pageReads = new AtomicInteger();
        ForwardingStorage ahead = new ForwardingStorage(f.memory) {
            @Override
            public SequenceState readSequenceState() {
                SequenceState real = super.readSequenceState();
                return new SequenceState(real.nextSeq() + 5, real.nextUnbatchedSeq(), real.nextBatchNumber(),
                        real.headBatchHash());
            }

            @Override
            public List<StoredTx> readTxs(long fromSeq, int maxCount) {
                pageReads.incrementAndGet();
                return super.readTxs(fromSeq, maxCount);
            }
        };

        Sequencer next = f.builder(EngineFixture.config().term(1).build(), ahead, f.l1).build();
        next.start();

        assertThat(next.admission().pool().pendingCount()).isEqualTo(3);
        assertThat(pageReads.get()).as("the page of the 3 txs, then one empty page").isEqualTo(2);
    }

    /**
     * A batch commit that landed in storage but whose answer was lost: the batcher learns of it through a conflict and
     * rebuilds its view, and the rebuild tells the poster to look at storage again, so the batch is posted at the
     * poster's next step rather than at its next periodic refresh (a second later).
     */
    @Test
    void rebuild_afterABatchCommitWhoseAnswerWasLost_hasThePosterPostTheBatchAtItsNextStep() {
        Sequencer sequencer = f.leader();
        DutyLoop batcher = Loops.named(sequencer, Batcher.NAME);
        DutyLoop poster = Loops.named(sequencer, Poster.NAME);
        poster.doWork(f.now()); // its first look at storage: nothing to post
        sequencer.submitAll(txs(1, 4));
        sequencer.flush();
        f.memory.injectWriteFaults(WriteFault.APPLY_THEN_FAIL, 1);

        batcher.doWork(f.now()); // batch 1 lands, the answer is lost
        f.advanceMs(100);
        batcher.doWork(f.now()); // the same cut again: a conflict, the view is stale
        batcher.doWork(f.now()); // rebuilt from storage: nothing pending
        assertThat(f.batchCount()).isEqualTo(1);
        assertThat(f.l1.callCount(Call.SUBMIT)).isZero();

        poster.doWork(f.now());

        assertThat(f.l1.callCount(Call.SUBMIT)).as("batch 1 sent, 100 ms after the poster's last refresh").isEqualTo(1);
        poster.doWork(f.now());
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
    }

    @Test
    void submit_afterTheNodeStoppedLeading_isRefusedNotLeaderEvenForATxTheCacheKnows_andCounted() {
        Sequencer sequencer = f.leader();
        Tx known = EngineFixture.tx(1);
        assertThat(EngineFixture.accepted(sequencer.submit(known)).seq()).isEqualTo(1);
        sequencer.close();

        assertThat(EngineFixture.refusalCode(sequencer.submit(known))).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(EngineFixture.refusalCode(sequencer.submitAsync(known).join())).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(f.metrics.snapshot().rejected()).containsEntry(RefusalCode.NOT_LEADER, 2L);
        assertThat(f.metrics.snapshot().duplicates()).isZero();
    }
}
