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
 * from there. The 7 rounds are written out, each with its message word order (the spec's permutation applied ahead
 * of time, as in the core's {@code Blake3Hasher}), in a method of its own that keeps every vector in a local: one
 * method per block, not per chunk, stays under HotSpot's limit for compiling a method at all (8,000 bytes of
 * bytecode), and a vector kept in an array or carried round a loop would be boxed on the heap.
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

    static final int IV0 = 0x6A09E667;
    static final int IV1 = 0xBB67AE85;
    static final int IV2 = 0x3C6EF372;
    static final int IV3 = 0xA54FF53A;
    static final int IV4 = 0x510E527F;
    static final int IV5 = 0x9B05688C;
    static final int IV6 = 0x1F83D9AB;
    static final int IV7 = 0x5BE0CD19;

    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** The chaining values, word-major: word {@code w} of lane {@code i} at {@code w * LANES + i}. */
    final int[] cvs = new int[8 * LANES];
    /** One block of every lane's chunk, word-major. */
    private final int[] message = new int[16 * LANES];
    /** Every lane's chunk counter: low words, then high words. */
    private final int[] counters = new int[2 * LANES];

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
            compress(h, m, counters, flags);
        }
    }

    /** One compression of a full block in every lane, with the lanes' own counters and the same flags. */
    private static void compress(int[] h, int[] m, int[] counters, int flags) {
        final int l = LANES;
        IntVector m0 = IntVector.fromArray(SPECIES, m, 0);
        IntVector m1 = IntVector.fromArray(SPECIES, m, l);
        IntVector m2 = IntVector.fromArray(SPECIES, m, 2 * l);
        IntVector m3 = IntVector.fromArray(SPECIES, m, 3 * l);
        IntVector m4 = IntVector.fromArray(SPECIES, m, 4 * l);
        IntVector m5 = IntVector.fromArray(SPECIES, m, 5 * l);
        IntVector m6 = IntVector.fromArray(SPECIES, m, 6 * l);
        IntVector m7 = IntVector.fromArray(SPECIES, m, 7 * l);
        IntVector m8 = IntVector.fromArray(SPECIES, m, 8 * l);
        IntVector m9 = IntVector.fromArray(SPECIES, m, 9 * l);
        IntVector m10 = IntVector.fromArray(SPECIES, m, 10 * l);
        IntVector m11 = IntVector.fromArray(SPECIES, m, 11 * l);
        IntVector m12 = IntVector.fromArray(SPECIES, m, 12 * l);
        IntVector m13 = IntVector.fromArray(SPECIES, m, 13 * l);
        IntVector m14 = IntVector.fromArray(SPECIES, m, 14 * l);
        IntVector m15 = IntVector.fromArray(SPECIES, m, 15 * l);
        IntVector v0 = IntVector.fromArray(SPECIES, h, 0);
        IntVector v1 = IntVector.fromArray(SPECIES, h, l);
        IntVector v2 = IntVector.fromArray(SPECIES, h, 2 * l);
        IntVector v3 = IntVector.fromArray(SPECIES, h, 3 * l);
        IntVector v4 = IntVector.fromArray(SPECIES, h, 4 * l);
        IntVector v5 = IntVector.fromArray(SPECIES, h, 5 * l);
        IntVector v6 = IntVector.fromArray(SPECIES, h, 6 * l);
        IntVector v7 = IntVector.fromArray(SPECIES, h, 7 * l);
        IntVector v8 = IntVector.broadcast(SPECIES, IV0);
        IntVector v9 = IntVector.broadcast(SPECIES, IV1);
        IntVector v10 = IntVector.broadcast(SPECIES, IV2);
        IntVector v11 = IntVector.broadcast(SPECIES, IV3);
        IntVector v12 = IntVector.fromArray(SPECIES, counters, 0);
        IntVector v13 = IntVector.fromArray(SPECIES, counters, l);
        IntVector v14 = IntVector.broadcast(SPECIES, BLOCK_LEN);
        IntVector v15 = IntVector.broadcast(SPECIES, flags);
        // round 1: message words 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        v0 = v0.add(v4).add(m0); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
        v0 = v0.add(v4).add(m1); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
        v1 = v1.add(v5).add(m2); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
        v1 = v1.add(v5).add(m3); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
        v2 = v2.add(v6).add(m4); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
        v2 = v2.add(v6).add(m5); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
        v3 = v3.add(v7).add(m6); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
        v3 = v3.add(v7).add(m7); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
        v0 = v0.add(v5).add(m8); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
        v0 = v0.add(v5).add(m9); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
        v1 = v1.add(v6).add(m10); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
        v1 = v1.add(v6).add(m11); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
        v2 = v2.add(v7).add(m12); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
        v2 = v2.add(v7).add(m13); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
        v3 = v3.add(v4).add(m14); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
        v3 = v3.add(v4).add(m15); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
        // round 2: message words 2 6 3 10 7 0 4 13 1 11 12 5 9 14 15 8
        v0 = v0.add(v4).add(m2); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
        v0 = v0.add(v4).add(m6); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
        v1 = v1.add(v5).add(m3); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
        v1 = v1.add(v5).add(m10); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
        v2 = v2.add(v6).add(m7); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
        v2 = v2.add(v6).add(m0); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
        v3 = v3.add(v7).add(m4); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
        v3 = v3.add(v7).add(m13); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
        v0 = v0.add(v5).add(m1); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
        v0 = v0.add(v5).add(m11); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
        v1 = v1.add(v6).add(m12); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
        v1 = v1.add(v6).add(m5); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
        v2 = v2.add(v7).add(m9); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
        v2 = v2.add(v7).add(m14); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
        v3 = v3.add(v4).add(m15); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
        v3 = v3.add(v4).add(m8); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
        // round 3: message words 3 4 10 12 13 2 7 14 6 5 9 0 11 15 8 1
        v0 = v0.add(v4).add(m3); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
        v0 = v0.add(v4).add(m4); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
        v1 = v1.add(v5).add(m10); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
        v1 = v1.add(v5).add(m12); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
        v2 = v2.add(v6).add(m13); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
        v2 = v2.add(v6).add(m2); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
        v3 = v3.add(v7).add(m7); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
        v3 = v3.add(v7).add(m14); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
        v0 = v0.add(v5).add(m6); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
        v0 = v0.add(v5).add(m5); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
        v1 = v1.add(v6).add(m9); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
        v1 = v1.add(v6).add(m0); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
        v2 = v2.add(v7).add(m11); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
        v2 = v2.add(v7).add(m15); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
        v3 = v3.add(v4).add(m8); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
        v3 = v3.add(v4).add(m1); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
        // round 4: message words 10 7 12 9 14 3 13 15 4 0 11 2 5 8 1 6
        v0 = v0.add(v4).add(m10); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
        v0 = v0.add(v4).add(m7); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
        v1 = v1.add(v5).add(m12); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
        v1 = v1.add(v5).add(m9); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
        v2 = v2.add(v6).add(m14); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
        v2 = v2.add(v6).add(m3); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
        v3 = v3.add(v7).add(m13); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
        v3 = v3.add(v7).add(m15); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
        v0 = v0.add(v5).add(m4); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
        v0 = v0.add(v5).add(m0); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
        v1 = v1.add(v6).add(m11); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
        v1 = v1.add(v6).add(m2); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
        v2 = v2.add(v7).add(m5); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
        v2 = v2.add(v7).add(m8); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
        v3 = v3.add(v4).add(m1); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
        v3 = v3.add(v4).add(m6); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
        // round 5: message words 12 13 9 11 15 10 14 8 7 2 5 3 0 1 6 4
        v0 = v0.add(v4).add(m12); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
        v0 = v0.add(v4).add(m13); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
        v1 = v1.add(v5).add(m9); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
        v1 = v1.add(v5).add(m11); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
        v2 = v2.add(v6).add(m15); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
        v2 = v2.add(v6).add(m10); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
        v3 = v3.add(v7).add(m14); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
        v3 = v3.add(v7).add(m8); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
        v0 = v0.add(v5).add(m7); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
        v0 = v0.add(v5).add(m2); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
        v1 = v1.add(v6).add(m5); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
        v1 = v1.add(v6).add(m3); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
        v2 = v2.add(v7).add(m0); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
        v2 = v2.add(v7).add(m1); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
        v3 = v3.add(v4).add(m6); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
        v3 = v3.add(v4).add(m4); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
        // round 6: message words 9 14 11 5 8 12 15 1 13 3 0 10 2 6 4 7
        v0 = v0.add(v4).add(m9); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
        v0 = v0.add(v4).add(m14); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
        v1 = v1.add(v5).add(m11); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
        v1 = v1.add(v5).add(m5); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
        v2 = v2.add(v6).add(m8); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
        v2 = v2.add(v6).add(m12); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
        v3 = v3.add(v7).add(m15); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
        v3 = v3.add(v7).add(m1); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
        v0 = v0.add(v5).add(m13); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
        v0 = v0.add(v5).add(m3); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
        v1 = v1.add(v6).add(m0); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
        v1 = v1.add(v6).add(m10); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
        v2 = v2.add(v7).add(m2); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
        v2 = v2.add(v7).add(m6); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
        v3 = v3.add(v4).add(m4); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
        v3 = v3.add(v4).add(m7); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
        // round 7: message words 11 15 5 0 1 9 8 6 14 10 2 12 3 4 7 13
        v0 = v0.add(v4).add(m11); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
        v0 = v0.add(v4).add(m15); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8);
        v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
        v1 = v1.add(v5).add(m5); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
        v1 = v1.add(v5).add(m0); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
        v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
        v2 = v2.add(v6).add(m1); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
        v2 = v2.add(v6).add(m9); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8);
        v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
        v3 = v3.add(v7).add(m8); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
        v3 = v3.add(v7).add(m6); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
        v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
        v0 = v0.add(v5).add(m14); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
        v0 = v0.add(v5).add(m10); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8);
        v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
        v1 = v1.add(v6).add(m2); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
        v1 = v1.add(v6).add(m12); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
        v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
        v2 = v2.add(v7).add(m3); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
        v2 = v2.add(v7).add(m4); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8);
        v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
        v3 = v3.add(v4).add(m7); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
        v3 = v3.add(v4).add(m13); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
        v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
        v0.lanewise(XOR, v8).intoArray(h, 0);
        v1.lanewise(XOR, v9).intoArray(h, l);
        v2.lanewise(XOR, v10).intoArray(h, 2 * l);
        v3.lanewise(XOR, v11).intoArray(h, 3 * l);
        v4.lanewise(XOR, v12).intoArray(h, 4 * l);
        v5.lanewise(XOR, v13).intoArray(h, 5 * l);
        v6.lanewise(XOR, v14).intoArray(h, 6 * l);
        v7.lanewise(XOR, v15).intoArray(h, 7 * l);
    }
}
