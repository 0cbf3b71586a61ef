package org.ippan.l2.core.internal.blake3;

import org.ippan.l2.core.internal.Blake3Hasher;

/**
 * The core's scalar BLAKE3 compression function, for an accelerator's own scalar steps (the last, possibly short,
 * chunk and the parent nodes of the tree): one implementation of it to trust, the one every other hash uses.
 */
public final class Blake3Compression {
    private Blake3Compression() {}

    /**
     * The compression function truncated to the 8-word chaining value: {@code h} is the input chaining value and
     * receives the output one; the message is the 64 bytes of {@code block} from {@code offset}, of which
     * {@code blockLength} are input (the rest zero).
     */
    public static void compress(int[] h, byte[] block, int offset, int blockLength, long counter, int flags) {
        Blake3Hasher.compress(h, block, offset, blockLength, counter, flags);
    }
}
