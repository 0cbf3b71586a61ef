package org.ippan.l2.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

/**
 * Strict reading of the receipt and proof JSON documents: one document, no trailing tokens, no unknown or missing
 * field, exact types; every failure is a {@link FieldException} naming the field by its path ({@code group.root},
 * {@code path[2]}). And the small writing helpers the hand-written JSON of those documents shares.
 */
public final class StrictJson {
    /** Largest document {@link #parse} accepts: a proof carries a whole batch. */
    public static final int MAX_DOCUMENT_BYTES = 64 << 20;
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(16)
                .maxNumberLength(32)
                .maxStringLength(MAX_DOCUMENT_BYTES)
                .build());
    }

    /** A JSON value that is not what the document's version says; {@link #field()} names it. */
    public static final class FieldException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String field;

        /**
         * @param field   the field's path, empty for the document as a whole
         * @param message what is wrong
         */
        public FieldException(String field, String message) {
            super(message);
            this.field = field;
        }

        /** @return the field's path, empty for the document as a whole */
        public String field() {
            return field;
        }
    }

    private StrictJson() {}

    /**
     * @param json the document
     * @return its tree
     * @throws FieldException (field "") if it is not one JSON document of at most {@link #MAX_DOCUMENT_BYTES}
     */
    public static JsonNode parse(byte[] json) {
        if (json == null) {
            throw new FieldException("", "no JSON document");
        }
        if (json.length > MAX_DOCUMENT_BYTES) {
            throw new FieldException("", "JSON document of " + json.length + " bytes exceeds " + MAX_DOCUMENT_BYTES);
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new FieldException("", "empty JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new FieldException("", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FieldException("", "not valid JSON: " + e.getMessage());
        }
    }

    /** @return {@code prefix.name}, or {@code name} when the prefix is empty */
    public static String path(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /**
     * Requires an object with exactly the {@code required} fields and at most the {@code optional} ones.
     *
     * @param what the object's own path, "" for the document
     */
    public static void requireObject(JsonNode node, String what, Set<String> required, Set<String> optional) {
        if (node == null || !node.isObject()) {
            throw new FieldException(what, (what.isEmpty() ? "the document" : what) + " must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!required.contains(name) && !optional.contains(name)) {
                throw new FieldException(path(what, name), "unknown field " + path(what, name));
            }
        }
        for (String name : required) {
            if (!node.has(name)) {
                throw new FieldException(path(what, name), "missing field " + path(what, name));
            }
        }
    }

    /** @return the string value of {@code node.name} */
    public static String text(JsonNode node, String what, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual()) {
            throw new FieldException(path(what, name), path(what, name) + " must be a string");
        }
        return value.textValue();
    }

    /** Requires {@code node.name} to be the string {@code expected}. */
    public static void requireText(JsonNode node, String what, String name, String expected) {
        String value = text(node, what, name);
        if (!expected.equals(value)) {
            throw new FieldException(path(what, name), path(what, name) + " must be \"" + expected + "\", got \""
                    + value + "\"");
        }
    }

    /**
     * @return {@code node.name}, an integer in {@code min .. max}
     */
    public static long integer(JsonNode node, String what, String name, long min, long max) {
        JsonNode value = node.get(name);
        String field = path(what, name);
        if (value == null || !value.isIntegralNumber()) {
            throw new FieldException(field, field + " must be an integer");
        }
        BigInteger v = value.bigIntegerValue();
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new FieldException(field, field + " must be in " + min + ".." + max + ", got " + v);
        }
        return v.longValue();
    }

    /** @return {@code node.name}, an unsigned 64-bit integer (0 .. 2^64 - 1), as a long's bits */
    public static long unsigned64(JsonNode node, String what, String name) {
        JsonNode value = node.get(name);
        String field = path(what, name);
        if (value == null || !value.isIntegralNumber()) {
            throw new FieldException(field, field + " must be an integer");
        }
        BigInteger v = value.bigIntegerValue();
        if (v.signum() < 0 || v.compareTo(TWO_TO_64) >= 0) {
            throw new FieldException(field, field + " must be in 0..2^64-1, got " + v);
        }
        return v.longValue();
    }

    /** @return the bytes of {@code node.name}: exactly {@code length} bytes as lowercase hex */
    public static byte[] hex(JsonNode node, String what, String name, int length) {
        return hexValue(node.get(name), path(what, name), length);
    }

    /** @return the bytes of a lowercase hex string of exactly {@code length} bytes */
    public static byte[] hexValue(JsonNode value, String field, int length) {
        if (value == null || !value.isTextual()) {
            throw new FieldException(field, field + " must be a hex string");
        }
        String text = value.textValue();
        if (text.length() != 2 * length) {
            throw new FieldException(field, field + " must be " + 2 * length + " hex characters, got "
                    + text.length());
        }
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            int hi = lowerHexDigit(text.charAt(2 * i));
            int lo = lowerHexDigit(text.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                throw new FieldException(field, field + " must be lowercase hex");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    private static int lowerHexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }

    /** @return the bytes of {@code node.name}: canonical base64url without padding */
    public static byte[] base64Url(JsonNode node, String what, String name) {
        String field = path(what, name);
        String text = text(node, what, name);
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new FieldException(field, field + " is not base64url: " + e.getMessage());
        }
        if (text.indexOf('=') >= 0 || !Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(text)) {
            throw new FieldException(field, field + " must be canonical base64url without padding");
        }
        return bytes;
    }

    /** Appends {@code s} as a JSON string: quotes, the escapes JSON requires, everything else as is. */
    public static StringBuilder appendString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16))
                                .append(Character.forDigit(c & 0xf, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** Appends {@code bytes} as a JSON string of lowercase hex. */
    public static StringBuilder appendHex(StringBuilder out, byte[] bytes) {
        out.append('"');
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return out.append('"');
    }
}
