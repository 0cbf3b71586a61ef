package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.contract.ContractException;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.l1.Backoff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SequencerConfigTest {

    /** Every variable fromEnvironment reads, with a value other than its default. */
    private static Map<String, String> everyVariableSet() {
        Map<String, String> env = new HashMap<>();
        env.put("L2_LEADER_MODE", " Single ");
        env.put("L2_LEADER", "false");
        env.put("LEADER_ID", "  node-7 ");
        env.put("LEADER_TERM", "42");
        env.put("L2_SEQUENCER_KEY_PATH", " /etc/ippan/sequencer.key ");
        env.put("L2_CHAIN_ID", "777");
        env.put("L2_MAX_TX_SIZE", "4096");
        env.put("L2_ADMISSION_CAP", "5000");
        env.put("L2_MAX_BATCH_TXS", "250");
        env.put("L2_MAX_BATCH_BYTES", "524288");
        env.put("L2_MAX_WAIT_MS", "250");
        env.put("L2_HUB_ID", "Data");
        env.put("L2_BATCH_FEE", "12");
        env.put("L2_FINALITY_CONFIRMATIONS", "0");
        env.put("L2_HEARTBEAT_MS", "300");
        env.put("L2_RECONCILE_MS", "700");
        env.put("L2_MAX_POSTS_IN_FLIGHT", "16");
        env.put("L2_MAX_UNPOSTED_BATCHES", "8");
        env.put("L2_L1_FAILURE_THRESHOLD", "9");
        env.put("L2_REPOST_AFTER_MS", "120000");
        return env;
    }

    private static SequencerConfig fromEnv(String variable, String value) {
        return SequencerConfig.fromEnvironment(Map.of(variable, value));
    }

    private static ConfigException refusal(String variable, String value) {
        return catchThrowableOfType(ConfigException.class, () -> fromEnv(variable, value));
    }

    /** A configuration in which every setting differs from its default. */
    private static SequencerConfig everySettingChanged() {
        return SequencerConfig.builder()
                .role(Role.FOLLOWER)
                .leaderId("node-7")
                .term(3)
                .sequencerKeyPath(Optional.of(Path.of("keys", "seq.pem")))
                .chainId(-2L)
                .maxTxSize(1000)
                .admissionCap(10)
                .batchLimits(new BatchLimits(10, 4096, 5))
                .hub(Hub.Bridge)
                .batchFee(99)
                .finalityConfirmations(2)
                .heartbeatIntervalMs(11)
                .reconcileIntervalMs(12)
                .maxPostsInFlight(13)
                .postBackoff(new Backoff(5, 50, 0.0))
                .l1FailureThreshold(14)
                .repostAfterMs(15)
                .maxAdmissionGroup(16)
                .dedupCacheSize(0)
                .build();
    }

    // ---- defaults ---------------------------------------------------------------------------------------------

    @Test
    void builderDefaults_equalTheNodeConfigurationTableAndTheEngineTunables() {
        SequencerConfig config = SequencerConfig.builder().build();

        assertThat(config.leaderMode()).isEqualTo(LeaderMode.SINGLE);
        assertThat(config.role()).isEqualTo(Role.LEADER);
        assertThat(config.leaderId()).isEqualTo("sequencer-0");
        assertThat(config.term()).isZero();
        assertThat(config.sequencerKeyPath()).isEmpty();
        assertThat(config.chainId()).isEqualTo(1L);
        assertThat(config.maxTxSize()).isEqualTo(65_536);
        assertThat(config.admissionCap()).isEqualTo(100_000);
        assertThat(config.batchLimits()).isEqualTo(new BatchLimits(1000, 1_048_576, 1000));
        assertThat(config.hub()).isEqualTo(Hub.Fin);
        assertThat(config.batchFee()).isZero();
        assertThat(config.finalityConfirmations()).isEqualTo(6);
        assertThat(config.heartbeatIntervalMs()).isEqualTo(1000L);
        assertThat(config.reconcileIntervalMs()).isEqualTo(1000L);
        assertThat(config.maxPostsInFlight()).isEqualTo(4);
        assertThat(config.maxUnpostedBatches()).isEqualTo(64);
        assertThat(config.postBackoff()).isEqualTo(Backoff.DEFAULT);
        assertThat(config.l1FailureThreshold()).isEqualTo(5);
        assertThat(config.repostAfterMs()).isEqualTo(60_000L);
        assertThat(config.maxAdmissionGroup()).isEqualTo(1000);
        assertThat(config.dedupCacheSize()).isEqualTo(100_000);
    }

    @Test
    void fromEnvironment_withNoVariables_givesTheBuilderDefaults() {
        assertThat(SequencerConfig.fromEnvironment(Map.of())).isEqualTo(SequencerConfig.builder().build());
    }

    @Test
    void fromEnvironment_emptyAndBlankVariables_takeTheDefaults() {
        Map<String, String> env = new HashMap<>();
        boolean blank = false;
        for (String variable : everyVariableSet().keySet()) {
            env.put(variable, blank ? " \t " : "");
            blank = !blank;
        }

        assertThat(SequencerConfig.fromEnvironment(env)).isEqualTo(SequencerConfig.builder().build());
    }

    @Test
    void fromEnvironment_ignoresVariablesItDoesNotKnow() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin");
        env.put("L2_LISTEN_ADDR", "not an address");
        env.put("L2_STORAGE_URL", "sqlite:./data/l2.db");
        env.put("L2_DEVNET_BLOCK_MS", "abc");
        env.put("l2_max_tx_size", "abc");

        assertThat(SequencerConfig.fromEnvironment(env)).isEqualTo(SequencerConfig.builder().build());
    }

    // ---- every variable parsed ----------------------------------------------------------------------------------

    @Test
    void fromEnvironment_readsEveryVariableTrimmed() {
        SequencerConfig config = SequencerConfig.fromEnvironment(everyVariableSet());

        assertThat(config.leaderMode()).isEqualTo(LeaderMode.SINGLE);
        assertThat(config.role()).isEqualTo(Role.FOLLOWER);
        assertThat(config.leaderId()).isEqualTo("node-7");
        assertThat(config.term()).isEqualTo(42L);
        assertThat(config.sequencerKeyPath()).contains(Path.of("/etc/ippan/sequencer.key"));
        assertThat(config.chainId()).isEqualTo(777L);
        assertThat(config.maxTxSize()).isEqualTo(4096);
        assertThat(config.admissionCap()).isEqualTo(5000);
        assertThat(config.batchLimits()).isEqualTo(new BatchLimits(250, 524_288, 250));
        assertThat(config.hub()).isEqualTo(Hub.Data);
        assertThat(config.batchFee()).isEqualTo(12L);
        assertThat(config.finalityConfirmations()).isZero();
        assertThat(config.heartbeatIntervalMs()).isEqualTo(300L);
        assertThat(config.reconcileIntervalMs()).isEqualTo(700L);
        assertThat(config.maxPostsInFlight()).isEqualTo(16);
        assertThat(config.maxUnpostedBatches()).isEqualTo(8);
        assertThat(config.l1FailureThreshold()).isEqualTo(9);
        assertThat(config.repostAfterMs()).isEqualTo(120_000L);
        // No variable for these: they keep their defaults.
        assertThat(config.postBackoff()).isEqualTo(Backoff.DEFAULT);
        assertThat(config.maxAdmissionGroup()).isEqualTo(1000);
        assertThat(config.dedupCacheSize()).isEqualTo(100_000);
    }

    @Test
    void fromEnvironment_oneBatchVariable_keepsTheOtherBatchDefaults() {
        SequencerConfig config = fromEnv("L2_MAX_WAIT_MS", "0");

        assertThat(config.batchLimits()).isEqualTo(new BatchLimits(1000, 1_048_576, 0));
    }

    static Stream<Arguments> acceptedBoundaryValues() {
        return Stream.of(
                Arguments.of("LEADER_TERM", "9223372036854775807",
                        (Function<SequencerConfig, Object>) SequencerConfig::term, Long.MAX_VALUE),
                Arguments.of("L2_MAX_TX_SIZE", "1", (Function<SequencerConfig, Object>) SequencerConfig::maxTxSize, 1),
                Arguments.of("L2_MAX_TX_SIZE", "1048576",
                        (Function<SequencerConfig, Object>) SequencerConfig::maxTxSize, 1_048_576),
                Arguments.of("L2_ADMISSION_CAP", "2147483647",
                        (Function<SequencerConfig, Object>) SequencerConfig::admissionCap, Integer.MAX_VALUE),
                Arguments.of("L2_MAX_BATCH_TXS", "1",
                        (Function<SequencerConfig, Object>) c -> c.batchLimits().maxTxs(), 1),
                Arguments.of("L2_MAX_WAIT_MS", "007",
                        (Function<SequencerConfig, Object>) c -> c.batchLimits().maxWaitMs(), 7L),
                Arguments.of("L2_BATCH_FEE", "9223372036854775807",
                        (Function<SequencerConfig, Object>) SequencerConfig::batchFee, Long.MAX_VALUE),
                Arguments.of("L2_FINALITY_CONFIRMATIONS", "2147483647",
                        (Function<SequencerConfig, Object>) SequencerConfig::finalityConfirmations, Integer.MAX_VALUE),
                Arguments.of("L2_HEARTBEAT_MS", "1",
                        (Function<SequencerConfig, Object>) SequencerConfig::heartbeatIntervalMs, 1L),
                Arguments.of("L2_RECONCILE_MS", "1",
                        (Function<SequencerConfig, Object>) SequencerConfig::reconcileIntervalMs, 1L),
                Arguments.of("L2_MAX_POSTS_IN_FLIGHT", "64",
                        (Function<SequencerConfig, Object>) SequencerConfig::maxPostsInFlight, 64),
                Arguments.of("L2_MAX_POSTS_IN_FLIGHT", "1",
                        (Function<SequencerConfig, Object>) SequencerConfig::maxPostsInFlight, 1),
                Arguments.of("L2_L1_FAILURE_THRESHOLD", "1",
                        (Function<SequencerConfig, Object>) SequencerConfig::l1FailureThreshold, 1),
                Arguments.of("L2_REPOST_AFTER_MS", "1",
                        (Function<SequencerConfig, Object>) SequencerConfig::repostAfterMs, 1L),
                Arguments.of("L2_CHAIN_ID", "0", (Function<SequencerConfig, Object>) SequencerConfig::chainId, 0L));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("acceptedBoundaryValues")
    void fromEnvironment_acceptsTheEdgesOfEachRange(String variable, String value,
            Function<SequencerConfig, Object> setting, Object expected) {
        assertThat(setting.apply(fromEnv(variable, value))).isEqualTo(expected);
    }

    @Test
    void fromEnvironment_largestMaxTxSize_isAcceptedWhenTheBatchCanHoldIt() {
        SequencerConfig config = SequencerConfig.fromEnvironment(
                Map.of("L2_MAX_TX_SIZE", "16777216", "L2_MAX_BATCH_BYTES", "16777216"));

        assertThat(config.maxTxSize()).isEqualTo(16 << 20);
        assertThat(config.batchLimits().maxBytes()).isEqualTo(16L << 20);
    }

    @ParameterizedTest(name = "L2_LEADER={0}")
    @CsvSource({"1, LEADER", "true, LEADER", "TRUE, LEADER", "True, LEADER", "' 1 ', LEADER",
            "0, FOLLOWER", "false, FOLLOWER", "FALSE, FOLLOWER", "fAlSe, FOLLOWER"})
    void l2Leader_acceptsOneTrueZeroFalseInAnyCase(String value, Role expected) {
        assertThat(fromEnv("L2_LEADER", value).role()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "L2_LEADER={0}")
    @ValueSource(strings = {"2", "yes", "no", "on", "off", "leader", "01", "-1", "t"})
    void l2Leader_refusesAnythingElseNamingTheVariable(String value) {
        ConfigException refused = refusal("L2_LEADER", value);

        assertThat(refused.setting()).isEqualTo("L2_LEADER");
        assertThat(refused).hasMessage("L2_LEADER: must be 1 or true (leader), 0 or false (follower) (got '"
                + value + "')");
    }

    @ParameterizedTest(name = "L2_LEADER_MODE={0}")
    @ValueSource(strings = {"single", "SINGLE", "Single", " single "})
    void l2LeaderMode_acceptsSingleInAnyCase(String value) {
        assertThat(fromEnv("L2_LEADER_MODE", value).leaderMode()).isEqualTo(LeaderMode.SINGLE);
    }

    @Test
    void l2LeaderMode_raft_isRefusedWithTheDocumentedMessage() {
        ConfigException refused = refusal("L2_LEADER_MODE", "raft");

        assertThat(refused.setting()).isEqualTo("L2_LEADER_MODE");
        assertThat(refused).hasMessage("L2_LEADER_MODE: must be 'single', 'lease' or 'rotating' (got 'raft')");
    }

    @ParameterizedTest(name = "L2_LEADER_MODE={0}")
    @ValueSource(strings = {"multi", "singles", "static", "1"})
    void l2LeaderMode_anyOtherValue_isRefusedNamingTheVariable(String value) {
        ConfigException refused = refusal("L2_LEADER_MODE", value);

        assertThat(refused.setting()).isEqualTo("L2_LEADER_MODE");
        assertThat(refused).hasMessage("L2_LEADER_MODE: must be 'single', 'lease' or 'rotating' (got '" + value + "')");
    }

    @Test
    void leaderModeWireName_isSingle() {
        assertThat(LeaderMode.SINGLE.wireName()).isEqualTo("single");
        assertThat(LeaderMode.LEASE.wireName()).isEqualTo("lease");
        assertThat(LeaderMode.ROTATING.wireName()).isEqualTo("rotating");
    }

    @ParameterizedTest(name = "L2_HUB_ID={0}")
    @EnumSource(Hub.class)
    void l2HubId_acceptsEveryHubByItsExactName(Hub hub) {
        assertThat(fromEnv("L2_HUB_ID", hub.name()).hub()).isEqualTo(hub);
    }

    @ParameterizedTest(name = "L2_HUB_ID={0}")
    @ValueSource(strings = {"fin", "FIN", "Finance", "m2m", "0"})
    void l2HubId_unknownName_isRefusedNamingTheVariableAndTheHubs(String value) {
        ConfigException refused = refusal("L2_HUB_ID", value);

        assertThat(refused.setting()).isEqualTo("L2_HUB_ID");
        assertThat(refused).hasMessage("L2_HUB_ID: must be one of Fin, Data, M2m, World, Bridge (got '"
                + value + "')");
        assertThat(refused).hasCauseInstanceOf(ContractException.class);
    }

    @Test
    void l2SequencerKeyPath_blank_meansNoKey() {
        assertThat(fromEnv("L2_SEQUENCER_KEY_PATH", "   ").sequencerKeyPath()).isEmpty();
    }

    @Test
    void l2SequencerKeyPath_relativePath_isKeptRelativeAndNotRead() {
        assertThat(fromEnv("L2_SEQUENCER_KEY_PATH", "./does-not-exist/sequencer.key").sequencerKeyPath())
                .contains(Path.of("./does-not-exist/sequencer.key"));
    }

    @Test
    void l2SequencerKeyPath_invalidPath_isRefusedNamingTheVariable() {
        ConfigException refused = refusal("L2_SEQUENCER_KEY_PATH", "a\u0000b");

        assertThat(refused.setting()).isEqualTo("L2_SEQUENCER_KEY_PATH");
        assertThat(refused).hasMessage("L2_SEQUENCER_KEY_PATH: not a valid path (got 'a\\u0000b')");
    }

    // ---- the chain id is unsigned ------------------------------------------------------------------------------

    @ParameterizedTest(name = "L2_CHAIN_ID={0}")
    @CsvSource({"9223372036854775807, 9223372036854775807",
            "9223372036854775808, -9223372036854775808",
            "18446744073709551615, -1",
            "18446744073709551614, -2"})
    void l2ChainId_aboveLongMax_isCarriedAsTheTwosComplementLong(String value, long expected) {
        SequencerConfig config = fromEnv("L2_CHAIN_ID", value);

        assertThat(config.chainId()).isEqualTo(expected);
        assertThat(config.toString()).contains("chainId=" + value + ",");
    }

    @Test
    void l2ChainId_aboveTwoToThe64_isRefusedNamingTheRange() {
        ConfigException refused = refusal("L2_CHAIN_ID", "18446744073709551616");

        assertThat(refused.setting()).isEqualTo("L2_CHAIN_ID");
        assertThat(refused).hasMessage("L2_CHAIN_ID: must be at most 18446744073709551615 (unsigned 64-bit)"
                + " (got '18446744073709551616')");
    }

    @ParameterizedTest(name = "L2_CHAIN_ID={0}")
    @ValueSource(strings = {"-1", "+1", "0x1", "one", "1.0", "1e3"})
    void l2ChainId_malformed_isRefusedNamingTheVariable(String value) {
        ConfigException refused = refusal("L2_CHAIN_ID", value);

        assertThat(refused.setting()).isEqualTo("L2_CHAIN_ID");
        assertThat(refused).hasMessage("L2_CHAIN_ID: not an unsigned 64-bit integer (got '" + value + "')");
    }

    // ---- malformed and out-of-range numbers ----------------------------------------------------------------------

    static Stream<Arguments> malformedNumbers() {
        String[] variables = {"LEADER_TERM", "L2_MAX_TX_SIZE", "L2_ADMISSION_CAP", "L2_MAX_BATCH_TXS",
            "L2_MAX_BATCH_BYTES", "L2_MAX_WAIT_MS", "L2_BATCH_FEE", "L2_FINALITY_CONFIRMATIONS", "L2_HEARTBEAT_MS",
            "L2_RECONCILE_MS", "L2_MAX_POSTS_IN_FLIGHT", "L2_MAX_UNPOSTED_BATCHES", "L2_L1_FAILURE_THRESHOLD",
            "L2_REPOST_AFTER_MS"};
        String[] values = {"abc", "-1", "+5", "1.5", "0x10", "1 000", "1e3", "\u0661\u0662"};
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String variable : variables) {
            for (String value : values) {
                cases.add(Arguments.of(variable, value));
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("malformedNumbers")
    void malformedNumber_isRefusedNamingTheVariable(String variable, String value) {
        ConfigException refused = refusal(variable, value);

        assertThat(refused.setting()).isEqualTo(variable);
        assertThat(refused).hasMessage(variable + ": not a non-negative integer (got '" + value + "')");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "LEADER_TERM               | 9223372036854775808 | must be within 0..9223372036854775807",
        "L2_MAX_TX_SIZE            | 0                   | must be within 1..16777216",
        "L2_MAX_TX_SIZE            | 16777217            | must be within 1..16777216",
        "L2_MAX_TX_SIZE            | 99999999999         | must be within 1..16777216",
        "L2_ADMISSION_CAP          | 0                   | must be within 1..2147483647",
        "L2_ADMISSION_CAP          | 2147483648          | must be within 1..2147483647",
        "L2_MAX_BATCH_TXS          | 0                   | must be within 1..2147483647",
        "L2_MAX_BATCH_TXS          | 2147483648          | must be within 1..2147483647",
        "L2_MAX_BATCH_BYTES        | 99999999999999999999 | must be within 0..9223372036854775807",
        "L2_MAX_WAIT_MS            | 9223372036854775808 | must be within 0..9223372036854775807",
        "L2_BATCH_FEE              | 9223372036854775808 | must be within 0..9223372036854775807",
        "L2_FINALITY_CONFIRMATIONS | 2147483648          | must be within 0..2147483647",
        "L2_HEARTBEAT_MS           | 0                   | must be within 1..9223372036854775807",
        "L2_RECONCILE_MS           | 0                   | must be within 1..9223372036854775807",
        "L2_MAX_POSTS_IN_FLIGHT    | 0                   | must be within 1..64",
        "L2_MAX_POSTS_IN_FLIGHT    | 65                  | must be within 1..64",
        "L2_MAX_UNPOSTED_BATCHES   | 0                   | must be within 1..2147483647",
        "L2_L1_FAILURE_THRESHOLD   | 0                   | must be within 1..2147483647",
        "L2_L1_FAILURE_THRESHOLD   | 2147483648          | must be within 1..2147483647",
        "L2_REPOST_AFTER_MS        | 0                   | must be within 1..9223372036854775807",
    })
    void outOfRangeNumber_isRefusedNamingTheVariableAndTheRange(String variable, String value, String problem) {
        ConfigException refused = refusal(variable, value);

        assertThat(refused.setting()).isEqualTo(variable);
        assertThat(refused).hasMessage(variable + ": " + problem + " (got '" + value + "')");
    }

    @Test
    void l2MaxBatchBytes_belowOneMinimalTx_isRefusedByBatchLimitsNamingTheVariable() {
        long tooSmall = BatchLimits.MIN_MAX_BYTES - 1;
        ConfigException refused = catchThrowableOfType(ConfigException.class, () -> SequencerConfig.fromEnvironment(
                Map.of("L2_MAX_BATCH_BYTES", Long.toString(tooSmall), "L2_MAX_TX_SIZE", "1")));

        assertThat(refused.setting()).isEqualTo("L2_MAX_BATCH_BYTES");
        assertThat(refused.getMessage()).startsWith("L2_MAX_BATCH_BYTES: ").contains(Long.toString(tooSmall));
        assertThat(refused).hasCauseExactlyInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void l2MaxBatchBytes_ofOneMinimalTx_isAccepted() {
        SequencerConfig config = SequencerConfig.fromEnvironment(
                Map.of("L2_MAX_BATCH_BYTES", Long.toString(BatchLimits.MIN_MAX_BYTES), "L2_MAX_TX_SIZE", "1"));

        assertThat(config.batchLimits().maxBytes()).isEqualTo(BatchLimits.MIN_MAX_BYTES);
    }

    @Test
    void l2MaxTxSize_largerThanTheBatchByteLimit_isRefusedNamingL2MaxTxSize() {
        ConfigException refused = catchThrowableOfType(ConfigException.class, () -> SequencerConfig.fromEnvironment(
                Map.of("L2_MAX_TX_SIZE", "2000001", "L2_MAX_BATCH_BYTES", "2000000")));

        assertThat(refused.setting()).isEqualTo("L2_MAX_TX_SIZE");
        assertThat(refused).hasMessage("L2_MAX_TX_SIZE: must not exceed L2_MAX_BATCH_BYTES (2000000): such a tx"
                + " could never be batched (got '2000001')");
    }

    @Test
    void l2MaxBatchBytes_belowTheDefaultMaxTxSize_isRefusedNamingL2MaxTxSize() {
        ConfigException refused = refusal("L2_MAX_BATCH_BYTES", "65535");

        assertThat(refused.setting()).isEqualTo("L2_MAX_TX_SIZE");
        assertThat(refused.getMessage()).contains("L2_MAX_BATCH_BYTES (65535)");
    }

    @Test
    void l2MaxTxSize_equalToTheBatchByteLimit_isAccepted() {
        SequencerConfig config = SequencerConfig.fromEnvironment(
                Map.of("L2_MAX_TX_SIZE", "2000000", "L2_MAX_BATCH_BYTES", "2000000"));

        assertThat(config.maxTxSize()).isEqualTo(2_000_000);
    }

    @Test
    void leaderId_fromEnvironment_tooLong_isRefusedNamingTheVariable() {
        ConfigException refused = refusal("LEADER_ID", "n".repeat(129));

        assertThat(refused.setting()).isEqualTo("LEADER_ID");
        assertThat(refused.getMessage()).startsWith("LEADER_ID: must be at most 128 chars, is 129 (got 'nnnn");
    }

    @Test
    void leaderId_fromEnvironment_ofMaximalLength_isAccepted() {
        assertThat(fromEnv("LEADER_ID", "n".repeat(128)).leaderId()).hasSize(128);
    }

    @Test
    void leaderId_fromEnvironment_withAControlCharacter_isRefusedAndEchoedEscapedOnOneLine() {
        ConfigException refused = refusal("LEADER_ID", "node\n7");

        assertThat(refused.setting()).isEqualTo("LEADER_ID");
        assertThat(refused).hasMessage("LEADER_ID: must not contain control characters (got 'node\\u000a7')");
    }

    @Test
    void longValue_isEchoedShortenedToAbout64Chars() {
        String value = "9".repeat(20) + "x".repeat(10_000);
        ConfigException refused = refusal("L2_MAX_WAIT_MS", value);

        assertThat(refused).hasMessage("L2_MAX_WAIT_MS: not a non-negative integer (got '"
                + value.substring(0, 64) + "...')");
    }

    // ---- builder validation --------------------------------------------------------------------------------------

    static Stream<Arguments> invalidBuilderSettings() {
        return Stream.of(
                invalid("leaderMode", b -> b.leaderMode(null)),
                invalid("role", b -> b.role(null)),
                invalid("leaderId", b -> b.leaderId(null)),
                invalid("leaderId", b -> b.leaderId("")),
                invalid("leaderId", b -> b.leaderId(" \t")),
                invalid("leaderId", b -> b.leaderId("x".repeat(129))),
                invalid("leaderId", b -> b.leaderId("node\u00077")),
                invalid("leaderId", b -> b.leaderId("node\u00857")),
                invalid("term", b -> b.term(-1)),
                invalid("sequencerKeyPath", b -> b.sequencerKeyPath(null)),
                invalid("maxTxSize", b -> b.maxTxSize(0)),
                invalid("maxTxSize", b -> b.maxTxSize(-1)),
                invalid("maxTxSize", b -> b.maxTxSize((16 << 20) + 1)
                        .batchLimits(new BatchLimits(1000, 32 << 20, 1000))),
                invalid("maxTxSize", b -> b.maxTxSize(5000).batchLimits(new BatchLimits(1000, 4999, 1000))),
                invalid("admissionCap", b -> b.admissionCap(0)),
                invalid("batchLimits", b -> b.batchLimits(null)),
                invalid("hub", b -> b.hub(null)),
                invalid("batchFee", b -> b.batchFee(-1)),
                invalid("finalityConfirmations", b -> b.finalityConfirmations(-1)),
                invalid("heartbeatIntervalMs", b -> b.heartbeatIntervalMs(0)),
                invalid("reconcileIntervalMs", b -> b.reconcileIntervalMs(0)),
                invalid("maxPostsInFlight", b -> b.maxPostsInFlight(0)),
                invalid("maxPostsInFlight", b -> b.maxPostsInFlight(65)),
                invalid("postBackoff", b -> b.postBackoff(null)),
                invalid("l1FailureThreshold", b -> b.l1FailureThreshold(0)),
                invalid("repostAfterMs", b -> b.repostAfterMs(0)),
                invalid("maxAdmissionGroup", b -> b.maxAdmissionGroup(0)),
                invalid("maxAdmissionGroup", b -> b.maxAdmissionGroup(100_001)),
                invalid("dedupCacheSize", b -> b.dedupCacheSize(-1)));
    }

    private static Arguments invalid(String field, UnaryOperator<SequencerConfig.Builder> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidBuilderSettings")
    void build_invalidSetting_isRefusedNamingTheField(String field, UnaryOperator<SequencerConfig.Builder> change) {
        ConfigException refused = catchThrowableOfType(ConfigException.class,
                () -> change.apply(SequencerConfig.builder()).build());

        assertThat(refused.setting()).isEqualTo(field);
        assertThat(refused.getMessage()).startsWith(field + ": ").doesNotContain("\n");
    }

    @Test
    void build_outOfRangeNumber_namesTheFieldTheRangeAndTheValue() {
        ConfigException refused = catchThrowableOfType(ConfigException.class,
                () -> SequencerConfig.builder().maxPostsInFlight(65).build());

        assertThat(refused).hasMessage("maxPostsInFlight: must be within 1..64 (got '65')");
    }

    @Test
    void build_maxTxSizeOverTheBatchByteLimit_namesTheBatchLimitField() {
        ConfigException refused = catchThrowableOfType(ConfigException.class, () -> SequencerConfig.builder()
                .maxTxSize(5000).batchLimits(new BatchLimits(1000, 4999, 1000)).build());

        assertThat(refused).hasMessage("maxTxSize: must not exceed batchLimits.maxBytes (4999): such a tx could never"
                + " be batched (got '5000')");
    }

    @Test
    void build_nullSetting_namesTheFieldWithoutEchoingAValue() {
        ConfigException refused = catchThrowableOfType(ConfigException.class,
                () -> SequencerConfig.builder().hub(null).build());

        assertThat(refused).hasMessage("hub: must not be null");
    }

    @Test
    void build_acceptsTheEdgesOfEachRange() {
        SequencerConfig config = SequencerConfig.builder()
                .leaderId("x".repeat(128))
                .term(0)
                .chainId(Long.MIN_VALUE)
                .maxTxSize(16 << 20)
                .batchLimits(new BatchLimits(1, 16 << 20, 0))
                .admissionCap(1)
                .batchFee(0)
                .finalityConfirmations(0)
                .heartbeatIntervalMs(1)
                .reconcileIntervalMs(1)
                .maxPostsInFlight(64)
                .l1FailureThreshold(1)
                .repostAfterMs(1)
                .maxAdmissionGroup(100_000)
                .dedupCacheSize(0)
                .build();

        assertThat(config.maxTxSize()).isEqualTo(16 << 20);
        assertThat(config.maxPostsInFlight()).isEqualTo(64);
        assertThat(config.maxAdmissionGroup()).isEqualTo(100_000);
        assertThat(config.dedupCacheSize()).isZero();
        assertThat(config.chainId()).isEqualTo(Long.MIN_VALUE);
    }

    // ---- toBuilder, equality, immutability, toString ----------------------------------------------------------

    @Test
    void toBuilder_roundTrip_givesAnEqualConfiguration() {
        SequencerConfig config = everySettingChanged();

        SequencerConfig copy = config.toBuilder().build();

        assertThat(copy).isEqualTo(config).hasSameHashCodeAs(config).isNotSameAs(config);
        assertThat(copy.toString()).isEqualTo(config.toString());
    }

    @Test
    void everySettingChanged_differsFromTheDefaultsInEverySetting() {
        SequencerConfig changed = everySettingChanged();
        SequencerConfig defaults = SequencerConfig.builder().build();

        // Guards the round-trip test above: a setting toBuilder forgot to copy would show up as a default.
        for (Function<SequencerConfig, Object> setting : everySettingButTheOneValuedLeaderMode()) {
            assertThat(setting.apply(changed)).isNotEqualTo(setting.apply(defaults));
        }
    }

    static Stream<Arguments> oneSettingChanged() {
        return Stream.of(
                changed("role", b -> b.role(Role.LEADER)),
                changed("leaderId", b -> b.leaderId("node-8")),
                changed("term", b -> b.term(4)),
                changed("sequencerKeyPath", b -> b.sequencerKeyPath(Optional.empty())),
                changed("chainId", b -> b.chainId(2)),
                changed("maxTxSize", b -> b.maxTxSize(999)),
                changed("admissionCap", b -> b.admissionCap(11)),
                changed("batchLimits", b -> b.batchLimits(new BatchLimits(10, 4096, 6))),
                changed("hub", b -> b.hub(Hub.World)),
                changed("batchFee", b -> b.batchFee(98)),
                changed("finalityConfirmations", b -> b.finalityConfirmations(3)),
                changed("heartbeatIntervalMs", b -> b.heartbeatIntervalMs(10)),
                changed("reconcileIntervalMs", b -> b.reconcileIntervalMs(10)),
                changed("maxPostsInFlight", b -> b.maxPostsInFlight(12)),
                changed("postBackoff", b -> b.postBackoff(new Backoff(5, 50, 0.5))),
                changed("l1FailureThreshold", b -> b.l1FailureThreshold(13)),
                changed("repostAfterMs", b -> b.repostAfterMs(16)),
                changed("maxAdmissionGroup", b -> b.maxAdmissionGroup(17)),
                changed("dedupCacheSize", b -> b.dedupCacheSize(1)));
    }

    private static Arguments changed(String field, UnaryOperator<SequencerConfig.Builder> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneSettingChanged")
    void equals_tellsApartConfigurationsDifferingInOneSetting(String field,
            UnaryOperator<SequencerConfig.Builder> change) {
        SequencerConfig config = everySettingChanged();

        SequencerConfig other = change.apply(config.toBuilder()).build();

        assertThat(other).isNotEqualTo(config);
        assertThat(other.toString()).isNotEqualTo(config.toString());
    }

    @Test
    void toBuilder_changes_leaveTheOriginalUnchanged() {
        SequencerConfig original = SequencerConfig.builder().build();

        SequencerConfig changed = original.toBuilder().leaderId("other").maxTxSize(10).build();

        assertThat(original.leaderId()).isEqualTo("sequencer-0");
        assertThat(original.maxTxSize()).isEqualTo(65_536);
        assertThat(changed.leaderId()).isEqualTo("other");
        assertThat(changed.maxTxSize()).isEqualTo(10);
    }

    @Test
    void builder_changedAfterBuild_doesNotChangeTheBuiltConfiguration() {
        SequencerConfig.Builder builder = SequencerConfig.builder().term(1);
        SequencerConfig built = builder.build();

        builder.term(2);

        assertThat(built.term()).isEqualTo(1L);
        assertThat(builder.build().term()).isEqualTo(2L);
    }

    @Test
    void toString_listsEverySetting() {
        String text = everySettingChanged().toString();

        assertThat(text).contains("leaderMode=single", "role=FOLLOWER", "leaderId=node-7", "term=3",
                "sequencerKeyPath=" + Path.of("keys", "seq.pem"), "chainId=18446744073709551614",
                "maxTxSize=1000", "admissionCap=10", "batchLimits=" + new BatchLimits(10, 4096, 5), "hub=Bridge",
                "batchFee=99", "finalityConfirmations=2", "heartbeatIntervalMs=11", "reconcileIntervalMs=12",
                "maxPostsInFlight=13", "postBackoff=" + new Backoff(5, 50, 0.0), "l1FailureThreshold=14",
                "repostAfterMs=15", "maxAdmissionGroup=16", "dedupCacheSize=0");
    }

    @Test
    void toString_withoutKey_saysNone() {
        assertThat(SequencerConfig.builder().build().toString()).contains("sequencerKeyPath=<none>");
    }

    @Test
    void configException_isAnIllegalArgumentExceptionNamingTheSetting() {
        ConfigException refused = new ConfigException("L2_X", "must be small", "big\r\nvalue");

        assertThat(refused).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("L2_X: must be small (got 'big\\u000d\\u000avalue')");
        assertThat(refused.setting()).isEqualTo("L2_X");
    }

    private static List<Function<SequencerConfig, Object>> everySettingButTheOneValuedLeaderMode() {
        return List.of(SequencerConfig::role, SequencerConfig::leaderId,
                SequencerConfig::term, SequencerConfig::sequencerKeyPath, SequencerConfig::chainId,
                SequencerConfig::maxTxSize, SequencerConfig::admissionCap, SequencerConfig::batchLimits,
                SequencerConfig::hub, SequencerConfig::batchFee, SequencerConfig::finalityConfirmations,
                SequencerConfig::heartbeatIntervalMs, SequencerConfig::reconcileIntervalMs,
                SequencerConfig::maxPostsInFlight, SequencerConfig::postBackoff, SequencerConfig::l1FailureThreshold,
                SequencerConfig::repostAfterMs, SequencerConfig::maxAdmissionGroup, SequencerConfig::dedupCacheSize);
    }
}
