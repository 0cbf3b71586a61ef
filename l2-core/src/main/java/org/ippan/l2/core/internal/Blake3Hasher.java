package org.ippan.l2.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Incremental BLAKE3 in its default mode (unkeyed hash, 32-byte output), written for speed on the JVM.
 *
 * <p><b>Design.</b> Input is cut into 1,024-byte chunks of sixteen 64-byte blocks. A block is compressed straight
 * from the caller's array as soon as more input is known to follow it; only the block that might be the last one
 * (of its chunk, or of the whole input) waits in a 64-byte buffer, because it needs the CHUNK_END flag, and the
 * ROOT flag if it turns out to be the root. A finished chunk's chaining value goes onto a stack and is merged with
 * its left neighbours while the number of finished chunks is even, so the stack holds one value per set bit of
 * that number. The compression keeps the 16 state words and the 16 message words in locals, with the 7 rounds
 * unrolled and each round's message word order written out (the spec's permutation applied ahead of time), and
 * reads the message words little-endian straight from the byte array. Nothing is allocated after construction.
 *
 * <p>An instance is not thread-safe. {@link #doFinal} resets it, so it can be reused at once.
 *
 * <p>This is the hasher of every input unless an accelerator is in use ({@link Blake3}); an accelerator's own scalar
 * steps run {@link #compress} too.
 */
public final class Blake3Hasher implements Blake3Stream {
    /** Output length in bytes. */
    public static final int OUT_LENGTH = 32;

    static final int BLOCK_LEN = 64;
    static final int CHUNK_LEN = 1024;
    static final int CHUNK_START = 1;
    static final int CHUNK_END = 2;
    static final int PARENT = 4;
    static final int ROOT = 8;

    static final int IV0 = 0x6A09E667;
    static final int IV1 = 0xBB67AE85;
    static final int IV2 = 0x3C6EF372;
    static final int IV3 = 0xA54FF53A;
    static final int IV4 = 0x510E527F;
    static final int IV5 = 0x9B05688C;
    static final int IV6 = 0x1F83D9AB;
    static final int IV7 = 0x5BE0CD19;

    /** Enough for 2^54 chunks, i.e. any input a long can count. */
    private static final int MAX_DEPTH = 54;

    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** The current chunk's chaining value, updated in place by each compression. */
    private final int[] cv = new int[8];
    /** The block that may still turn out to be the last of its chunk; zero beyond {@link #bufferLength} at the end. */
    private final byte[] buffer = new byte[BLOCK_LEN];
    /** Chaining values of finished subtrees, 8 words each, the leftmost first. */
    private final int[] stack = new int[MAX_DEPTH * 8];
    /** The 64-byte block of a parent node: its left and right children's chaining values. */
    private final byte[] parentBlock = new byte[BLOCK_LEN];
    private int bufferLength;
    /** Blocks of the current chunk already compressed (0..15); the buffered one is not counted. */
    private int blocksCompressed;
    /** Index of the current chunk, i.e. the number of chunks finished before it. */
    private long chunkCounter;
    private int stackSize;

    /** A hasher ready for input. */
    public Blake3Hasher() {
        reset();
    }

    /** Forgets all input. */
    @Override
    public void reset() {
        setIv(cv);
        bufferLength = 0;
        blocksCompressed = 0;
        chunkCounter = 0;
        stackSize = 0;
    }

    /** Adds one byte. */
    public void update(byte b) {
        if (bufferLength == BLOCK_LEN) {
            flushFullBuffer();
        }
        buffer[bufferLength++] = b;
    }

    /** Adds {@code length} bytes of {@code input} from {@code offset}. */
    @Override
    public void update(byte[] input, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, input.length);
        if (length == 0) {
            return;
        }
        if (bufferLength > 0) {
            if (bufferLength == BLOCK_LEN) {
                flushFullBuffer(); // more input follows, so the buffered block was not the last
            }
            int take = Math.min(BLOCK_LEN - bufferLength, length);
            System.arraycopy(input, offset, buffer, bufferLength, take);
            bufferLength += take;
            offset += take;
            length -= take;
            if (length == 0) {
                return;
            }
            flushFullBuffer();
        }
        // the buffer is empty: compress every block that more input follows straight from the caller's array
        while (length > BLOCK_LEN) {
            if (blocksCompressed == 15) {
                compress(cv, input, offset, BLOCK_LEN, chunkCounter, CHUNK_END);
                finishChunk();
            } else {
                compress(cv, input, offset, BLOCK_LEN, chunkCounter, blocksCompressed == 0 ? CHUNK_START : 0);
                blocksCompressed++;
            }
            offset += BLOCK_LEN;
            length -= BLOCK_LEN;
        }
        System.arraycopy(input, offset, buffer, 0, length);
        bufferLength = length;
    }

    /**
     * Writes the 32-byte hash of all input to {@code out} from {@code offset} and resets this hasher.
     *
     * @return {@link #OUT_LENGTH}
     */
    @Override
    public int doFinal(byte[] out, int offset) {
        Objects.checkFromIndexSize(offset, OUT_LENGTH, out.length);
        Arrays.fill(buffer, bufferLength, BLOCK_LEN, (byte) 0);
        int flags = CHUNK_END | (blocksCompressed == 0 ? CHUNK_START : 0);
        int[] node = cv;
        if (stackSize == 0) {
            compress(node, buffer, 0, bufferLength, chunkCounter, flags | ROOT);
        } else {
            compress(node, buffer, 0, bufferLength, chunkCounter, flags);
            for (int i = stackSize - 1; i >= 0; i--) {
                mergeInto(node, i, i == 0 ? PARENT | ROOT : PARENT);
            }
        }
        for (int i = 0; i < 8; i++) {
            putLe(out, offset + 4 * i, node[i]);
        }
        reset();
        return OUT_LENGTH;
    }

    /** Compresses the full buffered block, knowing that more input follows it. */
    private void flushFullBuffer() {
        if (blocksCompressed == 15) {
            compress(cv, buffer, 0, BLOCK_LEN, chunkCounter, CHUNK_END);
            finishChunk();
        } else {
            compress(cv, buffer, 0, BLOCK_LEN, chunkCounter, blocksCompressed == 0 ? CHUNK_START : 0);
            blocksCompressed++;
        }
        bufferLength = 0;
    }

    /**
     * Pushes the finished chunk's chaining value, first merging it with the finished subtrees to its left while the
     * number of finished chunks is even, and starts the next chunk. More input follows, so no merge here is the root.
     */
    private void finishChunk() {
        int[] node = cv;
        long finished = ++chunkCounter;
        while ((finished & 1) == 0) {
            mergeInto(node, --stackSize, PARENT);
            finished >>>= 1;
        }
        System.arraycopy(node, 0, stack, 8 * stackSize++, 8);
        setIv(node);
        blocksCompressed = 0;
    }

    /** Replaces {@code right} with the chaining value of the parent of stack entry {@code leftIndex} and it. */
    private void mergeInto(int[] right, int leftIndex, int flags) {
        byte[] block = parentBlock;
        int left = 8 * leftIndex;
        for (int i = 0; i < 8; i++) {
            putLe(block, 4 * i, stack[left + i]);
            putLe(block, 32 + 4 * i, right[i]);
        }
        setIv(right);
        compress(right, block, 0, BLOCK_LEN, 0, flags);
    }

    /**
     * Stores {@code value} little-endian, byte by byte. Not through {@link #LE_INT}: this small method is inlined into
     * callers that have just allocated {@code out}, and on JDK 17 C2 was seen (in a stress run, with OSR) to produce
     * a wrong digest when a byte-array-view VarHandle store went into a freshly allocated array; plain byte stores
     * never did. The loads in {@link #compress} stay VarHandle: it is far too large to be inlined anywhere.
     */
    private static void putLe(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
        b[at + 2] = (byte) (value >>> 16);
        b[at + 3] = (byte) (value >>> 24);
    }

    private static void setIv(int[] h) {
        h[0] = IV0;
        h[1] = IV1;
        h[2] = IV2;
        h[3] = IV3;
        h[4] = IV4;
        h[5] = IV5;
        h[6] = IV6;
        h[7] = IV7;
    }

    /**
     * The BLAKE3 compression function, truncated to the 8-word chaining value: {@code h} is the input chaining value
     * and receives the output one; the message is the 64 bytes of {@code block} from {@code offset}. Public for the
     * accelerator's own scalar steps (this package is exported to the accelerator's module alone).
     */
    public static void compress(int[] h, byte[] block, int offset, int blockLength, long counter, int flags) {
        int m0 = (int) LE_INT.get(block, offset);
        int m1 = (int) LE_INT.get(block, offset + 4);
        int m2 = (int) LE_INT.get(block, offset + 8);
        int m3 = (int) LE_INT.get(block, offset + 12);
        int m4 = (int) LE_INT.get(block, offset + 16);
        int m5 = (int) LE_INT.get(block, offset + 20);
        int m6 = (int) LE_INT.get(block, offset + 24);
        int m7 = (int) LE_INT.get(block, offset + 28);
        int m8 = (int) LE_INT.get(block, offset + 32);
        int m9 = (int) LE_INT.get(block, offset + 36);
        int m10 = (int) LE_INT.get(block, offset + 40);
        int m11 = (int) LE_INT.get(block, offset + 44);
        int m12 = (int) LE_INT.get(block, offset + 48);
        int m13 = (int) LE_INT.get(block, offset + 52);
        int m14 = (int) LE_INT.get(block, offset + 56);
        int m15 = (int) LE_INT.get(block, offset + 60);
        int v0 = h[0];
        int v1 = h[1];
        int v2 = h[2];
        int v3 = h[3];
        int v4 = h[4];
        int v5 = h[5];
        int v6 = h[6];
        int v7 = h[7];
        int v8 = IV0;
        int v9 = IV1;
        int v10 = IV2;
        int v11 = IV3;
        int v12 = (int) counter;
        int v13 = (int) (counter >>> 32);
        int v14 = blockLength;
        int v15 = flags;
        // round 1: message words 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        v0 += v4 + m0; v12 = Integer.rotateRight(v12 ^ v0, 16); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m1; v12 = Integer.rotateRight(v12 ^ v0, 8); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m2; v13 = Integer.rotateRight(v13 ^ v1, 16); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m3; v13 = Integer.rotateRight(v13 ^ v1, 8); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m4; v14 = Integer.rotateRight(v14 ^ v2, 16); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m5; v14 = Integer.rotateRight(v14 ^ v2, 8); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m6; v15 = Integer.rotateRight(v15 ^ v3, 16); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m7; v15 = Integer.rotateRight(v15 ^ v3, 8); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m8; v15 = Integer.rotateRight(v15 ^ v0, 16); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m9; v15 = Integer.rotateRight(v15 ^ v0, 8); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m10; v12 = Integer.rotateRight(v12 ^ v1, 16); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m11; v12 = Integer.rotateRight(v12 ^ v1, 8); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m12; v13 = Integer.rotateRight(v13 ^ v2, 16); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m13; v13 = Integer.rotateRight(v13 ^ v2, 8); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m14; v14 = Integer.rotateRight(v14 ^ v3, 16); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m15; v14 = Integer.rotateRight(v14 ^ v3, 8); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 2: message words 2 6 3 10 7 0 4 13 1 11 12 5 9 14 15 8
        v0 += v4 + m2; v12 = Integer.rotateRight(v12 ^ v0, 16); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m6; v12 = Integer.rotateRight(v12 ^ v0, 8); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m3; v13 = Integer.rotateRight(v13 ^ v1, 16); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m10; v13 = Integer.rotateRight(v13 ^ v1, 8); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m7; v14 = Integer.rotateRight(v14 ^ v2, 16); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m0; v14 = Integer.rotateRight(v14 ^ v2, 8); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m4; v15 = Integer.rotateRight(v15 ^ v3, 16); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m13; v15 = Integer.rotateRight(v15 ^ v3, 8); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m1; v15 = Integer.rotateRight(v15 ^ v0, 16); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m11; v15 = Integer.rotateRight(v15 ^ v0, 8); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m12; v12 = Integer.rotateRight(v12 ^ v1, 16); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m5; v12 = Integer.rotateRight(v12 ^ v1, 8); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m9; v13 = Integer.rotateRight(v13 ^ v2, 16); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m14; v13 = Integer.rotateRight(v13 ^ v2, 8); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m15; v14 = Integer.rotateRight(v14 ^ v3, 16); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m8; v14 = Integer.rotateRight(v14 ^ v3, 8); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 3: message words 3 4 10 12 13 2 7 14 6 5 9 0 11 15 8 1
        v0 += v4 + m3; v12 = Integer.rotateRight(v12 ^ v0, 16); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m4; v12 = Integer.rotateRight(v12 ^ v0, 8); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m10; v13 = Integer.rotateRight(v13 ^ v1, 16); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m12; v13 = Integer.rotateRight(v13 ^ v1, 8); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m13; v14 = Integer.rotateRight(v14 ^ v2, 16); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m2; v14 = Integer.rotateRight(v14 ^ v2, 8); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m7; v15 = Integer.rotateRight(v15 ^ v3, 16); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m14; v15 = Integer.rotateRight(v15 ^ v3, 8); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m6; v15 = Integer.rotateRight(v15 ^ v0, 16); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m5; v15 = Integer.rotateRight(v15 ^ v0, 8); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m9; v12 = Integer.rotateRight(v12 ^ v1, 16); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m0; v12 = Integer.rotateRight(v12 ^ v1, 8); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m11; v13 = Integer.rotateRight(v13 ^ v2, 16); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m15; v13 = Integer.rotateRight(v13 ^ v2, 8); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m8; v14 = Integer.rotateRight(v14 ^ v3, 16); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m1; v14 = Integer.rotateRight(v14 ^ v3, 8); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 4: message words 10 7 12 9 14 3 13 15 4 0 11 2 5 8 1 6
        v0 += v4 + m10; v12 = Integer.rotateRight(v12 ^ v0, 16); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m7; v12 = Integer.rotateRight(v12 ^ v0, 8); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m12; v13 = Integer.rotateRight(v13 ^ v1, 16); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m9; v13 = Integer.rotateRight(v13 ^ v1, 8); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m14; v14 = Integer.rotateRight(v14 ^ v2, 16); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m3; v14 = Integer.rotateRight(v14 ^ v2, 8); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m13; v15 = Integer.rotateRight(v15 ^ v3, 16); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m15; v15 = Integer.rotateRight(v15 ^ v3, 8); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m4; v15 = Integer.rotateRight(v15 ^ v0, 16); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m0; v15 = Integer.rotateRight(v15 ^ v0, 8); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m11; v12 = Integer.rotateRight(v12 ^ v1, 16); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m2; v12 = Integer.rotateRight(v12 ^ v1, 8); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m5; v13 = Integer.rotateRight(v13 ^ v2, 16); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m8; v13 = Integer.rotateRight(v13 ^ v2, 8); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m1; v14 = Integer.rotateRight(v14 ^ v3, 16); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m6; v14 = Integer.rotateRight(v14 ^ v3, 8); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 5: message words 12 13 9 11 15 10 14 8 7 2 5 3 0 1 6 4
        v0 += v4 + m12; v12 = Integer.rotateRight(v12 ^ v0, 16); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m13; v12 = Integer.rotateRight(v12 ^ v0, 8); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m9; v13 = Integer.rotateRight(v13 ^ v1, 16); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m11; v13 = Integer.rotateRight(v13 ^ v1, 8); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m15; v14 = Integer.rotateRight(v14 ^ v2, 16); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m10; v14 = Integer.rotateRight(v14 ^ v2, 8); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m14; v15 = Integer.rotateRight(v15 ^ v3, 16); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m8; v15 = Integer.rotateRight(v15 ^ v3, 8); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m7; v15 = Integer.rotateRight(v15 ^ v0, 16); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m2; v15 = Integer.rotateRight(v15 ^ v0, 8); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m5; v12 = Integer.rotateRight(v12 ^ v1, 16); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m3; v12 = Integer.rotateRight(v12 ^ v1, 8); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m0; v13 = Integer.rotateRight(v13 ^ v2, 16); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m1; v13 = Integer.rotateRight(v13 ^ v2, 8); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m6; v14 = Integer.rotateRight(v14 ^ v3, 16); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m4; v14 = Integer.rotateRight(v14 ^ v3, 8); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 6: message words 9 14 11 5 8 12 15 1 13 3 0 10 2 6 4 7
        v0 += v4 + m9; v12 = Integer.rotateRight(v12 ^ v0, 16); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m14; v12 = Integer.rotateRight(v12 ^ v0, 8); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m11; v13 = Integer.rotateRight(v13 ^ v1, 16); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m5; v13 = Integer.rotateRight(v13 ^ v1, 8); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m8; v14 = Integer.rotateRight(v14 ^ v2, 16); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m12; v14 = Integer.rotateRight(v14 ^ v2, 8); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m15; v15 = Integer.rotateRight(v15 ^ v3, 16); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m1; v15 = Integer.rotateRight(v15 ^ v3, 8); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m13; v15 = Integer.rotateRight(v15 ^ v0, 16); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m3; v15 = Integer.rotateRight(v15 ^ v0, 8); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m0; v12 = Integer.rotateRight(v12 ^ v1, 16); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m10; v12 = Integer.rotateRight(v12 ^ v1, 8); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m2; v13 = Integer.rotateRight(v13 ^ v2, 16); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m6; v13 = Integer.rotateRight(v13 ^ v2, 8); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m4; v14 = Integer.rotateRight(v14 ^ v3, 16); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m7; v14 = Integer.rotateRight(v14 ^ v3, 8); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        // round 7: message words 11 15 5 0 1 9 8 6 14 10 2 12 3 4 7 13
        v0 += v4 + m11; v12 = Integer.rotateRight(v12 ^ v0, 16); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
        v0 += v4 + m15; v12 = Integer.rotateRight(v12 ^ v0, 8); v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
        v1 += v5 + m5; v13 = Integer.rotateRight(v13 ^ v1, 16); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
        v1 += v5 + m0; v13 = Integer.rotateRight(v13 ^ v1, 8); v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
        v2 += v6 + m1; v14 = Integer.rotateRight(v14 ^ v2, 16); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
        v2 += v6 + m9; v14 = Integer.rotateRight(v14 ^ v2, 8); v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
        v3 += v7 + m8; v15 = Integer.rotateRight(v15 ^ v3, 16); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
        v3 += v7 + m6; v15 = Integer.rotateRight(v15 ^ v3, 8); v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
        v0 += v5 + m14; v15 = Integer.rotateRight(v15 ^ v0, 16); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
        v0 += v5 + m10; v15 = Integer.rotateRight(v15 ^ v0, 8); v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
        v1 += v6 + m2; v12 = Integer.rotateRight(v12 ^ v1, 16); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
        v1 += v6 + m12; v12 = Integer.rotateRight(v12 ^ v1, 8); v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
        v2 += v7 + m3; v13 = Integer.rotateRight(v13 ^ v2, 16); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
        v2 += v7 + m4; v13 = Integer.rotateRight(v13 ^ v2, 8); v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
        v3 += v4 + m7; v14 = Integer.rotateRight(v14 ^ v3, 16); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
        v3 += v4 + m13; v14 = Integer.rotateRight(v14 ^ v3, 8); v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
        h[0] = v0 ^ v8;
        h[1] = v1 ^ v9;
        h[2] = v2 ^ v10;
        h[3] = v3 ^ v11;
        h[4] = v4 ^ v12;
        h[5] = v5 ^ v13;
        h[6] = v6 ^ v14;
        h[7] = v7 ^ v15;
    }
}
