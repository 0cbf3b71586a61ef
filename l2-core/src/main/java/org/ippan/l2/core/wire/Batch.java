package org.ippan.l2.core.wire;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import org.ippan.l2.core.internal.Blake3;
import org.ippan.l2.core.internal.MalformedWireException;
import org.ippan.l2.core.internal.WireReader;
import org.ippan.l2.core.internal.WireWriter;
import org.ippan.l2.core.internal.Blake3Stream;

/**
 * A batch, {@code Batch { chain_id: u64, batch_number: u64, txs: list of Tx, created_ms: u64 }} (wire format v1 §3).
 *
 * <p>Immutable. {@link #hash()} ({@code batch_hash = BLAKE3(canonical(Batch))}) and {@link #txRoot()}
 * ({@code BLAKE3(tx_hash_1 || ... || tx_hash_n)}, 32 zero bytes for no txs) are computed on first use.
 * {@code created_ms} is part of the bytes, so a stored batch re-encodes to the same bytes forever.
 *
 * <p>The canonical encoding of a batch made from txs is its txs' bodies between a 26-byte head and an 8-byte tail,
 * so the batch does not copy them into one array unless asked ({@link #encode()}): its hash and the hex payload of
 * its envelope are computed from the txs' own bytes. A decoded batch keeps the bytes it was decoded from.
 */
public final class Batch {
    /**
     * Bytes of an encoded batch besides its txs' bodies: version prefix, chain_id, batch_number, tx count and
     * created_ms. The encoded size of a batch is this plus the sum of {@link Tx#bodySize()} of its txs.
     */
    public static final int OVERHEAD_BYTES = 2 + 8 + 8 + 8 + 8;

    /** Bytes of the head of an encoded batch: version prefix, chain_id, batch_number, tx count. */
    private static final int HEAD_BYTES = 2 + 8 + 8 + 8;

    /** The smallest body a tx can have (empty {@code from}, empty payload). */
    private static final int MIN_TX_BODY_BYTES = Tx.FIXED_BODY_BYTES;

    private final long chainId;
    private final long batchNumber;
    private final long createdMs;
    private final List<Tx> txs;
    private final int encodedSize;
    /**
     * {@code canonical(Batch)}: the decoded input, or assembled on first use. Volatile: published with its contents;
     * two threads may both assemble it, with the same bytes.
     */
    private volatile byte[] encoded;
    private Hash hash; // racy single-check, safe: Hash is immutable with final fields
    private Hash txRoot;

    /**
     * Makes a batch.
     *
     * @param txs the txs in batch order; the list is copied (read by index when it is {@link RandomAccess})
     * @throws NullPointerException if {@code txs} or one of its txs is null
     * @throws IllegalArgumentException if the encoding would not fit in an array
     */
    public Batch(long chainId, long batchNumber, List<Tx> txs, long createdMs) {
        this(copyOf(txs), chainId, batchNumber, createdMs);
    }

    /** The batch's own array of {@code txs}: the one copy a batch makes of its tx list. */
    private static Tx[] copyOf(List<Tx> txs) {
        Tx[] owned;
        if (txs instanceof RandomAccess) {
            owned = new Tx[txs.size()];
            for (int i = 0; i < owned.length; i++) {
                owned[i] = txs.get(i);
            }
        } else {
            owned = txs.toArray(new Tx[0]);
        }
        for (int i = 0; i < owned.length; i++) {
            if (owned[i] == null) {
                throw new NullPointerException("txs[" + i + "]");
            }
        }
        return owned;
    }

    private Batch(Tx[] owned, long chainId, long batchNumber, long createdMs) {
        this.txs = new TxList(owned);
        long size = encodedSize(this.txs);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("encoding of " + size + " bytes is larger than an array can hold");
        }
        this.encodedSize = (int) size;
        this.chainId = chainId;
        this.batchNumber = batchNumber;
        this.createdMs = createdMs;
    }

    /** The unmodifiable list of a batch's txs: a view of the array the batch alone holds. */
    private static final class TxList extends AbstractList<Tx> implements RandomAccess {
        private final Tx[] txs;

        TxList(Tx[] txs) {
            this.txs = txs;
        }

        @Override
        public Tx get(int index) {
            return txs[index];
        }

        @Override
        public int size() {
            return txs.length;
        }
    }

    private Batch(long chainId, long batchNumber, List<Tx> txs, long createdMs, byte[] encoded) {
        this.chainId = chainId;
        this.batchNumber = batchNumber;
        this.txs = txs;
        this.createdMs = createdMs;
        this.encoded = encoded;
        this.encodedSize = encoded.length;
    }

    /** The bytes before the txs' bodies: version prefix, chain_id, batch_number, tx count. */
    private byte[] head() {
        return WireWriter.ofSize(HEAD_BYTES).versionPrefix().u64(chainId).u64(batchNumber).u64(txs.size()).finish();
    }

    /** The bytes after the txs' bodies: created_ms. */
    private byte[] tail() {
        return WireWriter.ofSize(8).u64(createdMs).finish();
    }

    private byte[] encoded() {
        byte[] bytes = encoded;
        if (bytes == null) {
            WireWriter w = WireWriter.ofSize(encodedSize).raw(head());
            for (Tx tx : txs) {
                tx.copyBodyTo(w.array(), w.position());
                w.advance(tx.bodySize());
            }
            bytes = w.raw(tail()).finish();
            encoded = bytes;
        }
        return bytes;
    }

    /**
     * Writes the lowercase ASCII hex of {@code canonical(Batch)} ({@code 2 * encodedSize()} bytes) into {@code out}
     * at {@code offset}, from the txs' own bytes when the batch has not assembled its encoding: the envelope's hex
     * payload is written this way, with nothing copied first.
     *
     * @throws IndexOutOfBoundsException if the hex does not fit there (then nothing is written)
     */
    public void encodeHexTo(byte[] out, int offset) {
        Objects.checkFromIndexSize((long) offset, 2L * encodedSize, (long) out.length);
        byte[] bytes = encoded;
        if (bytes != null) {
            Hex.encodeAscii(bytes, 0, bytes.length, out, offset);
            return;
        }
        byte[] head = head();
        Hex.encodeAscii(head, 0, head.length, out, offset);
        int at = offset + 2 * head.length;
        for (Tx tx : txs) {
            byte[] txBytes = tx.unsafeEncoded();
            Hex.encodeAscii(txBytes, 2, txBytes.length - 2, out, at);
            at += 2 * (txBytes.length - 2);
        }
        byte[] tail = tail();
        Hex.encodeAscii(tail, 0, tail.length, out, at);
    }

    /** Bytes of {@code canonical(Batch)} up to and including {@code batch_number}: version prefix, chain id, number. */
    public static final int NUMBER_PREFIX_BYTES = 2 + 8 + 8;

    /**
     * Reads {@code batch_number} from the start of {@code canonical(Batch)} without decoding the txs (an L1-side
     * check of a posted batch's sequence, say).
     *
     * @param prefix at least the first {@link #NUMBER_PREFIX_BYTES} bytes of {@code canonical(Batch)}
     * @return the batch number (unsigned 64-bit, as a long)
     * @throws WireFormatException if the version prefix is wrong or the input is shorter than that
     */
    public static long batchNumberOf(byte[] prefix) {
        try {
            return readBatchNumber(prefix);
        } catch (MalformedWireException e) {
            throw WireFormatException.of(e);
        }
    }

    private static long readBatchNumber(byte[] prefix) {
        WireReader r = new WireReader(prefix);
        r.readVersionPrefix("batch");
        r.u64("batch.chain_id");
        return r.u64("batch.batch_number");
    }

    /**
     * Decodes {@code canonical(Batch)} strictly: version prefix, no truncation, no trailing bytes, valid UTF-8, and a
     * tx count no larger than the input could hold (checked before anything is allocated).
     *
     * @throws WireFormatException naming the problem; never another runtime exception
     */
    public static Batch decode(byte[] canonical) {
        try {
            return decodeStrictly(canonical);
        } catch (MalformedWireException e) {
            throw WireFormatException.of(e);
        }
    }

    private static Batch decodeStrictly(byte[] canonical) {
        WireReader r = new WireReader(canonical);
        r.readVersionPrefix("batch");
        long chainId = r.u64("batch.chain_id");
        long batchNumber = r.u64("batch.batch_number");
        int count = r.length("batch.txs", MIN_TX_BODY_BYTES);
        List<Tx> txs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            txs.add(Tx.readBody(r, canonical, r.position()));
        }
        long createdMs = r.u64("batch.created_ms");
        r.expectEnd("batch");
        return new Batch(chainId, batchNumber, Collections.unmodifiableList(txs), createdMs, canonical.clone());
    }

    /** @return the exact encoded size of a batch holding {@code txs} */
    public static long encodedSize(List<Tx> txs) {
        long size = OVERHEAD_BYTES;
        for (Tx tx : txs) {
            size += tx.bodySize();
        }
        return size;
    }

    /** @return {@code chain_id} (unsigned 64-bit) */
    public long chainId() {
        return chainId;
    }

    /** @return {@code batch_number} (unsigned 64-bit) */
    public long batchNumber() {
        return batchNumber;
    }

    /** @return {@code created_ms}: wall-clock ms since the Unix epoch at which the batch was cut */
    public long createdMs() {
        return createdMs;
    }

    /** @return the txs in batch order (unmodifiable) */
    public List<Tx> txs() {
        return txs;
    }

    /** @return the number of txs */
    public int txCount() {
        return txs.size();
    }

    /** @return {@code tx_bytes}: the sum of the txs' payload lengths */
    public long txBytes() {
        long sum = 0;
        for (Tx tx : txs) {
            sum += tx.payloadSize();
        }
        return sum;
    }

    /** @return a copy of {@code canonical(Batch)} */
    public byte[] encode() {
        return encoded().clone();
    }

    /** @return the length of {@code canonical(Batch)} */
    public int encodedSize() {
        return encodedSize;
    }

    /** @return {@code batch_hash = BLAKE3(canonical(Batch))} */
    public Hash hash() {
        Hash h = hash;
        if (h == null) {
            h = computeHash();
            hash = h;
        }
        return h;
    }

    /** BLAKE3 of the encoding, or of its pieces (head, the txs' bodies in place, tail) when it was not assembled. */
    private Hash computeHash() {
        byte[] bytes = encoded;
        if (bytes != null) {
            return Hash.blake3(bytes);
        }
        byte[] head = head();
        byte[] tail = tail();
        Blake3Stream digest = Blake3.threadDigest(encodedSize); // the accelerator's, when one is in use and it pays
        digest.update(head, 0, head.length);
        for (Tx tx : txs) {
            byte[] txBytes = tx.unsafeEncoded();
            digest.update(txBytes, 2, txBytes.length - 2);
        }
        digest.update(tail, 0, tail.length);
        byte[] out = new byte[Hash.LENGTH];
        digest.doFinal(out, 0);
        return Hash.wrap(out);
    }

    /** @return {@code tx_root = BLAKE3(tx_hash_1 || ... || tx_hash_n)}, or {@link Hash#ZERO} for no txs */
    public Hash txRoot() {
        Hash root = txRoot;
        if (root == null) {
            root = computeTxRoot(txs);
            txRoot = root;
        }
        return root;
    }

    /** @return {@code BLAKE3(tx_hash_1 || ... || tx_hash_n)} of {@code txs}, or {@link Hash#ZERO} when empty */
    public static Hash computeTxRoot(List<Tx> txs) {
        if (txs.isEmpty()) {
            return Hash.ZERO;
        }
        int n = txs.size();
        for (int i = 0; i < n; i++) {
            txs.get(i).hash(); // hashed (and cached in the tx) before the shared digest is taken
        }
        Blake3Stream digest = Blake3.threadDigest((long) n * Hash.LENGTH);
        for (int i = 0; i < n; i++) {
            digest.update(txs.get(i).hash().unsafeBytes(), 0, Hash.LENGTH);
        }
        byte[] out = new byte[Hash.LENGTH];
        digest.doFinal(out, 0);
        return Hash.wrap(out);
    }

    /**
     * Two batches are equal when their canonical encodings are, i.e. when their chain ids, numbers, creation times
     * and txs (by their own encodings) are.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Batch other && chainId == other.chainId && batchNumber == other.batchNumber
                && createdMs == other.createdMs && txs.equals(other.txs);
    }

    @Override
    public int hashCode() {
        return hash().hashCode();
    }

    @Override
    public String toString() {
        return "Batch{chain_id=" + Long.toUnsignedString(chainId) + ", batch_number="
                + Long.toUnsignedString(batchNumber) + ", txs=" + txs.size() + ", created_ms=" + createdMs
                + ", bytes=" + encodedSize + "}";
    }
}
