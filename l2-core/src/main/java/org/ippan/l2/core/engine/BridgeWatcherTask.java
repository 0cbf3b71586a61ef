package org.ippan.l2.core.engine;

import java.util.Objects;

/**
 * Runs a {@link BridgeWatcher} as a {@link LeaderTask}: polled every {@code intervalNs} while this node leads,
 * never otherwise. With {@link BridgeWatcher#NO_OP} it is the seed's stubbed bridge watcher coordinator.
 */
public final class BridgeWatcherTask implements LeaderTask {
    private final BridgeWatcher watcher;
    private final EpochClock wallClock;
    private final long intervalNs;
    private volatile long term = -1;
    private long nextPollNs = Long.MIN_VALUE;

    /**
     * @param watcher the watcher
     * @param wallClock the wall clock passed to the watcher
     * @param intervalMs how often to poll, at least 1
     */
    public BridgeWatcherTask(BridgeWatcher watcher, EpochClock wallClock, long intervalMs) {
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        if (intervalMs < 1) {
            throw new IllegalArgumentException("intervalMs must be >= 1, got " + intervalMs);
        }
        this.intervalNs = intervalMs * 1_000_000L;
    }

    @Override
    public String name() {
        return "bridge-watcher";
    }

    @Override
    public void onLeaderStart(long leaderTerm) {
        term = leaderTerm;
        nextPollNs = Long.MIN_VALUE;
    }

    @Override
    public int doWork(long nowNs) {
        if (term < 0 || nowNs - nextPollNs < 0 && nextPollNs != Long.MIN_VALUE) {
            return 0;
        }
        nextPollNs = nowNs + intervalNs;
        return watcher.poll(term, wallClock.currentTimeMs());
    }

    @Override
    public void onLeaderStop(String reason) {
        term = -1;
    }
}
