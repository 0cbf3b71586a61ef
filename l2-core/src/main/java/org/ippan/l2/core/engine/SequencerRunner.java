package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a {@link Sequencer}'s loops on a {@link ScheduledExecutorService} the host passes in (the engine itself
 * creates no threads). Each loop is stepped by one thread at a time; after a step that did work it runs again at
 * once, otherwise at its {@link DutyLoop#nextDeadlineNs next deadline} (at most {@code maxIdleMs} later), and at
 * once when the engine signals new work for it (a tx admitted wakes the batcher, an L1 answer the loop that asked;
 * the other loops are not stepped for it). {@link #close()} stops scheduling; the executor stays the host's to shut
 * down.
 */
public final class SequencerRunner implements AutoCloseable {
    private final ScheduledExecutorService executor;
    private final NanoClock clock;
    private final long maxIdleNs;
    private final List<Driver> drivers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * Starts scheduling every loop of {@code sequencer}.
     *
     * @param sequencer the engine (started or not: loops do nothing until it leads)
     * @param executor the host's executor
     * @param clock the clock the loops are stepped with (the engine's)
     * @param maxIdleMs the longest a loop waits between steps, at least 1
     */
    public SequencerRunner(Sequencer sequencer, ScheduledExecutorService executor, NanoClock clock, long maxIdleMs) {
        Objects.requireNonNull(sequencer, "sequencer");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxIdleMs < 1) {
            throw new IllegalArgumentException("maxIdleMs must be >= 1, got " + maxIdleMs);
        }
        this.maxIdleNs = TimeUnit.MILLISECONDS.toNanos(maxIdleMs);
        for (DutyLoop loop : sequencer.loops()) {
            drivers.add(new Driver(loop));
        }
        sequencer.onWorkAvailable(this::wake);
        for (Driver driver : drivers) {
            driver.schedule(0);
        }
    }

    /** Steps every loop as soon as possible. */
    public void wakeAll() {
        for (Driver driver : drivers) {
            driver.wake();
        }
    }

    /**
     * Steps {@code loop} as soon as possible. The engine signals only its own loops ({@code Signals} is bound to the
     * loops {@link Sequencer#loops()} lists), and this runner drives every one of those.
     */
    private void wake(DutyLoop loop) {
        for (Driver driver : drivers) {
            if (driver.loop == loop) {
                driver.wake();
                return;
            }
        }
    }

    /** Stops scheduling; a step already running finishes. */
    @Override
    public void close() {
        closed = true;
        for (Driver driver : drivers) {
            driver.cancel();
        }
    }

    /** Steps one loop, never two at once; at most one scheduled step is current (older ones are superseded). */
    private final class Driver {
        private final DutyLoop loop;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile boolean wakeRequested;
        private ScheduledFuture<?> next;
        private long nextAtNs;
        private long generation;

        Driver(DutyLoop loop) {
            this.loop = loop;
        }

        private void run(long scheduledGeneration) {
            if (closed) {
                return;
            }
            lock.lock();
            try {
                if (scheduledGeneration != generation) {
                    return; // superseded by a sooner step
                }
                next = null;
                wakeRequested = false;
                long nowNs = clock.nanoTime();
                int work;
                long deadlineNs;
                try {
                    work = loop.doWork(nowNs);
                    deadlineNs = loop.nextDeadlineNs(clock.nanoTime());
                } catch (RuntimeException e) {
                    // loops report their own errors; this only keeps a broken loop from dying silently
                    work = 0;
                    deadlineNs = nowNs + maxIdleNs;
                }
                long now = clock.nanoTime();
                long delayNs = work > 0 || wakeRequested ? 0 : Math.max(0, Math.min(deadlineNs - now, maxIdleNs));
                scheduleLocked(delayNs, now);
            } finally {
                lock.unlock();
            }
        }

        void wake() {
            if (closed) {
                return;
            }
            if (lock.tryLock()) {
                try {
                    scheduleLocked(0, clock.nanoTime());
                } finally {
                    lock.unlock();
                }
            } else {
                wakeRequested = true; // the running step reschedules at once
            }
        }

        void schedule(long delayNs) {
            lock.lock();
            try {
                scheduleLocked(delayNs, clock.nanoTime());
            } finally {
                lock.unlock();
            }
        }

        private void scheduleLocked(long delayNs, long nowNs) {
            if (closed) {
                return;
            }
            long atNs = nowNs + delayNs;
            if (next != null && !next.isDone() && nextAtNs - atNs <= 0) {
                return; // already due as soon
            }
            if (next != null) {
                next.cancel(false);
            }
            long scheduledGeneration = ++generation;
            nextAtNs = atNs;
            next = executor.schedule(() -> run(scheduledGeneration), delayNs, TimeUnit.NANOSECONDS);
        }

        void cancel() {
            lock.lock();
            try {
                if (next != null) {
                    next.cancel(false);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
