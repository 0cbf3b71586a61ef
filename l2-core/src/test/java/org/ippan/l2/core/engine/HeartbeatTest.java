package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.ippan.l2.core.engine.EngineFixture.Op;
import org.junit.jupiter.api.Test;

/** The heartbeat loop's steps as a host sees them: a beat is work done, a step before the next beat is due is not. */
class HeartbeatTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void step_thatBeats_recordsTheWallClockAndReportsWork_untilTheNextBeatIsDue() {
        Sequencer sequencer = f.leader(); // a beat every second
        DutyLoop heartbeat = Loops.named(sequencer, Heartbeat.NAME);

        assertThat(heartbeat.doWork(f.now())).isEqualTo(1);
        assertThat(f.memory.readLeader().lastHeartbeatMs()).isEqualTo(f.nowMs());
        long firstBeatMs = f.nowMs();

        f.advanceMs(999);
        assertThat(heartbeat.doWork(f.now())).as("not due").isZero();
        assertThat(f.storage.count(Op.HEARTBEAT)).isEqualTo(1);
        assertThat(f.memory.readLeader().lastHeartbeatMs()).isEqualTo(firstBeatMs);

        f.advanceMs(1);
        assertThat(heartbeat.doWork(f.now())).isEqualTo(1);
        assertThat(f.memory.readLeader().lastHeartbeatMs()).isEqualTo(firstBeatMs + 1_000);
    }
}
