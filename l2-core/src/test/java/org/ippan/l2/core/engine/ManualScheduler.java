package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} whose time is a {@link ManualClock} and whose tasks run only when the test
 * says so, on the test's thread: a runner's scheduling is then observable and repeatable, with no real time
 * passing. Only one-shot {@code schedule(Runnable, ...)} is supported, the one thing a runner needs.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final ManualClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private long nextId;

    ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    /** A scheduled step: when it is due, and whether it was cancelled or ran. */
    final class Task implements ScheduledFuture<Object> {
        final long id = nextId++;
        final long delayNs;
        final long atNs;
        private final Runnable command;
        private boolean cancelled;
        private boolean ran;

        Task(Runnable command, long delayNs) {
            this.command = command;
            this.delayNs = delayNs;
            this.atNs = clock.nanoTime() + delayNs;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(atNs - clock.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (ran || cancelled) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return ran || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }

        /** Runs the task even if it was cancelled or is not due (as a racing executor thread could). */
        void runAnyway() {
            ran = true;
            command.run();
        }
    }

    /** @return every task scheduled so far, in order, cancelled or run or not */
    synchronized List<Task> all() {
        return List.copyOf(tasks);
    }

    /** @return the tasks neither cancelled nor run, in order of scheduling */
    synchronized List<Task> pending() {
        return tasks.stream().filter(t -> !t.isDone()).toList();
    }

    /** @return the delays, in ms, of the {@link #pending} tasks, sorted */
    List<Long> pendingDelaysMs() {
        return pending().stream().map(t -> TimeUnit.NANOSECONDS.toMillis(t.delayNs)).sorted().toList();
    }

    /**
     * Runs the pending tasks that are due now, earliest first; not those they schedule (call again for those).
     *
     * @return how many ran
     */
    int runDue() {
        long now = clock.nanoTime();
        List<Task> due = pending().stream().filter(t -> t.atNs - now <= 0)
                .sorted(Comparator.comparingLong((Task t) -> t.atNs).thenComparingLong(t -> t.id)).toList();
        for (Task task : due) {
            if (!task.isDone()) {
                task.runAnyway();
            }
        }
        return due.size();
    }

    /**
     * Runs {@code task} (even if cancelled or not due, as a racing executor thread could).
     *
     * @return the tasks scheduled while it ran
     */
    List<Task> run(Task task) {
        int before = all().size();
        task.runAnyway();
        List<Task> now = all();
        return now.subList(before, now.size());
    }

    /** Runs due tasks until none is due (at most {@code rounds} times), so only later steps remain. */
    void runUntilQuiet(int rounds) {
        for (int i = 0; i < rounds && runDue() > 0; i++) {
            // keep stepping
        }
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task task = new Task(command, unit.toNanos(delay));
        tasks.add(task);
        return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
            TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
