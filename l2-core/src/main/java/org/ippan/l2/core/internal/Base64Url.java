package org.ippan.l2.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * base64url without padding (RFC 4648 §5), written straight into a caller's array, at once or in pieces
 * ({@link Encoder}), so that an encoding is never built in an intermediate array or string.
 */
public final class Base64Url {
    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle QUAD = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** For each 12-bit value, its two characters as a little-endian pair (the first character in the low byte). */
    private static final int[] PAIRS = new int[1 << 12];

    static {
        for (int i = 0; i < PAIRS.length; i++) {
            PAIRS[i] = (ALPHABET[i >>> 6] & 0xff) | (ALPHABET[i & 0x3f] & 0xff) << 8;
        }
    }

    private Base64Url() {}

    /** @return the length of the base64url (no padding) of {@code n} bytes */
    public static long length(long n) {
        long rest = n % 3;
        return n / 3 * 4 + (rest == 0 ? 0 : rest + 1);
    }

    /**
     * Writes the base64url of {@code length} bytes of {@code src} from {@code offset} into {@code dst} at {@code at}.
     *
     * @return the offset just past what was written
     */
    public static int encode(byte[] src, int offset, int length, byte[] dst, int at) {
        int d = encodeTriples(src, offset, length / 3, dst, at);
        int s = offset + length / 3 * 3;
        return encodeRest(src, s, length % 3, dst, d);
    }

    private static int encodeTriples(byte[] src, int offset, int triples, byte[] dst, int at) {
        Objects.checkFromIndexSize(offset, 3 * triples, src.length);
        Objects.checkFromIndexSize(at, 4 * triples, dst.length);
        int[] pairs = PAIRS;
        int s = offset;
        int d = at;
        for (int i = 0; i < triples; i++) {
            int bits = (src[s] & 0xff) << 16 | (src[s + 1] & 0xff) << 8 | (src[s + 2] & 0xff);
            s += 3;
            QUAD.set(dst, d, pairs[bits >>> 12] | pairs[bits & 0xfff] << 16); // four characters, one store
            d += 4;
        }
        return d;
    }

    /** Writes the last 1 or 2 bytes of an input (2 or 3 characters, no padding); 0 writes nothing. */
    private static int encodeRest(byte[] src, int offset, int rest, byte[] dst, int at) {
        int d = at;
        if (rest == 1) {
            int bits = (src[offset] & 0xff) << 16;
            dst[d++] = ALPHABET[bits >>> 18];
            dst[d++] = ALPHABET[(bits >>> 12) & 0x3f];
        } else if (rest == 2) {
            int bits = (src[offset] & 0xff) << 16 | (src[offset + 1] & 0xff) << 8;
            dst[d++] = ALPHABET[bits >>> 18];
            dst[d++] = ALPHABET[(bits >>> 12) & 0x3f];
            dst[d++] = ALPHABET[(bits >>> 6) & 0x3f];
        }
        return d;
    }

    /** Encodes an input given in pieces as if it were one array; carries up to two bytes between pieces. */
    public static final class Encoder {
        private final byte[] dst;
        private int position;
        private final byte[] carry = new byte[3];
        private int carried;

        /** Writes into {@code dst} from {@code at}. */
        public Encoder(byte[] dst, int at) {
            this.dst = dst;
            this.position = at;
        }

        /** Encodes the next {@code length} bytes of the input, from {@code src} at {@code offset}. */
        public Encoder update(byte[] src, int offset, int length) {
            int s = offset;
            int end = offset + length;
            while (carried > 0 && carried < 3 && s < end) {
                carry[carried++] = src[s++];
            }
            if (carried == 3) {
                position = encodeTriples(carry, 0, 1, dst, position);
                carried = 0;
            }
            int triples = (end - s) / 3;
            position = encodeTriples(src, s, triples, dst, position);
            s += triples * 3;
            while (s < end) {
                carry[carried++] = src[s++];
            }
            return this;
        }

        /** Writes what is carried (no padding). @return the offset just past the encoding */
        public int finish() {
            position = encodeRest(carry, 0, carried, dst, position);
            carried = 0;
            return position;
        }
    }
}
