package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.ippan.l2.core.wire.Hash;
import org.junit.jupiter.api.Test;

/** The recent-tx table against a reference model: the last {@code capacity} distinct hashes, oldest out first. */
class RecentTxsTest {

    private static byte[] hash(SplittableRandom random) {
        byte[] hash = new byte[32];
        random.nextBytes(hash);
        return hash;
    }

    /** Hashes that all share their first four bytes (the table's bucket): every one collides with the others. */
    private static byte[] collidingHash(int n) {
        return ByteBuffer.allocate(32).putInt(0x5a5a5a5a).putInt(n).array();
    }

    private static ByteBuffer key(byte[] hash) {
        return ByteBuffer.wrap(hash.clone());
    }

    @Test
    void emptyTable_holdsNothing() {
        RecentTxs recent = new RecentTxs(10);
        assertThat(recent.seqOf(Hash.of(new byte[32]))).isEqualTo(RecentTxs.ABSENT);
        assertThat(recent.size()).isZero();
    }

    @Test
    void putThenGet_andAHashPutAgain_keepsOneEntry() {
        RecentTxs recent = new RecentTxs(4);
        SplittableRandom random = new SplittableRandom(1);
        byte[] a = hash(random);
        recent.put(a, 7);
        assertThat(recent.seqOf(Hash.of(a))).isEqualTo(7);
        assertThat(recent.seqOf(Hash.of(a.clone()))).as("by content, not identity").isEqualTo(7);
        recent.put(a, 7); // a duplicate answered by storage
        assertThat(recent.size()).isEqualTo(1);
    }

    @Test
    void full_forgetsTheOldestFirst() {
        RecentTxs recent = new RecentTxs(3);
        byte[][] hashes = new byte[5][];
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 5; i++) {
            hashes[i] = hash(random);
            recent.put(hashes[i], i + 1);
        }
        assertThat(recent.size()).isEqualTo(3);
        assertThat(recent.seqOf(Hash.of(hashes[0]))).isEqualTo(RecentTxs.ABSENT);
        assertThat(recent.seqOf(Hash.of(hashes[1]))).isEqualTo(RecentTxs.ABSENT);
        assertThat(recent.seqOf(Hash.of(hashes[2]))).isEqualTo(3);
        assertThat(recent.seqOf(Hash.of(hashes[4]))).isEqualTo(5);
    }

    /**
     * Seeded random puts (new hashes, repeats of held ones, repeats of forgotten ones) and lookups against a
     * LinkedHashMap model, across growth of the arrays and many turns of the ring; then the same with hashes that all
     * collide in the table, which exercises the backward-shift deletion on every eviction.
     */
    @Test
    void matchesTheModel_randomAndColliding() {
        for (int capacity : new int[] {1, 2, 7, 1000, 5000}) {
            checkAgainstModel(capacity, 40_000, false, capacity);
        }
        checkAgainstModel(64, 5_000, true, 3);
        checkAgainstModel(1500, 8_000, true, 4);
    }

    /**
     * Clusters of colliding hashes whose home buckets lie around the end of the table, so that probing wraps past
     * its last slot and a removal shifts entries back across it: the cases the deletion's cyclic test decides.
     * {@code mask} is the table's (a capacity of 7 gets 16 slots, of 64 gets 128).
     */
    @Test
    void matchesTheModel_withClustersThatWrapAroundTheTableEnd() {
        checkAgainstModel(7, 20_000, 15, 5);
        checkAgainstModel(64, 20_000, 127, 6);
    }

    private static void checkAgainstModel(int capacity, int operations, int wrapMask, long seed) {
        int[] homes = {wrapMask - 2, wrapMask - 1, wrapMask, 0, 1};
        SplittableRandom hashes = new SplittableRandom(seed * 31);
        checkAgainstModel(capacity, operations, n -> {
            int home = homes[hashes.nextInt(homes.length)] + (wrapMask + 1) * hashes.nextInt(1 << 16);
            return ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(home).putInt(n).array();
        }, seed);
    }

    private static void checkAgainstModel(int capacity, int operations, boolean colliding, long seed) {
        SplittableRandom hashes = new SplittableRandom(seed * 17);
        checkAgainstModel(capacity, operations, n -> colliding ? collidingHash(n) : hash(hashes), seed);
    }

    private static void checkAgainstModel(int capacity, int operations, IntFunction<byte[]> newHash,
            long seed) {
        RecentTxs recent = new RecentTxs(capacity);
        Map<ByteBuffer, Long> model = new LinkedHashMap<>();
        List<byte[]> seen = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        long nextSeq = 1;
        for (int op = 0; op < operations; op++) {
            int kind = random.nextInt(10);
            byte[] hash;
            if (kind < 6 || seen.isEmpty()) {
                hash = newHash.apply(seen.size());
                seen.add(hash);
            } else {
                hash = seen.get(random.nextInt(seen.size())); // held or forgotten
            }
            if (kind < 8) {
                Long held = model.get(key(hash));
                long seq = held != null ? held : nextSeq++;
                recent.put(hash, seq);
                if (held == null) {
                    model.put(key(hash), seq);
                    if (model.size() > capacity) {
                        model.remove(model.keySet().iterator().next());
                    }
                }
            }
            Long expected = model.get(key(hash));
            assertThat(recent.seqOf(Hash.of(hash))).as("op %d, capacity %d", op, capacity)
                    .isEqualTo(expected == null ? RecentTxs.ABSENT : expected);
        }
        assertThat(recent.size()).isEqualTo(model.size());
        for (byte[] hash : seen) {
            Long expected = model.get(key(hash));
            assertThat(recent.seqOf(Hash.of(hash))).isEqualTo(expected == null ? RecentTxs.ABSENT : expected);
        }
    }

    /**
     * Readers on other threads while one writer fills and turns the ring: a reader finds a hash with exactly the
     * number it was put with, or not at all, never another hash's number. Bounded: fixed counts, joined with a
     * timeout.
     */
    @Test
    void concurrentReaders_seeOnlyTrueAnswers() throws Exception {
        RecentTxs recent = new RecentTxs(2048);
        int total = 60_000;
        byte[][] hashes = new byte[total][];
        Map<ByteBuffer, Long> seqOf = new HashMap<>();
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < total; i++) {
            hashes[i] = hash(random);
            seqOf.put(key(hashes[i]), (long) i + 1);
        }
        AtomicReference<String> wrong = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            SplittableRandom readerRandom = new SplittableRandom(100 + r);
            Thread reader = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int n = 0; n < 200_000 && wrong.get() == null; n++) {
                    byte[] hash = hashes[readerRandom.nextInt(total)];
                    long seq = recent.seqOf(Hash.of(hash));
                    if (seq != RecentTxs.ABSENT && seq != seqOf.get(key(hash))) {
                        wrong.set("hash " + n + " answered " + seq + ", put with " + seqOf.get(key(hash)));
                    }
                }
            }, "recent-txs-reader-" + r);
            reader.start();
            readers.add(reader);
        }
        start.countDown();
        for (int i = 0; i < total; i++) {
            recent.put(hashes[i], i + 1);
        }
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(reader.isAlive()).isFalse();
        }
        assertThat(wrong.get()).isNull();
        assertThat(recent.seqOf(Hash.of(hashes[total - 1]))).isEqualTo(total);
        assertThat(recent.seqOf(Hash.of(hashes[total - 2049]))).isEqualTo(RecentTxs.ABSENT);
    }

    @Test
    void size_countsTheEntries_andPutsGoOnAfterItWasRead() {
        RecentTxs recent = new RecentTxs(3);
        SplittableRandom random = new SplittableRandom(3);
        recent.put(hash(random), 1);
        assertThat(recent.size()).isEqualTo(1);
        recent.put(hash(random), 2);
        assertThat(recent.size()).isEqualTo(2);
    }

    /**
     * At the default capacity (100,000) the table grows past 65,536 buckets, where the third byte of a hash starts to
     * choose its bucket: every hash put is found with its number, first while the arrays grow (40,000 held), then
     * once full, when the oldest are forgotten (120,000 put: the first 20,000 are gone).
     */
    @Test
    void atTheDefaultCapacity_holdsTheLast100000_andForgetsTheOlderOnes() {
        int capacity = SequencerConfig.builder().build().dedupCacheSize();
        assertThat(capacity).isEqualTo(100_000);
        RecentTxs recent = new RecentTxs(capacity);
        SplittableRandom random = new SplittableRandom(5);
        int count = 120_000;
        byte[][] hashes = new byte[count][];
        for (int i = 0; i < count; i++) {
            hashes[i] = hash(random);
            recent.put(hashes[i], i + 1);
            if (i + 1 == 40_000) {
                assertThat(recent.size()).isEqualTo(40_000);
                expectHeld(recent, hashes, 0, 40_000);
            }
        }
        assertThat(recent.size()).isEqualTo(capacity);
        for (int i = 0; i < count - capacity; i++) {
            assertThat(recent.seqOf(Hash.of(hashes[i]))).as("hash %d, forgotten", i).isEqualTo(RecentTxs.ABSENT);
        }
        expectHeld(recent, hashes, count - capacity, count);
        assertThat(recent.seqOf(Hash.of(hash(random)))).isEqualTo(RecentTxs.ABSENT);
    }

    /** Every hash {@code from .. to - 1} is held, with its number (index + 1). */
    private static void expectHeld(RecentTxs recent, byte[][] hashes, int from, int to) {
        for (int i = from; i < to; i++) {
            long seq = recent.seqOf(Hash.of(hashes[i]));
            if (seq != i + 1) {
                throw new AssertionError("hash " + i + " answered " + seq + ", put with " + (i + 1));
            }
        }
    }

    @Test
    void capacity_atTheBounds_isAccepted() {
        assertThat(new RecentTxs(1).size()).isZero();
        RecentTxs largest = new RecentTxs(RecentTxs.MAX_CAPACITY);
        byte[] hash = hash(new SplittableRandom(6));
        largest.put(hash, 9);
        assertThat(largest.seqOf(Hash.of(hash))).isEqualTo(9);
    }

    @Test
    void capacity_outOfRange_isRefused() {
        assertThatThrownBy(() -> new RecentTxs(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
        assertThatThrownBy(() -> new RecentTxs(RecentTxs.MAX_CAPACITY + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }
}
