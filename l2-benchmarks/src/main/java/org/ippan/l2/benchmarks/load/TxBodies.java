package org.ippan.l2.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes the request bodies of one connection straight into a reused byte buffer: a tx object
 * {@code {"chain_id":C,"from":"PREFIX-K","nonce":N,"payload":"HEX"}} for {@code POST /tx}, an array of them for
 * {@code POST /txs}. The {@code from} is fixed per connection and the nonce counts up, so every tx of a run is
 * distinct; the payload is random bytes drawn once per connection. Not thread-safe: one per connection.
 */
final class TxBodies {
    private final byte[] txPrefix;
    private final byte[] txMiddle;
    private final byte[] txSuffix;
    private final int perTx;
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
