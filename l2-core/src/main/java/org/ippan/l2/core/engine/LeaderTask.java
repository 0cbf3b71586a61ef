package org.ippan.l2.core.engine;

/**
 * A host's duty loop that runs only while this node leads (the seed's bridge watcher coordinator is the first):
 * {@link #onLeaderStart} when the node becomes leader, {@link #doWork} while it leads, {@link #onLeaderStop} when
 * it is fenced or closed. The engine never calls {@code doWork} outside a leadership, and stops calling it at once
 * when leadership ends. Errors thrown by any method go to the error handler and never stop the engine.
 */
public interface LeaderTask {
    /** @return the task's name (for logs, metrics and readiness) */
    String name();

    /**
     * This node now leads.
     *
     * @param term the term it leads in
     */
    default void onLeaderStart(long term) {}

    /**
     * Does whatever work is due; called only while this node leads.
     *
     * @param nowNs the host's monotonic time
     * @return how much work was done
     */
    int doWork(long nowNs);

    /**
     * This node no longer leads.
     *
     * @param reason why (fenced by a higher term, closed)
     */
    default void onLeaderStop(String reason) {}
}
