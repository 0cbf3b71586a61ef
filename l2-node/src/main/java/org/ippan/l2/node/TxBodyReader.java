package org.ippan.l2.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ippan.l2.core.admission.AdmissionRules;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;

/**
 * Reads {@code POST /tx} and {@code POST /txs} bodies with Jackson's streaming parser straight into {@link Tx}s,
 * without building a JSON tree (a 1,000-tx body is ~0.5 MB) and without copying plain hex payloads into characters.
 *
 * <p>It answers what the tree-based reader it replaced answered, code and message (its tests compare the two on
 * hostile bodies; only Jackson's wording of a trailing token differs): the whole body must be one valid JSON
 * document (bounded by the factory's read constraints, no trailing tokens), else the request is refused as a whole
 * with {@code INVALID_JSON}; {@code /txs} must be an array of at most {@link NodeApi#MAX_BATCH_SUBMIT} items; each
 * item is then checked on its own, in this order: an object, the four fields present and not null,
 * {@code chain_id} an integer in u64 range, {@code from} a string that passes the core's rule for it, {@code nonce}
 * an integer in u64 range, {@code payload} an even-length hex string of at most {@code maxTxSize} bytes. Unknown
 * fields are ignored; a repeated field counts with its last value (as a Jackson tree keeps it).
 *
 * <p>What it decides itself is parsing: JSON syntax, field types, u64 ranges, hex, and the bound of
 * {@code maxTxSize} (the engine's own limit, from its configuration) above which a payload's hex is not decoded.
 * Admission policy is the core's ({@link AdmissionRules}, applied by the engine to every tx submitted): the one
 * rule the reader applies, the core's {@code from} rule, it applies through {@link AdmissionRules#MAX_FROM_BYTES}
 * and with the core's wording, only so that the API's documented order of answers holds (a tx with a bad
 * {@code from} and a bad {@code nonce} is refused for its {@code from}); its tests pin its refusals to the core's.

 * <p>Thread-safe: it holds only the factory and limits.
 */
final class TxBodyReader {
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final JsonFactory factory;
    private final long chainId;
    private final int maxTxSize;

    /**
     * @param factory the factory whose read constraints bound the parse
     * @param chainId the node's chain id, named in the refusal of an out-of-range {@code chain_id}
     * @param maxTxSize the largest payload, in bytes
     */
    TxBodyReader(JsonFactory factory, long chainId, int maxTxSize) {
        this.factory = factory;
        this.chainId = chainId;
        this.maxTxSize = maxTxSize;
    }

    /** One tx as read: the tx, or why it was refused. */
    record Item(Tx tx, Refusal refusal) {}

    /** A {@code POST /tx} body: the item, or a refusal of the whole body. */
    record One(Item item, Refusal bodyRefusal) {}

    /** A {@code POST /txs} body: the items in order, or a refusal of the whole body. */
    record Many(List<Item> items, Refusal bodyRefusal) {}

    /** Reads a {@code POST /tx} body. */
    One readOne(byte[] body, int length) {
        try (JsonParser p = factory.createParser(body, 0, length)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new One(null, notJson("empty body"));
            }
            Item item = readItem(p, first, body, length);
            requireEnd(p);
            return new One(item, null);
        } catch (JsonProcessingException e) {
            return new One(null, notJson(e.getMessage()));
        } catch (IOException e) {
            // parsing a byte array does no I/O
            throw new IllegalStateException(e);
        }
    }

    /** Reads a {@code POST /txs} body. */
    Many readMany(byte[] body, int length) {
        try (JsonParser p = factory.createParser(body, 0, length)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new Many(null, notJson("empty body"));
            }
            if (first != JsonToken.START_ARRAY) {
                p.skipChildren();
                requireEnd(p);
                return new Many(null, Refusal.of(RefusalCode.INVALID_JSON, "the body must be a JSON array of txs"));
            }
            List<Item> items = new ArrayList<>(Math.min(NodeApi.MAX_BATCH_SUBMIT, 1 + length / 64));
            int count = 0;
            JsonToken token;
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                count++;
                if (count > NodeApi.MAX_BATCH_SUBMIT) {
                    // too many: the request is refused whole, but only once the body is known to be valid JSON
                    items = null;
                    p.skipChildren();
                } else {
                    items.add(readItem(p, token, body, length));
                }
            }
            requireEnd(p);
            if (count > NodeApi.MAX_BATCH_SUBMIT) {
                return new Many(null, Refusal.of(RefusalCode.INVALID_JSON,
                        "at most " + NodeApi.MAX_BATCH_SUBMIT + " txs per request, got " + count));
            }
            return new Many(items, null);
        } catch (JsonProcessingException e) {
            return new Many(null, notJson(e.getMessage()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireEnd(JsonParser p) throws IOException {
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw new JsonParseException(p, "Trailing token (of type " + trailing + ") found after the JSON value");
        }
    }

    private static Refusal notJson(String message) {
        return Refusal.of(RefusalCode.INVALID_JSON, "the body is not valid JSON: " + firstLine(message));
    }

    /** The fields of one tx object as seen so far; a repeated field overwrites. */
    private static final class Fields {

        JsonToken chainToken;
        long chainLong;
        BigInteger chainBig;
        JsonToken fromToken;
        String from;
        boolean fromNotUtf8;
        JsonToken nonceToken;
        long nonceLong;
        BigInteger nonceBig;
        JsonToken payloadToken;
        int payloadHexLength;
        byte[] payload;
        String payloadError;
    }

    /**
     * Reads one array item (or the {@code /tx} root) starting at {@code first}; leaves the parser on its end.
     * {@code body} and {@code end} are the parser's input, for {@link #readPayload}.
     */
    private Item readItem(JsonParser p, JsonToken first, byte[] body, int end) throws IOException {
        if (first != JsonToken.START_OBJECT) {
            p.skipChildren();
            return refused(RefusalCode.INVALID_JSON, "a tx must be a JSON object");
        }
        Fields f = new Fields();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "chain_id" -> {
                    f.chainToken = value;
                    f.chainBig = null;
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        if (fitsLong(p)) {
                            f.chainLong = p.getLongValue();
                        } else {
                            f.chainBig = p.getBigIntegerValue();
                        }
                    }
                }
                case "from" -> {
                    f.fromToken = value;
                    f.fromNotUtf8 = value == JsonToken.VALUE_STRING && !strictUtf8String(p, body, end);
                    f.from = value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                case "nonce" -> {
                    f.nonceToken = value;
                    f.nonceBig = null;
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        if (fitsLong(p)) {
                            f.nonceLong = p.getLongValue();
                        } else {
                            f.nonceBig = p.getBigIntegerValue();
                        }
                    }
                }
                case "payload" -> readPayload(p, value, f, body, end);
                default -> {
                    // an unknown field: ignored, whatever it holds
                }
            }
            p.skipChildren(); // past an object or array value; nothing for a scalar
        }
        return check(f);
    }

    /**
     * Checks the raw bytes of the string token the parser is on, before the parser decodes it: Jackson decodes
     * overlong forms ({@code C0 AF} becomes {@code /}), UTF-16 surrogates and code points over U+10FFFF without a
     * word, so a {@code from} could pass as another one. Strict UTF-8 (RFC 3629) admits none of them. (Bytes that
     * are no UTF-8 at all, such as a stray continuation byte, Jackson itself refuses, as {@code INVALID_JSON}.)
     *
     * @return whether the string is strict UTF-8 (true when its bytes cannot be located, which a byte-array parser
     *     always can)
     */
    private static boolean strictUtf8String(JsonParser p, byte[] body, int end) {
        long quote = p.currentTokenLocation().getByteOffset();
        if (quote < 0 || quote >= end || body[(int) quote] != '"') {
            return true;
        }
        int i = (int) quote + 1;
        while (i < end) {
            int b = body[i] & 0xff;
            if (b == '"') {
                return true;
            }
            if (b == '\\') {
                i += 2; // an escape: ASCII, and the escaped character is never the closing quote
                continue;
            }
            if (b < 0x80) {
                i++;
                continue;
            }
            int continuation;
            int lo = 0x80;
            int hi = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                continuation = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                continuation = 2;
                if (b == 0xE0) {
                    lo = 0xA0; // below: overlong
                } else if (b == 0xED) {
                    hi = 0x9F; // above: a UTF-16 surrogate
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                continuation = 3;
                if (b == 0xF0) {
                    lo = 0x90; // below: overlong
                } else if (b == 0xF4) {
                    hi = 0x8F; // above: over U+10FFFF
                }
            } else {
                return false; // C0, C1 (overlong), F5..FF, or a continuation byte where a character starts
            }
            if (i + continuation >= end) {
                return false;
            }
            int second = body[i + 1] & 0xff;
            if (second < lo || second > hi) {
                return false;
            }
            for (int k = 2; k <= continuation; k++) {
                if ((body[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += continuation + 1;
        }
        return false;
    }

    private static boolean fitsLong(JsonParser p) throws IOException {
        JsonParser.NumberType type = p.getNumberType();
        return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
    }

    /**
     * Decodes the payload now, while the parser is on it; {@link #check} reports problems in their order. A plain
     * hex string (no escapes: what every client sends) is decoded straight from the body's bytes, so the parser
     * skips it instead of copying it into characters; anything else is decoded from the parser's text.
     */
    private void readPayload(JsonParser p, JsonToken value, Fields f, byte[] body, int end) throws IOException {
        f.payloadToken = value;
        f.payload = null;
        f.payloadError = null;
        if (value != JsonToken.VALUE_STRING) {
            return;
        }
        long quote = p.currentTokenLocation().getByteOffset();
        if (quote >= 0 && quote < end && body[(int) quote] == '"') {
            int from = (int) quote + 1;
            int at = from;
            while (at < end && HEX_BYTES[body[at] & 0xff] >= 0) {
                at++;
            }
            if (at < end && body[at] == '"') { // a plain hex string: the parser skips it
                int length = at - from;
                f.payloadHexLength = length;
                if (length % 2 == 0 && length / 2 <= maxTxSize) {
                    f.payload = decodeHex(body, from, length);
                }
                return;
            }
        }
        int length = p.getTextLength();
        f.payloadHexLength = length;
        if (length % 2 != 0 || length / 2 > maxTxSize) {
            return; // refused on its length alone
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        byte[] payload = decodeHex(chars, offset, length);
        if (payload != null) {
            f.payload = payload;
            return;
        }
        try {
            Hex.decode(CharBuffer.wrap(chars, offset, length)); // for its message naming the first bad digit
            throw new IllegalStateException("Hex.decode accepted what decodeHex refused");
        } catch (IllegalArgumentException e) {
            f.payloadError = e.getMessage();
        }
    }

    /** The value of each hex digit {@link Hex#decode} accepts ({@code 0-9}, {@code a-f}, {@code A-F}), else -1. */
    private static final byte[] HEX_VALUES = new byte[128];
    /** {@link #HEX_VALUES} by unsigned byte (UTF-8 bytes from 128 up are never digits). */
    private static final byte[] HEX_BYTES = new byte[256];

    static {
        java.util.Arrays.fill(HEX_VALUES, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX_VALUES[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX_VALUES[c] = (byte) (c - 'a' + 10);
            HEX_VALUES[Character.toUpperCase(c)] = (byte) (c - 'a' + 10);
        }
        java.util.Arrays.fill(HEX_BYTES, (byte) -1);
        System.arraycopy(HEX_VALUES, 0, HEX_BYTES, 0, HEX_VALUES.length);
    }

    /**
     * Decodes an even number of hex digits, as {@link Hex#decode} does but from the parser's buffer and by table.
     *
     * @return the bytes, or null if a character is not a hex digit
     */
    static byte[] decodeHex(char[] chars, int offset, int length) {
        byte[] out = new byte[length / 2];
        int bad = 0;
        for (int i = 0, at = offset; i < out.length; i++, at += 2) {
            char hi = chars[at];
            char lo = chars[at + 1];
            int h = HEX_VALUES[hi & 0x7f];
            int l = HEX_VALUES[lo & 0x7f];
            bad |= h | l | -((hi | lo) >>> 7); // negative as soon as one character is not a hex digit
            out[i] = (byte) (h << 4 | l);
        }
        return bad < 0 ? null : out;
    }

    /** {@link #decodeHex(char[], int, int)} of ASCII bytes. */
    static byte[] decodeHex(byte[] ascii, int offset, int length) {
        byte[] out = new byte[length / 2];
        int bad = 0;
        for (int i = 0, at = offset; i < out.length; i++, at += 2) {
            int h = HEX_BYTES[ascii[at] & 0xff];
            int l = HEX_BYTES[ascii[at + 1] & 0xff];
            bad |= h | l;
            out[i] = (byte) (h << 4 | l);
        }
        return bad < 0 ? null : out;
    }

    /** The checks of the request shape, in the order the API documents them. */
    private Item check(Fields f) {
        if (missing(f.chainToken)) {
            return refused(RefusalCode.INVALID_JSON, "missing field chain_id");
        }
        if (missing(f.fromToken)) {
            return refused(RefusalCode.INVALID_JSON, "missing field from");
        }
        if (missing(f.nonceToken)) {
            return refused(RefusalCode.INVALID_JSON, "missing field nonce");
        }
        if (missing(f.payloadToken)) {
            return refused(RefusalCode.INVALID_JSON, "missing field payload");
        }
        if (f.chainToken != JsonToken.VALUE_NUMBER_INT) {
            return refused(RefusalCode.INVALID_JSON, "chain_id must be an unsigned integer");
        }
        if (!inU64(f.chainLong, f.chainBig)) {
            return refused(RefusalCode.CHAIN_ID_MISMATCH, "chain_id " + text(f.chainLong, f.chainBig) + " is not "
                    + Long.toUnsignedString(chainId));
        }
        if (f.fromToken != JsonToken.VALUE_STRING) {
            return refused(RefusalCode.INVALID_FIELD, "from must be a string");
        }
        if (f.fromNotUtf8) {
            return refused(RefusalCode.INVALID_FIELD,
                    "from is not valid UTF-8 (an overlong, surrogate or out-of-range sequence)");
        }
        Refusal fromRefusal = fromRefusal(f.from);
        if (fromRefusal != null) {
            return new Item(null, fromRefusal);
        }
        if (f.nonceToken != JsonToken.VALUE_NUMBER_INT) {
            return refused(RefusalCode.INVALID_FIELD, "nonce must be a non-negative integer");
        }
        if (!inU64(f.nonceLong, f.nonceBig)) {
            return refused(RefusalCode.INVALID_FIELD, "nonce must be in 0..2^64-1, got "
                    + text(f.nonceLong, f.nonceBig));
        }
        if (f.payloadToken != JsonToken.VALUE_STRING) {
            return refused(RefusalCode.INVALID_PAYLOAD, "payload must be a hex string");
        }
        if (f.payloadHexLength % 2 != 0) {
            return refused(RefusalCode.INVALID_PAYLOAD, "payload hex has odd length " + f.payloadHexLength);
        }
        if (f.payloadHexLength / 2 > maxTxSize) {
            return refused(RefusalCode.TX_TOO_LARGE, "payload is " + f.payloadHexLength / 2
                    + " bytes, at most " + maxTxSize + " allowed");
        }
        if (f.payloadError != null) {
            return refused(RefusalCode.INVALID_PAYLOAD, "payload is not hex: " + f.payloadError);
        }
        long chain = f.chainBig == null ? f.chainLong : f.chainBig.longValue();
        long nonce = f.nonceBig == null ? f.nonceLong : f.nonceBig.longValue();
        try {
            return new Item(new Tx(chain, nonce, f.from, f.payload), null);
        } catch (IllegalArgumentException e) {
            return refused(RefusalCode.INVALID_FIELD, e.getMessage());
        }
    }

    /**
     * The core's rule for {@code from} ({@link AdmissionRules#check}): non-empty and at most
     * {@link AdmissionRules#MAX_FROM_BYTES} UTF-8 bytes, refused with {@code INVALID_FIELD} in the core's words.
     *
     * @return the refusal, or null if {@code from} passes
     */
    static Refusal fromRefusal(String from) {
        if (from.isEmpty()) {
            return Refusal.of(RefusalCode.INVALID_FIELD, "from must not be empty");
        }
        if (from.length() <= AdmissionRules.MAX_FROM_BYTES / 3) {
            return null; // at most 3 UTF-8 bytes a char: short enough without encoding it
        }
        int fromBytes = from.getBytes(StandardCharsets.UTF_8).length;
        if (fromBytes > AdmissionRules.MAX_FROM_BYTES) {
            return Refusal.of(RefusalCode.INVALID_FIELD,
                    "from is " + fromBytes + " UTF-8 bytes, at most " + AdmissionRules.MAX_FROM_BYTES + " allowed");
        }
        return null;
    }

    private static boolean missing(JsonToken token) {
        return token == null || token == JsonToken.VALUE_NULL;
    }

    /** A value read as a long when it fit one (so negative means negative), else as a BigInteger. */
    private static boolean inU64(long small, BigInteger big) {
        return big == null ? small >= 0 : big.signum() >= 0 && big.compareTo(U64_MAX) <= 0;
    }

    private static String text(long small, BigInteger big) {
        return big == null ? Long.toString(small) : big.toString();
    }

    private static Item refused(RefusalCode code, String message) {
        return new Item(null, Refusal.of(code, message));
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
