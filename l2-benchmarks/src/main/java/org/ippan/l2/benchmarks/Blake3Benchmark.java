package org.ippan.l2.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.ippan.l2.core.internal.Blake3Hasher;
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
 * BLAKE3-256 of one input, single thread: the library's {@link Blake3Hasher} ({@code ours}) against BouncyCastle's
 * {@link Blake3Digest} ({@code bouncyCastle}, which it replaced), side by side in one run, each with a reused digest
 * and output array. 400 bytes is a tx-sized input (one chunk, seven blocks), 64 KiB the size class of a batch's
 * {@code tx_root} input, 1 MiB that of a batch's envelope with its hex payload. MB/s = bytes / (ns/op) * 1,000.
 *
 * <p>BouncyCastle stays here only as the peer to measure against; no main code hashes with it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Blake3Benchmark {
    /** Input bytes. */
    @Param({"400", "65536", "1048576"})
    public int bytes;

    private byte[] input;
    private final Blake3Hasher ours = new Blake3Hasher();
    private final Blake3Digest bouncyCastle = new Blake3Digest();
    private final byte[] hash = new byte[Blake3Hasher.OUT_LENGTH];

    /** Makes the input, and fails the run unless both digests give the same hash of it. */
    @Setup(Level.Trial)
    public void setUp() {
        input = new byte[bytes];
        new SplittableRandom(bytes).nextBytes(input);
        ours();
        byte[] ourHash = hash.clone();
        bouncyCastle();
        if (!Arrays.equals(ourHash, hash)) {
            throw new IllegalStateException("our BLAKE3 of " + bytes + " bytes differs from BouncyCastle's");
        }
    }

    /** @return the first byte of our BLAKE3 of the input */
    @Benchmark
    public byte ours() {
        ours.update(input, 0, input.length);
        ours.doFinal(hash, 0);
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
