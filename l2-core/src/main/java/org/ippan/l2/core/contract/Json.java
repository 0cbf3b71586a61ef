package org.ippan.l2.core.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/** Strict field access for the contract types' JSON readers; every failure names the field. */
final class Json {
    private Json() {}

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
