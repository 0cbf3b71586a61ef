package org.ippan.l2.lease.memory;

import java.util.Optional;
import java.util.function.LongSupplier;
import org.ippan.l2.lease.Lease;
import org.ippan.l2.lease.LeaseArguments;
import org.ippan.l2.lease.LeaseException;
import org.ippan.l2.lease.LeaseGranted;
import org.ippan.l2.lease.LeaseHolder;
import org.ippan.l2.lease.LeaseOutcome;
import org.ippan.l2.lease.LeaseRefused;
import org.ippan.l2.lease.LeaseStore;

/**
 * The reference {@link LeaseStore}: one lease in memory, its expiry judged by an injected clock, so tests and
 * simulations run without waiting. Several engines share one lease by sharing one instance. Faults can be injected
 * to simulate an unreachable store ({@link #failNextCalls}, {@link #setUnavailable}) and a lost answer
 * ({@link Fault#APPLY_THEN_FAIL}). Thread-safe.
 */
public final class InMemoryLeaseStore implements LeaseStore {

    /** How an injected fault fails a call. */
    public enum Fault {
        /** The call throws {@link LeaseException} and changes nothing. */
        FAIL,
        /** The call is applied, then throws {@link LeaseException}, as when the store's answer is lost. */
        APPLY_THEN_FAIL
    }

    private final LongSupplier clockMs;
    private Lease current;
    private long nextToken = 1;
    private Fault fault = Fault.FAIL;
    private int faultsLeft;
    private boolean unavailable;

    /** @param clockMs the store's clock, ms since the epoch */
    public InMemoryLeaseStore(LongSupplier clockMs) {
        this.clockMs = java.util.Objects.requireNonNull(clockMs, "clockMs");
    }

    /**
     * Fails the next {@code count} calls (acquire, renew, release, holder) with {@code fault}.
     *
     * @param fault how they fail
     * @param count how many; 0 clears pending faults
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public synchronized void injectFaults(Fault fault, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be at least 0, got " + count);
        }
        this.fault = java.util.Objects.requireNonNull(fault, "fault");
        this.faultsLeft = count;
    }

    /**
     * Fails the next {@code count} calls with nothing applied.
     *
     * @param count how many; 0 clears pending faults
     */
    public void failNextCalls(int count) {
        injectFaults(Fault.FAIL, count);
    }

    /**
     * Makes every call fail (an outage of the store) until set back; time keeps running, so leases expire.
     *
     * @param unavailable true for an outage
     */
    public synchronized void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    @Override
    public synchronized LeaseOutcome acquire(String holderId, String advertisedUrl, long ttlMs) {
        LeaseArguments.requireHolderId(holderId);
        LeaseArguments.requireUrl(advertisedUrl);
        LeaseArguments.requireTtl(ttlMs);
        Fault failing = takeFault("acquire");
        long now = clockMs.getAsLong();
        LeaseOutcome outcome;
        Lease live = live(now);
        if (live != null) {
            outcome = LeaseRefused.heldBy(live.asHolder(), holderId);
        } else {
            current = new Lease(holderId, advertisedUrl, "mem-" + nextToken++, ttlMs, now + ttlMs);
            outcome = new LeaseGranted(current);
        }
        return answer(failing, "acquire", outcome);
    }

    @Override
    public synchronized LeaseOutcome renew(Lease lease) {
        LeaseArguments.requireLease(lease);
        Fault failing = takeFault("renew");
        long now = clockMs.getAsLong();
        Lease live = live(now);
        LeaseOutcome outcome;
        if (live == null || !live.token().equals(lease.token())) {
            outcome = LeaseRefused.lost(lease, live == null ? null : live.asHolder());
        } else {
            current = new Lease(live.holderId(), live.advertisedUrl(), live.token(), live.ttlMs(), now + live.ttlMs());
            outcome = new LeaseGranted(current);
        }
        return answer(failing, "renew", outcome);
    }

    @Override
    public synchronized boolean release(Lease lease) {
        LeaseArguments.requireLease(lease);
        Fault failing = takeFault("release");
        Lease live = live(clockMs.getAsLong());
        boolean released = live != null && live.token().equals(lease.token());
        if (released) {
            current = null;
        }
        return answer(failing, "release", released);
    }

    @Override
    public synchronized Optional<LeaseHolder> holder() {
        Fault failing = takeFault("holder");
        Lease live = live(clockMs.getAsLong());
        return answer(failing, "holder", Optional.ofNullable(live == null ? null : live.asHolder()));
    }

    @Override
    public void close() {
        // nothing to free: the lease lives as long as this instance
    }

    private Lease live(long now) {
        if (current != null && now >= current.expiresAtMs()) {
            current = null;
        }
        return current;
    }

    /** @return the fault this call suffers after being applied, or null; throws at once for a failing call */
    private Fault takeFault(String call) {
        if (unavailable) {
            throw new LeaseException("injected outage: the in-memory lease store is unavailable (" + call + ")");
        }
        if (faultsLeft == 0) {
            return null;
        }
        faultsLeft--;
        if (fault == Fault.FAIL) {
            throw new LeaseException("injected fault: " + call + " failed, nothing applied");
        }
        return fault;
    }

    private static <T> T answer(Fault failing, String call, T outcome) {
        if (failing == Fault.APPLY_THEN_FAIL) {
            throw new LeaseException("injected fault: " + call + " was applied, its answer lost");
        }
        return outcome;
    }
}
