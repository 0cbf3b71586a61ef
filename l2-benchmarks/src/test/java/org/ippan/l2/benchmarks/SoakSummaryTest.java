package org.ippan.l2.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ippan.l2.core.engine.ConfigException;
import org.ippan.l2.core.engine.Horizon;
import org.junit.jupiter.api.Test;

/** The soak's summary arithmetic and the settings it and the benchmarks take: pure, no store, no clock. */
class SoakSummaryTest {

    /** A sample every 10 s; live pages = base + perMinute × minutes; 1,000 txs admitted per second. */
    private static List<SoakSummary.Sample> linear(int count, long basePages, double pagesPerMinute) {
        List<SoakSummary.Sample> samples = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            long elapsedMs = i * 10_000L;
            long live = basePages + Math.round(pagesPerMinute * elapsedMs / 60_000.0);
            samples.add(new SoakSummary.Sample(elapsedMs, elapsedMs, elapsedMs, i, 5, live * 2048, live + 7, 7,
                    2048));
        }
        return samples;
    }

    @Test
    void slope_ofLinearGrowth_isItsRate_andBytesPerTxFollow() {
        SoakSummary summary = new SoakSummary(linear(30, 1_000, 600));

        assertThat(summary.livePagesPerMinute()).isCloseTo(600, within(1e-6));
        // 600 pages of 2,048 B per minute at 60,000 txs per minute
        assertThat(summary.liveBytesPerTx()).isCloseTo(600 * 2048 / 60_000.0, within(1e-6));
    }

    @Test
    void slope_ofAFlatStore_isZero_evenIfTheFirstHalfGrew() {
        List<SoakSummary.Sample> samples = linear(10, 1_000, 6_000); // grows for the first 100 s
        long top = samples.get(samples.size() - 1).livePages();
        for (int i = 11; i <= 20; i++) {
            samples.add(new SoakSummary.Sample(i * 10_000L, i * 10_000L, i * 10_000L, i, 5, top * 2048, top + 3, 3,
                    2048));
        }
        SoakSummary summary = new SoakSummary(samples);

        assertThat(summary.livePagesPerMinute()).isZero();
        assertThat(summary.liveBytesPerTx()).isZero();
    }

    @Test
    void at_picksTheFirstSampleAtOrAfterTheFraction() {
        SoakSummary summary = new SoakSummary(linear(8, 0, 60)); // 10 s .. 80 s

        assertThat(summary.at(0.25).elapsedMs()).isEqualTo(20_000);
        assertThat(summary.at(0.5).elapsedMs()).isEqualTo(40_000);
        assertThat(summary.at(0.75).elapsedMs()).isEqualTo(60_000);
        assertThat(summary.at(1.0).elapsedMs()).isEqualTo(80_000);
        assertThat(summary.secondHalf()).hasSize(5);
        assertThat(summary.text()).contains(" 50%", "per admitted tx");
    }

    @Test
    void livePages_areThePagesLessTheFreeOnes() {
        SoakSummary.Sample sample = new SoakSummary.Sample(1, 0, 0, 0, -1, 0, 100, 30, 4096);

        assertThat(sample.livePages()).isEqualTo(70);
        assertThat(sample.liveBytes()).isEqualTo(70 * 4096);
        assertThat(sample.row()).contains(" - ");
    }

    @Test
    void settings_parseNameValuePairs_andReachTheEngineConfig() {
        EngineSettings settings = EngineSettings.parse(" L2_RETAIN_CONFIRMED=100 ; L2_RECONCILE_MS=500;");

        assertThat(settings.values()).containsExactly(Map.entry("L2_RECONCILE_MS", "500"),
                Map.entry("L2_RETAIN_CONFIRMED", "100"));
        assertThat(settings.toString()).isEqualTo("L2_RECONCILE_MS=500;L2_RETAIN_CONFIRMED=100");
        assertThat(settings.config(Map.of("L2_RETAIN_CONFIRMED", "7", "L2_ADMISSION_CAP", "123")))
                .satisfies(config -> {
                    assertThat(config.retainConfirmed()).isEqualTo(Horizon.batches(100)); // the given setting wins over the default
                    assertThat(config.reconcileIntervalMs()).isEqualTo(500);
                    assertThat(config.admissionCap()).isEqualTo(123);
                });
        assertThat(EngineSettings.parse("").config(Map.of()).retainConfirmed()).isEqualTo(Horizon.KEEP);
    }

    @Test
    void settings_refuseAPairWithoutName_andTheEngineRefusesABadValue() {
        assertThatThrownBy(() -> EngineSettings.parse("L2_RETAIN_CONFIRMED")).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("NAME=VALUE");
        assertThatThrownBy(() -> EngineSettings.parse("L2_RETAIN_CONFIRMED=-1").config(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("L2_RETAIN_CONFIRMED");
    }
}
