package org.ippan.l2.core.wire;

import org.ippan.l2.core.internal.AsciiHex;

/** Lowercase hexadecimal without a {@code 0x} prefix, as every hex string of the v1 format is written. */
public final class Hex {
    private Hex() {}

    /** @return the lowercase hex of {@code bytes} */
    public static String encode(byte[] bytes) {
        return encode(bytes, 0, bytes.length);
    }

    /** @return the lowercase hex of {@code length} bytes of {@code bytes} from {@code offset} */
    public static String encode(byte[] bytes, int offset, int length) {
        byte[] ascii = new byte[length * 2];
        encodeAscii(bytes, offset, length, ascii, 0);
        return new String(ascii, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Writes the lowercase ASCII hex of {@code length} bytes into {@code out} at {@code outOffset}. */
    public static void encodeAscii(byte[] bytes, int offset, int length, byte[] out, int outOffset) {
        AsciiHex.encode(bytes, offset, length, out, outOffset);
    }

    /**
     * Decodes hex (either case, no prefix, even length).
     *
     * @throws IllegalArgumentException naming the offending character or the odd length
     */
    public static byte[] decode(CharSequence hex) {
        int length = hex.length();
        if ((length & 1) != 0) {
            throw new IllegalArgumentException("hex has odd length " + length);
        }
        byte[] out = new byte[length / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = digit(hex, 2 * i);
            int lo = digit(hex, 2 * i + 1);
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    private static int digit(CharSequence hex, int index) {
        char c = hex.charAt(index);
        int d = Character.digit(c, 16);
        if (d < 0 || c > 'f') {
            throw new IllegalArgumentException("not a hex digit at index " + index + ": '" + printable(c) + "'");
        }
        return d;
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
