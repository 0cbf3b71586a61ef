package org.ippan.l2.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TxTest {
    /** wire-format-v1.md §2. */
    static final String VECTOR_HEX =
            "010039050000000000002a000000000000000600000000000000757365722d310300000000000000aabbcc";

    static Tx vectorTx() {
        return new Tx(1337, 42, "user-1", new byte[] {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc});
    }

    @Test
    void encode_specVector_matchesExactBytes() {
        assertThat(Hex.encode(vectorTx().encode())).isEqualTo(VECTOR_HEX);
    }

    @Test
    void decode_specVector_givesTheFields() {
        Tx tx = Tx.decode(Hex.decode(VECTOR_HEX));
        assertThat(tx.chainId()).isEqualTo(1337);
        assertThat(tx.nonce()).isEqualTo(42);
        assertThat(tx.from()).isEqualTo("user-1");
        assertThat(tx.payload()).containsExactly(0xaa, 0xbb, 0xcc);
        assertThat(tx).isEqualTo(vectorTx());
        assertThat(tx.hash()).isEqualTo(vectorTx().hash());
    }

    @Test
    void decodeRange_readsOnlyItsBytes_andOffsetsCountFromTheInput() {
        byte[] vector = Hex.decode(VECTOR_HEX);
        byte[] framed = new byte[vector.length + 10];
        java.util.Arrays.fill(framed, (byte) 0x7f);
        System.arraycopy(vector, 0, framed, 4, vector.length);
        Tx tx = Tx.decode(framed, 4, vector.length);
        assertThat(tx).isEqualTo(vectorTx());
        assertThat(tx.hash()).isEqualTo(vectorTx().hash());
        framed[4 + vector.length - 1] ^= 1; // the tx owns a copy: the input may change afterwards
        assertThat(tx.payload()).containsExactly(0xaa, 0xbb, 0xcc);
        // the bytes after the range are not read: one byte more is a trailing byte, one less is cut short
        assertThatThrownBy(() -> Tx.decode(framed, 4, vector.length + 1))
                .isInstanceOfSatisfying(WireFormatException.class, e -> {
                    assertThat(e.problem()).isEqualTo(WireFormatException.Problem.TRAILING_BYTES);
                    assertThat(e.offset()).isEqualTo(4 + vector.length);
                });
        assertThatThrownBy(() -> Tx.decode(framed, 4, vector.length - 1))
                .isInstanceOfSatisfying(WireFormatException.class, e -> assertThat(e.problem())
                        .isEqualTo(WireFormatException.Problem.LENGTH_EXCEEDS_INPUT));
        framed[4] = 2;
        assertThatThrownBy(() -> Tx.decode(framed, 4, vector.length))
                .isInstanceOfSatisfying(WireFormatException.class, e -> {
                    assertThat(e.problem()).isEqualTo(WireFormatException.Problem.BAD_VERSION);
                    assertThat(e.offset()).isEqualTo(4);
                });
        assertThatThrownBy(() -> Tx.decode(framed, 4, 1)).isInstanceOfSatisfying(WireFormatException.class,
                e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.TRUNCATED));
        assertThatThrownBy(() -> Tx.decode(framed, framed.length - 2, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void hash_isBlake3OfTheCanonicalBytes() {
        Tx tx = vectorTx();
        assertThat(tx.hash()).isEqualTo(Hash.blake3(Hex.decode(VECTOR_HEX)));
    }

    @Test
    void sizes_describeTheEncoding() {
        Tx tx = vectorTx();
        assertThat(tx.encodedSize()).isEqualTo(VECTOR_HEX.length() / 2);
        assertThat(tx.bodySize()).isEqualTo(tx.encodedSize() - 2);
        assertThat(tx.payloadSize()).isEqualTo(3);
        assertThat(tx.fromUtf8Length()).isEqualTo(6);
        assertThat(new Tx(1, 1, "ü€", new byte[0]).fromUtf8Length()).isEqualTo(5);
    }

    @Test
    void tx_isImmutable_payloadCopiedInAndOut() {
        byte[] payload = {1, 2, 3};
        Tx tx = new Tx(1, 1, "a", payload);
        payload[0] = 9;
        tx.payload()[1] = 9;
        tx.encode()[2] = 9;
        assertThat(tx.payload()).containsExactly(1, 2, 3);
        assertThat(tx.encode()).isEqualTo(new Tx(1, 1, "a", new byte[] {1, 2, 3}).encode());
    }

    @Test
    void unsignedFields_roundTripAllBits() {
        Tx tx = new Tx(-1L, Long.MIN_VALUE, "x", new byte[0]);
        Tx back = Tx.decode(tx.encode());
        assertThat(back.chainId()).isEqualTo(-1L);
        assertThat(back.nonce()).isEqualTo(Long.MIN_VALUE);
        assertThat(back.toString()).contains("chain_id=18446744073709551615", "nonce=9223372036854775808");
    }

    @Test
    void constructor_unpairedSurrogateInFrom_isRefusedNamingTheField() {
        for (String from : new String[] {"a\ud800b", "\udc00", "x\ud800", "\udc00\ud800", "\ud83d\ude00\ud83d"}) {
            assertThatThrownBy(() -> new Tx(1, 1, from, new byte[0])).as(from)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("from");
        }
    }

    @Test
    void constructor_validSurrogatePairInFrom_isFourBytesOfUtf8() {
        Tx tx = new Tx(1, 1, "\ud83d\ude00", new byte[0]);
        assertThat(tx.fromUtf8Length()).isEqualTo(4);
        assertThat(Tx.decode(tx.encode()).from()).isEqualTo("\ud83d\ude00");
    }

    @Test
    void decode_truncatedAtEveryLength_isTruncatedOrBadVersion() {
        byte[] full = vectorTx().encode();
        for (int length = 0; length < full.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(full, length);
            assertThatThrownBy(() -> Tx.decode(cut))
                    .as("prefix of %d bytes", length)
                    .isInstanceOfSatisfying(WireFormatException.class, e -> assertThat(e.problem())
                            .isIn(WireFormatException.Problem.TRUNCATED, WireFormatException.Problem.LENGTH_EXCEEDS_INPUT));
        }
    }

    @Test
    void decode_trailingBytes_isRefused() {
        byte[] full = vectorTx().encode();
        byte[] longer = java.util.Arrays.copyOf(full, full.length + 1);
        assertThatThrownBy(() -> Tx.decode(longer))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.TRAILING_BYTES));
    }

    @Test
    void decode_badVersion_isRefused() {
        byte[] bytes = vectorTx().encode();
        bytes[0] = 2;
        assertThatThrownBy(() -> Tx.decode(bytes))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.BAD_VERSION));
        byte[] highByte = vectorTx().encode();
        highByte[1] = 1;
        assertThatThrownBy(() -> Tx.decode(highByte)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void decode_hugeLengthPrefix_isRefusedBeforeAllocating() {
        // from length = 2^62 and payload length = u64::MAX: both far beyond the input
        byte[] hugeFrom = Hex.decode("0100" + "0100000000000000" + "0100000000000000" + "0000000000000040");
        byte[] hugePayload = Hex.decode("0100" + "0100000000000000" + "0100000000000000" + "0100000000000000" + "61"
                + "ffffffffffffffff");
        for (byte[] input : new byte[][] {hugeFrom, hugePayload}) {
            assertThatThrownBy(() -> Tx.decode(input))
                    .isInstanceOfSatisfying(WireFormatException.class,
                            e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.LENGTH_EXCEEDS_INPUT));
        }
    }

    @Test
    void decode_invalidUtf8InFrom_isRefused() {
        byte[] bytes = new Tx(1, 1, "ab", new byte[0]).encode();
        bytes[2 + 8 + 8 + 8] = (byte) 0xc3; // a lead byte followed by 'b' is malformed
        assertThatThrownBy(() -> Tx.decode(bytes))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.INVALID_UTF8));
    }

    @Test
    void equality_isByCanonicalBytes() {
        assertThat(vectorTx()).isEqualTo(vectorTx()).hasSameHashCodeAs(vectorTx());
        assertThat(new Tx(1, 1, "a", new byte[0])).isNotEqualTo(new Tx(1, 2, "a", new byte[0]));
        assertThat(vectorTx().toString()).contains("user-1", "3 bytes");
        assertThat("user-1".getBytes(StandardCharsets.UTF_8)).hasSize(vectorTx().fromUtf8Length());
    }
}
