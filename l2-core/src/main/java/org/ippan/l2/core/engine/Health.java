package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.ippan.l2.storage.StorageCorruptException;
import org.ippan.l2.storage.StorageFullException;

/**
 * What drives readiness: storage, loop and L1 failures, and a halted poster. Thread-safe.
 *
 * <p>Storage is judged by writes and reads apart: a failed write keeps readiness red until a write succeeds again (a
 * read proves nothing about whether the store can still take writes: a full disk or a damaged index still answers
 * reads); a failed read is shown on its own and cleared by the next read that works. Corruption, met by either, is
 * never cleared: the store must be restored and the node restarted.
 */
final class Health {
    private final int l1FailureThreshold;
    /** The last write failure, null once a write succeeded. */
    private volatile StorageProblem writeFailure;
    /** The last read failure, null once a read succeeded. */
    private volatile String readFailure;
    /** The first corruption met; never cleared. */
    private volatile String corruption;
    private final Map<String, String> loopFailures = new ConcurrentSkipListMap<>();
    /** Per source (poster, reconciler): one source's successes must not hide the other's failing calls. */
    private final Map<String, AtomicInteger> consecutiveL1Failures = new ConcurrentHashMap<>();
    private volatile String lastL1Error;
    private volatile String postingHalted;

    Health(int l1FailureThreshold) {
        this.l1FailureThreshold = l1FailureThreshold;
    }

    /** What storage failed with, by kind. */
    enum StorageKind {
        /** no storage failure */
        OK("ok"),
        /** a failure of another kind */
        FAILING("failing"),
        /** the store is out of space */
        FULL("full"),
        /** the store is damaged or foreign */
        CORRUPT("corrupt");

        private final String wireName;

        StorageKind(String wireName) {
            this.wireName = wireName;
        }

        String wireName() {
            return wireName;
        }

        static StorageKind of(Throwable error) {
            if (error instanceof StorageCorruptException) {
                return CORRUPT;
            }
            return error instanceof StorageFullException ? FULL : FAILING;
        }
    }

    private record StorageProblem(StorageKind kind, String message) {}

    /** A storage write failed (or may not have been applied): readiness is red until a write succeeds. */
    void storageWriteFailed(Throwable error) {
        String message = String.valueOf(error.getMessage());
        StorageKind kind = StorageKind.of(error);
        if (kind == StorageKind.CORRUPT && corruption == null) {
            corruption = message;
        }
        writeFailure = new StorageProblem(kind, message);
    }

    /** A storage write went through (whatever its outcome: a fenced or conflicting write was still taken). */
    void storageWriteOk() {
        if (writeFailure != null) {
            writeFailure = null;
        }
    }

    /** A storage read failed: shown until a read succeeds; corruption is kept for good. */
    void storageReadFailed(Throwable error) {
        String message = String.valueOf(error.getMessage());
        if (StorageKind.of(error) == StorageKind.CORRUPT && corruption == null) {
            corruption = message;
        }
        readFailure = message;
    }

    /** A storage read went through: clears a read failure, never a write failure. */
    void storageReadOk() {
        if (readFailure != null) {
            readFailure = null;
        }
    }

    /** @return the worst storage condition now: corrupt, full, failing (writes or reads) or ok */
    StorageKind storageKind() {
        if (corruption != null) {
            return StorageKind.CORRUPT;
        }
        StorageProblem write = writeFailure;
        if (write != null) {
            return write.kind();
        }
        return readFailure != null ? StorageKind.FAILING : StorageKind.OK;
    }

    /** @return the last write failure's message, null if the last write succeeded */
    String storageWriteError() {
        StorageProblem write = writeFailure;
        return write == null ? null : write.message();
    }

    /** @return the last read failure's message, null if the last read succeeded */
    String storageReadError() {
        return readFailure;
    }

    /** @return the corruption met, null if none */
    String storageCorruption() {
        return corruption;
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
        String corrupt = corruption;
        if (corrupt != null) {
            reasons.add("storage corrupt: " + corrupt);
        }
        StorageProblem write = writeFailure;
        if (write != null && !write.message().equals(corrupt)) {
            reasons.add((write.kind() == StorageKind.FULL ? "storage full: " : "storage failing: ") + write.message());
        }
        String read = readFailure;
        if (read != null && !read.equals(corrupt)) {
            reasons.add("storage reads failing: " + read);
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
