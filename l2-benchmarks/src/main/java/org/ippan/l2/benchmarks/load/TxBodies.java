package org.ippan.l2.benchmarks.load;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes the request bodies of one connection straight into a reused byte buffer: a tx object
 * {@code {"chain_id":C,"from":"PREFIX-K","nonce":N,"payload":"HEX"}} for {@code POST /tx}, an array of them for
 * {@code POST /txs}, or the same txs as a bulk binary v1 body ({@link #nextBinary}). The {@code from} is fixed per
 * connection and the nonce counts up, so every tx of a run is distinct; the payload is random bytes drawn once per
 * connection. Not thread-safe: one per connection.
 */
final class TxBodies {
    private final byte[] txPrefix;
    private final byte[] txMiddle;
    private final byte[] txSuffix;
    private final int perTx;
    /** {@code u32le(length) || canonical(Tx)} of this connection's txs, nonce 0; the nonce is patched per tx. */
    private final byte[] binaryFrame;
    private byte[] buffer;
    private int length;
    private long nextNonce;

    /**
     * @param chainId the txs' chain id
     * @param from the txs' sender, ASCII without quotes or backslashes
     * @param payloadBytes payload size
     * @param seed seed of the payload bytes
     */
    TxBodies(long chainId, String from, int payloadBytes, long seed) {
        byte[] payload = new byte[payloadBytes];
        new SplittableRandom(seed).nextBytes(payload);
        this.txPrefix = ("{\"chain_id\":" + Long.toUnsignedString(chainId) + ",\"from\":\"" + from + "\",\"nonce\":")
                .getBytes(StandardCharsets.US_ASCII);
        this.txMiddle = ",\"payload\":\"".getBytes(StandardCharsets.US_ASCII);
        this.txSuffix = (hex(payload) + "\"}").getBytes(StandardCharsets.US_ASCII);
        this.perTx = txPrefix.length + 20 + txMiddle.length + txSuffix.length + 1;
        this.buffer = new byte[perTx + 2];
        byte[] fromUtf8 = from.getBytes(StandardCharsets.UTF_8);
        int canonical = 2 + 8 + 8 + 8 + fromUtf8.length + 8 + payload.length;
        ByteBuffer frame = ByteBuffer.allocate(BINARY_LENGTH_BYTES + canonical).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(canonical).putShort((short) 1).putLong(chainId).putLong(0)
                .putLong(fromUtf8.length).put(fromUtf8).putLong(payload.length).put(payload);
        this.binaryFrame = frame.array();
    }

    /** Bytes of a bulk binary v1 header: magic {@code L2TX}, u16 version 1, u32 count. */
    static final int BINARY_HEADER_BYTES = 10;
    private static final int BINARY_LENGTH_BYTES = 4;
    /** Where the nonce sits in a frame: after the length, the version prefix and the chain id. */
    private static final int NONCE_AT = BINARY_LENGTH_BYTES + 2 + 8;

    /**
     * Writes the next {@code count} txs as a bulk binary v1 body ({@code docs/spec/bulk-binary-v1.md}):
     * {@code "L2TX" || u16le(1) || u32le(count)}, then each tx's {@code u32le(length) || canonical(Tx)}.
     */
    void nextBinary(int count) {
        int capacity = BINARY_HEADER_BYTES + count * binaryFrame.length;
        if (buffer.length < capacity) {
            buffer = Arrays.copyOf(buffer, capacity);
        }
        ByteBuffer out = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 'L').put((byte) '2').put((byte) 'T').put((byte) 'X').putShort((short) 1).putInt(count);
        for (int i = 0; i < count; i++) {
            int at = out.position();
            out.put(binaryFrame);
            out.putLong(at + NONCE_AT, nextNonce++);
        }
        length = out.position();
    }

    /** Writes the next {@code count} txs as an array ({@code asArray}) or one bare tx object. */
    void next(int count, boolean asArray) {
        int capacity = count * perTx + 2;
        if (buffer.length < capacity) {
            buffer = Arrays.copyOf(buffer, capacity);
        }
        length = 0;
        if (asArray) {
            buffer[length++] = '[';
        }
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                buffer[length++] = ',';
            }
            put(txPrefix);
            putUnsigned(nextNonce++);
            put(txMiddle);
            put(txSuffix);
        }
        if (asArray) {
            buffer[length++] = ']';
        }
    }

    byte[] buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    private void put(byte[] bytes) {
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void putUnsigned(long value) {
        String digits = Long.toUnsignedString(value);
        for (int i = 0; i < digits.length(); i++) {
            buffer[length++] = (byte) digits.charAt(i);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString();
    }
}
