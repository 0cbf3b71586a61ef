package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import org.ippan.l2.core.crypto.KeyLoadException;
import org.ippan.l2.core.crypto.SequencerKeys;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.Test;

/** L2_SEQUENCER_KEY_PATH reaches the engine: the builder loads the configured key when no signer is given. */
class SequencerKeyConfigTest {
    private static Path fixtureKey() throws URISyntaxException {
        return Path.of(SequencerKeyConfigTest.class.getResource("/keys/ed25519.pem").toURI());
    }

    private static Sequencer.Builder builder(SequencerConfig config) {
        return Sequencer.builder().config(config).storage(new InMemoryStorage())
                .l1Poster(SimulatedL1.builder().build()).wallClock(() -> 1_000).nanoClock(() -> 1_000);
    }

    @Test
    void configuredKeyPath_isLoaded_andSignsAndShowsAsLeaderPubkey() throws URISyntaxException {
        Path key = fixtureKey();
        SequencerConfig config = SequencerConfig.builder().sequencerKeyPath(Optional.of(key)).build();
        Sequencer sequencer = builder(config).build();
        byte[] expected = SequencerKeys.load(key).publicKey();
        assertThat(sequencer.publicKey()).hasValueSatisfying(pk -> assertThat(pk).isEqualTo(expected));
        sequencer.start();
        assertThat(sequencer.status().leader().leaderPubkey()).isEqualTo(Hex.encode(expected));
    }

    @Test
    void noKey_postsUnsigned_andShowsTheLeaderIdAsPubkey() {
        Sequencer sequencer = builder(SequencerConfig.builder().leaderId("node-a").build()).build();
        assertThat(sequencer.publicKey()).isEmpty();
        assertThat(sequencer.status().leader().leaderPubkey()).isEqualTo("node-a");
    }

    @Test
    void missingKeyFile_failsTheBuildNamingTheProblem() {
        SequencerConfig config = SequencerConfig.builder()
                .sequencerKeyPath(Optional.of(Path.of("does-not-exist", "sequencer.key"))).build();
        assertThatThrownBy(() -> builder(config).build()).isInstanceOfSatisfying(KeyLoadException.class,
                e -> assertThat(e.problem()).isEqualTo(KeyLoadException.Problem.FILE_MISSING));
    }
}
