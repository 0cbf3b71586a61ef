package org.ippan.l2.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/** Writes lowercase ASCII hex into byte arrays: the encoder under {@code wire.Hex} and {@link WireWriter}. */
public final class AsciiHex {
    private static final VarHandle PAIR = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    /** For each byte value, its two lowercase hex digits as a little-endian short (the high digit in the low byte). */
    private static final short[] PAIRS = new short[256];

    static {
        char[] digits = "0123456789abcdef".toCharArray();
        for (int b = 0; b < 256; b++) {
            PAIRS[b] = (short) (digits[b >>> 4] | digits[b & 0x0f] << 8);
        }
    }

    private AsciiHex() {}

    /** Writes the lowercase ASCII hex of {@code length} bytes into {@code out} at {@code outOffset}. */
    public static void encode(byte[] bytes, int offset, int length, byte[] out, int outOffset) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        Objects.checkFromIndexSize(outOffset, 2 * length, out.length);
        for (int i = 0; i < length; i++) {
            // the two ASCII digits of a byte as one little-endian short: the high digit first
            PAIR.set(out, outOffset + 2 * i, PAIRS[bytes[offset + i] & 0xff]);
        }
    }
}
