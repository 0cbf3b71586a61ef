package org.ippan.l2.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.wire.Batch;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Building and signing the envelope of a cut batch, single thread, txs with 256-byte payloads. The batch's own
 * {@code batch_hash} and {@code tx_root} are computed once in setup, as they are when the batch is cut.
 *
 * <ul>
 *   <li>{@code buildAndSign}: {@code BatchPayload} (payload as hex), {@code envelope_hash}, Ed25519 signature,
 *       {@code canonical(BatchEnvelope)};</li>
 *   <li>{@code buildSignAndL1Envelope}: the same, then the L1 request as the engine makes it
 *       ({@code L2BatchEnvelopeV1.requestForBatch}): the request body's canonical JSON with the hub payload (base64url
 *       of the envelope) written once inside it and hashed there, and the idempotency key;</li>
 *   <li>{@code signFloor} and {@code l1Floor}: the hashing and signing the v1 format mandates for those two,
 *       over inputs of the same sizes: BLAKE3 of the canonical payload plus Ed25519 over the signed message; and
 *       that plus BLAKE3 of a hub payload's size. The ratio to the floor, in the same run, is the figure.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnvelopeBenchmark {
    /** Txs in the batch. */
    @Param({"100", "1000"})
    public int txs;

    private Batch batch;
    private Ed25519Signer signer;
    private byte[] payloadSizedBytes;
    private byte[] signedMessageSizedBytes;
    private byte[] hubPayloadSizedBytes;

    /** Makes the batch and same-sized inputs for the floors. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        List<Tx> list = new ArrayList<>(txs);
        for (int i = 0; i < txs; i++) {
            byte[] payload = new byte[256];
            random.nextBytes(payload);
            list.add(new Tx(1, i, "sender-" + (i % 97), payload));
        }
        batch = new Batch(1, 1, list, 1_735_000_000_000L);
        batch.hash();
        batch.txRoot();
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        signer = new Ed25519Signer(seed);
        BatchPayload payload = BatchPayload.of(batch, Hash.ZERO);
        payloadSizedBytes = new byte[payload.encodedSize()];
        signedMessageSizedBytes = new byte[payload.signingBytes().length];
        random.nextBytes(payloadSizedBytes);
        random.nextBytes(signedMessageSizedBytes);
        BatchEnvelope envelope = BatchEnvelope.sign(payload, signer);
        L2BatchEnvelopeV1 l1 = L2BatchEnvelopeV1.forBatch(batch, envelope, Hub.Fin, 0);
        hubPayloadSizedBytes = new byte[l1.payload().canonicalJson().length];
        random.nextBytes(hubPayloadSizedBytes);
    }

    /** @return the signed envelope's bytes */
    @Benchmark
    public byte[] buildAndSign() {
        return BatchEnvelope.sign(BatchPayload.of(batch, Hash.ZERO), signer).encode();
    }

    /** @return the L1 request body */
    @Benchmark
    public byte[] buildSignAndL1Envelope() {
        BatchEnvelope envelope = BatchEnvelope.sign(BatchPayload.of(batch, Hash.ZERO), signer);
        return L2BatchEnvelopeV1.requestForBatch(batch, envelope, Hub.Fin, 0).body();
    }

    /** @return the signature; the payload hash goes to the blackhole */
    @Benchmark
    public byte[] signFloor(Blackhole blackhole) {
        blackhole.consume(Hash.blake3(payloadSizedBytes));
        return signer.sign(signedMessageSizedBytes, 0, signedMessageSizedBytes.length);
    }

    /** @return the hub payload hash; the rest of the sign floor goes to the blackhole */
    @Benchmark
    public Hash l1Floor(Blackhole blackhole) {
        blackhole.consume(signFloor(blackhole));
        return Hash.blake3(hubPayloadSizedBytes);
    }
}
