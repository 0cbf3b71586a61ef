package org.ippan.l2.core.engine;

import java.util.List;

/** Runs the host's {@link LeaderTask}s while this node leads, and starts and stops them with the leadership. */
final class LeaderTasks implements DutyLoop {
    static final String NAME = "leader-tasks";
    private static final long IDLE_NS = 100_000_000L;

    private final LeaderGate leadership;
    private final LoopErrors errors;
    private final List<LeaderTask> tasks;
    private volatile boolean running;

    LeaderTasks(LeaderGate leadership, LoopErrors errors, List<LeaderTask> tasks) {
        this.leadership = leadership;
        this.errors = errors;
        this.tasks = List.copyOf(tasks);
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Starts the tasks, once, if this node still leads: the engine calls this after the transition to leader, outside
     * the leadership's lock, so a fencing or a close may have come between (and called {@link #stop} first, with
     * nothing running yet); the tasks must then not start at all, or they would run on, never stopped.
     */
    synchronized void start(long term) {
        if (running || !leadership.isLeader()) {
            return;
        }
        running = true;
        for (LeaderTask task : tasks) {
            try {
                task.onLeaderStart(term);
            } catch (RuntimeException e) {
                errors.failed(task.name(), e);
            }
        }
    }

    /** Stops the tasks, once, if they were started. */
    synchronized void stop(String reason) {
        if (!running) {
            return;
        }
        running = false;
        for (LeaderTask task : tasks) {
            try {
                task.onLeaderStop(reason);
            } catch (RuntimeException e) {
                errors.failed(task.name(), e);
            }
        }
    }

    @Override
    public synchronized int doWork(long nowNs) {
        if (!running || !leadership.isLeader()) {
            return 0;
        }
        int work = 0;
        for (LeaderTask task : tasks) {
            try {
                work += task.doWork(nowNs);
                errors.ok(task.name());
            } catch (RuntimeException e) {
                errors.failed(task.name(), e);
            }
        }
        return work;
    }

    @Override
    public long nextDeadlineNs(long nowNs) {
        return nowNs + IDLE_NS;
    }
}
