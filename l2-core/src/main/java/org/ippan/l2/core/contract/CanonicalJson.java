package org.ippan.l2.core.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON of the L1 contract v1 (wire format v1 §5): object keys sorted bytewise by their UTF-8 bytes,
 * compact (no whitespace), integers as JSON numbers, strings escaped minimally ({@code \"}, {@code \\}, the short
 * escapes {@code \b \f \n \r \t}, other control characters as &#92;u00xx; everything else as raw UTF-8).
 * Absent optional fields are omitted by the types that build the tree, never written as {@code null}.
 *
 * <p>Floating-point numbers have no canonical form here and are refused.
 */
public final class CanonicalJson {
    /** Largest JSON document {@link #parse} accepts, in bytes. */
    public static final int MAX_DOCUMENT_BYTES = 16 << 20;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxNumberLength(64)
                .maxStringLength(MAX_DOCUMENT_BYTES)
                .build());
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CanonicalJson() {}

    /**
     * Re-writes a JSON document in canonical form.
     *
     * @throws IllegalArgumentException if it is not valid JSON, or holds a floating-point number or an unpaired
     *     surrogate
     */
    public static byte[] canonicalize(byte[] json) {
        return write(parse(json));
    }

    /** @return the canonical UTF-8 bytes of {@code node} */
    static byte[] write(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return utf8(out);
    }

    /**
     * Parses JSON (strictly: one document, no trailing tokens, bounded size, depth and number length).
     *
     * @throws IllegalArgumentException naming the problem
     */
    static JsonNode parse(byte[] json) {
        if (json.length > MAX_DOCUMENT_BYTES) {
            throw new IllegalArgumentException("JSON document of " + json.length + " bytes exceeds "
                    + MAX_DOCUMENT_BYTES);
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("empty JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

    /** @return the shared mapper's node factory, for building trees to write */
    static com.fasterxml.jackson.databind.node.JsonNodeFactory nodes() {
        return MAPPER.getNodeFactory();
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
                fields.sort((a, b) -> Arrays.compareUnsigned(utf8(a.getKey()), utf8(b.getKey())));
                out.append('{');
                for (int i = 0; i < fields.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeString(fields.get(i).getKey(), out);
                    out.append(':');
                    write(fields.get(i).getValue(), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case NUMBER -> {
                if (!node.isIntegralNumber()) {
                    throw new IllegalArgumentException("canonical JSON has no floating-point numbers: " + node);
                }
                out.append(node.bigIntegerValue().toString());
            }
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("no JSON form for a " + node.getNodeType() + " node");
        }
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** UTF-8 of {@code s}, refusing unpaired surrogates (which UTF-8 cannot carry) instead of writing '?'. */
    private static byte[] utf8(CharSequence s) {
        String str = s.toString();
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < str.length() && Character.isLowSurrogate(str.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("string holds an unpaired surrogate at index " + i);
            }
        }
        return str.getBytes(StandardCharsets.UTF_8);
    }
}
