package org.ippan.l2.core.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.EncodedEnvelope;
import org.ippan.l2.core.envelope.EnvelopeBuffer;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;

/**
 * What is posted to IPPAN CORE for one batch (L1 contract v1, wire format v1 §5):
 * <pre>
 * { contract_version: "v1", hub, batch_id: hex(batch_hash), sequence: batch_number, tx_count,
 *   commitment: hex(tx_root), fee, payload: HubPayloadEnvelopeV1, idempotency_key: base64url(32 bytes) }
 * idempotency_key = BLAKE3("ippan-l1l2" || "v1" || hub || batch_id || u64BE(sequence)
 *                          || BLAKE3(canonical_json(payload)))
 * </pre>
 * The key depends only on what is fixed when the batch is cut, so every re-post of a batch is the same request.
 * Posted as {@link #canonicalJson()}.
 *
 * @param hub the hub
 * @param batchId {@code hex(batch_hash)}: 64 lowercase hex characters
 * @param sequence the batch number, at least 1
 * @param txCount the number of txs in the batch
 * @param commitment {@code hex(tx_root)}, or null when absent (then omitted from the JSON)
 * @param fee the protocol fee of the batch (scaled integer), at least 0
 * @param payload the hub payload carrying the batch envelope
 * @param idempotencyKey the 32-byte key (not copied: hand-over, nobody mutates it afterwards)
 */
public record L2BatchEnvelopeV1(Hub hub, String batchId, long sequence, long txCount, String commitment, long fee,
        HubPayloadEnvelopeV1 payload, byte[] idempotencyKey) {
    private static final Set<String> FIELDS = Set.of("contract_version", "hub", "batch_id", "sequence", "tx_count",
            "commitment", "fee", "payload", "idempotency_key");

    /** Validates the fields, naming the one that is wrong; does not check the key (see {@link #keyMatches()}). */
    public L2BatchEnvelopeV1 {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(payload, "payload");
        if (batchId == null || batchId.isBlank()) {
            throw new ContractException("batch_id must not be empty");
        }
        if (sequence < 0) {
            throw new ContractException("sequence must be >= 0, got " + sequence);
        }
        if (txCount < 0) {
            throw new ContractException("tx_count must be >= 0, got " + txCount);
        }
        if (fee < 0) {
            throw new ContractException("fee must be >= 0, got " + fee);
        }
        if (idempotencyKey == null || idempotencyKey.length != Hash.LENGTH) {
            throw new ContractException("idempotency_key must be 32 bytes");
        }
    }

    /**
     * Builds the L1 envelope of a cut batch. Everything comes from the batch and its signed envelope, so building
     * it again, at any time, gives the same bytes and the same key.
     *
     * @param batch the batch
     * @param envelope its batch envelope (signed or not)
     * @param hub the hub ({@link Hub#Fin} by default)
     * @param fee the protocol fee, at least 0
     * @throws IllegalArgumentException if the envelope is not the batch's
     */
    public static L2BatchEnvelopeV1 forBatch(Batch batch, BatchEnvelope envelope, Hub hub, long fee) {
        if (!envelope.payload().batchHash().equals(batch.hash())) {
            throw new IllegalArgumentException("envelope is of batch " + envelope.payload().batchHash()
                    + ", not of batch " + batch.hash());
        }
        HubPayloadEnvelopeV1 payload = HubPayloadEnvelopeV1.ofBatchEnvelope(hub, envelope);
        String batchId = batch.hash().toHex();
        byte[] key = deriveIdempotencyKey(hub, batchId, batch.batchNumber(), payload.canonicalHash());
        return new L2BatchEnvelopeV1(hub, batchId, batch.batchNumber(), batch.txCount(), batch.txRoot().toHex(), fee,
                payload, key);
    }

    /**
     * What is posted for a cut batch: the request body, {@code canonical_json(L2BatchEnvelopeV1)}, and the batch's
     * idempotency key.
     *
     * @param idempotencyKey the 32-byte key (not copied: hand-over, nobody mutates it afterwards)
     * @param body the exact request body (not copied: hand-over, nobody mutates it afterwards)
     */
    public record Request(byte[] idempotencyKey, byte[] body) {
        /** Checks the fields. */
        public Request {
            if (idempotencyKey == null || idempotencyKey.length != Hash.LENGTH) {
                throw new ContractException("idempotency_key must be 32 bytes");
            }
            Objects.requireNonNull(body, "body");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request other && Arrays.equals(idempotencyKey, other.idempotencyKey)
                    && Arrays.equals(body, other.body);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(idempotencyKey);
        }

        @Override
        public String toString() {
            return "Request[idempotency_key=" + HubPayloadEnvelopeV1.Base64Url.encode(idempotencyKey) + ", body="
                    + body.length + " bytes]";
        }
    }

    /**
     * The request body and idempotency key of a cut batch: the same bytes as
     * {@code forBatch(batch, envelope, hub, fee).canonicalJson()} and the same key, made in one pass. The hub
     * payload is written once, inside the body, and its canonical JSON hashed there for the key; the envelope's
     * base64url is encoded from its parts, never assembled or copied first. The engine stores and posts these
     * bytes for every batch (it makes them with the {@link EnvelopeBuffer} twin of this method, which reads the
     * envelope from its reused buffer; the tests hold the two to the same bytes).
     *
     * @param batch the batch
     * @param envelope its batch envelope (signed or not)
     * @param hub the hub ({@link Hub#Fin} by default)
     * @param fee the protocol fee, at least 0
     * @return the body and the key
     * @throws IllegalArgumentException if the envelope is not the batch's, or the fee is negative
     */
    public static Request requestForBatch(Batch batch, BatchEnvelope envelope, Hub hub, long fee) {
        return request(batch, envelope.payload().batchHash(), envelope, hub, fee);
    }

    /**
     * The same body and key as {@link #requestForBatch(Batch, BatchEnvelope, Hub, long)}, for the envelope last
     * built in {@code envelope}: the batcher's path, which builds each batch's envelope in a buffer it reuses. The
     * body is a new array; the buffer's bytes are only read.
     *
     * @param batch the batch
     * @param envelope the buffer holding its envelope
     * @param hub the hub ({@link Hub#Fin} by default)
     * @param fee the protocol fee, at least 0
     * @return the body and the key
     * @throws IllegalArgumentException if the envelope is not the batch's, or the fee is negative
     * @throws IllegalStateException if the buffer holds no envelope
     */
    public static Request requestForBatch(Batch batch, EnvelopeBuffer envelope, Hub hub, long fee) {
        return request(batch, envelope.batchHash(), envelope, hub, fee);
    }

    /** {@link #requestForBatch}, for an envelope of batch {@code envelopeBatchHash}. */
    private static Request request(Batch batch, Hash envelopeBatchHash, EncodedEnvelope envelope, Hub hub,
            long fee) {
        Objects.requireNonNull(hub, "hub");
        if (!envelopeBatchHash.equals(batch.hash())) {
            throw new IllegalArgumentException("envelope is of batch " + envelopeBatchHash
                    + ", not of batch " + batch.hash());
        }
        if (batch.batchNumber() < 0) {
            throw new ContractException("sequence must be >= 0, got " + batch.batchNumber());
        }
        if (fee < 0) {
            throw new ContractException("fee must be >= 0, got " + fee);
        }
        byte[] key = new byte[Hash.LENGTH];
        byte[] body = ContractJson.request(key, hub, batch.hash(), batch.batchNumber(), batch.txCount(),
                batch.txRoot(), fee, HubPayloadEnvelopeV1.BATCH_SCHEMA, HubPayloadEnvelopeV1.BATCH_CONTENT_TYPE,
                envelope);
        return new Request(key, body);
    }

    /**
     * {@code BLAKE3("ippan-l1l2" || "v1" || hub || batch_id || u64BE(sequence) || payloadHash)}, the pieces
     * concatenated without separators or lengths.
     *
     * @param payloadHash {@code BLAKE3(canonical_json(payload))}
     * @return the 32-byte idempotency key
     */
    public static byte[] deriveIdempotencyKey(Hub hub, String batchId, long sequence, Hash payloadHash) {
        byte[] id = batchId.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[Hash.LENGTH];
        ContractJson.deriveIdempotencyKey(hub, id, 0, id.length, sequence, payloadHash.toBytes(), key);
        return key;
    }

    /** @return true if {@link #idempotencyKey()} is the one the v1 rules derive from the other fields */
    public boolean keyMatches() {
        return Arrays.equals(idempotencyKey,
                deriveIdempotencyKey(hub, batchId, sequence, payload.canonicalHash()));
    }

    /** @return the key as base64url without padding, as it appears in the JSON and in L1 URLs */
    public String idempotencyKeyBase64Url() {
        return HubPayloadEnvelopeV1.Base64Url.encode(idempotencyKey);
    }

    /** @return the canonical JSON bytes: the exact request body posted to L1 */
    public byte[] canonicalJson() {
        return ContractJson.l1Envelope(hub.name(), batchId, sequence, txCount, commitment, fee, idempotencyKey,
                payload.hub().name(), payload.schemaVersion(), payload.contentType(), payload.payload());
    }

    /**
     * Reads an L1 batch envelope from JSON, strictly, and checks its idempotency key.
     *
     * @throws ContractException naming the field, or saying the key does not match the v1 derivation
     */
    public static L2BatchEnvelopeV1 fromJson(byte[] json) {
        JsonNode node = Json.parse(json);
        Json.requireObject(node, "batch envelope", FIELDS);
        Json.requireText(node, "contract_version", HubPayloadEnvelopeV1.CONTRACT_VERSION);
        String commitment = node.has("commitment") ? Json.text(node, "commitment") : null;
        byte[] key = HubPayloadEnvelopeV1.Base64Url.decode(Json.text(node, "idempotency_key"), "idempotency_key");
        if (key.length != Hash.LENGTH) {
            throw new ContractException("idempotency_key must be 32 bytes, got " + key.length);
        }
        L2BatchEnvelopeV1 envelope = new L2BatchEnvelopeV1(Hub.parse(Json.text(node, "hub")),
                Json.text(node, "batch_id"), Json.nonNegativeLong(node, "sequence"),
                Json.nonNegativeLong(node, "tx_count"), commitment, Json.nonNegativeLong(node, "fee"),
                HubPayloadEnvelopeV1.fromJsonTree(node.get("payload")), key);
        if (!envelope.keyMatches()) {
            throw new ContractException("idempotency_key does not match the v1 derivation from the other fields");
        }
        return envelope;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof L2BatchEnvelopeV1 other && hub == other.hub && batchId.equals(other.batchId)
                && sequence == other.sequence && txCount == other.txCount
                && Objects.equals(commitment, other.commitment) && fee == other.fee
                && payload.equals(other.payload) && Arrays.equals(idempotencyKey, other.idempotencyKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(idempotencyKey);
    }

    @Override
    public String toString() {
        return "L2BatchEnvelopeV1[hub=" + hub + ", batch_id=" + batchId + ", sequence=" + sequence + ", tx_count="
                + txCount + ", commitment=" + commitment + ", fee=" + fee + ", idempotency_key="
                + idempotencyKeyBase64Url() + ", " + payload + "]";
    }
}
