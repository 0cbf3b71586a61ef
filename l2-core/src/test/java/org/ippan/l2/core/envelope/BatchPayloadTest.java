package org.ippan.l2.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.core.wire.WireFormatException;
import org.ippan.l2.core.wire.WireFormatException.Problem;
import org.junit.jupiter.api.Test;

class BatchPayloadTest {
    static Hash filled(int b) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) b);
        return Hash.of(bytes);
    }

    /** wire-format-v1.md §4. */
    static BatchPayload vectorPayload() {
        return new BatchPayload(1, filled(0x11), filled(0x00), 1700000000000L, 10, 2048, filled(0x22),
                new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
    }

    @Test
    void envelopeHash_specVector_matches() {
        assertThat(vectorPayload().envelopeHash().toHex())
                .isEqualTo("780439101d54150438e3506fb9e4a4296982cf2c186103621a6312b983095301");
    }

    @Test
    void encode_carriesThePayloadAsALowercaseHexString() {
        String hex = Hex.encode(vectorPayload().encode());
        String expected = "0100" + "0100000000000000" + "11".repeat(32) + "00".repeat(32) + "0068e5cf8b010000"
                + "0a000000" + "0008000000000000" + "22".repeat(32)
                + "0800000000000000" + Hex.encode("deadbeef".getBytes(StandardCharsets.US_ASCII));
        assertThat(hex).isEqualTo(expected);
        assertThat(vectorPayload().encodedSize()).isEqualTo(expected.length() / 2);
    }

    @Test
    void signingBytes_areTheDomainThenTheCanonicalPayload() {
        byte[] signing = vectorPayload().signingBytes();
        byte[] domain = "IPPAN-L2:BATCH_ENVELOPE:V1\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(domain).hasSize(27);
        assertThat(Arrays.copyOf(signing, 27)).isEqualTo(domain);
        assertThat(Arrays.copyOfRange(signing, 27, signing.length)).isEqualTo(vectorPayload().encode());
    }

    @Test
    void payloadPrefix_isTheStartOfThePayload_andTheBatchNumberReadsFromIt() {
        for (long number : new long[] {1, 255, 1L << 40, Long.MAX_VALUE, -1L}) {
            Batch batch = new Batch(5, number, List.of(new Tx(5, 1, "alice", new byte[] {1, 2, 3})), 1_735_000_000L);
            BatchPayload payload = BatchPayload.decode(BatchPayload.of(batch, filled(0x33)).encode());
            byte[] whole = batch.encode();
            assertThat(payload.payloadPrefix(Batch.NUMBER_PREFIX_BYTES))
                    .isEqualTo(Arrays.copyOf(whole, Batch.NUMBER_PREFIX_BYTES));
            assertThat(payload.payloadPrefix(0)).isEmpty();
            assertThat(payload.payloadPrefix(whole.length)).isEqualTo(whole);
            assertThat(Batch.batchNumberOf(payload.payloadPrefix(Batch.NUMBER_PREFIX_BYTES))).isEqualTo(number);
            assertThatThrownBy(() -> payload.payloadPrefix(whole.length + 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix length");
        }
    }

    @Test
    void batchNumberOf_refusesAShortOrForeignHead() {
        byte[] head = Arrays.copyOf(new Batch(5, 9, List.of(new Tx(5, 1, "a", new byte[0])), 1L).encode(),
                Batch.NUMBER_PREFIX_BYTES);
        assertThatThrownBy(() -> Batch.batchNumberOf(Arrays.copyOf(head, Batch.NUMBER_PREFIX_BYTES - 1)))
                .isInstanceOf(WireFormatException.class);
        byte[] foreign = head.clone();
        foreign[0] ^= 0x7f;
        assertThatThrownBy(() -> Batch.batchNumberOf(foreign)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void of_batch_derivesEveryField() {
        Tx a = new Tx(5, 1, "alice", new byte[] {1, 2, 3});
        Tx b = new Tx(5, 2, "bob", new byte[] {4});
        Batch batch = new Batch(5, 3, List.of(a, b), 1_735_000_000_000L);
        Hash prev = filled(0x33);
        BatchPayload payload = BatchPayload.of(batch, prev);
        assertThat(payload.l2ChainId()).isEqualTo(5);
        assertThat(payload.batchHash()).isEqualTo(batch.hash());
        assertThat(payload.prevBatchHash()).isEqualTo(prev);
        assertThat(payload.createdAtMs()).isEqualTo(1_735_000_000_000L);
        assertThat(payload.txCount()).isEqualTo(2);
        assertThat(payload.txBytes()).isEqualTo(4);
        assertThat(payload.txRoot()).isEqualTo(batch.txRoot());
        assertThat(payload.payload()).isEqualTo(batch.encode());
        assertThat(payload.payloadSize()).isEqualTo(batch.encodedSize());
        assertThat(BatchPayload.of(batch, prev)).isEqualTo(payload);
        assertThat(BatchPayload.of(batch, prev).envelopeHash()).isEqualTo(payload.envelopeHash());
    }

    @Test
    void decode_roundTrips() {
        BatchPayload payload = vectorPayload();
        BatchPayload back = BatchPayload.decode(payload.encode());
        assertThat(back).isEqualTo(payload);
        assertThat(back.envelopeHash()).isEqualTo(payload.envelopeHash());
        assertThat(back.payload()).containsExactly(0xde, 0xad, 0xbe, 0xef);
        assertThat(back.txCount()).isEqualTo(10);
        assertThat(back.toString()).contains("tx_count=10", "4 bytes");
    }

    @Test
    void decode_truncatedAtEveryLength_isRefused() {
        byte[] full = vectorPayload().encode();
        for (int length = 0; length < full.length; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            assertThatThrownBy(() -> BatchPayload.decode(cut)).as("prefix of %d bytes", length)
                    .isInstanceOf(WireFormatException.class);
        }
    }

    @Test
    void decode_trailingBytes_badVersion_hugeLength_areRefused() {
        byte[] full = vectorPayload().encode();
        assertProblem(Arrays.copyOf(full, full.length + 1), Problem.TRAILING_BYTES);
        byte[] badVersion = full.clone();
        badVersion[0] = 9;
        assertProblem(badVersion, Problem.BAD_VERSION);
        byte[] huge = full.clone();
        int lengthAt = full.length - 8 - 8;
        Arrays.fill(huge, lengthAt, lengthAt + 8, (byte) 0xff);
        assertProblem(huge, Problem.LENGTH_EXCEEDS_INPUT);
    }

    @Test
    void decode_payloadNotLowercaseHex_isRefused() {
        byte[] upper = vectorPayload().encode();
        upper[upper.length - 1] = 'F';
        assertProblem(upper, Problem.INVALID_VALUE);
        byte[] notHex = vectorPayload().encode();
        notHex[notHex.length - 2] = 'g';
        assertProblem(notHex, Problem.INVALID_VALUE);
        byte[] odd = Arrays.copyOf(vectorPayload().encode(), vectorPayload().encodedSize() - 1);
        int lengthAt = odd.length - 7 - 8;
        odd[lengthAt] = 7;
        assertProblem(odd, Problem.INVALID_VALUE);
    }

    @Test
    void constructor_txCountBeyondU32_isRefused() {
        assertThatThrownBy(() -> new BatchPayload(1, Hash.ZERO, Hash.ZERO, 0, 1L << 32, 0, Hash.ZERO, new byte[0]))
                .hasMessageContaining("txCount");
        assertThat(new BatchPayload(1, Hash.ZERO, Hash.ZERO, 0, 0xFFFF_FFFFL, 0, Hash.ZERO, new byte[0]).txCount())
                .isEqualTo(0xFFFF_FFFFL);
    }

    private static void assertProblem(byte[] input, Problem problem) {
        assertThatThrownBy(() -> BatchPayload.decode(input))
                .isInstanceOfSatisfying(WireFormatException.class, e -> assertThat(e.problem()).isEqualTo(problem));
    }
}
