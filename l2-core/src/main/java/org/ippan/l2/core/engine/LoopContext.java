package org.ippan.l2.core.engine;

import org.ippan.l2.storage.Storage;

/**
 * What every loop of the engine is given at construction, and all it may reach beyond its own settings: the storage
 * port, the leadership as a {@link LeaderGate} (lead or not, the term to write with, how to report being fenced), the
 * wall clock, readiness, metrics, the one error path, and the {@link Signals} through which it wakes the others. A
 * loop names no other loop and not the engine.
 */
record LoopContext(Storage storage, LeaderGate leadership, EpochClock wallClock, Health health,
        SequencerMetrics metrics, LoopErrors errors, Signals signals) {
    /**
     * How far ahead a loop's deadline lies while this node does not lead: it has nothing to do until it leads, and
     * the engine signals every loop when it starts leading (a deadline of "now" made a runner step idle loops without
     * end).
     */
    static final long NOT_LEADING_IDLE_NS = 1_000_000_000L;
}
