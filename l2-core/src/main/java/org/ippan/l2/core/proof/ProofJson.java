package org.ippan.l2.core.proof;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.ippan.l2.core.internal.StrictJson;
import org.ippan.l2.core.internal.StrictJson.FieldException;
import org.ippan.l2.core.proof.InclusionProof.L1Position;
import org.ippan.l2.core.proof.InclusionProof.Predecessor;
import org.ippan.l2.core.receipt.ReceiptFormatException;

/**
 * The JSON form of an {@link InclusionProof} ({@code docs/spec/inclusion-proof-v1.md} §4), written with its fields
 * in this order, compact; hashes as lowercase hex, {@code l1_request} and {@code idempotency_key} as base64url
 * without padding (as on the L1); {@code predecessor} omitted for batch 1, {@code l1.l1_tx_id} and
 * {@code l1.height} omitted when absent:
 * <pre>
 * {"version":"inclusion-proof-v1","chain_id":n,"tx_hash":hex,"tx_index":n,"batch_number":n,"batch_hash":hex,
 *  "prev_batch_hash":hex,"predecessor":{"batch_number":n,"batch_hash":hex},"l1_request":b64url,
 *  "idempotency_key":b64url,"l1":{"status":"included","l1_tx_id":"...","height":n}}
 * </pre>
 * Reading is strict and names the bad field in a {@link ReceiptFormatException}; it checks the form only (types,
 * lengths, ranges), {@link InclusionProof#verify} checks the content. Stateless and thread-safe.
 */
public final class ProofJson {
    /** The value of {@code version}. */
    public static final String VERSION = "inclusion-proof-v1";

    private static final Set<String> FIELDS = Set.of("version", "chain_id", "tx_hash", "tx_index", "batch_number",
            "batch_hash", "prev_batch_hash", "l1_request", "idempotency_key", "l1");
    private static final Set<String> OPTIONAL_FIELDS = Set.of("predecessor");
    private static final Set<String> PREDECESSOR_FIELDS = Set.of("batch_number", "batch_hash");
    private static final Set<String> L1_FIELDS = Set.of("status");
    private static final Set<String> L1_OPTIONAL_FIELDS = Set.of("l1_tx_id", "height");

    private ProofJson() {}

    /**
     * @param proof the proof
     * @return its JSON
     */
    public static String toJson(InclusionProof proof) {
        int size = 512 + (int) Math.min(Integer.MAX_VALUE - 1024, proof.l1Request().length * 4L / 3);
        return appendTo(new StringBuilder(size), proof).toString();
    }

    /**
     * @param proof the proof
     * @return its JSON, UTF-8
     */
    public static byte[] toJsonBytes(InclusionProof proof) {
        return toJson(proof).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Appends the proof's JSON object to {@code out}.
     *
     * @param out   where to write
     * @param proof the proof
     * @return {@code out}
     */
    public static StringBuilder appendTo(StringBuilder out, InclusionProof proof) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(proof, "proof");
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        out.append("{\"version\":\"").append(VERSION).append("\",\"chain_id\":")
                .append(Long.toUnsignedString(proof.chainId()))
                .append(",\"tx_hash\":");
        StrictJson.appendHex(out, proof.txHash());
        out.append(",\"tx_index\":").append(proof.txIndex())
                .append(",\"batch_number\":").append(proof.batchNumber())
                .append(",\"batch_hash\":");
        StrictJson.appendHex(out, proof.batchHash());
        out.append(",\"prev_batch_hash\":");
        StrictJson.appendHex(out, proof.prevBatchHash());
        if (proof.predecessor().isPresent()) {
            Predecessor p = proof.predecessor().get();
            out.append(",\"predecessor\":{\"batch_number\":").append(p.batchNumber()).append(",\"batch_hash\":");
            StrictJson.appendHex(out, p.batchHash());
            out.append('}');
        }
        out.append(",\"l1_request\":\"").append(base64.encodeToString(proof.l1Request()))
                .append("\",\"idempotency_key\":\"").append(base64.encodeToString(proof.idempotencyKey()))
                .append("\",\"l1\":{\"status\":\"").append(proof.l1().stage().jsonName()).append('"');
        if (proof.l1().l1TxId().isPresent()) {
            out.append(",\"l1_tx_id\":");
            StrictJson.appendString(out, proof.l1().l1TxId().get());
        }
        if (proof.l1().height().isPresent()) {
            out.append(",\"height\":").append(proof.l1().height().getAsLong());
        }
        return out.append("}}");
    }

    /**
     * Reads a proof.
     *
     * @param json the JSON text
     * @return the proof (not verified)
     * @throws ReceiptFormatException naming the field that is missing, unknown, of the wrong type or out of range
     */
    public static InclusionProof fromJson(String json) {
        Objects.requireNonNull(json, "json");
        return fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a proof.
     *
     * @param json the JSON, UTF-8
     * @return the proof (not verified)
     * @throws ReceiptFormatException naming the field that is missing, unknown, of the wrong type or out of range
     */
    public static InclusionProof fromJson(byte[] json) {
        try {
            return read(StrictJson.parse(json));
        } catch (FieldException e) {
            throw new ReceiptFormatException(e.field(), "inclusion proof: " + e.getMessage());
        }
    }

    private static InclusionProof read(JsonNode node) {
        StrictJson.requireObject(node, "", FIELDS, OPTIONAL_FIELDS);
        StrictJson.requireText(node, "", "version", VERSION);
        long chainId = StrictJson.unsigned64(node, "", "chain_id");
        byte[] txHash = StrictJson.hex(node, "", "tx_hash", InclusionProof.HASH_LENGTH);
        int txIndex = (int) StrictJson.integer(node, "", "tx_index", 0, Integer.MAX_VALUE);
        long batchNumber = StrictJson.integer(node, "", "batch_number", 1, Long.MAX_VALUE);
        byte[] batchHash = StrictJson.hex(node, "", "batch_hash", InclusionProof.HASH_LENGTH);
        byte[] prevBatchHash = StrictJson.hex(node, "", "prev_batch_hash", InclusionProof.HASH_LENGTH);
        Optional<Predecessor> predecessor = Optional.empty();
        if (node.has("predecessor")) {
            JsonNode p = node.get("predecessor");
            StrictJson.requireObject(p, "predecessor", PREDECESSOR_FIELDS, Set.of());
            predecessor = Optional.of(new Predecessor(
                    StrictJson.integer(p, "predecessor", "batch_number", 1, Long.MAX_VALUE),
                    StrictJson.hex(p, "predecessor", "batch_hash", InclusionProof.HASH_LENGTH)));
        }
        byte[] l1Request = StrictJson.base64Url(node, "", "l1_request");
        byte[] key = StrictJson.base64Url(node, "", "idempotency_key");
        if (key.length != InclusionProof.HASH_LENGTH) {
            throw new FieldException("idempotency_key", "idempotency_key must be 32 bytes, got " + key.length);
        }
        JsonNode l1 = node.get("l1");
        StrictJson.requireObject(l1, "l1", L1_FIELDS, L1_OPTIONAL_FIELDS);
        String status = StrictJson.text(l1, "l1", "status");
        L1Stage stage = L1Stage.parse(status);
        if (stage == null) {
            throw new FieldException("l1.status", "l1.status must be committed, posted, included, finalized or "
                    + "failed; got \"" + status + "\"");
        }
        Optional<String> l1TxId = l1.has("l1_tx_id") ? Optional.of(StrictJson.text(l1, "l1", "l1_tx_id"))
                : Optional.empty();
        OptionalLong height = l1.has("height") ? OptionalLong.of(StrictJson.integer(l1, "l1", "height", 0,
                Long.MAX_VALUE)) : OptionalLong.empty();
        return new InclusionProof(chainId, txHash, txIndex, batchNumber, batchHash, prevBatchHash, predecessor,
                l1Request, key, new L1Position(stage, l1TxId, height));
    }
}
