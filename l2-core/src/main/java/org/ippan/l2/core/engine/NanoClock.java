package org.ippan.l2.core.engine;

/** Monotonic time in ns, for loop deadlines and backoff; only differences between readings mean anything. */
@FunctionalInterface
public interface NanoClock {
    /** The JVM's monotonic clock, for hosts that have no clock of their own. */
    NanoClock SYSTEM = System::nanoTime;

    /** @return monotonic ns */
    long nanoTime();
}
