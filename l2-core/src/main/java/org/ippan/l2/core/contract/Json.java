package org.ippan.l2.core.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/** The contract types' JSON reading: a strict parser, and field access whose every failure names the field. */
final class Json {
    /** Largest JSON document {@link #parse} accepts, in bytes. */
    static final int MAX_DOCUMENT_BYTES = 16 << 20;

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

    private Json() {}

    /**
     * Parses JSON strictly: one document, no trailing tokens, bounded size, depth and number length.
     *
     * @throws ContractException naming the problem
     */
    static JsonNode parse(byte[] json) {
        if (json.length > MAX_DOCUMENT_BYTES) {
            throw new ContractException("JSON document of " + json.length + " bytes exceeds " + MAX_DOCUMENT_BYTES);
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new ContractException("empty JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ContractException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ContractException("not valid JSON: " + e.getMessage(), e);
        }
    }

    static void requireObject(JsonNode node, String what, Set<String> allowedFields) {
        if (node == null || !node.isObject()) {
            throw new ContractException(what + " must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                throw new ContractException(what + " has an unknown field \"" + name + "\"");
            }
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new ContractException(field + " must be a string");
        }
        return value.textValue();
    }

    static void requireText(JsonNode node, String field, String expected) {
        String value = text(node, field);
        if (!expected.equals(value)) {
            throw new ContractException(field + " must be \"" + expected + "\", got \"" + value + "\"");
        }
    }

    /** A non-negative integer that fits in a signed long (u64 values above that are refused). */
    static long nonNegativeLong(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || value.bigIntegerValue().signum() < 0
                || value.bigIntegerValue().bitLength() > 63) {
            throw new ContractException(field + " must be a non-negative integer below 2^63");
        }
        return value.longValue();
    }
}
