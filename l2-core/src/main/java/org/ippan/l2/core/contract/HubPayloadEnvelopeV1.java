package org.ippan.l2.core.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.wire.Hash;

/**
 * The hub payload of the L1 contract v1 (wire format v1 §5):
 * {@code { contract_version: "v1", hub, schema_version, content_type, payload: base64url }}.
 * For a batch, {@code schema_version} is {@value #BATCH_SCHEMA}, {@code content_type} is
 * {@value #BATCH_CONTENT_TYPE} and {@code payload} is {@code canonical(BatchEnvelope)}.
 *
 * @param hub the hub
 * @param schemaVersion the hub-defined schema of the payload, non-blank
 * @param contentType the payload's content type, non-blank
 * @param payload the payload bytes (not copied: hand-over, nobody mutates them afterwards)
 */
public record HubPayloadEnvelopeV1(Hub hub, String schemaVersion, String contentType, byte[] payload) {
    /** The contract version this type writes and reads. */
    public static final String CONTRACT_VERSION = "v1";
    /** {@code schema_version} of a batch envelope payload. */
    public static final String BATCH_SCHEMA = "batch-envelope-v1";
    /** {@code content_type} of a batch envelope payload. */
    public static final String BATCH_CONTENT_TYPE = "application/octet-stream";

    private static final Set<String> FIELDS = Set.of("contract_version", "hub", "schema_version", "content_type",
            "payload");

    /** Validates the fields, naming the one that is wrong. */
    public HubPayloadEnvelopeV1 {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(payload, "payload");
        if (schemaVersion == null || schemaVersion.isBlank()) {
            throw new ContractException("schema_version must not be empty");
        }
        if (contentType == null || contentType.isBlank()) {
            throw new ContractException("content_type must not be empty");
        }
    }

    /** @return the hub payload carrying {@code envelope} for {@code hub} */
    public static HubPayloadEnvelopeV1 ofBatchEnvelope(Hub hub, BatchEnvelope envelope) {
        return new HubPayloadEnvelopeV1(hub, BATCH_SCHEMA, BATCH_CONTENT_TYPE, envelope.encode());
    }

    /** @return the canonical JSON bytes */
    public byte[] canonicalJson() {
        return ContractJson.hubPayload(hub.name(), schemaVersion, contentType, payload, 0, payload.length);
    }

    /** @return {@code BLAKE3(canonical_json(this))}, an input of the idempotency key */
    public Hash canonicalHash() {
        return Hash.blake3(canonicalJson());
    }

    /**
     * Reads a hub payload from JSON, strictly: every field present with the right type, no unknown field,
     * {@code contract_version} "v1", a known hub, valid base64url.
     *
     * @throws ContractException naming the field
     */
    public static HubPayloadEnvelopeV1 fromJson(byte[] json) {
        return fromJsonTree(Json.parse(json));
    }

    static HubPayloadEnvelopeV1 fromJsonTree(JsonNode node) {
        Json.requireObject(node, "payload", FIELDS);
        Json.requireText(node, "contract_version", CONTRACT_VERSION);
        return new HubPayloadEnvelopeV1(Hub.parse(Json.text(node, "hub")), Json.text(node, "schema_version"),
                Json.text(node, "content_type"), Base64Url.decode(Json.text(node, "payload"), "payload.payload"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HubPayloadEnvelopeV1 other && hub == other.hub
                && schemaVersion.equals(other.schemaVersion) && contentType.equals(other.contentType)
                && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hub, schemaVersion, contentType, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "HubPayloadEnvelopeV1[hub=" + hub + ", schema_version=" + schemaVersion + ", content_type="
                + contentType + ", payload=" + payload.length + " bytes]";
    }

    /** base64url without padding, strict on decode. */
    static final class Base64Url {
        private Base64Url() {}

        static String encode(byte[] bytes) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }

        static byte[] decode(String text, String field) {
            if (text.indexOf('=') >= 0) {
                throw new ContractException(field + " must be base64url without padding");
            }
            try {
                byte[] bytes = Base64.getUrlDecoder().decode(text);
                if (!encode(bytes).equals(text)) {
                    throw new ContractException(field + " is not canonical base64url");
                }
                return bytes;
            } catch (IllegalArgumentException e) {
                if (e instanceof ContractException) {
                    throw e;
                }
                throw new ContractException(field + " is not base64url: " + e.getMessage(), e);
            }
        }
    }
}
