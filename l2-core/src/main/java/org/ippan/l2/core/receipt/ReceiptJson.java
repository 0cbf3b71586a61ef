package org.ippan.l2.core.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.ippan.l2.core.internal.StrictJson;
import org.ippan.l2.core.internal.StrictJson.FieldException;

/**
 * The JSON form of an {@link AdmissionReceipt} (receipts v1, {@code docs/spec/receipts-v1.md} §6), written with its
 * fields in this order, compact, hex lowercase without {@code 0x}:
 * <pre>
 * {"version":"receipt-v1","chain_id":n,"term":n,"seq":n,"tx_hash":hex,
 *  "group":{"first_seq":n,"count":n,"accepted_ms":n,"deadline_ms":n,"root":hex},
 *  "path":[hex,...],"sequencer_pubkey":hex,"signature":hex}
 * </pre>
 * {@code chain_id} is an unsigned 64-bit integer (as in the signed bytes); the other numbers are below 2^63. Reading
 * is strict (no unknown or missing field, exact types and lengths, lowercase hex) and names the bad field in a
 * {@link ReceiptFormatException}; it checks the form only, {@link AdmissionReceipt#verify} checks the content.
 *
 * <p>To put a receipt inside a larger answer written with a Jackson {@code JsonGenerator}:
 * {@code g.writeFieldName("receipt"); g.writeRawValue(ReceiptJson.toJson(receipt));}, or build the answer in a
 * {@code StringBuilder} with {@link #appendTo}. Stateless and thread-safe.
 */
public final class ReceiptJson {
    /** The value of {@code version}. */
    public static final String VERSION = "receipt-v1";

    private static final Set<String> FIELDS = Set.of("version", "chain_id", "term", "seq", "tx_hash", "group", "path",
            "sequencer_pubkey", "signature");
    private static final Set<String> GROUP_FIELDS = Set.of("first_seq", "count", "accepted_ms", "deadline_ms", "root");
    /** A receipt's JSON is small: at most 64 path hashes. */
    private static final int MAX_PATH = 64;

    private ReceiptJson() {}

    /**
     * @param receipt the receipt
     * @return its JSON
     */
    public static String toJson(AdmissionReceipt receipt) {
        return appendTo(new StringBuilder(640 + 68 * receipt.path().size()), receipt).toString();
    }

    /**
     * @param receipt the receipt
     * @return its JSON, UTF-8 (ASCII in fact)
     */
    public static byte[] toJsonBytes(AdmissionReceipt receipt) {
        return toJson(receipt).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Appends the receipt's JSON object to {@code out}.
     *
     * @param out     where to write
     * @param receipt the receipt
     * @return {@code out}
     */
    public static StringBuilder appendTo(StringBuilder out, AdmissionReceipt receipt) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(receipt, "receipt");
        ReceiptGroup g = receipt.group();
        out.append("{\"version\":\"").append(VERSION).append("\",\"chain_id\":")
                .append(Long.toUnsignedString(g.chainId()))
                .append(",\"term\":").append(g.term())
                .append(",\"seq\":").append(receipt.seq())
                .append(",\"tx_hash\":");
        StrictJson.appendHex(out, receipt.txHash());
        out.append(",\"group\":{\"first_seq\":").append(g.firstSeq())
                .append(",\"count\":").append(g.count())
                .append(",\"accepted_ms\":").append(g.acceptedMs())
                .append(",\"deadline_ms\":").append(g.deadlineMs())
                .append(",\"root\":");
        StrictJson.appendHex(out, g.root());
        out.append("},\"path\":[");
        List<byte[]> path = receipt.path();
        for (int i = 0; i < path.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            StrictJson.appendHex(out, path.get(i));
        }
        out.append("],\"sequencer_pubkey\":");
        StrictJson.appendHex(out, g.sequencerPubkey());
        out.append(",\"signature\":");
        StrictJson.appendHex(out, g.signature());
        return out.append('}');
    }

    /**
     * Reads a receipt.
     *
     * @param json the JSON text
     * @return the receipt (not verified)
     * @throws ReceiptFormatException naming the field that is missing, unknown, of the wrong type or out of range
     */
    public static AdmissionReceipt fromJson(String json) {
        Objects.requireNonNull(json, "json");
        return fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a receipt.
     *
     * @param json the JSON, UTF-8
     * @return the receipt (not verified)
     * @throws ReceiptFormatException naming the field that is missing, unknown, of the wrong type or out of range
     */
    public static AdmissionReceipt fromJson(byte[] json) {
        try {
            return read(StrictJson.parse(json));
        } catch (FieldException e) {
            throw new ReceiptFormatException(e.field(), "receipt: " + e.getMessage());
        }
    }

    private static AdmissionReceipt read(JsonNode node) {
        StrictJson.requireObject(node, "", FIELDS, Set.of());
        StrictJson.requireText(node, "", "version", VERSION);
        long chainId = StrictJson.unsigned64(node, "", "chain_id");
        long term = StrictJson.integer(node, "", "term", 0, Long.MAX_VALUE);
        long seq = StrictJson.integer(node, "", "seq", 1, Long.MAX_VALUE);
        byte[] txHash = StrictJson.hex(node, "", "tx_hash", ReceiptTree.HASH_LENGTH);
        JsonNode group = node.get("group");
        StrictJson.requireObject(group, "group", GROUP_FIELDS, Set.of());
        long firstSeq = StrictJson.integer(group, "group", "first_seq", 1, Long.MAX_VALUE);
        int count = (int) StrictJson.integer(group, "group", "count", 1, Integer.MAX_VALUE);
        long acceptedMs = StrictJson.integer(group, "group", "accepted_ms", 0, Long.MAX_VALUE);
        long deadlineMs = StrictJson.integer(group, "group", "deadline_ms", 0, Long.MAX_VALUE);
        byte[] root = StrictJson.hex(group, "group", "root", ReceiptTree.HASH_LENGTH);
        JsonNode pathNode = node.get("path");
        if (!pathNode.isArray()) {
            throw new FieldException("path", "path must be an array of hex strings");
        }
        if (pathNode.size() > MAX_PATH) {
            throw new FieldException("path", "path has " + pathNode.size() + " hashes, at most " + MAX_PATH);
        }
        List<byte[]> path = new ArrayList<>(pathNode.size());
        for (int i = 0; i < pathNode.size(); i++) {
            path.add(StrictJson.hexValue(pathNode.get(i), "path[" + i + "]", ReceiptTree.HASH_LENGTH));
        }
        byte[] pubkey = StrictJson.hex(node, "", "sequencer_pubkey", 32);
        byte[] signature = StrictJson.hex(node, "", "signature", 64);
        ReceiptGroup g = new ReceiptGroup(chainId, term, firstSeq, count, acceptedMs, deadlineMs, root, pubkey,
                signature);
        return new AdmissionReceipt(g, seq, txHash, path);
    }
}
