package org.ippan.l2.core.envelope;

import java.util.Arrays;
import java.util.Objects;
import org.ippan.l2.core.internal.Base64Url;
import org.ippan.l2.core.internal.Blake3;
import org.ippan.l2.core.internal.WireWriter;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;

/**
 * The batch envelope of one batch at a time, built in a byte buffer that this object owns and reuses for the next
 * batch: the batcher's way to sign, hash and base64-encode a batch without allocating its signed message
 * (about 2.3 bytes per byte of the batch, since the payload is carried as hex) only to drop it once the batch is
 * stored. It gives the same bytes as {@link BatchPayload#of}, {@link BatchEnvelope#sign} /
 * {@link BatchEnvelope#unsigned} and, with {@code L2BatchEnvelopeV1.requestForBatch}, the same L1 request.
 *
 * <p><b>A reusable, single-threaded workspace</b> (like a {@code MessageDigest}): what it holds is valid until the
 * next {@link #build}, and it must not be shared between threads. Its buffer is never handed out, except to the
 * signer of a build, which reads the message during the call only ({@link EnvelopeSigner#sign}). The arrays its
 * accessors return are the caller's to keep: the buffer never writes them again.
 *
 * <p>After {@link #build} the buffer holds, from its first byte:
 * <pre>
 * SIGNING_DOMAIN || 01 00 || body(BatchPayload) || str(hex(pubkey)) || str(hex(sig)) || str(hex(envelope_hash))
 * |&lt;--------- the signed message ---------&gt;|
 *                   |&lt;------------------ canonical(BatchEnvelope) without its head ------------------&gt;|
 * </pre>
 * The signed message is signed and hashed in place; {@code canonical(BatchEnvelope)} is {@code BatchEnvelope.HEAD}
 * followed by the second range, which {@link #encodeBase64Url} encodes straight into the L1 request body. Both are
 * written by the same code as {@link BatchPayload} and {@link BatchEnvelope} write theirs
 * ({@code BatchPayload.writeSignedHead}, {@code BatchEnvelope.writeTail}), so the bytes are the same.
 *
 * <p>Only the range written by the last build is ever read: whatever a larger, earlier batch left beyond it is
 * never signed, hashed or encoded. The buffer grows (by at least half) when a batch needs more and never shrinks;
 * the batch byte limit bounds it at about {@code 2 * maxBatchBytes}.
 */
public final class EnvelopeBuffer implements EncodedEnvelope {
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

    /** An empty buffer; it grows to the size of the batches built in it. */
    public EnvelopeBuffer() {}

    /**
     * Builds the envelope of {@code batch} into the buffer: the signed message, {@code envelope_hash}, the
     * signature (when {@code signer} is not null), and the rest of {@code canonical(BatchEnvelope)}.
     *
     * @param batch the batch
     * @param prevBatchHash the previous batch's {@code batch_hash}, {@link Hash#ZERO} for batch 1
     * @param signer the signer, or null for an unsigned envelope
     * @throws IllegalStateException if the signer answers a public key or signature of the wrong length; the
     *     buffer then holds no envelope until the next successful build
     */
    public void build(Batch batch, Hash prevBatchHash, EnvelopeSigner signer) {
        Objects.requireNonNull(prevBatchHash, "prevBatchHash");
        batchHash = null; // holds nothing until this build succeeds
        int payloadLength = batch.encodedSize();
        long messageSize = BatchPayload.signedSize(payloadLength);
        ensureCapacity(messageSize + MAX_TAIL);
        int hexAt = BatchPayload.writeSignedHead(buffer, batch.chainId(), batch.hash(), prevBatchHash,
                batch.createdMs(), batch.txCount(), batch.txBytes(), batch.txRoot(), payloadLength);
        batch.encodeHexTo(buffer, hexAt); // from the txs' own bytes, as BatchPayload.of does
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

    /**
     * @return the {@code batch_hash} of the batch built
     * @throws IllegalStateException if the buffer holds no envelope
     */
    public Hash batchHash() {
        requireBuilt();
        return batchHash;
    }

    /**
     * @return {@code envelope_hash} (32 bytes), an array the caller may keep
     * @throws IllegalStateException if the buffer holds no envelope
     */
    public byte[] envelopeHash() {
        requireBuilt();
        return envelopeHash;
    }

    /**
     * @return {@code sequencer_pubkey} (empty when unsigned), an array the caller may keep
     * @throws IllegalStateException if the buffer holds no envelope
     */
    public byte[] sequencerPubkey() {
        requireBuilt();
        return sequencerPubkey;
    }

    /**
     * @return {@code sequencer_sig} (empty when unsigned), an array the caller may keep
     * @throws IllegalStateException if the buffer holds no envelope
     */
    public byte[] sequencerSig() {
        requireBuilt();
        return sequencerSig;
    }

    /**
     * @return the length of {@code canonical(BatchEnvelope)} of the envelope built
     * @throws IllegalStateException if the buffer holds no envelope
     */
    @Override
    public int encodedSize() {
        requireBuilt();
        return BatchEnvelope.HEAD.length + (envelopeEnd - BODY_AT);
    }

    /**
     * Writes the base64url (no padding) of {@code canonical(BatchEnvelope)} of the envelope built into {@code dst}
     * at {@code at}.
     *
     * @return the offset just past what was written
     * @throws IllegalStateException if the buffer holds no envelope
     * @throws IndexOutOfBoundsException if it does not fit in {@code dst}
     */
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
