package org.ippan.l2.storage.jdbc;

import java.util.Map;
import java.util.TreeMap;

/**
 * The L1 envelopes of the most recent batches, by batch number, up to a total size. An envelope never changes once
 * its batch is committed (batches are never rewritten or deleted), so a cached one is always current; the engine
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

    /** @param maxBytes most bytes of envelopes kept; 0 keeps none */
    EnvelopeCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** @return the envelope of batch {@code batchNumber} (not to be modified), or null if it is not cached */
    synchronized byte[] get(long batchNumber) {
        return envelopes.get(batchNumber);
    }

    /** Keeps a copy of the committed envelope of batch {@code batchNumber}. */
    void put(long batchNumber, byte[] envelope) {
        if (envelope.length > maxBytes) {
            return;
        }
        byte[] copy = envelope.clone();
        synchronized (this) {
            byte[] previous = envelopes.put(batchNumber, copy);
            bytes += copy.length - (previous == null ? 0 : previous.length);
            while (bytes > maxBytes) {
                Map.Entry<Long, byte[]> lowest = envelopes.pollFirstEntry();
                bytes -= lowest.getValue().length;
            }
        }
    }

    synchronized long bytes() {
        return bytes;
    }
}
