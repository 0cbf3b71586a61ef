package org.ippan.l2.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(100, 10_000, 0.5);

    @Test
    void baseDelay_startsAtInitialAndDoublesPerAttempt() {
        assertThat(backoff.baseDelayMs(1)).isEqualTo(100);
        assertThat(backoff.baseDelayMs(2)).isEqualTo(200);
        assertThat(backoff.baseDelayMs(3)).isEqualTo(400);
        assertThat(backoff.baseDelayMs(7)).isEqualTo(6400);
    }

    @Test
    void baseDelay_isCappedAtMax_evenForHugeAttempts() {
        assertThat(backoff.baseDelayMs(8)).isEqualTo(10_000);
        assertThat(backoff.baseDelayMs(63)).isEqualTo(10_000);
        assertThat(backoff.baseDelayMs(64)).isEqualTo(10_000);
        assertThat(backoff.baseDelayMs(Integer.MAX_VALUE)).isEqualTo(10_000);
        assertThat(new Backoff(1, Long.MAX_VALUE, 0).baseDelayMs(63)).isEqualTo(1L << 62);
        assertThat(new Backoff(1, Long.MAX_VALUE, 0).baseDelayMs(64)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void delay_staysWithinJitterBounds_andNeverAboveTheCap() {
        SplittableRandom random = new SplittableRandom(20240601L);
        for (int attempt = 1; attempt <= 20; attempt++) {
            long baseMs = backoff.baseDelayMs(attempt);
            long lowestMs = baseMs - (long) (baseMs * 0.5);
            for (int i = 0; i < 1000; i++) {
                long bits = random.nextLong();
                assertThat(backoff.delayMs(attempt, bits)).as("attempt %d, bits %d", attempt, bits)
                        .isBetween(lowestMs, baseMs)
                        .isLessThanOrEqualTo(10_000);
            }
        }
    }

    @Test
    void delay_extremeRandomBits_hitTheEndsOfTheJitterRange() {
        assertThat(backoff.delayMs(3, 0L)).isEqualTo(400);
        assertThat(backoff.delayMs(3, -1L)).isEqualTo(201); // just above 400 - 400 * 0.5
    }

    @Test
    void delay_jitterSpreadsAcrossTheRange() {
        SplittableRandom random = new SplittableRandom(7L);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++) {
            long delayMs = backoff.delayMs(5, random.nextLong());
            min = Math.min(min, delayMs);
            max = Math.max(max, delayMs);
        }
        assertThat(min).isLessThan(900);
        assertThat(max).isGreaterThan(1500);
    }

    @Test
    void delay_withoutJitter_isTheBaseDelay() {
        Backoff exact = new Backoff(50, 1000, 0.0);

        assertThat(exact.delayMs(1, 123456789L)).isEqualTo(50);
        assertThat(exact.delayMs(3, -1L)).isEqualTo(200);
    }

    @Test
    void delay_fullJitter_isNeverZero() {
        Backoff full = new Backoff(1, 1000, 1.0);

        assertThat(full.delayMs(1, -1L)).isEqualTo(1);
        assertThat(full.delayMs(5, -1L)).isEqualTo(1);
    }

    @Test
    void delay_isDeterministicForTheSameRandomInput() {
        long bits = new SplittableRandom(99L).nextLong();

        assertThat(backoff.delayMs(4, bits)).isEqualTo(backoff.delayMs(4, bits));
        assertThat(new Backoff(100, 10_000, 0.5).delayMs(4, bits)).isEqualTo(backoff.delayMs(4, bits));
    }

    @Test
    void retryAfter_longerThanTheBackoff_isHonoured_evenAboveTheCap() {
        assertThat(backoff.delayMs(1, 0L, OptionalLong.of(5000))).isEqualTo(5000);
        assertThat(backoff.delayMs(20, 0L, OptionalLong.of(60_000))).isEqualTo(60_000);
    }

    @Test
    void retryAfter_shorterThanTheBackoff_leavesTheBackoff() {
        long bits = 42L << 20;
        assertThat(backoff.delayMs(5, bits, OptionalLong.of(10))).isEqualTo(backoff.delayMs(5, bits));
        assertThat(backoff.delayMs(5, bits, OptionalLong.empty())).isEqualTo(backoff.delayMs(5, bits));
    }

    @Test
    void retryAfter_fromATransientException_isHonoured() {
        L1TransientException throttled = new L1TransientException("429", OptionalLong.of(3000), null);

        assertThat(backoff.delayMs(1, 0L, throttled.retryAfterMs())).isEqualTo(3000);
    }

    @Test
    void invalidArguments_areRefusedNamingTheField() {
        assertThatThrownBy(() -> backoff.delayMs(0, 0L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attempt");
        assertThatThrownBy(() -> backoff.delayMs(1, 0L, OptionalLong.of(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAfterMs");
        assertThatThrownBy(() -> new Backoff(0, 10, 0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialDelayMs");
        assertThatThrownBy(() -> new Backoff(10, 9, 0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxDelayMs");
        assertThatThrownBy(() -> new Backoff(10, 10, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jitterFraction");
        assertThatThrownBy(() -> new Backoff(10, 10, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jitterFraction");
    }

    @Test
    void defaultBackoff_growsFrom100MsTo30s() {
        assertThat(Backoff.DEFAULT.baseDelayMs(1)).isEqualTo(100);
        assertThat(Backoff.DEFAULT.baseDelayMs(100)).isEqualTo(30_000);
    }
}
