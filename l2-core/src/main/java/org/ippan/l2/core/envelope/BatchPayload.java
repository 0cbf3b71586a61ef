package org.ippan.l2.core.envelope;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.ippan.l2.core.internal.MalformedWireException;
import org.ippan.l2.core.internal.WireReader;
import org.ippan.l2.core.internal.WireWriter;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.WireFormatException;

/**
 * What a batch envelope signs (wire format v1 §4):
 * <pre>
 * BatchPayload { l2_chain_id: u64, batch_hash: hash, prev_batch_hash: hash, created_at_ms: u64,
 *                tx_count: u32, tx_bytes: u64, tx_root: hash, payload: byte list }
 * </pre>
 * {@code payload} is {@code canonical(Batch)}. <b>Quirk of v1, kept:</b> it is encoded as a string holding the
 * lowercase hex of the bytes ({@code u64le(2 * len) || ascii hex}), not as a byte list.
 * {@code envelope_hash = BLAKE3(canonical(BatchPayload))}; the signed message is
 * {@value #SIGNING_DOMAIN_TEXT} (27 ASCII bytes ending in a line feed) followed by {@code canonical(BatchPayload)}.
 *
 * <p>Immutable. The signed message is built once, when the payload is made, and the canonical encoding is a view
 * of it, so signing and hashing a 1 MiB batch copy nothing.
 */
public final class BatchPayload {
    /** The domain prefix of the signed message, as text. */
    public static final String SIGNING_DOMAIN_TEXT = "IPPAN-L2:BATCH_ENVELOPE:V1\n";

    private static final byte[] SIGNING_DOMAIN = SIGNING_DOMAIN_TEXT.getBytes(StandardCharsets.US_ASCII);
    /** Where {@code canonical(BatchPayload)} starts in the signed message. */
    static final int DOMAIN_LENGTH = SIGNING_DOMAIN.length;
    /** Bytes of the body before the payload's length prefix. */
    private static final int FIXED_BODY_BYTES = 8 + 32 + 32 + 8 + 4 + 8 + 32;

    private final long l2ChainId;
    private final Hash batchHash;
    private final Hash prevBatchHash;
    private final long createdAtMs;
    private final long txCount;
    private final long txBytes;
    private final Hash txRoot;
    private final int payloadLength;
    /** {@code SIGNING_DOMAIN || canonical(BatchPayload)}. */
    private final byte[] signed;
    private Hash envelopeHash; // racy single-check, safe: Hash is immutable

    /**
     * Makes a payload from its fields; {@code payload} is copied.
     *
     * @param txCount an unsigned 32-bit count, {@code 0 .. 2^32-1}
     * @throws IllegalArgumentException if {@code txCount} does not fit in a u32 or {@code txBytes} is negative
     */
    public BatchPayload(long l2ChainId, Hash batchHash, Hash prevBatchHash, long createdAtMs, long txCount,
            long txBytes, Hash txRoot, byte[] payload) {
        this(l2ChainId, batchHash, prevBatchHash, createdAtMs, txCount, txBytes, txRoot, payload.length,
                (out, at) -> Hex.encodeAscii(payload, 0, payload.length, out, at));
    }

    /** Writes the payload's lowercase ASCII hex into an array at an offset. */
    @FunctionalInterface
    private interface HexWriter {
        void write(byte[] out, int offset);
    }

    /** The payload has {@code payloadLength} bytes, which {@code payloadHex} writes as hex in place. */
    private BatchPayload(long l2ChainId, Hash batchHash, Hash prevBatchHash, long createdAtMs, long txCount,
            long txBytes, Hash txRoot, int payloadLength, HexWriter payloadHex) {
        checkTxCount(txCount);
        this.l2ChainId = l2ChainId;
        this.batchHash = Objects.requireNonNull(batchHash, "batchHash");
        this.prevBatchHash = Objects.requireNonNull(prevBatchHash, "prevBatchHash");
        this.createdAtMs = createdAtMs;
        this.txCount = txCount;
        this.txBytes = txBytes;
        this.txRoot = Objects.requireNonNull(txRoot, "txRoot");
        this.payloadLength = payloadLength;
        long size = signedSize(payloadLength);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("encoding of " + size + " bytes is larger than an array can hold");
        }
        byte[] out = new byte[(int) size];
        int hexAt = writeSignedHead(out, l2ChainId, batchHash, prevBatchHash, createdAtMs, txCount, txBytes, txRoot,
                payloadLength);
        payloadHex.write(out, hexAt);
        this.signed = out;
    }

    private static void checkTxCount(long txCount) {
        if (txCount < 0 || txCount > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("txCount must fit in a u32, got " + txCount);
        }
    }

    /** @return the length of the signed message, {@code SIGNING_DOMAIN || canonical(BatchPayload)}, of a payload */
    static long signedSize(int payloadLength) {
        return (long) DOMAIN_LENGTH + 2 + FIXED_BODY_BYTES + 8 + 2L * payloadLength;
    }

    /**
     * Writes the signed message, {@code SIGNING_DOMAIN || canonical(BatchPayload)}, from {@code out[0]}, all but the
     * payload's hex: the caller writes those {@code 2 * payloadLength} bytes at the offset returned, where the message
     * ends ({@link #signedSize} bytes in all). Shared by the constructor, which writes into an array of exactly that
     * size, and {@link EnvelopeBuffer}, which writes into a larger, reused one; the two give the same bytes.
     *
     * @return where the payload's hex starts
     * @throws IllegalArgumentException if {@code txCount} does not fit in a u32
     */
    static int writeSignedHead(byte[] out, long l2ChainId, Hash batchHash, Hash prevBatchHash, long createdAtMs,
            long txCount, long txBytes, Hash txRoot, int payloadLength) {
        checkTxCount(txCount);
        WireWriter w = new WireWriter(out).raw(SIGNING_DOMAIN).versionPrefix().u64(l2ChainId);
        batchHash.copyTo(out, w.position());
        w.advance(Hash.LENGTH);
        prevBatchHash.copyTo(out, w.position());
        w.advance(Hash.LENGTH);
        w.u64(createdAtMs).u32((int) txCount).u64(txBytes);
        txRoot.copyTo(out, w.position());
        w.advance(Hash.LENGTH);
        w.u64(2L * payloadLength);
        return w.position();
    }

    /**
     * The payload of {@code batch}: every field is derived from the batch, so the same batch and previous hash give
     * the same bytes forever.
     *
     * @param batch the batch ({@code payload = canonical(Batch)})
     * @param prevBatchHash the previous batch's {@code batch_hash}, {@link Hash#ZERO} for batch 1
     */
    public static BatchPayload of(Batch batch, Hash prevBatchHash) {
        // the batch's hex is written from its txs' bytes, nothing copied first
        return new BatchPayload(batch.chainId(), batch.hash(), prevBatchHash, batch.createdMs(), batch.txCount(),
                batch.txBytes(), batch.txRoot(), batch.encodedSize(), batch::encodeHexTo);
    }

    /**
     * Decodes {@code canonical(BatchPayload)} strictly (version prefix, lengths, no trailing bytes, lowercase hex
     * payload).
     *
     * @throws WireFormatException naming the problem; never another runtime exception
     */
    public static BatchPayload decode(byte[] canonical) {
        try {
            return decodeStrictly(canonical);
        } catch (MalformedWireException e) {
            throw malformed(e);
        }
    }

    private static BatchPayload decodeStrictly(byte[] canonical) {
        WireReader r = new WireReader(canonical);
        r.readVersionPrefix("batch payload");
        BatchPayload payload = readBody(r);
        r.expectEnd("batch payload");
        return payload;
    }

    /** The public form of a reader's failure: the same problem, offset and detail. */
    static WireFormatException malformed(MalformedWireException e) {
        return new WireFormatException(WireFormatException.Problem.valueOf(e.problem().name()), e.offset(),
                e.detail());
    }

    static BatchPayload readBody(WireReader r) {
        long chainId = r.u64("payload.l2_chain_id");
        Hash batchHash = Hash.of(r.bytes(Hash.LENGTH, "payload.batch_hash"));
        Hash prevBatchHash = Hash.of(r.bytes(Hash.LENGTH, "payload.prev_batch_hash"));
        long createdAtMs = r.u64("payload.created_at_ms");
        long txCount = r.u32("payload.tx_count");
        long txBytes = r.u64("payload.tx_bytes");
        Hash txRoot = Hash.of(r.bytes(Hash.LENGTH, "payload.tx_root"));
        byte[] payload = r.hexString("payload.payload");
        return new BatchPayload(chainId, batchHash, prevBatchHash, createdAtMs, txCount, txBytes, txRoot, payload);
    }

    /** @return {@code l2_chain_id} (unsigned 64-bit) */
    public long l2ChainId() {
        return l2ChainId;
    }

    /** @return {@code batch_hash} */
    public Hash batchHash() {
        return batchHash;
    }

    /** @return {@code prev_batch_hash} */
    public Hash prevBatchHash() {
        return prevBatchHash;
    }

    /** @return {@code created_at_ms} */
    public long createdAtMs() {
        return createdAtMs;
    }

    /** @return {@code tx_count} (unsigned 32-bit, in a long) */
    public long txCount() {
        return txCount;
    }

    /** @return {@code tx_bytes}: the sum of the txs' payload lengths */
    public long txBytes() {
        return txBytes;
    }

    /** @return {@code tx_root} */
    public Hash txRoot() {
        return txRoot;
    }

    /** @return a copy of the payload bytes ({@code canonical(Batch)} for a batch's payload) */
    public byte[] payload() {
        return payloadPrefix(payloadLength);
    }

    /**
     * The payload's first bytes, decoding no more of its hex than those: e.g. a batch's head without its txs.
     *
     * @param length how many bytes, 0 to {@link #payloadSize()}
     * @return a copy of the payload's first {@code length} bytes
     * @throws IllegalArgumentException if {@code length} is out of range
     */
    public byte[] payloadPrefix(int length) {
        if (length < 0 || length > payloadLength) {
            throw new IllegalArgumentException("prefix length " + length + " is outside 0.." + payloadLength);
        }
        byte[] out = new byte[length];
        int hexAt = signed.length - 2 * payloadLength;
        for (int i = 0; i < length; i++) {
            out[i] = (byte) ((Character.digit(signed[hexAt + 2 * i], 16) << 4)
                    | Character.digit(signed[hexAt + 2 * i + 1], 16));
        }
        return out;
    }

    /** @return the payload's length in bytes */
    public int payloadSize() {
        return payloadLength;
    }

    /** @return a copy of {@code canonical(BatchPayload)} */
    public byte[] encode() {
        return Arrays.copyOfRange(signed, DOMAIN_LENGTH, signed.length);
    }

    /** @return the length of {@code canonical(BatchPayload)} */
    public int encodedSize() {
        return signed.length - DOMAIN_LENGTH;
    }

    /** @return a copy of the signed message: {@value #SIGNING_DOMAIN_TEXT} {@code || canonical(BatchPayload)} */
    public byte[] signingBytes() {
        return signed.clone();
    }

    /** @return {@code envelope_hash = BLAKE3(canonical(BatchPayload))} */
    public Hash envelopeHash() {
        Hash h = envelopeHash;
        if (h == null) {
            h = Hash.blake3(signed, DOMAIN_LENGTH, signed.length - DOMAIN_LENGTH);
            envelopeHash = h;
        }
        return h;
    }

    /** Signs the message with {@code signer}, without copying it. */
    byte[] signWith(EnvelopeSigner signer) {
        return signer.sign(signed, 0, signed.length);
    }

    /** Copies {@code body(BatchPayload)} (no version prefix) into {@code out} at {@code offset}. */
    void copyBodyTo(byte[] out, int offset) {
        System.arraycopy(signed, DOMAIN_LENGTH + 2, out, offset, bodySize());
    }

    /** @return where {@code body(BatchPayload)} starts in {@link #signedMessage()} */
    int bodyOffset() {
        return DOMAIN_LENGTH + 2;
    }

    /** @return the length of {@code body(BatchPayload)} */
    int bodySize() {
        return signed.length - DOMAIN_LENGTH - 2;
    }

    /** The array holding the signed message, for verification without a copy; never handed out. */
    byte[] signedMessage() {
        return signed;
    }

    /** Two payloads are equal when their canonical encodings are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof BatchPayload && Arrays.equals(signed, ((BatchPayload) o).signed);
    }

    @Override
    public int hashCode() {
        return envelopeHash().hashCode();
    }

    @Override
    public String toString() {
        return "BatchPayload{l2_chain_id=" + Long.toUnsignedString(l2ChainId) + ", batch_hash=" + batchHash
                + ", prev_batch_hash=" + prevBatchHash + ", created_at_ms=" + createdAtMs + ", tx_count=" + txCount
                + ", tx_bytes=" + txBytes + ", tx_root=" + txRoot + ", payload=" + payloadLength + " bytes}";
    }
}
