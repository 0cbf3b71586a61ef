package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.List;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.wire.Tx;
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

        Sequencer next = f.start(EngineFixture.config().term(1).build());

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
