package org.ippan.l2.core.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.ippan.l2.core.internal.MalformedWireException;
import org.ippan.l2.core.internal.WireReader;
import org.ippan.l2.core.internal.WireWriter;
import org.ippan.l2.storage.TxAppend;

/**
 * An L2 transaction, {@code Tx { chain_id: u64, nonce: u64, from: string, payload: byte list }}
 * (wire format v1 §2).
 *
 * <p>Immutable. The canonical encoding is built once, when the tx is made, and the payload lives only inside it;
 * {@link #hash()} ({@code tx_hash = BLAKE3(canonical(Tx))}) is computed on first use. {@code chain_id} and
 * {@code nonce} are unsigned 64-bit values carried in a {@code long}.
 *
 * <p>This type checks only what the wire format itself requires (a {@code from} that is valid Unicode); the
 * admission policy (chain id, sizes, a non-empty {@code from}) is {@code AdmissionRules}'s.
 */
public final class Tx {
    /** Bytes of the fixed fields of a tx body: chain_id, nonce and the two u64 length prefixes. */
    public static final int FIXED_BODY_BYTES = 32;

    private final long chainId;
    private final long nonce;
    private final String from;
    private final byte[] encoded;
    private final int payloadOffset;
    private Hash hash; // racy single-check: Hash is immutable with final fields, so this is safe to publish

    /**
     * Makes a tx; the payload is copied.
     *
     * @throws IllegalArgumentException if {@code from} is not valid Unicode (an unpaired surrogate cannot be
     *     encoded as UTF-8)
     */
    public Tx(long chainId, long nonce, String from, byte[] payload) {
        byte[] fromUtf8 = utf8("from", from);
        long size = 2L + FIXED_BODY_BYTES + fromUtf8.length + payload.length;
        WireWriter w = WireWriter.ofSize(size)
                .versionPrefix()
                .u64(chainId)
                .u64(nonce)
                .byteList(fromUtf8)
                .u64(payload.length);
        this.payloadOffset = w.position();
        this.encoded = w.raw(payload).finish();
        this.chainId = chainId;
        this.nonce = nonce;
        this.from = from;
    }

    private Tx(long chainId, long nonce, String from, byte[] encoded, int payloadOffset) {
        this.chainId = chainId;
        this.nonce = nonce;
        this.from = from;
        this.encoded = encoded;
        this.payloadOffset = payloadOffset;
    }

    /**
     * Decodes {@code canonical(Tx)} strictly: version prefix, no truncation, no trailing bytes, valid UTF-8.
     *
     * @throws WireFormatException naming the problem; never another runtime exception
     */
    public static Tx decode(byte[] canonical) {
        try {
            return decodeStrictly(canonical);
        } catch (MalformedWireException e) {
            throw WireFormatException.of(e);
        }
    }

    /**
     * Decodes {@code canonical(Tx)} held in {@code length} bytes of {@code input} from {@code offset} (a frame of a
     * larger message, read in place), as strictly as {@link #decode(byte[])}: those bytes must be exactly one
     * canonical tx. The tx copies what it keeps; {@code input} is not retained.
     *
     * @throws WireFormatException naming the problem (offsets count from the start of {@code input}); never another
     *     runtime exception for bad bytes
     * @throws IndexOutOfBoundsException if the range is not inside {@code input}
     */
    public static Tx decode(byte[] input, int offset, int length) {
        WireReader r = new WireReader(input, offset, length);
        try {
            return decodeStrictly(r, input, offset);
        } catch (MalformedWireException e) {
            throw WireFormatException.of(e);
        }
    }

    private static Tx decodeStrictly(byte[] canonical) {
        return decodeStrictly(new WireReader(canonical), canonical, 0);
    }

    private static Tx decodeStrictly(WireReader r, byte[] input, int offset) {
        r.readVersionPrefix("tx");
        Tx tx = readBody(r, input, offset + 2);
        r.expectEnd("tx");
        return tx;
    }

    /**
     * Reads a tx body at the reader's position; the tx keeps its own canonical copy (version prefix plus body).
     */
    static Tx readBody(WireReader r, byte[] input, int bodyStart) {
        long chainId = r.u64("tx.chain_id");
        long nonce = r.u64("tx.nonce");
        String from = r.string("tx.from");
        int payloadLength = r.length("tx.payload", 1);
        int payloadAt = r.position();
        r.skip(payloadLength, "tx.payload");
        int bodyLength = r.position() - bodyStart;
        byte[] encoded = new byte[2 + bodyLength];
        encoded[0] = 1;
        System.arraycopy(input, bodyStart, encoded, 2, bodyLength);
        return new Tx(chainId, nonce, from, encoded, 2 + payloadAt - bodyStart);
    }

    static byte[] utf8(String field, String value) {
        if (value == null) {
            throw new NullPointerException(field);
        }
        // String.getBytes writes '?' for an unpaired surrogate instead of failing: find those first (cheap, and
        // no encoder, buffers or copies to allocate, unlike a reporting CharsetEncoder)
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == value.length()
                        || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw new IllegalArgumentException(field + " is not valid Unicode (unpaired surrogate at index "
                            + i + ")");
                }
                i++;
            }
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** @return {@code chain_id} (unsigned 64-bit) */
    public long chainId() {
        return chainId;
    }

    /** @return {@code nonce} (unsigned 64-bit) */
    public long nonce() {
        return nonce;
    }

    /** @return {@code from} */
    public String from() {
        return from;
    }

    /** @return the UTF-8 length of {@code from} in bytes */
    public int fromUtf8Length() {
        return payloadOffset - 2 - FIXED_BODY_BYTES;
    }

    /** @return a copy of the payload */
    public byte[] payload() {
        return Arrays.copyOfRange(encoded, payloadOffset, encoded.length);
    }

    /** @return the payload length in bytes */
    public int payloadSize() {
        return encoded.length - payloadOffset;
    }

    /** @return a copy of {@code canonical(Tx)} */
    public byte[] encode() {
        return encoded.clone();
    }

    /** @return the length of {@code canonical(Tx)}, version prefix included */
    public int encodedSize() {
        return encoded.length;
    }

    /** @return the length of the tx's body: what it adds to an encoded batch */
    public int bodySize() {
        return encoded.length - 2;
    }

    /** Copies the tx's body (its canonical encoding without the version prefix) into {@code out} at {@code offset}. */
    public void copyBodyTo(byte[] out, int offset) {
        System.arraycopy(encoded, 2, out, offset, encoded.length - 2);
    }

    /** The array holding {@code canonical(Tx)}, for this package's code that reads it in place; never handed out. */
    byte[] unsafeEncoded() {
        return encoded;
    }

    /**
     * Adds this tx to a storage append: its hash, its canonical encoding and {@code admittedMs}. The group commit's
     * way to hand a tx to storage without copying it: {@code TxAppend} gets the tx's <b>own</b> arrays, as its
     * contract says ("the arrays are not copied: after handing them over, neither side mutates them"). That is no
     * wider than what a storage adapter sees anyway: whoever holds the {@code TxAppend} can read the arrays, and a
     * host that mutates them breaks the immutability of its own tx, as a storage adapter that mutated the arrays it
     * is given would.
     *
     * @param append the append being filled
     * @param admittedMs wall-clock ms at which the tx was accepted
     * @return {@code append}
     */
    public TxAppend appendTo(TxAppend append, long admittedMs) {
        return append.add(hash().unsafeBytes(), encoded, admittedMs);
    }

    /** @return {@code tx_hash = BLAKE3(canonical(Tx))} */
    public Hash hash() {
        Hash h = hash;
        if (h == null) {
            h = Hash.blake3(encoded);
            hash = h;
        }
        return h;
    }

    /** Two txs are equal when their canonical encodings are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tx && Arrays.equals(encoded, ((Tx) o).encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "Tx{chain_id=" + Long.toUnsignedString(chainId) + ", nonce=" + Long.toUnsignedString(nonce)
                + ", from=" + from + ", payload=" + payloadSize() + " bytes}";
    }
}
