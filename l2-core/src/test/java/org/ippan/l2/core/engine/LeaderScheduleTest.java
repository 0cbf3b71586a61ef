package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.engine.LeaderSchedule.Slot;
import org.ippan.l2.core.testing.Seeds;
import org.junit.jupiter.api.Test;

/** The rotating schedule: the upstream election (golden vector), epoch boundaries, genesis and the grace fallback. */
class LeaderScheduleTest {
    static final String K1 = "01".repeat(32);
    static final String K2 = "02".repeat(32);
    static final String K3 = "03".repeat(32);
    private static final long GENESIS_MS = 1_700_000_000_000L;

    private final LeaderSchedule schedule = new LeaderSchedule(List.of(K1, K2, K3), GENESIS_MS, 10_000, 2_500);

    /**
     * Golden vector, made without this code: for each epoch e, in a shell,
     * {@code { printf 'L2_LEADER_ELECTION_V1:'; printf "<e as 8 bytes little-endian, \x escapes>"; } | sha256sum},
     * the first 16 hex digits byte-reversed (little-endian) and read as an unsigned integer with {@code bc}, modulo 3
     * and modulo 5. For example epoch 1: digest {@code c81ac5044134b282...}, value 9417647224642673352, mod 3 = 0.
     */
    @Test
    void electedIndex_matchesTheGoldenVector_forThreeAndFiveKeys() {
        int[] modThree = {2, 0, 2, 0, 0, 1, 1, 1, 2, 2};
        int[] modFive = {4, 2, 2, 2, 1, 1, 4, 3, 4, 4};
        for (int epoch = 0; epoch < 10; epoch++) {
            assertThat(LeaderSchedule.electedIndex(epoch, 3)).as("epoch %d of 3", epoch).isEqualTo(modThree[epoch]);
            assertThat(LeaderSchedule.electedIndex(epoch, 5)).as("epoch %d of 5", epoch).isEqualTo(modFive[epoch]);
        }
        assertThat(LeaderSchedule.electedIndex(1_000_000, 3)).isEqualTo(1);
        assertThat(LeaderSchedule.electedIndex(1_000_000, 5)).isZero();
    }

    @Test
    void electedIndex_ofOneKey_isAlwaysZero_andAnyEpochIsInRange() {
        long seed = Seeds.seed(0x5C4EDL);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 1_000; i++) {
            long epoch = random.nextLong(); // unsigned: negative longs are epochs above 2^63
            int n = 1 + random.nextInt(20);
            assertThat(LeaderSchedule.electedIndex(epoch, 1)).as("seed %d", seed).isZero();
            assertThat(LeaderSchedule.electedIndex(epoch, n)).as("seed %d, epoch %d", seed, epoch).isBetween(0, n - 1);
        }
        assertThatThrownBy(() -> LeaderSchedule.electedIndex(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void slotAt_cutsEpochsFromGenesis_andTheSetKeepsItsConfiguredOrder() {
        assertThat(schedule.slotAt(GENESIS_MS)).contains(new Slot(0, GENESIS_MS, GENESIS_MS + 10_000, 2, 0, 2,
                GENESIS_MS + 2_500));
        assertThat(schedule.slotAt(GENESIS_MS + 9_999).orElseThrow().epoch()).isZero();
        Slot one = schedule.slotAt(GENESIS_MS + 10_000).orElseThrow();
        assertThat(one.epoch()).isEqualTo(1);
        assertThat(one.epochStartMs()).isEqualTo(GENESIS_MS + 10_000);
        assertThat(one.electedIndex()).isZero();
        assertThat(schedule.keys().get(one.electedIndex())).isEqualTo(K1);
        assertThat(schedule.slotAt(GENESIS_MS + 95_000).orElseThrow().epoch()).isEqualTo(9);

        LeaderSchedule reversed = new LeaderSchedule(List.of(K3, K2, K1), GENESIS_MS, 10_000, 2_500);
        assertThat(reversed.keys().get(reversed.slotAt(GENESIS_MS + 10_000).orElseThrow().electedIndex()))
                .isEqualTo(K3); // not sorted: the index is into the configured order
    }

    @Test
    void slotAt_beforeGenesis_isEmpty() {
        assertThat(schedule.slotAt(GENESIS_MS - 1)).isEmpty();
        assertThat(schedule.slotAt(0)).isEmpty();
    }

    @Test
    void afterEachGracePeriod_theNextKeyInConfiguredOrder_isTheCandidate() {
        // epoch 0 elects index 2: grace periods 0..3 make candidates 2, 0, 1, 2
        int[] expected = {2, 0, 1, 2};
        for (int k = 0; k < 4; k++) {
            Slot slot = schedule.slotAt(GENESIS_MS + k * 2_500L).orElseThrow();
            assertThat(slot.graceRound()).isEqualTo(k);
            assertThat(slot.candidateIndex()).as("grace period %d", k).isEqualTo(expected[k]);
            assertThat(slot.candidateUntilMs()).isEqualTo(GENESIS_MS + (k + 1) * 2_500L);
            Slot last = schedule.slotAt(GENESIS_MS + (k + 1) * 2_500L - 1).orElseThrow();
            assertThat(last.candidateIndex()).isEqualTo(expected[k]);
        }
        LeaderSchedule uneven = new LeaderSchedule(List.of(K1, K2, K3), GENESIS_MS, 10_000, 3_000);
        assertThat(uneven.slotAt(GENESIS_MS + 9_500).orElseThrow().candidateUntilMs())
                .isEqualTo(GENESIS_MS + 10_000); // the last grace period ends with the epoch
    }

    @Test
    void indexOf_ignoresCase_andTheConstructorRefusesBadSets() {
        assertThat(schedule.indexOf(K2.toUpperCase())).isEqualTo(1);
        assertThat(schedule.indexOf("04".repeat(32))).isEqualTo(-1);
        assertThatThrownBy(() -> new LeaderSchedule(List.of(), 0, 10, 1)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> new LeaderSchedule(List.of(K1, "zz"), 0, 10, 1)).hasMessageContaining("entry 2");
        assertThatThrownBy(() -> new LeaderSchedule(List.of(K1, K1.toUpperCase()), 0, 10, 1))
                .hasMessageContaining("repeats");
        assertThatThrownBy(() -> new LeaderSchedule(List.of(K1), 0, 10, 11)).hasMessageContaining("graceMs");
    }
}
