package org.ippan.l2.core.internal;

/**
 * Incremental BLAKE3-256 in its default mode (unkeyed hash, 32-byte output): the scalar {@code Blake3Hasher} and
 * an accelerator's hasher alike. An instance is not thread-safe.
 */
public interface Blake3Stream {
    /** Output length in bytes. */
    int OUT_LENGTH = 32;

    /** Adds {@code length} bytes of {@code input} from {@code offset}. */
    void update(byte[] input, int offset, int length);

    /**
     * Writes the 32-byte hash of all input to {@code out} from {@code offset} and resets this hasher.
     *
     * @return {@link #OUT_LENGTH}
     */
    int doFinal(byte[] out, int offset);

    /** Forgets all input. */
    void reset();
}
