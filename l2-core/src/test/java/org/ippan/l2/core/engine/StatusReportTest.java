package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.storage.L1Status;
import org.junit.jupiter.api.Test;

/**
 * {@code status()} where {@link StatusAndMetricsTest} does not look: storage failing before or after a status was
 * read, and batches L1 included but not yet confirmed.
 */
class StatusReportTest {
    private final EngineFixture f = new EngineFixture();

    private void cutAndPost(Sequencer sequencer) {
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        Loops.named(sequencer, Poster.NAME).doWork(f.now()); // sends; the simulated L1 answers at once
        Loops.named(sequencer, Poster.NAME).doWork(f.now()); // saves the answer: posted
    }

    @Test
    void status_countsBatchesIncludedOnL1WithThePostedOnes() {
        Sequencer sequencer = f.leader();
        sequencer.submitAll(txs(1, 11)); // a full batch
        cutAndPost(sequencer);
        f.l1.mineBlock(); // batch 1 in a block, one confirmation short of final
        Reconciler reconciler = (Reconciler) Loops.named(sequencer, Reconciler.NAME);
        reconciler.requestRound();
        reconciler.doWork(f.now());
        reconciler.doWork(f.now());
        sequencer.submitAll(txs(11, 21));
        cutAndPost(sequencer);
        assertThat(f.status(1)).isEqualTo(L1Status.INCLUDED);
        assertThat(f.status(2)).isEqualTo(L1Status.POSTED);

        SequencerStatus.Batches batches = sequencer.status().batches();

        assertThat(batches).isEqualTo(new SequencerStatus.Batches(0, 2, 0, 0, 2, Hex.encode(f.batch(2).batchHash())));
    }

    @Test
    void status_storageFailsBeforeAnyStatusWasRead_showsTheNodesOwnFactsAndZeros() {
        Sequencer sequencer = f.start(EngineFixture.config().leaderId("seq-C").term(3).admissionCap(77).build());
        sequencer.submitAll(txs(1, 4));
        f.storage.failNextReads(1);

        SequencerStatus status = sequencer.status();

        assertThat(status.state()).isEqualTo(SequencerState.LEADER);
        assertThat(status.leader()).isEqualTo(new SequencerStatus.Leader("single", true, "seq-C", "seq-C", 3, 0, 0,
                null, false, null));
        assertThat(status.pool()).isEqualTo(new SequencerStatus.Pool(0, 77));
        assertThat(status.batches()).isEqualTo(new SequencerStatus.Batches(0, 0, 0, 0, 0, null));
        assertThat(status.readiness().reasons()).containsExactly("storage reads failing: injected read failure");
    }

    @Test
    void status_storageFailsAfterTheNodeStoppedLeading_keepsTheLastValuesButNotTheirLeading() {
        Sequencer sequencer = f.leader();
        SequencerStatus known = sequencer.status();
        assertThat(known.leader().isLeader()).isTrue();
        sequencer.close();
        f.storage.failNextReads(1);

        SequencerStatus failing = sequencer.status();

        assertThat(failing.state()).isEqualTo(SequencerState.CLOSED);
        assertThat(failing.leader().isLeader()).isFalse();
        assertThat(failing.leader().canShutdown()).as("no longer leading: safe to shut down").isTrue();
        assertThat(known.leader().canShutdown()).isFalse();
        assertThat(failing.leader().id()).isEqualTo(known.leader().id());
        assertThat(failing.leader().lastHeartbeatMs()).isEqualTo(known.leader().lastHeartbeatMs());
        assertThat(failing.leader().storedTerm()).isEqualTo(known.leader().storedTerm());
        assertThat(failing.leader().storedLeaderId()).isEqualTo(known.leader().storedLeaderId());
    }

    @Test
    void status_storageFailsAfterAStatusWasRead_showsTheLastPoolAndBatches() {
        Sequencer sequencer = f.leader();
        sequencer.submitAll(txs(1, 14)); // a batch of 10, then 3 pending
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        SequencerStatus known = sequencer.status();
        assertThat(known.batches().lastBatchNumber()).isEqualTo(1);
        assertThat(known.pool().pending()).isEqualTo(3);
        f.storage.failNextReads(1);

        SequencerStatus failing = sequencer.status();

        assertThat(failing.readiness().reasons()).containsExactly("storage reads failing: injected read failure");
        assertThat(failing.pool()).isEqualTo(known.pool());
        assertThat(failing.batches()).isEqualTo(known.batches());
    }
}
