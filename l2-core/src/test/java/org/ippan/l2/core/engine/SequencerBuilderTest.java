package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine's builder refuses a missing port or a broken signer, naming the field, before anything runs. */
class SequencerBuilderTest {
    private final EngineFixture f = new EngineFixture();

    static Stream<Arguments> requiredFields() {
        return Stream.of(
                Arguments.of("config", (UnaryOperator<Sequencer.Builder>) b -> b.config(null)),
                Arguments.of("storage", (UnaryOperator<Sequencer.Builder>) b -> b.storage(null)),
                Arguments.of("l1Poster", (UnaryOperator<Sequencer.Builder>) b -> b.l1Poster(null)),
                Arguments.of("wallClock", (UnaryOperator<Sequencer.Builder>) b -> b.wallClock(null)),
                Arguments.of("nanoClock", (UnaryOperator<Sequencer.Builder>) b -> b.nanoClock(null)),
                Arguments.of("metrics", (UnaryOperator<Sequencer.Builder>) b -> b.metrics(null)),
                Arguments.of("errorHandler", (UnaryOperator<Sequencer.Builder>) b -> b.errorHandler(null)),
                Arguments.of("ordering", (UnaryOperator<Sequencer.Builder>) b -> b.ordering(null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requiredFields")
    void build_missingRequiredField_isRefusedNamingIt(String field, UnaryOperator<Sequencer.Builder> unset) {
        Sequencer.Builder builder = unset.apply(f.builder(EngineFixture.config().build()));

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(field + " is required");
        assertThat(f.storage.writes()).as("nothing touched storage").isZero();
    }

    @Test
    void build_withoutAnyPort_namesTheConfigFirst() {
        assertThatThrownBy(() -> Sequencer.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config is required");
    }

    @Test
    void build_signerWithAShortPublicKey_isRefusedNamingTheLength() {
        EnvelopeSigner shortKey = new EnvelopeSigner() {
            @Override
            public byte[] publicKey() {
                return new byte[31];
            }

            @Override
            public byte[] sign(byte[] message, int offset, int length) {
                return new byte[EnvelopeSigner.SIGNATURE_LENGTH];
            }
        };

        assertThatThrownBy(() -> f.builder(EngineFixture.config().build()).signer(shortKey).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("signer: public key must be 32 bytes, got 31");
    }

    @Test
    void build_withEveryRequiredField_givesAnEngineNotStarted() {
        Sequencer sequencer = f.builder(EngineFixture.config().build()).build();

        assertThat(sequencer.state()).isEqualTo(SequencerState.NEW);
        assertThat(sequencer.publicKey()).isEmpty();
        assertThat(f.storage.writes()).isZero();
    }
}
