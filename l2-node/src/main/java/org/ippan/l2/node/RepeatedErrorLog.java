package org.ippan.l2.node;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a failure that repeats once per kind and interval, with a count, instead of a stack trace per request: a
 * full disk failing 3,000 requests wrote 11 MB of identical traces. A kind is the failure's class and message (and
 * its cause's); its first occurrence is logged with the stack trace, later ones within {@code intervalNs} are only
 * counted, and the next occurrence after the interval logs one line with the count of those suppressed.
 */
final class RepeatedErrorLog {
    /** Most kinds remembered; beyond, the table is cleared (a flood of distinct messages logs again). */
    private static final int MAX_KINDS = 1024;

    private final Logger log;
    private final long intervalNs;
    private final LongSupplier nanoTime;
    /** Logs at ERROR instead of WARN. */
    private final boolean error;
    private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();

    private static final class Kind {
        volatile long windowStartNs;
        final AtomicLong suppressed = new AtomicLong();

        Kind(long now) {
            this.windowStartNs = now;
        }
    }

    RepeatedErrorLog(Logger log, long intervalNs, LongSupplier nanoTime) {
        this(log, intervalNs, nanoTime, false);
    }

    /** As the other constructor; with {@code error}, at ERROR level (the engine's loop errors) instead of WARN. */
    RepeatedErrorLog(Logger log, long intervalNs, LongSupplier nanoTime, boolean error) {
        this.error = error;
        this.log = log;
        this.intervalNs = intervalNs;
        this.nanoTime = nanoTime;
    }

    /**
     * Logs {@code failure} under {@code context} (e.g. {@code POST /tx failed}), or counts it.
     *
     * @return whether it was written to the log
     */
    boolean log(String context, Throwable failure) {
        String key = key(failure);
        long now = nanoTime.getAsLong();
        Kind kind = kinds.get(key);
        if (kind == null) {
            if (kinds.size() >= MAX_KINDS) {
                kinds.clear();
            }
            Kind fresh = new Kind(now);
            Kind raced = kinds.putIfAbsent(key, fresh);
            if (raced == null) {
                write("{} (further identical failures are counted, logged at most once per {} s)", context,
                        intervalNs / 1_000_000_000L, failure);
                return true;
            }
            kind = raced;
        }
        synchronized (kind) {
            if (now - kind.windowStartNs < intervalNs) {
                kind.suppressed.incrementAndGet();
                return false;
            }
            kind.windowStartNs = now;
        }
        long suppressed = kind.suppressed.getAndSet(0);
        write("{}: {} (and {} more like it in the last {} s)", context, describe(failure), suppressed,
                intervalNs / 1_000_000_000L);
        return true;
    }

    private void write(String format, Object... arguments) {
        if (error) {
            log.error(format, arguments);
        } else {
            log.warn(format, arguments);
        }
    }

    private static String key(Throwable failure) {
        StringBuilder key = new StringBuilder();
        for (Throwable t = failure; t != null && key.length() < 2048; t = t.getCause()) {
            key.append(t.getClass().getName()).append(':').append(t.getMessage()).append('|');
            if (t.getCause() == t) {
                break;
            }
        }
        return key.toString();
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure.getCause();
        return cause == null || cause == failure ? failure.toString() : failure + " (caused by " + cause + ")";
    }
}
