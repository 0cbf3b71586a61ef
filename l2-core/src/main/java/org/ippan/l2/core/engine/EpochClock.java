package org.ippan.l2.core.engine;

/**
 * Wall-clock time in ms since the Unix epoch: batch {@code created_ms}, admission times and heartbeats. The engine
 * reads time only through this and {@link NanoClock}; tests pass a manual clock.
 */
@FunctionalInterface
public interface EpochClock {
    /** The system wall clock, for hosts that have no clock of their own. */
    EpochClock SYSTEM = System::currentTimeMillis;

    /** @return ms since the Unix epoch */
    long currentTimeMs();
}
