package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings of rotating mode, read from the environment and the builder, validated as a whole. */
class RotationConfigTest {
    private static final String K1 = "ab".repeat(32);
    private static final String K2 = "cd".repeat(32);

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("L2_LEADER_MODE", "rotating");
        env.put("L2_LEADER_SET", K1 + "," + K2);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static ConfigException refusal(String... pairs) {
        try {
            SequencerConfig.fromEnvironment(env(pairs));
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("accepted " + String.join(" ", pairs));
    }

    @Test
    void theEnvironment_givesTheSchedule_withKeysTrimmedAndLowerCased_andTheDefaultGrace() {
        SequencerConfig c = SequencerConfig.fromEnvironment(env("L2_LEADER_SET", " " + K1.toUpperCase() + " , " + K2,
                "L2_EPOCH_MS", "40000", "L2_GENESIS_MS", "1700000000000"));

        assertThat(c.leaderMode()).isEqualTo(LeaderMode.ROTATING);
        assertThat(c.leaderMode().usesLease()).isTrue();
        assertThat(c.leaderSet()).containsExactly(K1, K2);
        assertThat(c.epochMs()).isEqualTo(40_000);
        assertThat(c.genesisMs()).isEqualTo(1_700_000_000_000L);
        assertThat(c.rotationGraceMs()).isEqualTo(10_000); // max(TTL 5000, 40000 / 4)
        LeaderSchedule schedule = c.leaderSchedule().orElseThrow();
        assertThat(schedule.keys()).containsExactly(K1, K2);
        assertThat(schedule.graceMs()).isEqualTo(10_000);
        assertThat(SequencerConfig.fromEnvironment(env()).rotationGraceMs()).isEqualTo(5_000); // max(5000, 2500)
        assertThat(SequencerConfig.fromEnvironment(env("L2_ROTATION_GRACE_MS", "6000")).rotationGraceMs())
                .isEqualTo(6_000);
        assertThat(c).isEqualTo(c.toBuilder().build());
        assertThat(c.toString()).contains("leaderSet=[" + K1 + ", " + K2 + "]", "epochMs=40000");
    }

    @Test
    void otherModes_ignoreTheRotationSettings() {
        SequencerConfig lease = SequencerConfig.fromEnvironment(env("L2_LEADER_MODE", "lease", "L2_LEADER_SET",
                "not-a-key"));
        assertThat(lease.leaderSchedule()).isEmpty();
        assertThat(SequencerConfig.builder().build().leaderSchedule()).isEmpty();
        assertThat(LeaderMode.SINGLE.usesLease()).isFalse();
    }

    @Test
    void anEmptySet_isRefused_namingIt() {
        ConfigException e = refusal("L2_LEADER_SET", "");
        assertThat(e.setting()).isEqualTo("L2_LEADER_SET");
        assertThat(e).hasMessageContaining("at least one Ed25519 public key");
    }

    @Test
    void aKeyThatIsNot32BytesOfHex_isRefused_namingItsPosition() {
        assertThat(refusal("L2_LEADER_SET", K1 + ",zz")).hasMessageStartingWith("L2_LEADER_SET: entry 2 is not a"
                + " 32-byte Ed25519 public key in hex").hasMessageContaining("(got 'zz')");
        assertThat(refusal("L2_LEADER_SET", K1 + ",," + K2)).hasMessageContaining("entry 2 is not");
        assertThat(refusal("L2_LEADER_SET", K1 + "0")).hasMessageContaining("entry 1 is not");
        assertThat(refusal("L2_LEADER_SET", "g" + K1.substring(1))).hasMessageContaining("entry 1 is not");
    }

    @Test
    void aRepeatedKey_isRefused_evenInAnotherCase() {
        ConfigException e = refusal("L2_LEADER_SET", K1 + "," + K2 + "," + K1.toUpperCase());
        assertThat(e.setting()).isEqualTo("L2_LEADER_SET");
        assertThat(e).hasMessageContaining("entry 3 repeats entry 1");
    }

    @Test
    void anEpochShorterThanTwoLeases_isRefused() {
        ConfigException e = refusal("L2_EPOCH_MS", "9999");
        assertThat(e.setting()).isEqualTo("L2_EPOCH_MS");
        assertThat(e).hasMessageContaining("at least twice L2_LEASE_TTL_MS (5000)");
        assertThat(SequencerConfig.fromEnvironment(env("L2_EPOCH_MS", "1000", "L2_LEASE_TTL_MS", "500",
                "L2_LEASE_RENEW_MS", "100")).epochMs()).isEqualTo(1000);
        assertThat(refusal("L2_EPOCH_MS", "0").setting()).isEqualTo("L2_EPOCH_MS");
        assertThat(refusal("L2_EPOCH_MS", "ten")).hasMessageContaining("not a non-negative integer");
    }

    @Test
    void aGraceShorterThanTheLease_orNotShorterThanTheEpoch_isRefused() {
        ConfigException tooShort = refusal("L2_ROTATION_GRACE_MS", "4999");
        assertThat(tooShort.setting()).isEqualTo("L2_ROTATION_GRACE_MS");
        assertThat(tooShort).hasMessageContaining("at least L2_LEASE_TTL_MS (5000)");
        ConfigException tooLong = refusal("L2_ROTATION_GRACE_MS", "10000");
        assertThat(tooLong.setting()).isEqualTo("L2_ROTATION_GRACE_MS");
        assertThat(tooLong).hasMessageContaining("less than L2_EPOCH_MS (10000)");
    }

    @Test
    void aNegativeGenesis_isRefused() {
        assertThat(refusal("L2_GENESIS_MS", "-1")).hasMessageStartingWith("L2_GENESIS_MS: not a non-negative integer");
    }

    @Test
    void theBuilder_namesItsFields() {
        SequencerConfig.Builder b = SequencerConfig.builder().leaderMode(LeaderMode.ROTATING);
        assertThatThrownBy(b::build).isInstanceOf(ConfigException.class).hasMessageStartingWith("leaderSet:");
        b.leaderSet(List.of(K1));
        assertThatThrownBy(() -> b.epochMs(9_000).build()).hasMessageStartingWith("epochMs:")
                .hasMessageContaining("twice leaseTtlMs");
        assertThatThrownBy(() -> b.epochMs(10_000).rotationGraceMs(100).build())
                .hasMessageStartingWith("rotationGraceMs:");
        assertThatThrownBy(() -> b.rotationGraceMs(0).genesisMs(-5).build()).hasMessageStartingWith("genesisMs:");
        assertThatThrownBy(() -> b.genesisMs(0).leaderSet(null).build()).hasMessageStartingWith("leaderSet:");
        assertThat(b.leaderSet(List.of(K1.toUpperCase())).build().leaderSet()).containsExactly(K1);
    }
}
