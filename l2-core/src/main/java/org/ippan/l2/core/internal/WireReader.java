package org.ippan.l2.core.internal;

import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.ippan.l2.core.internal.MalformedWireException.Problem;

/**
 * Strict reader of the v1 canonical encoding (bincode 1 fixint, little-endian). Every length is checked against
 * the remaining input before anything is allocated. Bad input fails with a {@link MalformedWireException}, which the
 * public decoders turn into a {@code WireFormatException}.
 */
public final class WireReader {
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] input;
    /** The end of the input this reader reads: one past its last byte. */
    private final int limit;
    private int position;

    /** Reads {@code input} from its first byte. */
    public WireReader(byte[] input) {
        this(input, 0, input.length);
    }

    /**
     * Reads {@code length} bytes of {@code input} from {@code offset}, as if they were the whole input: offsets in
     * its messages and {@link #position()} still count from the start of {@code input}.
     */
    public WireReader(byte[] input, int offset, int length) {
        if (offset < 0 || length < 0 || offset > input.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + " of " + input.length);
        }
        this.input = input;
        this.position = offset;
        this.limit = offset + length;
    }

    /** @return the current offset */
    public int position() {
        return position;
    }

    /** @return the bytes not yet read */
    public int remaining() {
        return limit - position;
    }

    /** Reads and checks the top-level {@code u16le(1)} version prefix. */
    public void readVersionPrefix(String what) {
        if (limit - position < 2) {
            throw new MalformedWireException(Problem.TRUNCATED, position, what + ": missing the 2-byte version prefix");
        }
        int at = position;
        int version = u16(what + " version");
        if (version != 1) {
            throw new MalformedWireException(Problem.BAD_VERSION, at,
                    what + ": unknown version " + version + ", expected 1");
        }
    }

    /** Fails unless every byte has been read. */
    public void expectEnd(String what) {
        if (position != limit) {
            throw new MalformedWireException(Problem.TRAILING_BYTES, position,
                    what + ": " + (limit - position) + " trailing bytes after the value");
        }
    }

    private void need(int n, String field) {
        if (limit - position < n) {
            throw new MalformedWireException(Problem.TRUNCATED, position,
                    field + ": needs " + n + " bytes, " + (limit - position) + " left");
        }
    }

    /** Reads a little-endian u16. */
    public int u16(String field) {
        need(2, field);
        int v = Short.toUnsignedInt((short) U16.get(input, position));
        position += 2;
        return v;
    }

    /** Reads a little-endian u32 (as an unsigned value in a long). */
    public long u32(String field) {
        need(4, field);
        long v = Integer.toUnsignedLong((int) U32.get(input, position));
        position += 4;
        return v;
    }

    /** Reads a little-endian u64 (two's complement bits of the unsigned value). */
    public long u64(String field) {
        need(8, field);
        long v = (long) U64.get(input, position);
        position += 8;
        return v;
    }

    /**
     * Reads a {@code u64le} length prefix and checks that {@code length * minElementBytes} bytes remain.
     *
     * @return the length, which fits in an int
     */
    public int length(String field, int minElementBytes) {
        int at = position;
        long length = u64(field + " length");
        long maxPossible = minElementBytes == 0 ? remaining() : remaining() / minElementBytes;
        if (length < 0 || length > maxPossible) {
            throw new MalformedWireException(Problem.LENGTH_EXCEEDS_INPUT, at,
                    field + ": length " + Long.toUnsignedString(length) + " exceeds the " + remaining() + " bytes left");
        }
        return (int) length;
    }

    /** Reads {@code n} raw bytes into a new array. */
    public byte[] bytes(int n, String field) {
        need(n, field);
        byte[] out = new byte[n];
        System.arraycopy(input, position, out, 0, n);
        position += n;
        return out;
    }

    /** Skips {@code n} bytes that have been checked to exist. */
    public void skip(int n, String field) {
        need(n, field);
        position += n;
    }

    /** Reads a length-prefixed byte list. */
    public byte[] byteList(String field) {
        return bytes(length(field, 1), field);
    }

    /** Reads a length-prefixed UTF-8 string, rejecting malformed UTF-8. */
    public String string(String field) {
        int length = length(field, 1);
        int at = position;
        need(length, field);
        if (isAscii(input, position, length)) { // ASCII is valid UTF-8: no decoder to allocate
            position += length;
            return new String(input, at, length, StandardCharsets.ISO_8859_1);
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(input, position, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedWireException(Problem.INVALID_UTF8, at, field + ": not valid UTF-8");
        }
        position += length;
        return s;
    }

    private static boolean isAscii(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a length-prefixed ASCII string of lowercase hex and returns the bytes it encodes (the v1 envelope's
     * way of carrying bytes).
     */
    public byte[] hexString(String field) {
        int length = length(field, 1);
        int at = position;
        need(length, field);
        if ((length & 1) != 0) {
            throw new MalformedWireException(Problem.INVALID_VALUE, at, field + ": hex of odd length " + length);
        }
        byte[] out = new byte[length / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = lowerHexDigit(input[position + 2 * i]);
            int lo = lowerHexDigit(input[position + 2 * i + 1]);
            if (hi < 0 || lo < 0) {
                throw new MalformedWireException(Problem.INVALID_VALUE, position + 2 * i,
                        field + ": not lowercase hex");
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        position += length;
        return out;
    }

    private static int lowerHexDigit(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }

    /** @return the underlying input (not copied) */
    public byte[] input() {
        return input;
    }
}
