package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.ippan.l2.core.admission.RefusalCode;
import org.junit.jupiter.api.Test;

/** Strict UTF-8 in {@code from} (issue 14, point 6): what Jackson would decode silently is refused. */
class TxBodyReaderUtf8Test {
    private final TxBodyReader reader = new TxBodyReader(new ObjectMapper().getFactory(), 1, 1024);

    private static byte[] body(int... fromBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"chain_id\":1,\"from\":\"a".getBytes(StandardCharsets.US_ASCII));
        for (int b : fromBytes) {
            out.write(b);
        }
        out.writeBytes("b\",\"nonce\":1,\"payload\":\"00\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private TxBodyReader.Item read(byte[] body) {
        TxBodyReader.One one = reader.readOne(body, body.length);
        assertThat(one.bodyRefusal()).isNull();
        return one.item();
    }

    @Test
    void overlongSurrogateAndOutOfRange_areInvalidField() {
        int[][] bad = {
            {0xC0, 0xAF}, // overlong '/'
            {0xC1, 0xBF}, // overlong
            {0xE0, 0x80, 0xAF}, // overlong '/' in 3 bytes
            {0xF0, 0x80, 0x80, 0xAF}, // overlong '/' in 4 bytes
            {0xED, 0xA0, 0x80}, // a UTF-16 surrogate, U+D800
            {0xF4, 0x90, 0x80, 0x80}, // U+110000
        };
        for (int[] bytes : bad) {
            TxBodyReader.Item item = read(body(bytes));
            assertThat(item.refusal()).as("%s", java.util.Arrays.toString(bytes)).isNotNull();
            assertThat(item.refusal().code()).isEqualTo(RefusalCode.INVALID_FIELD);
            assertThat(item.refusal().message()).contains("UTF-8");
        }
    }

    @Test
    void strictUtf8_andEscapes_areAccepted() {
        int[][] good = {
            {0xC2, 0xA9}, // ©
            {0xE2, 0x82, 0xAC}, // €
            {0xED, 0x9F, 0xBF}, // U+D7FF, just below the surrogates
            {0xF0, 0x9F, 0x98, 0x80}, // U+1F600
            {0xF4, 0x8F, 0xBF, 0xBF}, // U+10FFFF
            {'\\', '"'}, // an escaped quote
            {'\\', '\\'}, // an escaped backslash
        };
        for (int[] bytes : good) {
            TxBodyReader.Item item = read(body(bytes));
            assertThat(item.refusal()).as("%s", java.util.Arrays.toString(bytes)).isNull();
        }
        assertThat(read(body(0xC2, 0xA9)).tx().from()).isEqualTo("a\u00a9b");
    }

    @Test
    void bytesThatAreNoUtf8AtAll_areRefused() {
        TxBodyReader.One one = reader.readOne(body(0x80), body(0x80).length);
        boolean refused = one.bodyRefusal() != null || one.item().refusal() != null;
        assertThat(refused).as("a stray continuation byte").isTrue();
    }
}
