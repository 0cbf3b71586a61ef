package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code verify-batch N}: fetches batch N's exact L1 request body from the node (the {@code l1_request} of the
 * inclusion proof of its first tx: the node exposes a batch's bytes nowhere else) and re-checks it from the bytes
 * alone ({@link BatchBytes}); then holds the node's own claims about the batch ({@code GET /batch/{hash}}) to those
 * bytes, and the chain link to batch N-1's bytes, fetched and hashed the same way. The node is only a source of
 * bytes: every verdict is recomputed here.
 */
@Command(name = "verify-batch", description = "Re-check batch N's bytes, hashes, signature and chain link from "
        + "the node's answers, independently of the node's claims; exit 1 if any check fails.")
final class VerifyBatchCommand implements Callable<Integer> {
    @ParentCommand
    L2Ctl root;

    @Parameters(index = "0", paramLabel = "N", description = "The batch number (from 1).")
    long number;

    @Option(names = "--key", paramLabel = "HEX", description = "The sequencer's Ed25519 public key (64 hex digits). "
            + "Without it the envelope's own key is used, with a warning.")
    String keyHex;

    @Override
    public Integer call() {
        if (number < 1) {
            throw CliException.usage("the batch number must be >= 1, was " + number);
        }
        byte[] key = Keys.publicKeyOrNull(keyHex);
        NodeClient node = root.node();
        Checks checks = new Checks();

        JsonNode claimed = claimedBatch(node, number);
        byte[] body = requestBody(node, claimed);
        BatchBytes.Decoded decoded = BatchBytes.check(body, key, checks);
        if (decoded != null) {
            compareClaims(claimed, decoded, checks);
            checkLink(node, decoded, key, checks);
        }

        if (root.json()) {
            ObjectNode out = L2Ctl.JSON.createObjectNode().put("batch_number", number)
                    .put("batch_hash", claimed.path("batch_hash").asText()).put("l1_request_bytes", body.length);
            root.printJson(checks.writeTo(out));
        } else {
            root.out().println("batch " + number + " " + claimed.path("batch_hash").asText() + " (" + body.length
                    + " bytes of L1 request)");
            checks.print(root.out());
            root.out().println(checks.allPassed() ? "VALID" : "INVALID: " + checks.failed().size()
                    + " check(s) failed: " + String.join(", ", checks.failed().stream().map(Checks.Check::name)
                    .toList()));
        }
        return checks.allPassed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    /** {@code GET /batch/{hash}} of the batch the listing names number {@code n}. */
    static JsonNode claimedBatch(NodeClient node, long n) {
        JsonNode listing = node.get("/batches?from=" + n + "&limit=1").path("batches");
        if (!listing.isArray() || listing.isEmpty() || listing.get(0).path("batch_number").asLong() != n) {
            throw new CliException(ExitCode.REFUSED, "the node has no batch " + n
                    + " (not cut yet, or forgotten by its retention, L2_FORGET_CONFIRMED)");
        }
        String hash = Keys.hashHex(listing.get(0).path("batch_hash").asText(""), "the listed batch_hash");
        return node.get("/batch/" + hash);
    }

    /** The exact L1 request body of the batch {@code claimed}, from the inclusion proof of its first tx. */
    static byte[] requestBody(NodeClient node, JsonNode claimed) {
        if (claimed.path("pruned").asBoolean(false)) {
            throw new CliException(ExitCode.REFUSED, "batch " + claimed.path("batch_number").asLong() + " was pruned "
                    + "by the node's retention (L2_RETAIN_CONFIRMED): its L1 request bytes are gone from the node");
        }
        JsonNode txHashes = claimed.path("tx_hashes");
        if (!txHashes.isArray() || txHashes.isEmpty()) {
            throw CliException.unavailable("GET /batch/" + claimed.path("batch_hash").asText()
                    + " lists no tx_hashes, so its bytes cannot be fetched");
        }
        String txHash = Keys.hashHex(txHashes.get(0).asText(""), "the batch's first tx hash");
        JsonNode proof = node.get("/tx/" + txHash + "/proof");
        String encoded = proof.path("l1_request").asText("");
        try {
            return Base64.getUrlDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw CliException.unavailable("the proof of tx " + txHash + " carries an l1_request that is not "
                    + "base64url: " + e.getMessage());
        }
    }

    /** The node's answers about the batch must be what its bytes say. */
    private void compareClaims(JsonNode claimed, BatchBytes.Decoded decoded, Checks checks) {
        HexFormat hex = HexFormat.of();
        checks.check("batch.number", decoded.batch().batchNumber() == number,
                "the bytes are of batch " + decoded.batch().batchNumber() + ", asked for " + number);
        checks.check("node.batch_hash", decoded.batch().hash().toHex().equals(claimed.path("batch_hash").asText()),
                "node says " + claimed.path("batch_hash").asText());
        checks.check("node.prev_batch_hash", decoded.payload().prevBatchHash().toHex()
                .equals(claimed.path("prev_batch_hash").asText()), "node says "
                + claimed.path("prev_batch_hash").asText() + ", signed " + decoded.payload().prevBatchHash());
        checks.check("node.tx_root", decoded.batch().txRoot().toHex().equals(claimed.path("tx_root").asText()),
                "node says " + claimed.path("tx_root").asText());
        checks.check("node.fields", claimed.path("chain_id").asText()
                        .equals(Long.toUnsignedString(decoded.batch().chainId()))
                        && claimed.path("created_ms").asLong() == decoded.batch().createdMs()
                        && claimed.path("tx_count").asLong() == decoded.batch().txCount()
                        && claimed.path("tx_bytes").asLong() == decoded.batch().txBytes(),
                "chain_id, created_ms, tx_count, tx_bytes as the node says");
        List<String> txHashes = new ArrayList<>();
        for (Tx tx : decoded.batch().txs()) {
            txHashes.add(tx.hash().toHex());
        }
        List<String> claimedHashes = new ArrayList<>();
        claimed.path("tx_hashes").forEach(h -> claimedHashes.add(h.asText()));
        checks.check("node.tx_hashes", txHashes.equals(claimedHashes),
                txHashes.size() + " tx hashes recomputed, node lists " + claimedHashes.size());
        JsonNode envelope = claimed.path("envelope");
        checks.check("node.envelope", decoded.envelope().envelopeHash().toHex()
                        .equals(envelope.path("envelope_hash").asText())
                        && hex.formatHex(decoded.envelope().sequencerPubkey())
                        .equals(envelope.path("sequencer_pubkey").asText())
                        && hex.formatHex(decoded.envelope().sequencerSig())
                        .equals(envelope.path("sequencer_sig").asText()),
                "envelope_hash, sequencer_pubkey, sequencer_sig as the node says");
        checks.check("node.idempotency_key", decoded.request().idempotencyKeyBase64Url()
                        .equals(claimed.path("l1").path("idempotency_key").asText()),
                "node says " + claimed.path("l1").path("idempotency_key").asText());
    }

    /** The signed prev_batch_hash is batch N-1's hash, recomputed from N-1's own bytes (zero for batch 1). */
    private void checkLink(NodeClient node, BatchBytes.Decoded decoded, byte[] key, Checks checks) {
        Hash signedPrev = decoded.payload().prevBatchHash();
        if (number == 1) {
            checks.check("chain.link", signedPrev.isZero(), "batch 1 signs prev_batch_hash " + signedPrev
                    + " (must be 32 zero bytes)");
            return;
        }
        JsonNode previous = claimedBatch(node, number - 1);
        Checks previousChecks = new Checks();
        BatchBytes.Decoded prev = BatchBytes.check(requestBody(node, previous), key, previousChecks);
        if (prev == null || !previousChecks.allPassed()) {
            checks.fail("chain.previous", "batch " + (number - 1) + "'s own bytes fail: " + String.join(", ",
                    previousChecks.failed().stream().map(c -> c.name() + " (" + c.detail() + ")").toList()));
        } else {
            checks.pass("chain.previous", "batch " + (number - 1) + "'s bytes verify ("
                    + previousChecks.all().size() + " checks)");
        }
        if (prev == null) {
            checks.fail("chain.link", "batch " + (number - 1) + "'s bytes do not decode, its hash is unknown");
            return;
        }
        checks.check("chain.link", prev.batch().batchNumber() == number - 1 && prev.batch().hash().equals(signedPrev),
                "signed prev_batch_hash " + signedPrev + ", batch " + prev.batch().batchNumber() + " hashes to "
                        + prev.batch().hash());
    }
}
