package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/** What drives readiness: storage, loop and L1 failures, and a halted poster. Thread-safe. */
final class Health {
    private final int l1FailureThreshold;
    private volatile String storageFailure;
    private final Map<String, String> loopFailures = new ConcurrentSkipListMap<>();
    /** Per source (poster, reconciler): one source's successes must not hide the other's failing calls. */
    private final Map<String, AtomicInteger> consecutiveL1Failures = new ConcurrentHashMap<>();
    private volatile String lastL1Error;
    private volatile String postingHalted;

    Health(int l1FailureThreshold) {
        this.l1FailureThreshold = l1FailureThreshold;
    }

    void storageFailed(Throwable error) {
        storageFailure = String.valueOf(error.getMessage());
    }

    void storageOk() {
        storageFailure = null;
    }

    void loopFailed(String loop, String message) {
        loopFailures.put(loop, message);
    }

    void loopOk(String loop) {
        if (!loopFailures.isEmpty()) {
            loopFailures.remove(loop);
        }
    }

    void l1Failed(String source, String message) {
        consecutiveL1Failures.computeIfAbsent(source, k -> new AtomicInteger()).incrementAndGet();
        lastL1Error = message;
    }

    void l1Ok(String source) {
        AtomicInteger failures = consecutiveL1Failures.get(source);
        if (failures != null) {
            failures.set(0);
        }
    }

    void postingHalted(String reason) {
        postingHalted = reason;
    }

    String lastL1Error() {
        return lastL1Error;
    }

    int consecutiveL1Failures() {
        int most = 0;
        for (AtomicInteger failures : consecutiveL1Failures.values()) {
            most = Math.max(most, failures.get());
        }
        return most;
    }

    /** The reasons this node is not ready, empty when it is. */
    List<String> reasons(SequencerState state, String stateReason) {
        List<String> reasons = new ArrayList<>();
        switch (state) {
            case NEW -> reasons.add("not started");
            case CLOSED -> reasons.add("closed");
            case FENCED -> reasons.add("fenced: " + stateReason);
            default -> {
                // FOLLOWER and LEADER are ready unless something below fails
            }
        }
        String storage = storageFailure;
        if (storage != null) {
            reasons.add("storage failing: " + storage);
        }
        if (state == SequencerState.LEADER) {
            loopFailures.forEach((loop, message) -> reasons.add("loop " + loop + " failing: " + message));
            int l1Failures = consecutiveL1Failures();
            if (l1Failures >= l1FailureThreshold) {
                reasons.add("L1 failing: " + l1Failures + " consecutive failures, last: " + lastL1Error);
            }
            String halted = postingHalted;
            if (halted != null) {
                reasons.add("posting halted: " + halted);
            }
        }
        return reasons;
    }
}
