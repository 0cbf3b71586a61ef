package org.ippan.l2.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.ippan.l2.blake3.vector.VectorBlake3Accelerator;
import org.ippan.l2.core.internal.Blake3Hasher;
import org.ippan.l2.core.internal.Blake3Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * BLAKE3-256 of one input, single thread: the library's scalar {@link Blake3Hasher} ({@code ours}), the optional
 * Vector API accelerator of {@code l2-blake3-vector} ({@code vector}) and BouncyCastle's {@link Blake3Digest}
 * ({@code bouncyCastle}, which the scalar one replaced), side by side in one run, each with a reused digest and output
 * array. 400 bytes is a tx-sized input (one chunk, seven blocks), 17 KiB just past the accelerator's threshold on
 * AVX-512 (one group of 16 chunks in parallel, one scalar chunk), 64 KiB the size class of a batch's {@code tx_root}
 * input, 320 KiB that of a batch, 1 MiB that of a batch's envelope with its hex payload. MB/s = bytes / (ns/op) * 1,000.
 *
 * <p>The fork runs with {@code --add-modules=jdk.incubator.vector} so that {@code vector} can run. A run without
 * forks ({@code -f 0}, CI's smoke pass) has no such module: {@code vector} then says so once and measures nothing
 * (an empty method), since the JVM it runs in cannot run the Vector API.
 *
 * <p>BouncyCastle stays here only as the peer to measure against; no main code hashes with it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class Blake3Benchmark {
    /** Input bytes. */
    @Param({"400", "17408", "65536", "327680", "1048576"})
    public int bytes;

    private byte[] input;
    private final Blake3Hasher ours = new Blake3Hasher();
    private final Blake3Digest bouncyCastle = new Blake3Digest();
    private final byte[] hash = new byte[Blake3Hasher.OUT_LENGTH];

    /**
     * The Vector API hasher, or null when this JVM lacks {@code jdk.incubator.vector}: in a state of its own, so that
     * nothing touches the accelerator's classes on such a JVM.
     */
    @State(Scope.Thread)
    public static class Vector {
        Blake3Stream hasher;

        /** Makes the hasher when the JVM can run it, else says that {@code vector} measures nothing in this run. */
        @Setup(Level.Trial)
        public void setUp() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
                hasher = new VectorBlake3Accelerator().newHasher();
            } else {
                System.err.println("Blake3Benchmark.vector: no jdk.incubator.vector in this JVM (a run without forks?),"
                        + " so its figures measure nothing");
            }
        }
    }

    /** Makes the input, and fails the run unless the digests give the same hash of it. */
    @Setup(Level.Trial)
    public void setUp(Vector vector) {
        input = new byte[bytes];
        new SplittableRandom(bytes).nextBytes(input);
        ours();
        byte[] ourHash = hash.clone();
        bouncyCastle();
        if (!Arrays.equals(ourHash, hash)) {
            throw new IllegalStateException("our BLAKE3 of " + bytes + " bytes differs from BouncyCastle's");
        }
        if (vector.hasher != null) {
            vector(vector);
            if (!Arrays.equals(ourHash, hash)) {
                throw new IllegalStateException("the Vector API BLAKE3 of " + bytes + " bytes differs from ours");
            }
        }
    }

    /** @return the first byte of our BLAKE3 of the input */
    @Benchmark
    public byte ours() {
        ours.update(input, 0, input.length);
        ours.doFinal(hash, 0);
        return hash[0];
    }

    /** @return the first byte of the Vector API BLAKE3 of the input (0 without the Vector API, see above) */
    @Benchmark
    public byte vector(Vector vector) {
        Blake3Stream hasher = vector.hasher;
        if (hasher == null) {
            return 0;
        }
        hasher.update(input, 0, input.length);
        hasher.doFinal(hash, 0);
        return hash[0];
    }

    /** @return the first byte of BouncyCastle's BLAKE3 of the input */
    @Benchmark
    public byte bouncyCastle() {
        bouncyCastle.update(input, 0, input.length);
        bouncyCastle.doFinal(hash, 0);
        return hash[0];
    }
}
