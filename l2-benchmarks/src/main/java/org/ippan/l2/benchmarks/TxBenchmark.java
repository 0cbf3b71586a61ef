package org.ippan.l2.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.internal.Blake3Hasher;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
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
 * One tx: its canonical encoding ({@code new Tx}), its {@code tx_hash}, and decoding, single thread, against the
 * floor of hashing the same bytes with the raw BLAKE3 digest, in the same run.
 *
 * <ul>
 *   <li>{@code encode}: {@code new Tx(chain_id, nonce, from, payload)}, which builds {@code canonical(Tx)};</li>
 *   <li>{@code encodeAndHash}: the same, then {@code tx.hash()}: what admitting a tx made by the host costs the
 *       library before storage;</li>
 *   <li>{@code decodeAndHash}: {@code Tx.decode(canonical bytes).hash()}: a tx that arrives as bytes (the node's
 *       {@code POST /tx});</li>
 *   <li>{@code hashFloor}: BLAKE3 over the same canonical bytes, a reused {@code Blake3Hasher} (the library's
 *       BLAKE3) and output: the hashing v1 mandates per tx and nothing else.</li>
 * </ul>
 * Every benchmark uses a new nonce per call, so no hash is ever served from the tx's cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TxBenchmark {
    /** Payload bytes of the tx. */
    @Param({"256"})
    public int payloadBytes;

    private byte[] payload;
    private byte[] canonical;
    private long nonce;
    private final Blake3Hasher digest = new Blake3Hasher();
    private final byte[] hash = new byte[Hash.LENGTH];

    /** Makes the payload and one tx's canonical bytes. */
    @Setup(Level.Trial)
    public void setUp() {
        payload = new byte[payloadBytes];
        new SplittableRandom(3).nextBytes(payload);
        canonical = new Tx(1, 42, "sender-42", payload).encode();
    }

    /** @return a new tx (its canonical encoding is built by the constructor) */
    @Benchmark
    public Tx encode() {
        return new Tx(1, nonce++, "sender-42", payload);
    }

    /** @return the hash of a new tx */
    @Benchmark
    public Hash encodeAndHash() {
        return new Tx(1, nonce++, "sender-42", payload).hash();
    }

    /** @return the hash of a tx decoded from its canonical bytes */
    @Benchmark
    public Hash decodeAndHash() {
        // a new nonce each time, so every decode is of new bytes, as in a node; 8 bytes of LE nonce at offset 10
        long n = nonce++;
        for (int i = 0; i < 8; i++) {
            canonical[10 + i] = (byte) (n >>> (8 * i));
        }
        return Tx.decode(canonical).hash();
    }

    /** @return the first byte of BLAKE3 over the tx's canonical bytes */
    @Benchmark
    public byte hashFloor() {
        long n = nonce++;
        canonical[10] = (byte) n;
        digest.update(canonical, 0, canonical.length);
        digest.doFinal(hash, 0);
        return hash[0];
    }
}
