package org.ippan.l2.cli;

import java.util.Arrays;
import java.util.HexFormat;
import org.ippan.l2.core.contract.HubPayloadEnvelopeV1;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.envelope.EnvelopeVerifier;
import org.ippan.l2.core.envelope.VerificationResult;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;

/**
 * Re-checks the exact L1 request body of one batch from its bytes alone (wire format v1 §3-5): the request is
 * canonical and its idempotency key derives from it, the envelope decodes, its hash and signature hold (for the
 * expected key when one is given), the signed batch decodes and hashes to the signed batch hash and tx root, and
 * the request's contract fields agree with it. Nothing the node says about the batch is used.
 */
final class BatchBytes {
    /** What the bytes hold, once every decoding step succeeded. */
    record Decoded(L2BatchEnvelopeV1 request, BatchEnvelope envelope, Batch batch) {
        BatchPayload payload() {
            return envelope.payload();
        }
    }

    private BatchBytes() {
    }

    /**
     * Runs every check on {@code body}, recording them in {@code checks}.
     *
     * @param body        the L1 request body
     * @param expectedKey the sequencer key that must have signed, or null to take the envelope's own (warned)
     * @param checks      where the checks go
     * @return what the bytes hold, or null if they did not decode far enough to check the rest
     */
    static Decoded check(byte[] body, byte[] expectedKey, Checks checks) {
        L2BatchEnvelopeV1 request;
        try {
            request = L2BatchEnvelopeV1.fromJson(body);
            checks.pass("l1_request.parse", body.length + " bytes parse as a v1 L2BatchEnvelopeV1");
        } catch (RuntimeException e) {
            checks.fail("l1_request.parse", "not a v1 L2BatchEnvelopeV1: " + e.getMessage());
            return null;
        }
        checks.check("l1_request.canonical", Arrays.equals(request.canonicalJson(), body),
                "the body is byte for byte the canonical JSON of what it holds");
        checks.check("l1_request.idempotency_key", request.keyMatches(),
                "idempotency_key " + request.idempotencyKeyBase64Url() + " derives from the request's fields");
        HubPayloadEnvelopeV1 hubPayload = request.payload();
        checks.check("hub_payload.schema", HubPayloadEnvelopeV1.BATCH_SCHEMA.equals(hubPayload.schemaVersion())
                        && HubPayloadEnvelopeV1.BATCH_CONTENT_TYPE.equals(hubPayload.contentType()),
                "schema_version " + hubPayload.schemaVersion() + ", content_type " + hubPayload.contentType());
        BatchEnvelope envelope;
        try {
            envelope = BatchEnvelope.decode(hubPayload.payload());
            checks.pass("envelope.decode", hubPayload.payload().length + " bytes decode as a v1 batch envelope");
        } catch (RuntimeException e) {
            checks.fail("envelope.decode", "not a v1 batch envelope: " + e.getMessage());
            return null;
        }
        BatchPayload payload = envelope.payload();
        Hash recomputed = payload.envelopeHash();
        checks.check("envelope.hash", recomputed.equals(envelope.envelopeHash()),
                "envelope_hash " + envelope.envelopeHash() + ", payload hashes to " + recomputed);
        byte[] key = expectedKey;
        if (key == null) {
            checks.warn("no --key given: the signature is checked against the envelope's own key "
                    + HexFormat.of().formatHex(envelope.sequencerPubkey()) + ", which proves only that its holder "
                    + "signed; pass the sequencer's key to know it was the sequencer");
            key = envelope.sequencerPubkey();
        } else {
            checks.check("envelope.key", Arrays.equals(key, envelope.sequencerPubkey()),
                    "signed by " + HexFormat.of().formatHex(envelope.sequencerPubkey()) + ", expected "
                            + HexFormat.of().formatHex(key));
        }
        VerificationResult signature = key.length == 32
                ? EnvelopeVerifier.standard().expectingPublicKey(key).verify(envelope)
                : new VerificationResult(VerificationResult.Status.MALFORMED, "the key is " + key.length
                        + " bytes, expected 32");
        checks.check("envelope.signature", signature.isValid(),
                signature.isValid() ? "Ed25519 signature verifies" : signature.status() + ": " + signature.detail());
        Batch batch;
        try {
            batch = Batch.decode(payload.payload());
            checks.pass("batch.decode", payload.payload().length + " bytes decode as a v1 batch of "
                    + batch.txCount() + " txs");
        } catch (RuntimeException e) {
            checks.fail("batch.decode", "the signed payload is not a v1 batch: " + e.getMessage());
            return null;
        }
        checks.check("batch.hash", batch.hash().equals(payload.batchHash()),
                "BLAKE3(canonical(Batch)) = " + batch.hash() + ", signed batch_hash " + payload.batchHash());
        checks.check("batch.tx_root", batch.txRoot().equals(payload.txRoot()),
                "recomputed " + batch.txRoot() + ", signed tx_root " + payload.txRoot());
        checks.check("batch.fields", batch.chainId() == payload.l2ChainId()
                        && batch.createdMs() == payload.createdAtMs() && batch.txCount() == payload.txCount()
                        && batch.txBytes() == payload.txBytes(),
                "signed chain " + Long.toUnsignedString(payload.l2ChainId()) + ", created_at_ms "
                        + payload.createdAtMs() + ", tx_count " + payload.txCount() + ", tx_bytes "
                        + payload.txBytes() + " agree with the batch");
        checks.check("contract.batch_id", request.batchId().equals(batch.hash().toHex()),
                "batch_id " + request.batchId());
        checks.check("contract.sequence", request.sequence() == batch.batchNumber(),
                "sequence " + request.sequence() + ", batch number " + batch.batchNumber());
        checks.check("contract.tx_count", request.txCount() == batch.txCount(),
                "tx_count " + request.txCount() + ", batch holds " + batch.txCount());
        checks.check("contract.commitment", request.commitment() == null
                        || request.commitment().equals(batch.txRoot().toHex()),
                "commitment " + request.commitment());
        return new Decoded(request, envelope, batch);
    }
}
