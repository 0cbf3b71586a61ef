package org.ippan.l2.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.ippan.l2.core.internal.MalformedWireException;
import org.junit.jupiter.api.Test;

/** The reader's internal failure and the public exception name the same problems, so every one converts. */
class WireFormatExceptionTest {
    @Test
    void everyReaderProblem_hasThePublicProblemOfTheSameName() {
        assertThat(Arrays.stream(MalformedWireException.Problem.values()).map(Enum::name))
                .containsExactlyElementsOf(Arrays.stream(WireFormatException.Problem.values()).map(Enum::name)
                        .toList());
    }

    @Test
    void of_keepsTheProblemOffsetAndDetail() {
        WireFormatException e = WireFormatException.of(new MalformedWireException(
                MalformedWireException.Problem.TRUNCATED, 7, "tx.nonce: needs 8 bytes, 3 left"));
        assertThat(e.problem()).isEqualTo(WireFormatException.Problem.TRUNCATED);
        assertThat(e.offset()).isEqualTo(7);
        assertThat(e).hasMessage("tx.nonce: needs 8 bytes, 3 left (TRUNCATED at byte 7)");
    }
}
