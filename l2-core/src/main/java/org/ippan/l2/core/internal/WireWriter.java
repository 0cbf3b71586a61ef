package org.ippan.l2.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Writes the v1 canonical encoding into a pre-sized array. Callers compute the exact size first. */
public final class WireWriter {
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The version prefix written at the top level of every canonical encoding. */
    public static final int VERSION = 1;

    private final byte[] out;
    private int position;

    /** Writes into {@code out} from its first byte. */
    public WireWriter(byte[] out) {
        this.out = out;
    }

    /** Allocates an array of exactly {@code size} bytes to write into. */
    public static WireWriter ofSize(long size) {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("encoding of " + size + " bytes is larger than an array can hold");
        }
        return new WireWriter(new byte[(int) size]);
    }

    /** Writes the {@code u16le(1)} version prefix. */
    public WireWriter versionPrefix() {
        return u16(VERSION);
    }

    /** Writes a little-endian u16. */
    public WireWriter u16(int v) {
        U16.set(out, position, (short) v);
        position += 2;
        return this;
    }

    /** Writes a little-endian u32. */
    public WireWriter u32(int v) {
        U32.set(out, position, v);
        position += 4;
        return this;
    }

    /** Writes a little-endian u64. */
    public WireWriter u64(long v) {
        U64.set(out, position, v);
        position += 8;
        return this;
    }

    /** Writes raw bytes without a length. */
    public WireWriter raw(byte[] bytes, int offset, int length) {
        System.arraycopy(bytes, offset, out, position, length);
        position += length;
        return this;
    }

    /** Writes raw bytes without a length. */
    public WireWriter raw(byte[] bytes) {
        return raw(bytes, 0, bytes.length);
    }

    /** Writes {@code u64le(length) || bytes}. */
    public WireWriter byteList(byte[] bytes) {
        return u64(bytes.length).raw(bytes);
    }

    /** Writes {@code u64le(2 * length) || lowercase ASCII hex of the bytes}: bytes carried as a hex string. */
    public WireWriter hexString(byte[] bytes, int offset, int length) {
        u64(2L * length);
        AsciiHex.encode(bytes, offset, length, out, position);
        position += 2 * length;
        return this;
    }

    /** Writes {@code u64le(length) || bytes} for an ASCII or UTF-8 string given as bytes. */
    public WireWriter string(byte[] utf8) {
        return byteList(utf8);
    }

    /** Moves past {@code length} bytes that the caller wrote directly into {@link #array()}. */
    public WireWriter advance(int length) {
        if (length < 0 || position + length > out.length) {
            throw new IllegalArgumentException("cannot advance " + length + " bytes at " + position + " of " + out.length);
        }
        position += length;
        return this;
    }

    /** @return the array being written */
    public byte[] array() {
        return out;
    }

    /** @return bytes written so far */
    public int position() {
        return position;
    }

    /** @return the output array; fails if it was not filled exactly */
    public byte[] finish() {
        if (position != out.length) {
            throw new IllegalStateException("encoder wrote " + position + " of " + out.length + " bytes");
        }
        return out;
    }
}
