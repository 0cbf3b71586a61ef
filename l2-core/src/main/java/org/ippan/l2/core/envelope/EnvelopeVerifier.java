package org.ippan.l2.core.envelope;

import java.util.Arrays;
import org.ippan.l2.core.envelope.VerificationResult.Status;
import org.ippan.l2.core.internal.Ed25519Verification;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.WireFormatException;

/**
 * Verifies batch envelopes, for auditors and followers. It never throws on hostile input: every problem is a
 * {@link VerificationResult}.
 *
 * <p>The checks of wire format v1 §4, in order: a signed envelope's public key is 32 bytes and its signature 64
 * ({@link Status#MALFORMED}); {@code envelope_hash} equals the hash recomputed from the payload
 * ({@link Status#HASH_MISMATCH}); an envelope without key and signature is {@link Status#UNSIGNED}; the Ed25519
 * signature verifies ({@link Status#BAD_SIGNATURE}). Two optional checks go further:
 * {@link #expectingPublicKey} requires a given signer, and {@link #checkingBatchContents} decodes the payload as a
 * {@code Batch} and requires {@code batch_hash}, {@code tx_root}, {@code tx_count}, {@code tx_bytes},
 * {@code l2_chain_id} and {@code created_at_ms} to match it.
 *
 * <p>Immutable and thread-safe.
 */
public final class EnvelopeVerifier {
    private static final EnvelopeVerifier STANDARD = new EnvelopeVerifier(null, false);

    private final byte[] expectedPublicKey;
    private final boolean checkBatchContents;

    private EnvelopeVerifier(byte[] expectedPublicKey, boolean checkBatchContents) {
        this.expectedPublicKey = expectedPublicKey;
        this.checkBatchContents = checkBatchContents;
    }

    /** @return a verifier with the checks of the format only */
    public static EnvelopeVerifier standard() {
        return STANDARD;
    }

    /**
     * @param publicKey the 32-byte key that must have signed (copied)
     * @return a verifier that also answers {@link Status#BAD_SIGNATURE} for an envelope signed by another key
     */
    public EnvelopeVerifier expectingPublicKey(byte[] publicKey) {
        if (publicKey.length != EnvelopeSigner.PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("publicKey must be 32 bytes, got " + publicKey.length);
        }
        return new EnvelopeVerifier(publicKey.clone(), checkBatchContents);
    }

    /** @return a verifier that also checks the payload is the batch the header describes */
    public EnvelopeVerifier checkingBatchContents() {
        return new EnvelopeVerifier(expectedPublicKey, true);
    }

    /** Decodes and verifies {@code canonical(BatchEnvelope)}; undecodable bytes are {@link Status#MALFORMED}. */
    public VerificationResult verify(byte[] canonicalEnvelope) {
        if (canonicalEnvelope == null) {
            return result(Status.MALFORMED, "no envelope bytes");
        }
        BatchEnvelope envelope;
        try {
            envelope = BatchEnvelope.decode(canonicalEnvelope);
        } catch (WireFormatException e) {
            return result(Status.MALFORMED, "not a v1 batch envelope: " + e.getMessage());
        }
        return verify(envelope);
    }

    /** Verifies {@code envelope}. */
    public VerificationResult verify(BatchEnvelope envelope) {
        if (envelope == null) {
            return result(Status.MALFORMED, "no envelope");
        }
        try {
            return check(envelope);
        } catch (RuntimeException unexpected) {
            // defensive: hostile input must never escape as an exception
            return result(Status.MALFORMED, "envelope could not be checked: " + unexpected);
        }
    }

    private VerificationResult check(BatchEnvelope envelope) {
        byte[] pubkey = envelope.rawPubkey();
        byte[] sig = envelope.rawSig();
        boolean signed = pubkey.length > 0 || sig.length > 0;
        if (signed && pubkey.length != EnvelopeSigner.PUBLIC_KEY_LENGTH) {
            return result(Status.MALFORMED, "sequencer_pubkey is " + pubkey.length + " bytes, expected 32");
        }
        if (signed && sig.length != EnvelopeSigner.SIGNATURE_LENGTH) {
            return result(Status.MALFORMED, "sequencer_sig is " + sig.length + " bytes, expected 64");
        }
        BatchPayload payload = envelope.payload();
        Hash recomputed = payload.envelopeHash();
        if (!recomputed.equals(envelope.envelopeHash())) {
            return result(Status.HASH_MISMATCH, "envelope_hash " + envelope.envelopeHash()
                    + " does not match the payload, which hashes to " + recomputed);
        }
        if (checkBatchContents) {
            VerificationResult contents = checkContents(payload);
            if (contents != null) {
                return contents;
            }
        }
        if (!signed) {
            return result(Status.UNSIGNED, "envelope_hash matches; the envelope is not signed");
        }
        byte[] message = payload.signedMessage();
        if (!Ed25519Verification.verify(pubkey, sig, message, 0, message.length)) {
            return result(Status.BAD_SIGNATURE, "the signature does not verify for public key " + Hex.encode(pubkey));
        }
        if (expectedPublicKey != null && !Arrays.equals(expectedPublicKey, pubkey)) {
            return result(Status.BAD_SIGNATURE, "signed by " + Hex.encode(pubkey) + ", expected "
                    + Hex.encode(expectedPublicKey));
        }
        return result(Status.VALID, "envelope_hash matches and the signature of " + Hex.encode(pubkey)
                + " verifies");
    }

    private static VerificationResult checkContents(BatchPayload payload) {
        byte[] bytes = payload.payload();
        Batch batch;
        try {
            batch = Batch.decode(bytes);
        } catch (WireFormatException e) {
            return result(Status.MALFORMED, "payload is not a v1 batch: " + e.getMessage());
        }
        if (!batch.hash().equals(payload.batchHash())) {
            return result(Status.HASH_MISMATCH, "batch_hash " + payload.batchHash()
                    + " does not match the payload batch, which hashes to " + batch.hash());
        }
        if (!batch.txRoot().equals(payload.txRoot())) {
            return result(Status.HASH_MISMATCH, "tx_root " + payload.txRoot()
                    + " does not match the payload batch's " + batch.txRoot());
        }
        if (batch.txCount() != payload.txCount()) {
            return result(Status.MALFORMED, "tx_count " + payload.txCount() + " but the batch holds "
                    + batch.txCount() + " txs");
        }
        if (batch.txBytes() != payload.txBytes()) {
            return result(Status.MALFORMED, "tx_bytes " + payload.txBytes() + " but the batch's payloads sum to "
                    + batch.txBytes());
        }
        if (batch.chainId() != payload.l2ChainId()) {
            return result(Status.MALFORMED, "l2_chain_id " + Long.toUnsignedString(payload.l2ChainId())
                    + " but the batch is of chain " + Long.toUnsignedString(batch.chainId()));
        }
        if (batch.createdMs() != payload.createdAtMs()) {
            return result(Status.MALFORMED, "created_at_ms " + payload.createdAtMs() + " but the batch says "
                    + batch.createdMs());
        }
        return null;
    }

    private static VerificationResult result(Status status, String detail) {
        return new VerificationResult(status, detail);
    }
}
