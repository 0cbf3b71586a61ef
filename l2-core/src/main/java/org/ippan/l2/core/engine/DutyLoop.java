package org.ippan.l2.core.engine;

/**
 * One of the engine's loops as a duty-cycle step (Agrona/Aeron style): the host calls {@link #doWork} on its own
 * executor, as often as it likes; a step never blocks on I/O it can poll instead, never sleeps and never throws
 * (errors go to the engine's error handler and drive readiness).
 */
public interface DutyLoop {
    /** @return the loop's name, stable (for logs, metrics and readiness reasons) */
    String name();

    /**
     * Does whatever work is due.
     *
     * @param nowNs the host's monotonic time ({@link NanoClock})
     * @return how much work was done; 0 lets the host back off until {@link #nextDeadlineNs}
     */
    int doWork(long nowNs);

    /**
     * @param nowNs the host's monotonic time
     * @return when the loop next has something to do without new input, at the latest (a host may call earlier)
     */
    long nextDeadlineNs(long nowNs);
}
