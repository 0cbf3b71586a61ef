package org.ippan.l2.core.contract;

import java.nio.charset.StandardCharsets;
import org.ippan.l2.core.internal.Base64Url;
import org.ippan.l2.core.internal.Blake3;
import org.ippan.l2.core.internal.Blake3Hasher;
import org.ippan.l2.core.envelope.EncodedEnvelope;
import org.ippan.l2.core.wire.Hash;

/**
 * Writes the canonical JSON of the contract's two documents, {@code HubPayloadEnvelopeV1} and
 * {@code L2BatchEnvelopeV1}, from their fields, straight into a byte array of exactly the right size: keys in their
 * fixed canonical order, strings escaped minimally and UTF-8 encoded, the payload's base64url written in place. One
 * pass, no tree, no intermediate strings or arrays. The tests hold it to a reference writer of canonical JSON trees.
 * It also derives the idempotency key. It knows the fields, not the document types, which build on it.
 *
 * <p>For a batch ({@link #request}), the hub payload is written once, inside the request body, and hashed there for
 * the idempotency key, which is then written into the 43 bytes kept for it (its key sorts before {@code payload}).
 */
final class ContractJson {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    // Keys sorted bytewise, as canonical JSON orders them.
    private static final byte[] HUB_OPEN = ascii("{\"content_type\":");
    private static final byte[] HUB_CONTRACT_VERSION = ascii(",\"contract_version\":\"v1\",\"hub\":");
    private static final byte[] HUB_PAYLOAD = ascii(",\"payload\":\"");
    private static final byte[] HUB_SCHEMA_VERSION = ascii("\",\"schema_version\":");
    private static final byte[] CLOSE = ascii("}");

    private static final byte[] L1_OPEN = ascii("{\"batch_id\":");
    private static final byte[] L1_COMMITMENT = ascii(",\"commitment\":");
    private static final byte[] L1_CONTRACT_VERSION = ascii(",\"contract_version\":\"v1\",\"fee\":");
    private static final byte[] L1_HUB = ascii(",\"hub\":");
    private static final byte[] L1_KEY = ascii(",\"idempotency_key\":\"");
    private static final byte[] L1_PAYLOAD = ascii("\",\"payload\":");
    private static final byte[] L1_SEQUENCE = ascii(",\"sequence\":");
    private static final byte[] L1_TX_COUNT = ascii(",\"tx_count\":");

    private static final byte[] KEY_DOMAIN = ascii("ippan-l1l2");
    private static final byte[] KEY_VERSION = ascii("v1");
    /** Each hub's name in ASCII, by ordinal: the key's hub piece, encoded once. Never mutated. */
    private static final byte[][] HUB_NAMES = hubNames();

    /** Length of a hash as a JSON string: 64 hex characters between quotes (no escapes). */
    private static final int HASH_STRING_LENGTH = 2 + 2 * Hash.LENGTH;
    /** Length of the idempotency key in base64url: 32 bytes, no padding. */
    static final int KEY_BASE64_LENGTH = base64UrlLength(Hash.LENGTH);

    private final byte[] out;
    private int position;
    /** A batch request's offsets ({@link #requestHead}): its batch_id's hex, its key's base64url, its hub payload. */
    private int batchIdAt;
    private int keyAt;
    private int hubAt;

    private ContractJson(int size) {
        this.out = new byte[size];
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] hubNames() {
        Hub[] hubs = Hub.values();
        byte[][] names = new byte[hubs.length][];
        for (Hub hub : hubs) {
            names[hub.ordinal()] = ascii(hub.name());
        }
        return names;
    }

    /**
     * Writes {@code BLAKE3("ippan-l1l2" || "v1" || hub || batch_id || u64BE(sequence) || payloadHash)} into
     * {@code keyOut}, with {@code batch_id}'s UTF-8 bytes given as a range of an array (the request body, which
     * holds them already): the pieces go into the digest one after the other, with nothing assembled or copied.
     */
    static void deriveIdempotencyKey(Hub hub, byte[] batchId, int offset, int length, long sequence,
            byte[] payloadHash, byte[] keyOut) {
        byte[] hubName = HUB_NAMES[hub.ordinal()];
        Blake3Hasher digest = Blake3.threadDigest();
        digest.update(KEY_DOMAIN, 0, KEY_DOMAIN.length);
        digest.update(KEY_VERSION, 0, KEY_VERSION.length);
        digest.update(hubName, 0, hubName.length);
        digest.update(batchId, offset, length);
        for (int i = 0; i < 8; i++) {
            digest.update((byte) (sequence >>> (56 - 8 * i))); // u64 big-endian
        }
        digest.update(payloadHash, 0, Hash.LENGTH);
        digest.doFinal(keyOut, 0);
    }

    // ---- the documents --------------------------------------------------------------------------------------------

    /** @return the canonical JSON of a hub payload carrying {@code length} bytes of {@code payload} from {@code offset} */
    static byte[] hubPayload(String hub, String schemaVersion, String contentType, byte[] payload, int offset,
            int length) {
        ContractJson w = new ContractJson(hubPayloadLength(hub, schemaVersion, contentType, length));
        w.writeHubPayload(hub, schemaVersion, contentType, payload, offset, length);
        return w.finish();
    }

    /**
     * @param commitment null when absent (then omitted)
     * @return the canonical JSON of an L1 batch envelope with a given key, carrying a hub payload
     */
    static byte[] l1Envelope(String hub, String batchId, long sequence, long txCount, String commitment, long fee,
            byte[] idempotencyKey, String payloadHub, String schemaVersion, String contentType, byte[] payload) {
        int hubLength = hubPayloadLength(payloadHub, schemaVersion, contentType, payload.length);
        ContractJson w = new ContractJson(l1Length(hub, stringLength(batchId), sequence, txCount,
                commitment == null ? -1 : stringLength(commitment), fee, hubLength));
        w.writeL1Head(hub, batchId, commitment, fee);
        w.base64Url(idempotencyKey, 0, Hash.LENGTH);
        w.raw(L1_PAYLOAD);
        w.writeHubPayload(payloadHub, schemaVersion, contentType, payload, 0, payload.length);
        w.writeL1Tail(sequence, txCount);
        return w.finish();
    }

    /**
     * The request body for a batch, and its idempotency key written into {@code keyOut}, in one pass: the hub
     * payload ({@code payload} the base64url of {@code canonical(envelope)}, encoded from the envelope's parts
     * without assembling it) is written once, inside the body, and hashed there. The envelope is a
     * {@code BatchEnvelope} or the batcher's {@code EnvelopeBuffer}.
     *
     * @return the body, a new array
     */
    static byte[] request(byte[] keyOut, Hub hub, Hash batchHash, long sequence, long txCount, Hash txRoot, long fee,
            String schemaVersion, String contentType, EncodedEnvelope envelope) {
        ContractJson w = requestHead(hub, batchHash, sequence, txCount, txRoot, fee, contentType, schemaVersion,
                envelope.encodedSize());
        w.position = envelope.encodeBase64Url(w.out, w.position);
        w.writeHubPayloadTail(schemaVersion);
        byte[] payloadHash = Blake3.hash(w.out, w.hubAt, w.position - w.hubAt);
        return w.requestTail(keyOut, hub, sequence, txCount, payloadHash);
    }

    /**
     * {@link #request}'s first part: the body up to the envelope's base64url, in a writer of the body's size. The
     * caller writes the base64url at {@link #position}, then {@link #writeHubPayloadTail}, hashes the hub payload
     * from {@link #hubAt} and ends with {@link #requestTail}.
     */
    static ContractJson requestHead(Hub hub, Hash batchHash, long sequence, long txCount, Hash txRoot, long fee,
            String contentType, String schemaVersion, int envelopeSize) {
        String hubName = hub.name();
        int hubLength = hubPayloadLength(hubName, schemaVersion, contentType, envelopeSize);
        ContractJson w = new ContractJson(l1Length(hubName, HASH_STRING_LENGTH, sequence, txCount,
                HASH_STRING_LENGTH, fee, hubLength));
        // batch_id and commitment are written as hex straight from the hashes' bytes, with no string in between
        w.raw(L1_OPEN);
        w.batchIdAt = w.position + 1; // past the opening quote: batch_id's ASCII, hashed again for the key
        w.hashString(batchHash);
        w.raw(L1_COMMITMENT);
        w.hashString(txRoot);
        w.writeL1HeadFromVersion(hubName, fee);
        w.keyAt = w.position;
        w.position += KEY_BASE64_LENGTH;
        w.raw(L1_PAYLOAD);
        w.hubAt = w.position;
        w.writeHubPayloadHead(hubName, contentType);
        return w;
    }

    /**
     * {@link #request}'s last part, once the hub payload is written and hashed: the rest of the body, and the key.
     *
     * @return the body
     */
    byte[] requestTail(byte[] keyOut, Hub hub, long sequence, long txCount, byte[] payloadHash) {
        writeL1Tail(sequence, txCount);
        byte[] body = finish();
        deriveIdempotencyKey(hub, body, batchIdAt, 2 * Hash.LENGTH, sequence, payloadHash, keyOut);
        Base64Url.encode(keyOut, 0, Hash.LENGTH, body, keyAt);
        return body;
    }

    /** @return the array being written (the body, once finished) */
    byte[] out() {
        return out;
    }

    /** @return where the next byte goes */
    int position() {
        return position;
    }

    /** Moves past what the caller wrote into {@link #out} from {@link #position}. */
    void position(int position) {
        this.position = position;
    }

    /** @return where the hub payload starts in the body */
    int hubAt() {
        return hubAt;
    }

    private static int hubPayloadLength(String hub, String schemaVersion, String contentType, int payloadLength) {
        return HUB_OPEN.length + stringLength(contentType) + HUB_CONTRACT_VERSION.length + stringLength(hub)
                + HUB_PAYLOAD.length + base64UrlLength(payloadLength) + HUB_SCHEMA_VERSION.length
                + stringLength(schemaVersion) + CLOSE.length;
    }

    private void writeHubPayload(String hub, String schemaVersion, String contentType, byte[] payload, int offset,
            int length) {
        writeHubPayloadHead(hub, contentType);
        base64Url(payload, offset, length);
        writeHubPayloadTail(schemaVersion);
    }

    /** Everything before the payload's base64url (the opening quote written). */
    private void writeHubPayloadHead(String hub, String contentType) {
        raw(HUB_OPEN);
        string(contentType);
        raw(HUB_CONTRACT_VERSION);
        string(hub);
        raw(HUB_PAYLOAD);
    }

    void writeHubPayloadTail(String schemaVersion) {
        raw(HUB_SCHEMA_VERSION);
        string(schemaVersion);
        raw(CLOSE);
    }

    /**
     * @param batchIdLength the JSON length of {@code batch_id}, quotes included
     * @param commitmentLength the JSON length of {@code commitment}, quotes included, or -1 when it is absent
     */
    private static int l1Length(String hub, int batchIdLength, long sequence, long txCount, int commitmentLength,
            long fee, int hubPayloadLength) {
        long length = (long) L1_OPEN.length + batchIdLength
                + (commitmentLength < 0 ? 0 : L1_COMMITMENT.length + commitmentLength)
                + L1_CONTRACT_VERSION.length + numberLength(fee) + L1_HUB.length + stringLength(hub)
                + L1_KEY.length + KEY_BASE64_LENGTH + L1_PAYLOAD.length + hubPayloadLength
                + L1_SEQUENCE.length + numberLength(sequence) + L1_TX_COUNT.length + numberLength(txCount)
                + CLOSE.length;
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("L1 envelope JSON of " + length + " bytes is larger than an array");
        }
        return (int) length;
    }

    /** Everything up to the idempotency key's value (the opening quote written). */
    private void writeL1Head(String hub, String batchId, String commitment, long fee) {
        raw(L1_OPEN);
        string(batchId);
        if (commitment != null) {
            raw(L1_COMMITMENT);
            string(commitment);
        }
        writeL1HeadFromVersion(hub, fee);
    }

    /** The head's part from {@code contract_version} up to the idempotency key's value (its opening quote written). */
    private void writeL1HeadFromVersion(String hub, long fee) {
        raw(L1_CONTRACT_VERSION);
        number(fee);
        raw(L1_HUB);
        string(hub);
        raw(L1_KEY);
    }

    private void writeL1Tail(long sequence, long txCount) {
        raw(L1_SEQUENCE);
        number(sequence);
        raw(L1_TX_COUNT);
        number(txCount);
        raw(CLOSE);
    }

    private byte[] finish() {
        if (position != out.length) {
            throw new IllegalStateException("JSON writer wrote " + position + " of " + out.length + " bytes");
        }
        return out;
    }

    // ---- values ---------------------------------------------------------------------------------------------------

    private void raw(byte[] bytes) {
        System.arraycopy(bytes, 0, out, position, bytes.length);
        position += bytes.length;
    }

    /** Writes a hash as a JSON string of its 64 lowercase hex characters, from the hash's own bytes. */
    private void hashString(Hash hash) {
        out[position++] = '"';
        hash.writeHexTo(out, position);
        position += 2 * Hash.LENGTH;
        out[position++] = '"';
    }

    /** @return the length of the canonical JSON of a non-negative integer */
    static int numberLength(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("canonical JSON numbers here are non-negative, got " + v);
        }
        int length = 1;
        while (v >= 10) {
            v /= 10;
            length++;
        }
        return length;
    }

    private void number(long v) {
        int length = numberLength(v);
        for (int i = position + length - 1; i >= position; i--) {
            out[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        position += length;
    }

    /**
     * @return the length of {@code s} as a canonical JSON string: quotes, {@code \"}, {@code \\}, the short escapes
     *     {@code \b \f \n \r \t}, other control characters as &#92;u00xx, everything else as UTF-8
     * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate (UTF-8 cannot carry it)
     */
    static int stringLength(String s) {
        int length = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80) {
                length += c == '"' || c == '\\' ? 2 : 1;
            } else if (c < 0x20) {
                length += c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t' ? 2 : 6;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("string holds an unpaired surrogate at index " + i);
            } else {
                length += 3;
            }
        }
        return length;
    }

    private void string(String s) {
        byte[] o = out;
        int p = position;
        o[p++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80) {
                if (c == '"' || c == '\\') {
                    o[p++] = '\\';
                }
                o[p++] = (byte) c;
            } else if (c < 0x20) {
                o[p++] = '\\';
                switch (c) {
                    case '\b' -> o[p++] = 'b';
                    case '\f' -> o[p++] = 'f';
                    case '\n' -> o[p++] = 'n';
                    case '\r' -> o[p++] = 'r';
                    case '\t' -> o[p++] = 't';
                    default -> {
                        o[p++] = 'u';
                        o[p++] = '0';
                        o[p++] = '0';
                        o[p++] = HEX[c >> 4];
                        o[p++] = HEX[c & 0xf];
                    }
                }
            } else if (c < 0x800) {
                o[p++] = (byte) (0xc0 | (c >> 6));
                o[p++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) { // a valid pair: stringLength checked
                int cp = Character.toCodePoint(c, s.charAt(++i));
                o[p++] = (byte) (0xf0 | (cp >> 18));
                o[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                o[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                o[p++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                o[p++] = (byte) (0xe0 | (c >> 12));
                o[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                o[p++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        o[p++] = '"';
        position = p;
    }

    /** @return the length of base64url without padding of {@code n} bytes */
    static int base64UrlLength(int n) {
        return (int) Base64Url.length(n);
    }

    private void base64Url(byte[] src, int offset, int length) {
        position = Base64Url.encode(src, offset, length, out, position);
    }
}
