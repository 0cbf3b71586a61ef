package org.ippan.l2.l1.http;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.OptionalLong;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.SubmitResult;

/**
 * Decodes the answers of wire-format-v1 §6 with Jackson's tree model (no reflection, so the module opens
 * nothing). Parsing is bounded ({@link StreamReadConstraints}: document and string length by the response limit,
 * nesting depth, number length), duplicate keys and trailing content are refused, unknown fields are ignored, and
 * a field that is present must have its documented type ({@code null} counts as absent for optional fields).
 * Every failure is an {@link UndecodableAnswerException}.
 */
final class L1Json {

    /** An answer that is not the documented JSON. */
    static final class UndecodableAnswerException extends Exception {
        private static final long serialVersionUID = 1L;

        UndecodableAnswerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The fields of a submit answer (§6).
     *
     * @param accepted the {@code accepted} flag, or null when absent
     * @param alreadyKnown the {@code already_known} flag (false when absent)
     * @param l1TxId the {@code l1_tx_id}, or null when absent or empty
     * @param errorCode the {@code error_code}, or null
     * @param message the {@code message}, or null
     */
    record SubmitAnswer(Boolean accepted, boolean alreadyKnown, String l1TxId, String errorCode, String message) {

        /** Whether the answer says that the L1 already has the batch. */
        boolean meansAlreadyKnown() {
            return alreadyKnown || SubmitResult.isAlreadyKnownCode(errorCode);
        }
    }

    private static final int MAX_NESTING_DEPTH = 32;
    private static final int MAX_NUMBER_LENGTH = 32;

    private final ObjectMapper mapper;

    L1Json(int maxResponseBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(maxResponseBytes)
                        .maxStringLength(maxResponseBytes)
                        .maxNameLength(Math.min(maxResponseBytes, 1024))
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    L1ChainStatus chainStatus(byte[] body) throws UndecodableAnswerException {
        JsonNode root = object(body);
        String networkId = requiredString(root, "network_id");
        long height = requiredU64(root, "height");
        OptionalLong finalizedHeight = optionalU64(root, "finalized_height");
        long timeMicros = requiredU64(root, "time_micros");
        try {
            return new L1ChainStatus(networkId, height, finalizedHeight, timeMicros);
        } catch (IllegalArgumentException e) {
            throw new UndecodableAnswerException("inconsistent chain status: " + e.getMessage(), e);
        }
    }

    SubmitAnswer submitAnswer(byte[] body) throws UndecodableAnswerException {
        JsonNode root = object(body);
        Boolean accepted = optionalBoolean(root, "accepted");
        Boolean alreadyKnown = optionalBoolean(root, "already_known");
        String l1TxId = optionalString(root, "l1_tx_id");
        return new SubmitAnswer(accepted, Boolean.TRUE.equals(alreadyKnown),
                l1TxId == null || l1TxId.isEmpty() ? null : l1TxId,
                optionalString(root, "error_code"), optionalString(root, "message"));
    }

    L1Inclusion inclusion(byte[] body) throws UndecodableAnswerException {
        JsonNode root = object(body);
        String l1TxId = requiredString(root, "l1_tx_id");
        if (l1TxId.isEmpty()) {
            throw new UndecodableAnswerException("field l1_tx_id is empty", null);
        }
        long height = requiredU64(root, "height");
        boolean finalized = Boolean.TRUE.equals(optionalBoolean(root, "finalized"));
        byte[] proof;
        try {
            proof = Base64.getUrlDecoder().decode(requiredString(root, "proof"));
        } catch (IllegalArgumentException e) {
            throw new UndecodableAnswerException("field proof is not base64url", e);
        }
        return new L1Inclusion(l1TxId, height, finalized, proof);
    }

    /** A forced-inclusion inbox entry: {@code {"index", "l1_height", "tx_hash" (hex), "tx" (hex)}}. */
    ForcedInboxEntry forcedInboxEntry(byte[] body) throws UndecodableAnswerException {
        return forcedEntry(object(body));
    }

    /** A page of the inbox: {@code {"entries": [entry…], "l1_height"}}. */
    ForcedInboxPage forcedInboxPage(byte[] body, long fromIndex) throws UndecodableAnswerException {
        JsonNode root = object(body);
        long height = requiredU64(root, "l1_height");
        JsonNode list = root.get("entries");
        if (list == null || !list.isArray()) {
            throw new UndecodableAnswerException("field entries is missing or not an array", null);
        }
        List<ForcedInboxEntry> entries = new ArrayList<>(list.size());
        for (JsonNode item : list) {
            if (!item.isObject()) {
                throw new UndecodableAnswerException("an inbox entry is not a JSON object", null);
            }
            entries.add(forcedEntry(item));
        }
        if (!entries.isEmpty() && entries.get(0).index() != fromIndex) {
            throw new UndecodableAnswerException("the page starts at index " + entries.get(0).index()
                    + ", not at the " + fromIndex + " asked for", null);
        }
        try {
            return new ForcedInboxPage(entries, height);
        } catch (IllegalArgumentException e) {
            throw new UndecodableAnswerException("inconsistent inbox page: " + e.getMessage(), e);
        }
    }

    private static ForcedInboxEntry forcedEntry(JsonNode root) throws UndecodableAnswerException {
        long index = requiredU64(root, "index");
        long height = requiredU64(root, "l1_height");
        byte[] txHash = hex(root, "tx_hash");
        byte[] tx = hex(root, "tx");
        try {
            return new ForcedInboxEntry(index, height, txHash, tx);
        } catch (IllegalArgumentException e) {
            throw new UndecodableAnswerException("inconsistent inbox entry: " + e.getMessage(), e);
        }
    }

    private static byte[] hex(JsonNode root, String field) throws UndecodableAnswerException {
        String text = requiredString(root, field);
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new UndecodableAnswerException("field " + field + " is not hex", e);
        }
    }

    private JsonNode object(byte[] body) throws UndecodableAnswerException {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableAnswerException("answer is not valid JSON: " + e.getClass().getSimpleName(), e);
        }
        if (root == null || !root.isObject()) {
            throw new UndecodableAnswerException("answer is not a JSON object", null);
        }
        return root;
    }

    private static JsonNode present(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private static String requiredString(JsonNode root, String field) throws UndecodableAnswerException {
        String value = optionalString(root, field);
        if (value == null) {
            throw new UndecodableAnswerException("field " + field + " is missing", null);
        }
        return value;
    }

    private static String optionalString(JsonNode root, String field) throws UndecodableAnswerException {
        JsonNode node = present(root, field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw new UndecodableAnswerException("field " + field + " is not a string", null);
        }
        return node.textValue();
    }

    private static Boolean optionalBoolean(JsonNode root, String field) throws UndecodableAnswerException {
        JsonNode node = present(root, field);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new UndecodableAnswerException("field " + field + " is not a boolean", null);
        }
        return node.booleanValue();
    }

    private static long requiredU64(JsonNode root, String field) throws UndecodableAnswerException {
        OptionalLong value = optionalU64(root, field);
        if (value.isEmpty()) {
            throw new UndecodableAnswerException("field " + field + " is missing", null);
        }
        return value.getAsLong();
    }

    /** A u64 field; values above {@link Long#MAX_VALUE} are refused (no L1 height or time gets there). */
    private static OptionalLong optionalU64(JsonNode root, String field) throws UndecodableAnswerException {
        JsonNode node = present(root, field);
        if (node == null) {
            return OptionalLong.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new UndecodableAnswerException("field " + field + " is not an integer within [0, 2^63)", null);
        }
        return OptionalLong.of(node.longValue());
    }
}
