package org.ippan.l2.core.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The reference writer of canonical JSON (wire format v1 §5), for the tests to hold the contract types' one-pass
 * writer to: object keys sorted bytewise by their UTF-8 bytes, compact (no whitespace), integers as JSON numbers,
 * strings escaped minimally ({@code \"}, {@code \\}, the short escapes {@code \b \f \n \r \t}, other control
 * characters as &#92;u00xx; everything else as raw UTF-8), from a Jackson tree. Absent optional fields are omitted
 * by the trees built here, never written as {@code null}. Floating-point numbers have no canonical form and are
 * refused.
 */
final class CanonicalJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CanonicalJson() {}

    /**
     * Re-writes a JSON document in canonical form.
     *
     * @throws IllegalArgumentException if it is not valid JSON, or holds a floating-point number or an unpaired
     *     surrogate
     */
    static byte[] canonicalize(byte[] json) {
        return write(Json.parse(json));
    }

    /** @return the JSON tree of {@code payload} */
    static ObjectNode tree(HubPayloadEnvelopeV1 payload) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("contract_version", HubPayloadEnvelopeV1.CONTRACT_VERSION);
        node.put("hub", payload.hub().name());
        node.put("schema_version", payload.schemaVersion());
        node.put("content_type", payload.contentType());
        node.put("payload", HubPayloadEnvelopeV1.Base64Url.encode(payload.payload()));
        return node;
    }

    /** @return the JSON tree of {@code envelope}; {@code commitment} omitted when null */
    static ObjectNode tree(L2BatchEnvelopeV1 envelope) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("contract_version", HubPayloadEnvelopeV1.CONTRACT_VERSION);
        node.put("hub", envelope.hub().name());
        node.put("batch_id", envelope.batchId());
        node.put("sequence", envelope.sequence());
        node.put("tx_count", envelope.txCount());
        if (envelope.commitment() != null) {
            node.put("commitment", envelope.commitment());
        }
        node.put("fee", envelope.fee());
        node.set("payload", tree(envelope.payload()));
        node.put("idempotency_key", envelope.idempotencyKeyBase64Url());
        return node;
    }

    /** @return the canonical UTF-8 bytes of {@code node} */
    static byte[] write(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return utf8(out);
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
