package org.ippan.l2.core.engine;

import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;
import org.ippan.l2.core.wire.Hash;

/**
 * The hashes of the most recently admitted txs with their sequence numbers, so that a resubmission is answered
 * without a storage write: the last {@code capacity} txs, oldest forgotten first. A tx not found here is still
 * recognised by storage (as a duplicate at its append); this only saves that round trip.
 *
 * <p>Built for the admission path: a lookup or an insert allocates nothing, and inserts (made while the engine
 * holds its commit lock) never run maintenance work of their own. Entries live in a ring of 32-byte hashes and
 * their sequence numbers; an open-addressing table (linear probing, at most half full) maps a hash to its ring
 * slot, and an evicted entry is removed from the table by backward-shift deletion. The arrays start small and
 * double up to {@code capacity} entries, so a big capacity costs memory only as txs arrive. Lookups come from
 * any thread: an optimistic read, validated, falling back to a read lock if a writer got in the way.
 */
final class RecentTxs {
    /** Most entries: the ring of hashes must fit one array. */
    static final int MAX_CAPACITY = 1 << 26;
    /** Returned by {@link #seqOf} for a hash not held. */
    static final long ABSENT = -1;

    private static final int HASH_LENGTH = 32;
    private static final int INITIAL_ENTRIES = 1024;

    /** One generation of the arrays; replaced whole when they grow, so a reader never mixes two. */
    private static final class Arrays3 {
        final byte[] hashes; // entry i at [i * 32, i * 32 + 32)
        final long[] seqs;
        final int[] table; // ring slot + 1; 0 = empty
        final int mask;

        Arrays3(int entries) {
            hashes = new byte[entries * HASH_LENGTH];
            seqs = new long[entries];
            table = new int[tableSize(entries)];
            mask = table.length - 1;
        }

        int entries() {
            return seqs.length;
        }

        /** @return the power of two at least twice {@code entries}: the table is never more than half full */
        private static int tableSize(int entries) {
            int size = Integer.highestOneBit(entries) << 1;
            return size < 2 * entries ? size << 1 : size;
        }
    }

    private final int capacity;
    private final StampedLock lock = new StampedLock();
    private volatile Arrays3 arrays;
    /** Entries held (at most {@code capacity}). */
    private int size;
    /** The ring slot the next insert takes: the oldest entry once the ring is full. */
    private int next;

    /**
     * @param capacity the most entries held, 1 to {@link #MAX_CAPACITY}
     */
    RecentTxs(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be 1.." + MAX_CAPACITY + ", got " + capacity);
        }
        this.capacity = capacity;
        this.arrays = new Arrays3(Math.min(capacity, INITIAL_ENTRIES));
    }

    /**
     * @param hash a tx hash
     * @return its sequence number if it is held, else {@link #ABSENT}
     */
    long seqOf(Hash hash) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            long seq = find(arrays, hash);
            if (lock.validate(stamp)) {
                return seq;
            }
        }
        stamp = lock.readLock();
        try {
            return find(arrays, hash);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Holds {@code hash} with {@code seq}, forgetting the oldest entry if full; a hash already held keeps its
     * entry and takes the new number (the same, for a duplicate). Called by one writer at a time.
     */
    void put(byte[] hash, long seq) {
        long stamp = lock.writeLock();
        try {
            Arrays3 a = arrays;
            int at = slotOf(a, hash);
            if (at >= 0) {
                a.seqs[at] = seq;
                return;
            }
            if (size == a.entries() && size < capacity) {
                a = grow(a);
            }
            int slot = next;
            if (size == capacity) {
                remove(a, slot); // the oldest
            } else {
                size++;
            }
            System.arraycopy(hash, 0, a.hashes, slot * HASH_LENGTH, HASH_LENGTH);
            a.seqs[slot] = seq;
            insert(a, slot);
            next = slot + 1 == capacity ? 0 : slot + 1;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** @return the entries held */
    int size() {
        long stamp = lock.readLock();
        try {
            return size;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** A reader's lookup: may see a writer's half-done change, which the caller's validation then discards. */
    private static long find(Arrays3 a, Hash hash) {
        int[] table = a.table;
        int i = bucket(hash, a.mask);
        for (int probes = 0; probes < table.length; probes++) {
            int entry = table[i];
            if (entry == 0) {
                return ABSENT;
            }
            int slot = entry - 1;
            if (slot < a.seqs.length && hash.contentEquals(a.hashes, slot * HASH_LENGTH)) {
                return a.seqs[slot];
            }
            i = (i + 1) & a.mask;
        }
        return ABSENT;
    }

    /** @return the ring slot holding {@code hash}, or -1 (under the write lock) */
    private static int slotOf(Arrays3 a, byte[] hash) {
        for (int i = bucket(hash, a.mask); ; i = (i + 1) & a.mask) {
            int entry = a.table[i];
            if (entry == 0) {
                return -1;
            }
            if (sameHash(a.hashes, entry - 1, hash)) {
                return entry - 1;
            }
        }
    }

    private static void insert(Arrays3 a, int slot) {
        int i = bucket(a.hashes, slot * HASH_LENGTH, a.mask);
        while (a.table[i] != 0) {
            i = (i + 1) & a.mask;
        }
        a.table[i] = slot + 1;
    }

    /** Removes ring slot {@code slot}'s hash from the table, shifting back the entries probed past it. */
    private static void remove(Arrays3 a, int slot) {
        int[] table = a.table;
        int i = bucket(a.hashes, slot * HASH_LENGTH, a.mask);
        while (table[i] != slot + 1) {
            i = (i + 1) & a.mask;
        }
        int hole = i;
        for (int j = (hole + 1) & a.mask; table[j] != 0; j = (j + 1) & a.mask) {
            int home = bucket(a.hashes, (table[j] - 1) * HASH_LENGTH, a.mask);
            // move j into the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = 0;
    }

    private Arrays3 grow(Arrays3 old) {
        Arrays3 bigger = new Arrays3((int) Math.min(capacity, 2L * old.entries()));
        System.arraycopy(old.hashes, 0, bigger.hashes, 0, old.hashes.length);
        System.arraycopy(old.seqs, 0, bigger.seqs, 0, old.seqs.length);
        for (int slot = 0; slot < size; slot++) {
            insert(bigger, slot);
        }
        arrays = bigger;
        return bigger;
    }

    private static boolean sameHash(byte[] hashes, int slot, byte[] hash) {
        int from = slot * HASH_LENGTH;
        return Arrays.equals(hashes, from, from + HASH_LENGTH, hash, 0, HASH_LENGTH);
    }

    private static int bucket(byte[] hash, int mask) {
        return bucket(hash, 0, mask);
    }

    /** {@link #bucket(byte[], int, int)} of a {@link Hash}'s bytes, read in place. */
    private static int bucket(Hash hash, int mask) {
        int h = (hash.byteAt(0) & 0xff) | (hash.byteAt(1) & 0xff) << 8 | (hash.byteAt(2) & 0xff) << 16
                | hash.byteAt(3) << 24;
        return h & mask;
    }

    /** The hash's first four bytes: BLAKE3 output is uniform, so they spread as well as any mix of them would. */
    private static int bucket(byte[] bytes, int from, int mask) {
        int h = (bytes[from] & 0xff) | (bytes[from + 1] & 0xff) << 8 | (bytes[from + 2] & 0xff) << 16
                | bytes[from + 3] << 24;
        return h & mask;
    }
}
