package org.ippan.l2.core.envelope;

import java.util.Arrays;
import java.util.Objects;
import org.ippan.l2.core.internal.Base64Url;
import org.ippan.l2.core.internal.Blake3;
import org.ippan.l2.core.internal.Unshared;
import org.ippan.l2.core.internal.WireWriter;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;

/**
 * The batcher's envelope workspace ({@link Unshared.EnvelopeBuffer}): the batch envelope of one batch at a time,
 * built in a byte buffer that this object owns and reuses, so that cutting a batch does not allocate its signed
 * message (about 2.3 bytes per byte of the batch, since the payload is carried as hex) only to drop it once the
 * batch is stored. The public types stay immutable values; this is their internal, borrowed counterpart, reached
 * through {@link Unshared#envelopes()} by the batcher alone.
 *
 * <p>After {@link #build} the buffer holds, from its first byte:
 * <pre>
 * SIGNING_DOMAIN || 01 00 || body(BatchPayload) || str(hex(pubkey)) || str(hex(sig)) || str(hex(envelope_hash))
 * |&lt;--------- the signed message ---------&gt;|
 *                   |&lt;------------------ canonical(BatchEnvelope) without its head ------------------&gt;|
 * </pre>
 * The signed message is signed and hashed in place; {@code canonical(BatchEnvelope)} is {@link BatchEnvelope#HEAD}
 * followed by the second range, which {@link #encodeBase64Url} encodes straight into the L1 request body. Both are
 * written by the same code as {@link BatchPayload} and {@link BatchEnvelope} write theirs
 * ({@link BatchPayload#writeSignedHead}, {@link BatchEnvelope#writeTail}), so the bytes are the same.
 *
 * <p>Only the range written by the last build is ever read: whatever a larger, earlier batch left beyond it is
 * never signed, hashed or encoded. The buffer grows (by at least half) when a batch needs more and never shrinks;
 * the batch byte limit bounds it at about {@code 2 * maxBatchBytes}. Single-threaded: one batcher owns one.
 */
final class EnvelopeBuffer implements Unshared.EnvelopeBuffer {
    private static final byte[] EMPTY = new byte[0];
    /** Where {@code body(BatchPayload)} starts: after the signing domain and the version prefix. */
    private static final int BODY_AT = BatchPayload.DOMAIN_LENGTH + 2;
    /** The largest tail: a 32-byte public key and a 64-byte signature. */
    private static final long MAX_TAIL = BatchEnvelope.tailSize(EnvelopeSigner.PUBLIC_KEY_LENGTH,
            EnvelopeSigner.SIGNATURE_LENGTH);

    private byte[] buffer = EMPTY;
    /** The batch built, or null when the buffer holds no envelope (before the first build, after a failed one). */
    private Hash batchHash;
    /** The end of the signed message. */
    private int messageEnd;
    /** The end of {@code canonical(BatchEnvelope)}'s last part, the tail. */
    private int envelopeEnd;
    private byte[] envelopeHash;
    private byte[] sequencerPubkey;
    private byte[] sequencerSig;

    @Override
    public void build(Batch batch, Hash prevBatchHash, EnvelopeSigner signer) {
        Objects.requireNonNull(prevBatchHash, "prevBatchHash");
        batchHash = null; // holds nothing until this build succeeds
        int payloadLength = batch.encodedSize();
        long messageSize = BatchPayload.signedSize(payloadLength);
        ensureCapacity(messageSize + MAX_TAIL);
        int hexAt = BatchPayload.writeSignedHead(buffer, batch.chainId(), batch.hash(), prevBatchHash,
                batch.createdMs(), batch.txCount(), batch.txBytes(), batch.txRoot(), payloadLength);
        Unshared.wire().encodeHexTo(batch, buffer, hexAt); // from the txs' own bytes, as BatchPayload.of does
        int end = (int) messageSize;

        byte[] hash = Blake3.hash(buffer, BatchPayload.DOMAIN_LENGTH, end - BatchPayload.DOMAIN_LENGTH);
        byte[] publicKey = EMPTY; // never written, so one empty array serves every unsigned envelope
        byte[] signature = EMPTY;
        if (signer != null) {
            publicKey = signer.publicKey();
            signature = signer.sign(buffer, 0, end);
            BatchEnvelope.checkSignerOutput(signer, publicKey, signature);
        }
        // the tail goes right after the message, so body and tail are one range of canonical(BatchEnvelope)
        WireWriter w = new WireWriter(buffer).advance(end);
        BatchEnvelope.writeTail(w, publicKey, signature, hash);

        messageEnd = end;
        envelopeEnd = w.position();
        envelopeHash = hash;
        sequencerPubkey = publicKey;
        sequencerSig = signature;
        batchHash = batch.hash();
    }

    /** Grows the buffer to hold {@code size} bytes; its old contents need not be kept (a build rewrites them). */
    private void ensureCapacity(long size) {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("encoding of " + size + " bytes is larger than an array can hold");
        }
        if (buffer.length < size) {
            long grown = Math.max(size, buffer.length + (long) (buffer.length >> 1));
            buffer = new byte[(int) Math.min(grown, Integer.MAX_VALUE - 16)];
        }
    }

    private void requireBuilt() {
        if (batchHash == null) {
            throw new IllegalStateException("the envelope buffer holds no envelope: build one first");
        }
    }

    @Override
    public Hash batchHash() {
        requireBuilt();
        return batchHash;
    }

    @Override
    public byte[] envelopeHash() {
        requireBuilt();
        return envelopeHash;
    }

    @Override
    public byte[] sequencerPubkey() {
        requireBuilt();
        return sequencerPubkey;
    }

    @Override
    public byte[] sequencerSig() {
        requireBuilt();
        return sequencerSig;
    }

    @Override
    public int encodedSize() {
        requireBuilt();
        return BatchEnvelope.HEAD.length + (envelopeEnd - BODY_AT);
    }

    @Override
    public int encodeBase64Url(byte[] dst, int at) {
        requireBuilt();
        return new Base64Url.Encoder(dst, at)
                .update(BatchEnvelope.HEAD, 0, BatchEnvelope.HEAD.length)
                .update(buffer, BODY_AT, envelopeEnd - BODY_AT)
                .finish();
    }

    /** @return the buffer's size; for tests of its growth */
    int capacity() {
        return buffer.length;
    }

    /** @return a copy of the signed message; for tests */
    byte[] signedMessageCopy() {
        requireBuilt();
        return Arrays.copyOf(buffer, messageEnd);
    }
}
