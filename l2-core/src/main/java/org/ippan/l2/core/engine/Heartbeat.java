package org.ippan.l2.core.engine;

import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.WriteOutcome;

/** The heartbeat loop: the leader records {@code last_heartbeat_ms} in storage, term-conditionally. */
final class Heartbeat implements DutyLoop {
    static final String NAME = "heartbeat";

    private final LoopContext ctx;
    private final long intervalNs;
    private long nextBeatNs = Long.MIN_VALUE;
    /** The term of the last step that led. */
    private long ledTerm = -1;

    Heartbeat(LoopContext ctx, long heartbeatIntervalMs) {
        this.ctx = ctx;
        this.intervalNs = heartbeatIntervalMs * 1_000_000L;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int doWork(long nowNs) {
        if (!ctx.leadership().isLeader()) {
            return 0;
        }
        long term = ctx.leadership().term();
        if (term != ledTerm) { // leading in a new term (lease mode): beat at once
            ledTerm = term;
            nextBeatNs = Long.MIN_VALUE;
        }
        if (nextBeatNs != Long.MIN_VALUE && nowNs - nextBeatNs < 0) {
            return 0;
        }
        nextBeatNs = nowNs + intervalNs;
        try {
            WriteOutcome outcome = ctx.storage().heartbeat(term, ctx.wallClock().currentTimeMs());
            ctx.errors().ok(NAME);
            if (outcome instanceof Fenced fenced) {
                ctx.leadership().fenced(fenced.storedTerm(), "heartbeat");
                return 0;
            }
            return 1;
        } catch (RuntimeException e) {
            ctx.errors().failed(NAME, e);
            return 0;
        }
    }

    @Override
    public long nextDeadlineNs(long nowNs) {
        if (!ctx.leadership().isLeader()) {
            return nowNs + LoopContext.NOT_LEADING_IDLE_NS;
        }
        return nextBeatNs == Long.MIN_VALUE ? nowNs : nextBeatNs;
    }
}
