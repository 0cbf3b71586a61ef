package org.ippan.l2.core.receipt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.wire.Hex;

/**
 * The sequencer's signed statement about one admission group (receipts v1, {@code docs/spec/receipts-v1.md}): the
 * txs with sequence numbers {@code [firstSeq, firstSeq + count)} of chain {@code chainId} were durably accepted in
 * term {@code term} at {@code acceptedMs}, to be included in a batch by {@code deadlineMs}; {@code root} is the root
 * of their {@link ReceiptTree}. Every receipt of the group carries it, with its own leaf's path.
 *
 * <p>The signed message is {@link #DOMAIN} followed by the fixed-width little-endian fields, in this order:
 * {@code chain_id u64, term u64, first_seq u64, count u32, accepted_ms u64, deadline_ms u64, root 32 bytes}.
 * {@link #encode()} is the compact binary form the sequencer stores (and any tool may exchange):
 * {@code u16le(1) || the fields above || sequencer_pubkey 32 bytes || signature 64 bytes}.
 *
 * @param chainId         the L2 chain id
 * @param term            the term the leader accepted the group in
 * @param firstSeq        the sequence number of the group's first tx, at least 1
 * @param count           the number of txs in the group, at least 1
 * @param acceptedMs      when the group was accepted, wall-clock ms since the Unix epoch
 * @param deadlineMs      when its txs are due to be in a batch, wall-clock ms
 * @param root            the root of the group's tree, 32 bytes
 * @param sequencerPubkey the signer's Ed25519 public key, 32 bytes
 * @param signature       the Ed25519 signature of {@link #signedMessage()}, 64 bytes
 */
public record ReceiptGroup(long chainId, long term, long firstSeq, int count, long acceptedMs, long deadlineMs,
        byte[] root, byte[] sequencerPubkey, byte[] signature) {

    /** The domain-separation tag that starts every signed message (30 ASCII bytes, ending in a line feed). */
    public static final String DOMAIN = "IPPAN-L2:ADMISSION_RECEIPT:V1\n";
    private static final byte[] DOMAIN_BYTES = DOMAIN.getBytes(StandardCharsets.US_ASCII);
    /** Length of the fields after the tag. */
    private static final int FIELDS_LENGTH = 8 + 8 + 8 + 4 + 8 + 8 + ReceiptTree.HASH_LENGTH;
    /** Length of {@link #encode()}. */
    public static final int ENCODED_LENGTH = 2 + FIELDS_LENGTH + EnvelopeSigner.PUBLIC_KEY_LENGTH
            + EnvelopeSigner.SIGNATURE_LENGTH;
    private static final short ENCODING_VERSION = 1;

    /**
     * Checks the shape only; whether the signature is right is {@link AdmissionReceipt#verify}'s question.
     *
     * @throws NullPointerException     if an array is null
     * @throws IllegalArgumentException if an array has the wrong length, or {@code firstSeq} or {@code count} is
     *                                  below 1
     */
    public ReceiptGroup {
        requireLength(root, ReceiptTree.HASH_LENGTH, "root");
        requireLength(sequencerPubkey, EnvelopeSigner.PUBLIC_KEY_LENGTH, "sequencerPubkey");
        requireLength(signature, EnvelopeSigner.SIGNATURE_LENGTH, "signature");
        if (firstSeq < 1) {
            throw new IllegalArgumentException("firstSeq must be >= 1, got " + firstSeq);
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        root = root.clone();
        sequencerPubkey = sequencerPubkey.clone();
        signature = signature.clone();
    }

    /**
     * Signs a group.
     *
     * @return the signed group
     */
    public static ReceiptGroup sign(EnvelopeSigner signer, long chainId, long term, long firstSeq, int count,
            long acceptedMs, long deadlineMs, byte[] root) {
        Objects.requireNonNull(signer, "signer");
        requireLength(root, ReceiptTree.HASH_LENGTH, "root");
        byte[] message = message(chainId, term, firstSeq, count, acceptedMs, deadlineMs, root);
        return new ReceiptGroup(chainId, term, firstSeq, count, acceptedMs, deadlineMs, root, signer.publicKey(),
                signer.sign(message, 0, message.length));
    }

    /** @return the exact bytes the signature is over */
    public byte[] signedMessage() {
        return message(chainId, term, firstSeq, count, acceptedMs, deadlineMs, root);
    }

    private static byte[] message(long chainId, long term, long firstSeq, int count, long acceptedMs,
            long deadlineMs, byte[] root) {
        ByteBuffer buffer = ByteBuffer.allocate(DOMAIN_BYTES.length + FIELDS_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(DOMAIN_BYTES);
        putFields(buffer, chainId, term, firstSeq, count, acceptedMs, deadlineMs, root);
        return buffer.array();
    }

    private static void putFields(ByteBuffer buffer, long chainId, long term, long firstSeq, int count,
            long acceptedMs, long deadlineMs, byte[] root) {
        buffer.putLong(chainId).putLong(term).putLong(firstSeq).putInt(count).putLong(acceptedMs)
                .putLong(deadlineMs).put(root);
    }

    /** @return the compact binary form: {@code u16le(1) || fields || sequencer_pubkey || signature} */
    public byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(ENCODED_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(ENCODING_VERSION);
        putFields(buffer, chainId, term, firstSeq, count, acceptedMs, deadlineMs, root);
        buffer.put(sequencerPubkey).put(signature);
        return buffer.array();
    }

    /**
     * Decodes {@link #encode()}'s form.
     *
     * @param encoded the bytes
     * @return the group (its signature not checked)
     * @throws ReceiptFormatException if the bytes are not a version 1 group: wrong length, unknown version, or a
     *                                field out of range
     */
    public static ReceiptGroup decode(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length != ENCODED_LENGTH) {
            throw new ReceiptFormatException("an encoded receipt group is " + ENCODED_LENGTH + " bytes, got "
                    + encoded.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN);
        short version = buffer.getShort();
        if (version != ENCODING_VERSION) {
            throw new ReceiptFormatException("unknown receipt group encoding version " + version);
        }
        long chainId = buffer.getLong();
        long term = buffer.getLong();
        long firstSeq = buffer.getLong();
        int count = buffer.getInt();
        long acceptedMs = buffer.getLong();
        long deadlineMs = buffer.getLong();
        byte[] root = new byte[ReceiptTree.HASH_LENGTH];
        byte[] pubkey = new byte[EnvelopeSigner.PUBLIC_KEY_LENGTH];
        byte[] signature = new byte[EnvelopeSigner.SIGNATURE_LENGTH];
        buffer.get(root).get(pubkey).get(signature);
        try {
            return new ReceiptGroup(chainId, term, firstSeq, count, acceptedMs, deadlineMs, root, pubkey, signature);
        } catch (IllegalArgumentException e) {
            throw new ReceiptFormatException("invalid receipt group: " + e.getMessage());
        }
    }

    /**
     * @param seq a sequence number
     * @return true if the tx with that sequence number is in this group
     */
    public boolean contains(long seq) {
        return seq >= firstSeq && seq - firstSeq < count;
    }

    /** @return the root, a copy */
    @Override
    public byte[] root() {
        return root.clone();
    }

    /** @return the public key, a copy */
    @Override
    public byte[] sequencerPubkey() {
        return sequencerPubkey.clone();
    }

    /** @return the signature, a copy */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceiptGroup g && chainId == g.chainId && term == g.term && firstSeq == g.firstSeq
                && count == g.count && acceptedMs == g.acceptedMs && deadlineMs == g.deadlineMs
                && Arrays.equals(root, g.root) && Arrays.equals(sequencerPubkey, g.sequencerPubkey)
                && Arrays.equals(signature, g.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(chainId, term, firstSeq, count, acceptedMs, deadlineMs, Arrays.hashCode(root),
                Arrays.hashCode(sequencerPubkey), Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "ReceiptGroup[chainId=" + chainId + ", term=" + term + ", seqs=" + firstSeq + ".."
                + (firstSeq + count - 1) + ", acceptedMs=" + acceptedMs + ", deadlineMs=" + deadlineMs + ", root="
                + Hex.encode(root) + ", sequencerPubkey=" + Hex.encode(sequencerPubkey) + "]";
    }

    static void requireLength(byte[] bytes, int length, String name) {
        Objects.requireNonNull(bytes, name);
        if (bytes.length != length) {
            throw new IllegalArgumentException(name + " must be " + length + " bytes, got " + bytes.length);
        }
    }
}
