package org.ippan.l2.benchmarks;

import org.ippan.l2.core.engine.EpochClock;
import org.ippan.l2.core.engine.NanoClock;

/**
 * A manual wall and monotonic clock for step-driven benchmarks: time moves only when the benchmark moves it, so the
 * engine's loops run exactly the steps the benchmark asks for. Moved by one thread; read by any (volatile: the
 * two-thread pipeline's loop thread reads what the benchmark thread set).
 */
final class BenchClock implements EpochClock, NanoClock {
    private volatile long wallMs;
    private volatile long monoNs = 1_000_000_000L;

    BenchClock(long startWallMs) {
        this.wallMs = startWallMs;
    }

    void advanceMs(long ms) {
        wallMs = wallMs + ms; // one writer
        monoNs = monoNs + ms * 1_000_000L;
    }

    @Override
    public long currentTimeMs() {
        return wallMs;
    }

    @Override
    public long nanoTime() {
        return monoNs;
    }
}
