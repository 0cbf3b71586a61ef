package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import org.junit.jupiter.api.Test;

/** {@code status()} where {@link StatusAndMetricsTest} does not look: storage failing before any status was read. */
class StatusReportTest {
    private final EngineFixture f = new EngineFixture();

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
        assertThat(failing.leader().id()).isEqualTo(known.leader().id());
        assertThat(failing.leader().lastHeartbeatMs()).isEqualTo(known.leader().lastHeartbeatMs());
        assertThat(failing.leader().storedTerm()).isEqualTo(known.leader().storedTerm());
        assertThat(failing.leader().storedLeaderId()).isEqualTo(known.leader().storedLeaderId());
    }
}
