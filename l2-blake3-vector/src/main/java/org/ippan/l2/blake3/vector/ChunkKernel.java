package org.ippan.l2.blake3.vector;

import static jdk.incubator.vector.VectorOperators.ROR;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The chaining values of {@link #LANES} whole chunks at once, one chunk per lane of an {@link IntVector}: BLAKE3's
 * chunks are independent until the tree joins them, so lane {@code i} runs the sixteen compressions of chunk
 * {@code first + i} while the other lanes run those of its neighbours.
 *
 * <p><b>Layout.</b> Word {@code w} of every lane sits at {@code w * LANES + lane} of an {@code int[]} (state and
 * message alike), so one vector load gives word {@code w} of all the chunks. The sixteen message words of block
 * {@code b} of each chunk are moved into that layout by plain little-endian loads, and the compression reads them
 * from there. One round is one method that loads the 16 state words and the round's 16 message words (in that
 * round's order, the spec's permutation applied ahead of time as in the core's {@code Blake3Hasher}) into vector
 * locals, runs the eight G functions and stores the state back: the state makes a round trip through an
 * {@code int[]} (in L1 cache) per round, and in exchange the method is small. A whole block's rounds written out in
 * one method came to 7,600 bytes of bytecode, next to HotSpot's 8,000-byte limit for compiling a method at all; C1
 * gave up on it ("out of virtual registers") and C2 took many seconds to compile it on a busy machine, time in which
 * the Vector API runs interpreted, boxing every vector, at ~1 MB/s. One round per method compiles in a second or two.
 * Vectors never live in arrays or fields, which would box them.
 *
 * <p>The species is fixed when the class is initialised, so the JIT sees a constant: the JVM's preferred one
 * ({@code IntVector.SPECIES_PREFERRED}: 16 lanes with AVX-512, 8 with AVX2), or the width in bits set by system
 * property {@value #BITS_PROPERTY} (128, 256 or 512, for measuring one against another).
 */
final class ChunkKernel {
    /** Overrides the vector width in bits (128, 256, 512); the preferred species when unset. */
    static final String BITS_PROPERTY = "org.ippan.l2.blake3.vector.bits";

    static final VectorSpecies<Integer> SPECIES = species(System.getProperty(BITS_PROPERTY, ""));
    /** Chunks hashed per call. */
    static final int LANES = SPECIES.length();
    static final int CHUNK_LEN = 1024;
    static final int BLOCK_LEN = 64;
    static final int CHUNK_START = 1;
    static final int CHUNK_END = 2;
    static final int PARENT = 4;

    static final int IV0 = 0x6A09E667;
    static final int IV1 = 0xBB67AE85;
    static final int IV2 = 0x3C6EF372;
    static final int IV3 = 0xA54FF53A;
    static final int IV4 = 0x510E527F;
    static final int IV5 = 0x9B05688C;
    static final int IV6 = 0x1F83D9AB;
    static final int IV7 = 0x5BE0CD19;

    /** The message word order of each of the 7 rounds: the spec's permutation applied 0 to 6 times. */
    private static final int[] SCHEDULE = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8,
        3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1,
        10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6,
        12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4,
        9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7,
        11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13,
    };

    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** The chaining values, word-major: word {@code w} of lane {@code i} at {@code w * LANES + i}. */
    final int[] cvs = new int[8 * LANES];
    /** One block of every lane's chunk, word-major. */
    private final int[] message = new int[16 * LANES];
    /** Every lane's chunk counter: low words, then high words. */
    private final int[] counters = new int[2 * LANES];
    /** The 16-word state of every lane's compression, word-major. */
    private final int[] state = new int[16 * LANES];

    private static VectorSpecies<Integer> species(String bits) {
        switch (bits.trim()) {
            case "":
                return IntVector.SPECIES_PREFERRED;
            case "128":
                return IntVector.SPECIES_128;
            case "256":
                return IntVector.SPECIES_256;
            case "512":
                return IntVector.SPECIES_512;
            default:
                throw new IllegalArgumentException(BITS_PROPERTY + " must be 128, 256 or 512, not " + bits);
        }
    }

    /**
     * Hashes the {@link #LANES} whole chunks of {@code input} from {@code offset}, the first one being chunk number
     * {@code firstChunk} of the input, into {@link #cvs}. None of them may be the last chunk of the input (that one
     * needs the ROOT flag when it is alone, and may be short).
     */
    void hashChunks(byte[] input, int offset, long firstChunk) {
        int[] h = cvs;
        int[] m = message;
        for (int lane = 0; lane < LANES; lane++) {
            long counter = firstChunk + lane;
            counters[lane] = (int) counter;
            counters[LANES + lane] = (int) (counter >>> 32);
        }
        Arrays.fill(h, 0, LANES, IV0);
        Arrays.fill(h, LANES, 2 * LANES, IV1);
        Arrays.fill(h, 2 * LANES, 3 * LANES, IV2);
        Arrays.fill(h, 3 * LANES, 4 * LANES, IV3);
        Arrays.fill(h, 4 * LANES, 5 * LANES, IV4);
        Arrays.fill(h, 5 * LANES, 6 * LANES, IV5);
        Arrays.fill(h, 6 * LANES, 7 * LANES, IV6);
        Arrays.fill(h, 7 * LANES, 8 * LANES, IV7);
        for (int block = 0; block < 16; block++) {
            int blockAt = offset + block * BLOCK_LEN;
            for (int lane = 0; lane < LANES; lane++) {
                int at = blockAt + lane * CHUNK_LEN;
                for (int word = 0; word < 16; word++) {
                    m[word * LANES + lane] = (int) LE_INT.get(input, at + 4 * word);
                }
            }
            int flags = block == 0 ? CHUNK_START : block == 15 ? CHUNK_END : 0;
            compress(h, flags);
        }
    }

    /**
     * Replaces the first {@code count / 2} lanes of {@link #cvs} with the parents of lanes {@code 2p} and
     * {@code 2p + 1}: one level of the tree over {@code count} (even) chaining values, in one compression. The other
     * lanes compute garbage, which nobody reads.
     */
    void parents(int count) {
        final int l = LANES;
        int[] h = cvs;
        int[] m = message;
        for (int p = 0; p < count / 2; p++) {
            for (int w = 0; w < 8; w++) {
                m[w * l + p] = h[w * l + 2 * p];
                m[(w + 8) * l + p] = h[w * l + 2 * p + 1];
            }
        }
        Arrays.fill(counters, 0); // a parent's counter is 0
        Arrays.fill(h, 0, l, IV0);
        Arrays.fill(h, l, 2 * l, IV1);
        Arrays.fill(h, 2 * l, 3 * l, IV2);
        Arrays.fill(h, 3 * l, 4 * l, IV3);
        Arrays.fill(h, 4 * l, 5 * l, IV4);
        Arrays.fill(h, 5 * l, 6 * l, IV5);
        Arrays.fill(h, 6 * l, 7 * l, IV6);
        Arrays.fill(h, 7 * l, 8 * l, IV7);
        compress(h, PARENT);
    }

    /**
     * One compression of a full block in every lane, with the lanes' own counters and the same flags: the 16-word
     * state set up in {@link #state}, seven rounds, and the output chaining value (the first 8 words xor the last 8)
     * back into {@code h}.
     */
    private void compress(int[] h, int flags) {
        final int l = LANES;
        int[] v = state;
        System.arraycopy(h, 0, v, 0, 8 * l);
        Arrays.fill(v, 8 * l, 9 * l, IV0);
        Arrays.fill(v, 9 * l, 10 * l, IV1);
        Arrays.fill(v, 10 * l, 11 * l, IV2);
        Arrays.fill(v, 11 * l, 12 * l, IV3);
        System.arraycopy(counters, 0, v, 12 * l, 2 * l);
        Arrays.fill(v, 14 * l, 15 * l, BLOCK_LEN);
        Arrays.fill(v, 15 * l, 16 * l, flags);
        for (int round = 0; round < 7; round++) {
            round(v, message, round * 16);
        }
        for (int w = 0; w < 8; w++) {
            IntVector.fromArray(SPECIES, v, w * l).lanewise(XOR, IntVector.fromArray(SPECIES, v, (w + 8) * l))
                    .intoArray(h, w * l);
        }
    }

    /**
     * One round on the state {@code v} (16 words, word-major), with the message words in the order of
     * {@link #SCHEDULE} from {@code at}: the four column G functions, then the four diagonal ones.
     */
    private static void round(int[] v, int[] m, int at) {
        final int l = LANES;
        final int[] s = SCHEDULE;
        IntVector v0 = IntVector.fromArray(SPECIES, v, 0 * l);
        IntVector v1 = IntVector.fromArray(SPECIES, v, 1 * l);
        IntVector v2 = IntVector.fromArray(SPECIES, v, 2 * l);
        IntVector v3 = IntVector.fromArray(SPECIES, v, 3 * l);
        IntVector v4 = IntVector.fromArray(SPECIES, v, 4 * l);
        IntVector v5 = IntVector.fromArray(SPECIES, v, 5 * l);
        IntVector v6 = IntVector.fromArray(SPECIES, v, 6 * l);
        IntVector v7 = IntVector.fromArray(SPECIES, v, 7 * l);
        IntVector v8 = IntVector.fromArray(SPECIES, v, 8 * l);
        IntVector v9 = IntVector.fromArray(SPECIES, v, 9 * l);
        IntVector v10 = IntVector.fromArray(SPECIES, v, 10 * l);
        IntVector v11 = IntVector.fromArray(SPECIES, v, 11 * l);
        IntVector v12 = IntVector.fromArray(SPECIES, v, 12 * l);
        IntVector v13 = IntVector.fromArray(SPECIES, v, 13 * l);
        IntVector v14 = IntVector.fromArray(SPECIES, v, 14 * l);
        IntVector v15 = IntVector.fromArray(SPECIES, v, 15 * l);
        IntVector m0 = IntVector.fromArray(SPECIES, m, s[at + 0] * l);
        IntVector m1 = IntVector.fromArray(SPECIES, m, s[at + 1] * l);
        IntVector m2 = IntVector.fromArray(SPECIES, m, s[at + 2] * l);
        IntVector m3 = IntVector.fromArray(SPECIES, m, s[at + 3] * l);
        IntVector m4 = IntVector.fromArray(SPECIES, m, s[at + 4] * l);
        IntVector m5 = IntVector.fromArray(SPECIES, m, s[at + 5] * l);
        IntVector m6 = IntVector.fromArray(SPECIES, m, s[at + 6] * l);
        IntVector m7 = IntVector.fromArray(SPECIES, m, s[at + 7] * l);
        IntVector m8 = IntVector.fromArray(SPECIES, m, s[at + 8] * l);
        IntVector m9 = IntVector.fromArray(SPECIES, m, s[at + 9] * l);
        IntVector m10 = IntVector.fromArray(SPECIES, m, s[at + 10] * l);
        IntVector m11 = IntVector.fromArray(SPECIES, m, s[at + 11] * l);
        IntVector m12 = IntVector.fromArray(SPECIES, m, s[at + 12] * l);
        IntVector m13 = IntVector.fromArray(SPECIES, m, s[at + 13] * l);
        IntVector m14 = IntVector.fromArray(SPECIES, m, s[at + 14] * l);
        IntVector m15 = IntVector.fromArray(SPECIES, m, s[at + 15] * l);
        v0 = v0.add(v4).add(m0);
        v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16);
        v8 = v8.add(v12);
        v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
        v0 = v0.add(v4).add(m1);
        v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8);
        v8 = v8.add(v12);
        v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
        v1 = v1.add(v5).add(m2);
        v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
        v9 = v9.add(v13);
        v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
        v1 = v1.add(v5).add(m3);
        v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
        v9 = v9.add(v13);
        v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
        v2 = v2.add(v6).add(m4);
        v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16);
        v10 = v10.add(v14);
        v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
        v2 = v2.add(v6).add(m5);
        v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8);
        v10 = v10.add(v14);
        v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
        v3 = v3.add(v7).add(m6);
        v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
        v11 = v11.add(v15);
        v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
        v3 = v3.add(v7).add(m7);
        v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
        v11 = v11.add(v15);
        v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
        v0 = v0.add(v5).add(m8);
        v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16);
        v10 = v10.add(v15);
        v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
        v0 = v0.add(v5).add(m9);
        v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8);
        v10 = v10.add(v15);
        v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
        v1 = v1.add(v6).add(m10);
        v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
        v11 = v11.add(v12);
        v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
        v1 = v1.add(v6).add(m11);
        v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
        v11 = v11.add(v12);
        v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
        v2 = v2.add(v7).add(m12);
        v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16);
        v8 = v8.add(v13);
        v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
        v2 = v2.add(v7).add(m13);
        v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8);
        v8 = v8.add(v13);
        v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
        v3 = v3.add(v4).add(m14);
        v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
        v9 = v9.add(v14);
        v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
        v3 = v3.add(v4).add(m15);
        v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
        v9 = v9.add(v14);
        v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
        v0.intoArray(v, 0 * l);
        v1.intoArray(v, 1 * l);
        v2.intoArray(v, 2 * l);
        v3.intoArray(v, 3 * l);
        v4.intoArray(v, 4 * l);
        v5.intoArray(v, 5 * l);
        v6.intoArray(v, 6 * l);
        v7.intoArray(v, 7 * l);
        v8.intoArray(v, 8 * l);
        v9.intoArray(v, 9 * l);
        v10.intoArray(v, 10 * l);
        v11.intoArray(v, 11 * l);
        v12.intoArray(v, 12 * l);
        v13.intoArray(v, 13 * l);
        v14.intoArray(v, 14 * l);
        v15.intoArray(v, 15 * l);
    }
}
