package org.ippan.l2.core.engine;

/** A manual wall and monotonic clock for step-driven tests: time moves only when the test moves it. */
public final class ManualClock implements EpochClock, NanoClock {
    private long wallMs;
    private long monoNs;

    /** @param startWallMs the wall-clock time to start at */
    public ManualClock(long startWallMs) {
        this.wallMs = startWallMs;
        this.monoNs = 1_000_000_000L;
    }

    /** Moves both clocks forward by {@code ms}. */
    public synchronized void advanceMs(long ms) {
        wallMs += ms;
        monoNs += ms * 1_000_000L;
    }

    @Override
    public synchronized long currentTimeMs() {
        return wallMs;
    }

    @Override
    public synchronized long nanoTime() {
        return monoNs;
    }
}
