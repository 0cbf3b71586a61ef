package org.ippan.l2.blake3.vector;

import static org.ippan.l2.blake3.vector.ChunkKernel.BLOCK_LEN;
import static org.ippan.l2.blake3.vector.ChunkKernel.CHUNK_END;
import static org.ippan.l2.blake3.vector.ChunkKernel.CHUNK_LEN;
import static org.ippan.l2.blake3.vector.ChunkKernel.CHUNK_START;

import java.util.Arrays;
import java.util.Objects;
import org.ippan.l2.core.internal.Blake3Hasher;
import org.ippan.l2.core.internal.Blake3Stream;

/**
 * Incremental BLAKE3-256 (default mode) that hashes whole chunks {@link ChunkKernel#LANES} at a time with the
 * Vector API, and everything else with the core's scalar compression.
 *
 * <p><b>Design.</b> Input is taken in groups of {@code LANES} chunks ({@code LANES * 1,024} bytes). A group is hashed
 * by the {@link ChunkKernel} once more input is known to follow it, so no chunk of it can be the last one of the
 * input: straight from the caller's array when the caller hands over whole groups, else after being gathered in a
 * one-group buffer (the batch hash is streamed tx by tx). Groups start at multiples of {@code LANES} chunks, so each
 * is a complete subtree: its first levels of parents run in the lanes too, the last few scalar, and its root goes
 * onto a stack of finished subtrees exactly as in the scalar hasher (merged with its left neighbours, a scalar PARENT
 * compression, while the number of finished groups is even). What is left in the buffer at {@link #doFinal} (one to
 * {@code LANES} chunks, the last one possibly short or empty): its whole chunks before the last go through the
 * kernel when there are a few, else scalar, and are pushed chunk by chunk; the last chunk is scalar, and it or the
 * last parent gets the ROOT flag. So the tree, the flags and the counters are the scalar hasher's. Nothing is
 * allocated after construction.
 *
 * <p>An instance is not thread-safe. {@link #doFinal} resets it.
 */
public final class VectorBlake3Hasher implements Blake3Stream {
    private static final int PARENT = 4;
    private static final int ROOT = 8;
    /** Enough for 2^54 chunks, i.e. any input a long can count. */
    private static final int MAX_DEPTH = 54;
    /** Bytes of one group of chunks, hashed in one kernel call. */
    static final int GROUP_LEN = ChunkKernel.LANES * CHUNK_LEN;
    private static final int LOG2_LANES = Integer.numberOfTrailingZeros(ChunkKernel.LANES);
    /**
     * A level of parents is vectorised while it has at least a quarter of the lanes' worth of parents: below, a few
     * scalar compressions cost less than one compression of all the lanes.
     */
    private static final int MIN_VECTOR_LEVEL = Math.max(4, ChunkKernel.LANES / 2);
    /**
     * Fewest whole chunks in the final buffer worth a kernel call: one call costs about as much as two or three
     * scalar chunks (measured on AVX-512, 16 lanes, ~7 times the scalar speed per chunk).
     */
    private static final int MIN_KERNEL_CHUNKS = 3;

    private final ChunkKernel kernel = new ChunkKernel();
    /** Input not hashed yet, at most one group; more input follows it unless it is the end. */
    private final byte[] buffer = new byte[GROUP_LEN];
    /** Chaining values of finished subtrees, 8 words each, the leftmost first. */
    private final int[] stack = new int[MAX_DEPTH * 8];
    private final int[] cv = new int[8];
    private final byte[] block = new byte[BLOCK_LEN];
    private int bufferLength;
    /** Chunks finished, i.e. the index of the next chunk. */
    private long chunkCounter;
    private int stackSize;

    /** A hasher ready for input. */
    public VectorBlake3Hasher() {
        reset();
    }

    @Override
    public void reset() {
        bufferLength = 0;
        chunkCounter = 0;
        stackSize = 0;
    }

    @Override
    public void update(byte[] input, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, input.length);
        if (length == 0) {
            return;
        }
        if (bufferLength > 0) {
            if (bufferLength == GROUP_LEN) {
                hashGroup(buffer, 0); // more input follows, so no chunk of the buffered group is the last
                bufferLength = 0;
            }
            int take = Math.min(GROUP_LEN - bufferLength, length);
            System.arraycopy(input, offset, buffer, bufferLength, take);
            bufferLength += take;
            offset += take;
            length -= take;
            if (length == 0) {
                return;
            }
            hashGroup(buffer, 0);
            bufferLength = 0;
        }
        while (length > GROUP_LEN) { // whole groups that more input follows, straight from the caller's array
            hashGroup(input, offset);
            offset += GROUP_LEN;
            length -= GROUP_LEN;
        }
        System.arraycopy(input, offset, buffer, 0, length);
        bufferLength = length;
    }

    @Override
    public int doFinal(byte[] out, int offset) {
        Objects.checkFromIndexSize(offset, OUT_LENGTH, out.length);
        int[] node = cv;
        int at = hashTailChunks((bufferLength - 1) / CHUNK_LEN) * CHUNK_LEN; // whole chunks before the last one
        int remaining = bufferLength - at;
        while (remaining > CHUNK_LEN) { // whole chunks before the last one, when too few for the kernel
            startChunk(node);
            for (int b = 0; b < 16; b++) {
                int flags = b == 0 ? CHUNK_START : b == 15 ? CHUNK_END : 0;
                Blake3Hasher.compress(node, buffer, at + b * BLOCK_LEN, BLOCK_LEN, chunkCounter, flags);
            }
            pushChunk(node);
            at += CHUNK_LEN;
            remaining -= CHUNK_LEN;
        }
        // the last chunk: 0 to 1,024 bytes, its last block (0 to 64 bytes, zero-padded) with CHUNK_END
        startChunk(node);
        int blocks = Math.max(1, (remaining + BLOCK_LEN - 1) / BLOCK_LEN);
        for (int b = 0; b < blocks - 1; b++) {
            Blake3Hasher.compress(node, buffer, at + b * BLOCK_LEN, BLOCK_LEN, chunkCounter,
                    b == 0 ? CHUNK_START : 0);
        }
        int lastLength = remaining - (blocks - 1) * BLOCK_LEN;
        System.arraycopy(buffer, at + (blocks - 1) * BLOCK_LEN, block, 0, lastLength);
        Arrays.fill(block, lastLength, BLOCK_LEN, (byte) 0);
        int flags = CHUNK_END | (blocks == 1 ? CHUNK_START : 0) | (stackSize == 0 ? ROOT : 0);
        Blake3Hasher.compress(node, block, 0, lastLength, chunkCounter, flags);
        for (int i = stackSize - 1; i >= 0; i--) {
            mergeInto(node, i, i == 0 ? PARENT | ROOT : PARENT);
        }
        for (int i = 0; i < 8; i++) {
            putLe(out, offset + 4 * i, node[i]);
        }
        reset();
        return OUT_LENGTH;
    }

    /**
     * Hashes the group of chunks at {@code offset} of {@code input}, none of which is the last, and pushes the root of
     * their subtree. The group starts at a multiple of {@code LANES} chunks (only groups are hashed before
     * {@link #doFinal}), so its chunks are the leaves of a complete subtree: its first levels of parents are
     * vectorised too, while a level still fills a quarter of the lanes, and the last few parents are scalar.
     */
    private void hashGroup(byte[] input, int offset) {
        ChunkKernel k = kernel;
        k.hashChunks(input, offset, chunkCounter);
        int count = ChunkKernel.LANES;
        while (count >= MIN_VECTOR_LEVEL) {
            k.parents(count);
            count /= 2;
        }
        int[] cvs = k.cvs;
        int[] node = cv;
        for (; count > 1; count /= 2) {
            for (int p = 0; p < count / 2; p++) {
                parentOfLanes(cvs, 2 * p, 2 * p + 1, node);
                for (int w = 0; w < 8; w++) {
                    cvs[w * ChunkKernel.LANES + p] = node[w];
                }
            }
        }
        for (int w = 0; w < 8; w++) {
            node[w] = cvs[w * ChunkKernel.LANES];
        }
        chunkCounter += ChunkKernel.LANES;
        long finished = chunkCounter >>> LOG2_LANES; // groups finished: the stack holds one subtree per set bit
        while ((finished & 1) == 0) {
            mergeInto(node, --stackSize, PARENT);
            finished >>>= 1;
        }
        System.arraycopy(node, 0, stack, 8 * stackSize++, 8);
    }

    /**
     * Hashes the whole chunks of the buffer from {@code at} that more input follows, when there are at least
     * {@link #MIN_KERNEL_CHUNKS} of them, with the kernel (its other lanes hash stale bytes nobody reads), and pushes
     * their chaining values one by one.
     *
     * @return the number of chunks it hashed
     */
    private int hashTailChunks(int wholeChunks) {
        if (wholeChunks < MIN_KERNEL_CHUNKS) {
            return 0;
        }
        ChunkKernel k = kernel;
        k.hashChunks(buffer, 0, chunkCounter);
        int[] cvs = k.cvs;
        int[] node = cv;
        for (int lane = 0; lane < wholeChunks; lane++) {
            for (int w = 0; w < 8; w++) {
                node[w] = cvs[w * ChunkKernel.LANES + lane];
            }
            pushChunk(node);
        }
        return wholeChunks;
    }

    /** Writes into {@code out} the chaining value of the parent of lanes {@code left} and {@code right} of {@code cvs}. */
    private void parentOfLanes(int[] cvs, int left, int right, int[] out) {
        byte[] b = block;
        for (int w = 0; w < 8; w++) {
            putLe(b, 4 * w, cvs[w * ChunkKernel.LANES + left]);
            putLe(b, 32 + 4 * w, cvs[w * ChunkKernel.LANES + right]);
        }
        startChunk(out);
        Blake3Hasher.compress(out, b, 0, BLOCK_LEN, 0, PARENT);
    }

    /**
     * Pushes a finished chunk's chaining value, first merging it with the finished subtrees to its left while the
     * number of finished chunks is even. More input follows, so no merge here is the root.
     */
    private void pushChunk(int[] node) {
        long finished = ++chunkCounter;
        while ((finished & 1) == 0) {
            mergeInto(node, --stackSize, PARENT);
            finished >>>= 1;
        }
        System.arraycopy(node, 0, stack, 8 * stackSize++, 8);
    }

    /** Replaces {@code right} with the chaining value of the parent of stack entry {@code leftIndex} and it. */
    private void mergeInto(int[] right, int leftIndex, int flags) {
        byte[] b = block;
        int left = 8 * leftIndex;
        for (int i = 0; i < 8; i++) {
            putLe(b, 4 * i, stack[left + i]);
            putLe(b, 32 + 4 * i, right[i]);
        }
        startChunk(right);
        Blake3Hasher.compress(right, b, 0, BLOCK_LEN, 0, flags);
    }

    /** Sets {@code h} to the IV, the chaining value every chunk and parent starts from. */
    private static void startChunk(int[] h) {
        h[0] = ChunkKernel.IV0;
        h[1] = ChunkKernel.IV1;
        h[2] = ChunkKernel.IV2;
        h[3] = ChunkKernel.IV3;
        h[4] = ChunkKernel.IV4;
        h[5] = ChunkKernel.IV5;
        h[6] = ChunkKernel.IV6;
        h[7] = ChunkKernel.IV7;
    }

    /** Stores {@code value} little-endian, byte by byte (as the core's hasher does, for the same reason). */
    private static void putLe(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
        b[at + 2] = (byte) (value >>> 16);
        b[at + 3] = (byte) (value >>> 24);
    }
}
