package org.ippan.l2.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HashTest {
    @Test
    void hexEncode_everyByteValue_matchesHexFormat_atAnyOffset() {
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }
        assertThat(Hex.encode(all)).isEqualTo(java.util.HexFormat.of().formatHex(all));
        byte[] out = "---......".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Hex.encodeAscii(all, 0xa4, 3, out, 3);
        assertThat(new String(out, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("---a4a5a6");
        assertThatThrownBy(() -> Hex.encodeAscii(all, 0, 4, out, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void hex_roundTrips_lowercaseOut_eitherCaseIn() {
        String hex = "1f796b97c85e643d8f017aa862ddefe5a0e9dc9012655fd0a14506db4ecfb02d";
        Hash hash = Hash.fromHex(hex.toUpperCase());
        assertThat(hash.toHex()).isEqualTo(hex);
        assertThat(hash.toString()).isEqualTo(hex);
        assertThat(Hash.fromHex(hex)).isEqualTo(hash).hasSameHashCodeAs(hash);
    }

    @Test
    void fromHex_wrongLength_isRefused() {
        assertThatThrownBy(() -> Hash.fromHex("abcd")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex characters");
        assertThatThrownBy(() -> Hash.fromHex("0x" + "00".repeat(31))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a hex digit at index 1");
    }

    @Test
    void fromHex_nonHexCharacter_isRefusedNamingIt() {
        assertThatThrownBy(() -> Hash.fromHex("g" + "0".repeat(63))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'g'");
        // a full-width digit is a digit to Character.digit but not hex here
        assertThatThrownBy(() -> Hash.fromHex("\uff10" + "0".repeat(63))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.decode("abc")).hasMessageContaining("odd length");
    }

    @Test
    void of_copiesAndChecksLength() {
        byte[] raw = new byte[32];
        Hash hash = Hash.of(raw);
        raw[0] = 1;
        assertThat(hash.isZero()).isTrue();
        assertThat(hash).isEqualTo(Hash.ZERO);
        hash.toBytes()[0] = 1;
        assertThat(hash.isZero()).isTrue();
        assertThatThrownBy(() -> Hash.of(new byte[31])).hasMessageContaining("32 bytes");
    }

    @Test
    void blake3_knownValue() {
        // BLAKE3 of the empty input, the published reference value
        assertThat(Hash.blake3(new byte[0]).toHex())
                .isEqualTo("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
        assertThat(Hash.blake3(new byte[] {9, 1, 2, 3, 9}, 1, 3)).isEqualTo(Hash.blake3(new byte[] {1, 2, 3}));
    }

    @Test
    void compareTo_isUnsignedLexicographic() {
        byte[] high = new byte[32];
        high[0] = (byte) 0x80;
        assertThat(Hash.of(high)).isGreaterThan(Hash.ZERO);
        assertThat(Hash.ZERO.compareTo(Hash.of(new byte[32]))).isZero();
        assertThat(Hash.of(high).byteAt(0)).isEqualTo((byte) 0x80);
        assertThat(Hash.of(high).contentEquals(high)).isTrue();
    }
}
