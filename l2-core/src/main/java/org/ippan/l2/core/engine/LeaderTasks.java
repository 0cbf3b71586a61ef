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

    synchronized void start(long term) {
        if (running) {
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
