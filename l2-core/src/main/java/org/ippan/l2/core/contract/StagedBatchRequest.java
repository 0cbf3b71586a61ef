package org.ippan.l2.core.contract;

import java.util.Objects;
import org.ippan.l2.core.envelope.EnvelopeBuffer;
import org.ippan.l2.core.internal.Blake3;
import org.ippan.l2.core.internal.Blake3Stream;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;

/**
 * The L1 request of a batch, the same bytes and key as
 * {@link L2BatchEnvelopeV1#requestForBatch(Batch, EnvelopeBuffer, Hub, long)}, written in two parts so that the
 * larger part can run beside the envelope's signature: {@link #begin}, once the envelope's message is written
 * ({@link EnvelopeBuffer#writeMessage}), writes the body up to the envelope's tail — the base64url of the signed
 * payload, most of the body — and hashes the hub payload as far as that; {@link #finish}, once the envelope is
 * finished ({@link EnvelopeBuffer#finishEnvelope}), adds the base64url of the tail (public key, signature,
 * {@code envelope_hash}: a few hundred bytes), ends the hub payload's hash and derives the key. BLAKE3 is
 * incremental, so the hash of the hub payload in two pieces is the hash of it in one.
 *
 * <p>A reusable workspace (its digest is reused for the next batch) of one request at a time; its two parts may run
 * on two threads, one after the other, with a happens-before edge between them (the caller's atomics).
 */
public final class StagedBatchRequest {
    private Blake3Stream scalarDigest;
    private Blake3Stream wideDigest;
    private Blake3Stream digest;
    private ContractJson writer;
    private Batch batch;
    private EnvelopeBuffer envelope;
    private Hub hub;
    private String schemaVersion;
    /** Where the hub payload's hash has got to in the body. */
    private int hashedTo;

    /** A workspace for the requests of one batch at a time. */
    public StagedBatchRequest() {}

    /**
     * Writes the request of {@code batch} up to its envelope's tail and hashes its hub payload as far as that.
     *
     * @param envelope the buffer holding the batch's signed message; read, not written
     * @throws IllegalArgumentException if the message is not the batch's, or the fee is negative
     * @throws IllegalStateException if the buffer holds no message
     */
    public void begin(Batch batch, EnvelopeBuffer envelope, Hub hub, long fee) {
        Objects.requireNonNull(hub, "hub");
        writer = null;
        Hash messageOf = envelope.messageBatchHash();
        if (!messageOf.equals(batch.hash())) {
            throw new IllegalArgumentException("envelope is of batch " + messageOf + ", not of batch "
                    + batch.hash());
        }
        if (batch.batchNumber() < 0) {
            throw new ContractException("sequence must be >= 0, got " + batch.batchNumber());
        }
        if (fee < 0) {
            throw new ContractException("fee must be >= 0, got " + fee);
        }
        String schema = HubPayloadEnvelopeV1.BATCH_SCHEMA;
        ContractJson w = ContractJson.requestHead(hub, batch.hash(), batch.batchNumber(), batch.txCount(),
                batch.txRoot(), fee, HubPayloadEnvelopeV1.BATCH_CONTENT_TYPE, schema,
                envelope.finishedEncodedSize());
        int hubAt = w.hubAt();
        Blake3Stream d = digestFor(w.out().length - hubAt);
        d.reset();
        int end = envelope.encodeBase64UrlHead(w.out(), w.position());
        w.position(end);
        d.update(w.out(), hubAt, end - hubAt);
        this.digest = d;
        this.hashedTo = end;
        this.batch = batch;
        this.envelope = envelope;
        this.hub = hub;
        this.schemaVersion = schema;
        this.writer = w;
    }

    /**
     * Ends the request begun by {@link #begin}, whose envelope is now finished.
     *
     * @return the body (a new array) and the key
     * @throws IllegalStateException if no request was begun, or the envelope is not finished
     */
    public L2BatchEnvelopeV1.Request finish() {
        ContractJson w = writer;
        if (w == null) {
            throw new IllegalStateException("no request begun");
        }
        writer = null;
        w.position(envelope.encodeBase64UrlRest(w.out(), w.position()));
        w.writeHubPayloadTail(schemaVersion);
        digest.update(w.out(), hashedTo, w.position() - hashedTo);
        byte[] payloadHash = new byte[Hash.LENGTH];
        digest.doFinal(payloadHash, 0);
        byte[] key = new byte[Hash.LENGTH];
        byte[] body = w.requestTail(key, hub, batch.batchNumber(), batch.txCount(), payloadHash);
        batch = null;
        envelope = null;
        return new L2BatchEnvelopeV1.Request(key, body);
    }

    /** The accelerator's digest for a hub payload it would hash in one piece, else the scalar one; each kept. */
    private Blake3Stream digestFor(long length) {
        if (length >= Blake3.acceleratedFrom()) {
            if (wideDigest == null) {
                wideDigest = Blake3.newDigest(length);
            }
            return wideDigest;
        }
        if (scalarDigest == null) {
            scalarDigest = Blake3.newDigest(0);
        }
        return scalarDigest;
    }
}
