package org.ippan.l2.storage.jdbc;

import java.util.Map;
import java.util.TreeMap;

/**
 * The L1 envelopes of the most recent batches, by batch number, up to a total size. An envelope never changes once
 * its batch is committed, except that pruning ({@link #drop}) removes it; a reader passes the {@link #epoch()} it
 * saw before reading the database to {@link #put(long, byte[], long)}, so an envelope read before a prune is not
 * cached after it, and a cached one is always current; the engine
 * reads the envelopes of the batches it is posting and reconciling again and again, and each is hundreds of KB.
 * When over its size the cache drops the lowest batch numbers first: those are confirmed and no longer read.
 * Keeps its own copy of what it is given; what it hands out is shared, read-only by convention like every
 * {@code NewBatch} array (copying hundreds of KB per batch per read is what the cache is there to avoid).
 * Thread-safe.
 */
final class EnvelopeCache {
    private final long maxBytes;
    // Guarded by this.
    private final TreeMap<Long, byte[]> envelopes = new TreeMap<>();
    private long bytes;
    private long epoch;

    /** @param maxBytes most bytes of envelopes kept; 0 keeps none */
    EnvelopeCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** @return the envelope of batch {@code batchNumber} (not to be modified), or null if it is not cached */
    synchronized byte[] get(long batchNumber) {
        return envelopes.get(batchNumber);
    }

    /** @return the count of {@link #drop} calls so far, to pass to {@link #put(long, byte[], long)} */
    synchronized long epoch() {
        return epoch;
    }

    /** Keeps a copy of the envelope of batch {@code batchNumber}, just committed (it cannot have been pruned). */
    void put(long batchNumber, byte[] envelope) {
        put(batchNumber, envelope, -1);
    }

    /**
     * Keeps a copy of the envelope of batch {@code batchNumber}, read from the database after {@link #epoch()}
     * answered {@code readEpoch}; not kept if envelopes were dropped since ({@code -1} skips the check).
     */
    void put(long batchNumber, byte[] envelope, long readEpoch) {
        if (envelope.length > maxBytes) {
            return;
        }
        byte[] copy = envelope.clone();
        synchronized (this) {
            if (readEpoch != -1 && readEpoch != epoch) {
                return;
            }
            byte[] previous = envelopes.put(batchNumber, copy);
            bytes += copy.length - (previous == null ? 0 : previous.length);
            while (bytes > maxBytes) {
                Map.Entry<Long, byte[]> lowest = envelopes.pollFirstEntry();
                bytes -= lowest.getValue().length;
            }
        }
    }

    /** Forgets the envelopes of pruned batches and starts a new epoch. */
    synchronized void drop(Iterable<Long> batchNumbers) {
        epoch++;
        for (long number : batchNumbers) {
            byte[] previous = envelopes.remove(number);
            if (previous != null) {
                bytes -= previous.length;
            }
        }
    }

    synchronized long bytes() {
        return bytes;
    }
}
