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
    /** The batch whose message is written, or null (before the first, after a failed write). */
    private Hash messageOf;
    /** Whether the message written is to be signed. */
    private boolean signedMessage;
    /** The length of {@code canonical(BatchEnvelope)} once finished. */
    private int finishedSize;
    /** How much of {@code canonical(BatchEnvelope)} {@link #encodeBase64UrlHead} encodes: whole groups before the tail. */
    private int headEncodedUpTo;

    /** An empty buffer; it grows to the size of the batches built in it. */
    public EnvelopeBuffer() {}

    /**
     * Builds the envelope of {@code batch} into the buffer: the signed message, {@code envelope_hash}, the
     * signature (when {@code signer} is not null), and the rest of {@code canonical(BatchEnvelope)}. The same as
     * {@link #writeMessage}, {@link #hashMessage}, {@link #signMessage} (when signed) and {@link #finishEnvelope}
     * in a row.
     *
     * @param batch the batch
     * @param prevBatchHash the previous batch's {@code batch_hash}, {@link Hash#ZERO} for batch 1
     * @param signer the signer, or null for an unsigned envelope
     * @throws IllegalStateException if the signer answers a public key or signature of the wrong length; the
     *     buffer then holds no envelope until the next successful build
     */
    public void build(Batch batch, Hash prevBatchHash, EnvelopeSigner signer) {
        writeMessage(batch, prevBatchHash, signer != null);
        hashMessage();
        if (signer != null) {
            signMessage(signer);
        }
        finishEnvelope();
    }

    /**
     * The first of the steps of {@link #build}, for a caller that runs the next two on two threads: writes the
     * signed message of {@code batch} into the buffer. Until {@link #finishEnvelope}, the buffer holds no envelope.
     *
     * <p>After it, {@link #hashMessage}, {@link #signMessage} and {@link #encodeBase64UrlHead} may run at the same
     * time on different threads (they only read the message, and each writes fields of its own), each after a
     * happens-before edge from this call (a volatile write and read, an atomic); {@link #finishEnvelope} runs after
     * all of them, again after such an edge from each.
     *
     * @param signed whether the envelope will be signed ({@link #signMessage} must then run before it is finished)
     */
    public void writeMessage(Batch batch, Hash prevBatchHash, boolean signed) {
        Objects.requireNonNull(prevBatchHash, "prevBatchHash");
        batchHash = null; // holds nothing until this build succeeds
        messageOf = null;
        int payloadLength = batch.encodedSize();
        long messageSize = BatchPayload.signedSize(payloadLength);
        ensureCapacity(messageSize + MAX_TAIL);
        int hexAt = BatchPayload.writeSignedHead(buffer, batch.chainId(), batch.hash(), prevBatchHash,
                batch.createdMs(), batch.txCount(), batch.txBytes(), batch.txRoot(), payloadLength);
        batch.encodeHexTo(buffer, hexAt); // from the txs' own bytes, as BatchPayload.of does
        int end = (int) messageSize;
        messageEnd = end;
        signedMessage = signed;
        long tail = signed ? MAX_TAIL : BatchEnvelope.tailSize(0, 0);
        finishedSize = (int) (BatchEnvelope.HEAD.length + (end - BODY_AT) + tail);
        int beforeTail = BatchEnvelope.HEAD.length + (end - BODY_AT);
        headEncodedUpTo = beforeTail - beforeTail % 3; // whole base64 groups: the rest is encoded once finished
        envelopeHash = null;
        sequencerPubkey = EMPTY; // never written, so one empty array serves every unsigned envelope
        sequencerSig = EMPTY;
        messageOf = batch.hash();
    }

    /** Computes {@code envelope_hash} of the message written by {@link #writeMessage}. */
    public void hashMessage() {
        requireMessage();
        envelopeHash = Blake3.hash(buffer, BatchPayload.DOMAIN_LENGTH, messageEnd - BatchPayload.DOMAIN_LENGTH);
    }

    /**
     * Signs the message written by {@link #writeMessage} (with {@code signed} true).
     *
     * @throws IllegalStateException if the signer answers a public key or signature of the wrong length
     */
    public void signMessage(EnvelopeSigner signer) {
        requireMessage();
        if (!signedMessage) {
            throw new IllegalStateException("the message was written for an unsigned envelope");
        }
        byte[] publicKey = signer.publicKey();
        byte[] signature = signer.sign(buffer, 0, messageEnd);
        BatchEnvelope.checkSignerOutput(signer, publicKey, signature);
        sequencerPubkey = publicKey;
        sequencerSig = signature;
    }

    /**
     * Writes the rest of {@code canonical(BatchEnvelope)} after {@link #hashMessage} and, when signed,
     * {@link #signMessage}: the buffer then holds the envelope, as after {@link #build}.
     *
     * @throws IllegalStateException if a step before it is missing
     */
    public void finishEnvelope() {
        requireMessage();
        if (envelopeHash == null || (signedMessage && sequencerSig.length == 0)) {
            throw new IllegalStateException("the envelope is not " + (envelopeHash == null ? "hashed" : "signed")
                    + " yet");
        }
        // the tail goes right after the message, so body and tail are one range of canonical(BatchEnvelope)
        WireWriter w = new WireWriter(buffer).advance(messageEnd);
        BatchEnvelope.writeTail(w, sequencerPubkey, sequencerSig, envelopeHash);
        envelopeEnd = w.position();
        batchHash = messageOf;
    }

    private void requireMessage() {
        if (messageOf == null) {
            throw new IllegalStateException("the envelope buffer holds no message: write one first");
        }
    }

    /**
     * @return the length {@code canonical(BatchEnvelope)} will have once {@link #finishEnvelope} has run, known as
     *     soon as the message is written
     * @throws IllegalStateException if the buffer holds no message
     */
    public int finishedEncodedSize() {
        requireMessage();
        return finishedSize;
    }

    /**
     * @return the {@code batch_hash} of the batch whose message is written
     * @throws IllegalStateException if the buffer holds no message
     */
    public Hash messageBatchHash() {
        requireMessage();
        return messageOf;
    }

    /**
     * Writes the base64url of {@code canonical(BatchEnvelope)} up to its tail (in whole 3-byte groups), which is
     * known once the message is written; {@link #encodeBase64UrlRest} writes the rest once the envelope is
     * finished. The two in a row give the bytes of {@link #encodeBase64Url}.
     *
     * @return the offset just past what was written
     * @throws IllegalStateException if the buffer holds no message
     */
    public int encodeBase64UrlHead(byte[] dst, int at) {
        requireMessage();
        return encodeCanonical(dst, at, 0, headEncodedUpTo);
    }

    /**
     * Writes the base64url of what {@link #encodeBase64UrlHead} left of {@code canonical(BatchEnvelope)}.
     *
     * @return the offset just past what was written
     * @throws IllegalStateException if the buffer holds no envelope
     */
    public int encodeBase64UrlRest(byte[] dst, int at) {
        requireBuilt();
        return encodeCanonical(dst, at, headEncodedUpTo, encodedSize());
    }

    /** Base64url of {@code canonical(BatchEnvelope)[from, to)}, {@code from} a multiple of 3 (or the end). */
    private int encodeCanonical(byte[] dst, int at, int from, int to) {
        Base64Url.Encoder encoder = new Base64Url.Encoder(dst, at);
        int head = BatchEnvelope.HEAD.length;
        if (from < head) {
            encoder.update(BatchEnvelope.HEAD, from, Math.min(to, head) - from);
        }
        if (to > head) {
            int start = Math.max(from, head);
            encoder.update(buffer, BODY_AT + (start - head), to - start);
        }
        return encoder.finish();
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
