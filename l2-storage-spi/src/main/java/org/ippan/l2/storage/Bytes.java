package org.ippan.l2.storage;

/** Rendering of byte arrays for {@code toString}: hashes in full, blobs by length only when large. */
final class Bytes {

    /** Arrays up to this length are shown in hex; longer ones by their length only. */
    private static final int MAX_HEX_SHOWN = 64;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Bytes() {
    }

    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    static String brief(byte[] bytes) {
        return bytes.length <= MAX_HEX_SHOWN ? hex(bytes) : "<" + bytes.length + " bytes>";
    }

    static String length(byte[] bytes) {
        return "<" + bytes.length + " bytes>";
    }
}
