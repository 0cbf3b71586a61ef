package org.ippan.l2.core.engine;

import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.WriteOutcome;

/** The heartbeat loop: the leader records {@code last_heartbeat_ms} in storage, term-conditionally. */
final class Heartbeat implements DutyLoop {
    static final String NAME = "heartbeat";

    private final Sequencer engine;
    private final long intervalNs;
    private long nextBeatNs = Long.MIN_VALUE;

    Heartbeat(Sequencer engine) {
        this.engine = engine;
        this.intervalNs = engine.config.heartbeatIntervalMs() * 1_000_000L;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int doWork(long nowNs) {
        if (!engine.isLeader() || (nextBeatNs != Long.MIN_VALUE && nowNs - nextBeatNs < 0)) {
            return 0;
        }
        nextBeatNs = nowNs + intervalNs;
        try {
            WriteOutcome outcome = engine.storage.heartbeat(engine.term(), engine.wallClock.currentTimeMs());
            engine.health.storageOk();
            engine.health.loopOk(NAME);
            if (outcome instanceof Fenced fenced) {
                engine.fence(fenced.storedTerm(), "heartbeat");
                return 0;
            }
            return 1;
        } catch (StorageException e) {
            engine.health.storageFailed(e);
            engine.loopFailed(NAME, e);
            return 0;
        } catch (RuntimeException e) {
            engine.loopFailed(NAME, e);
            return 0;
        }
    }

    @Override
    public long nextDeadlineNs(long nowNs) {
        if (!engine.isLeader()) {
            return nowNs + Sequencer.NOT_LEADING_IDLE_NS;
        }
        return nextBeatNs == Long.MIN_VALUE ? nowNs : nextBeatNs;
    }
}
