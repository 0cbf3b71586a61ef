package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The envelope cache: bounded by bytes, lowest batch numbers dropped first, a copy of what it is given, pruned
 * envelopes forgotten.
 */
class EnvelopeCacheTest {

    @Test
    void put_overTheLimit_dropsTheLowestBatchNumbersFirst() {
        EnvelopeCache cache = new EnvelopeCache(250);
        cache.put(3, new byte[100]);
        cache.put(1, new byte[100]);
        cache.put(2, new byte[100]);

        assertThat(cache.get(1)).isNull();
        assertThat(cache.get(2)).hasSize(100);
        assertThat(cache.get(3)).hasSize(100);
        assertThat(cache.bytes()).isEqualTo(200);
    }

    @Test
    void put_largerThanTheLimit_isNotKept() {
        EnvelopeCache cache = new EnvelopeCache(50);
        cache.put(1, new byte[51]);

        assertThat(cache.get(1)).isNull();
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void put_keepsACopy_soTheCallerCannotChangeTheCachedBytes() {
        EnvelopeCache cache = new EnvelopeCache(1000);
        byte[] envelope = {1, 2, 3};
        cache.put(7, envelope);
        envelope[0] = 9;

        assertThat(cache.get(7)).containsExactly(1, 2, 3);
    }

    @Test
    void drop_forgetsPrunedEnvelopes_andAReadFromBeforeTheDropIsNotCached() {
        EnvelopeCache cache = new EnvelopeCache(1000);
        cache.put(1, new byte[100]);
        cache.put(2, new byte[50]);
        long readEpoch = cache.epoch();

        cache.drop(java.util.List.of(1L));
        cache.put(1, new byte[100], readEpoch);

        assertThat(cache.get(1)).isNull();
        assertThat(cache.get(2)).hasSize(50);
        assertThat(cache.bytes()).isEqualTo(50);
        cache.put(3, new byte[10], cache.epoch());
        assertThat(cache.get(3)).hasSize(10);
    }
}
