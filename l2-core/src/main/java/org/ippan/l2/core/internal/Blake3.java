package org.ippan.l2.core.internal;

/**
 * BLAKE3-256 with one reusable {@link Blake3Hasher} per thread, so hashing allocates nothing but its 32-byte output.
 */
public final class Blake3 {
    /** Output length in bytes. */
    public static final int LENGTH = 32;

    private static final ThreadLocal<Blake3Hasher> DIGEST = ThreadLocal.withInitial(Blake3Hasher::new);

    private Blake3() {}

    /** @return BLAKE3-256 of {@code length} bytes of {@code data} from {@code offset} */
    public static byte[] hash(byte[] data, int offset, int length) {
        Blake3Hasher digest = DIGEST.get();
        digest.reset();
        digest.update(data, offset, length);
        byte[] out = new byte[LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /** @return BLAKE3-256 of {@code data} */
    public static byte[] hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    /**
     * A digest for incremental hashing on the calling thread, reset and ready. It must be finished with
     * {@code doFinal} before this thread asks for it again.
     */
    public static Blake3Hasher threadDigest() {
        Blake3Hasher digest = DIGEST.get();
        digest.reset();
        return digest;
    }
}
