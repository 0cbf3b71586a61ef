package org.ippan.l2.core.wire;

import java.util.Arrays;
import org.ippan.l2.core.internal.Blake3;

/**
 * A 32-byte hash (BLAKE3-256 throughout the v1 format): immutable, compared by content, written as 64 lowercase
 * hex characters.
 */
public final class Hash implements Comparable<Hash> {
    /** Length of a hash in bytes. */
    public static final int LENGTH = 32;

    /** The all-zero hash: {@code prev_batch_hash} of batch 1 and {@code tx_root} of an empty batch. */
    public static final Hash ZERO = new Hash(new byte[LENGTH]);

    private final byte[] bytes;
    private final int hashCode;

    private Hash(byte[] owned) {
        this.bytes = owned;
        this.hashCode = Arrays.hashCode(owned);
    }

    /**
     * @param bytes exactly 32 bytes; copied
     * @throws IllegalArgumentException if the length is not 32
     */
    public static Hash of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a hash has 32 bytes, got " + bytes.length);
        }
        return new Hash(bytes.clone());
    }

    /** Wraps an array the caller hands over and never touches again. */
    static Hash wrap(byte[] owned) {
        return new Hash(owned);
    }

    /**
     * Parses 64 hex characters (either case, no {@code 0x}).
     *
     * @throws IllegalArgumentException naming the problem (length or the offending character)
     */
    public static Hash fromHex(CharSequence hex) {
        if (hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a hash is 64 hex characters, got " + hex.length());
        }
        return new Hash(Hex.decode(hex));
    }

    /** @return BLAKE3-256 of {@code data} */
    public static Hash blake3(byte[] data) {
        return new Hash(Blake3.hash(data));
    }

    /** @return BLAKE3-256 of {@code length} bytes of {@code data} from {@code offset} */
    public static Hash blake3(byte[] data, int offset, int length) {
        return new Hash(Blake3.hash(data, offset, length));
    }

    /** @return a copy of the 32 bytes */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the 32 bytes into {@code out} at {@code offset}. */
    public void copyTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, LENGTH);
    }

    /**
     * Writes the 64 lowercase ASCII hex characters of the hash into {@code out} at {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the 64 bytes do not fit there
     */
    public void writeHexTo(byte[] out, int offset) {
        Hex.encodeAscii(bytes, 0, LENGTH, out, offset);
    }

    /** @return the byte at {@code index} (0..31) */
    public byte byteAt(int index) {
        return bytes[index];
    }

    /** @return true for the all-zero hash */
    public boolean isZero() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return true if {@code other} holds the same 32 bytes */
    public boolean contentEquals(byte[] other) {
        return Arrays.equals(bytes, other);
    }

    /**
     * @return true if the 32 bytes of {@code array} from {@code offset} are the hash's
     * @throws IndexOutOfBoundsException if {@code array} holds fewer than 32 bytes from {@code offset}
     */
    public boolean contentEquals(byte[] array, int offset) {
        return Arrays.equals(bytes, 0, LENGTH, array, offset, offset + LENGTH);
    }

    /** @return 64 lowercase hex characters */
    public String toHex() {
        return Hex.encode(bytes);
    }

    /** Orders hashes as unsigned byte strings. */
    @Override
    public int compareTo(Hash other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash && Arrays.equals(bytes, ((Hash) o).bytes);
    }

    @Override
    public int hashCode() {
        return hashCode;
    }

    /** @return {@link #toHex()} */
    @Override
    public String toString() {
        return toHex();
    }

    byte[] unsafeBytes() {
        return bytes;
    }
}
