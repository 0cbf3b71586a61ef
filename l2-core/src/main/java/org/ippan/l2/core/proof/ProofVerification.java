package org.ippan.l2.core.proof;

import java.util.Objects;

/**
 * What {@link InclusionProof#verify} found: valid, or the first check that failed and what it saw.
 *
 * @param status the outcome
 * @param detail what was found, for people; empty when valid
 */
public record ProofVerification(Status status, String detail) {

    /** The outcome, the failures in the order the checks run ({@code docs/spec/inclusion-proof-v1.md} §5). */
    public enum Status {
        /** Every check passed. */
        VALID,
        /**
         * {@code l1_request} is not the canonical JSON of a v1 L1 batch envelope whose hub payload is a batch
         * envelope (including: its own idempotency key does not match the v1 derivation from its fields).
         */
        L1_REQUEST_MALFORMED,
        /** The hub payload's bytes are not a v1 batch envelope, or its key or signature has the wrong length. */
        ENVELOPE_MALFORMED,
        /** The envelope's {@code envelope_hash} is not the hash of its payload. */
        ENVELOPE_HASH_MISMATCH,
        /** The envelope carries no key and no signature. */
        UNSIGNED,
        /** The envelope is signed by another key than the one expected. */
        WRONG_KEY,
        /** The signature does not verify. */
        BAD_SIGNATURE,
        /** The signed payload is not a v1 batch, or its header disagrees with the batch it carries. */
        BATCH_MALFORMED,
        /** The batch's hash is not the signed {@code batch_hash}, or not the proof's {@code batch_hash}. */
        BATCH_HASH_MISMATCH,
        /** The signed {@code tx_root} is not the flat BLAKE3 over the batch's tx hashes. */
        TX_ROOT_MISMATCH,
        /** The L1 request's {@code batch_id}, {@code sequence}, {@code tx_count} or {@code commitment} is not the batch's. */
        CONTRACT_MISMATCH,
        /** The proof's {@code chain_id} is not the batch's. */
        CHAIN_MISMATCH,
        /** The proof's {@code batch_number} is not the batch's. */
        BATCH_NUMBER_MISMATCH,
        /** There is no tx at {@code tx_index}, or its hash is not {@code tx_hash}. */
        TX_NOT_AT_INDEX,
        /** The signed {@code prev_batch_hash} is not the proof's, or the predecessor does not fit it. */
        PREDECESSOR_MISMATCH,
        /** The proof's {@code idempotency_key} is not the one derived from the L1 request. */
        IDEMPOTENCY_KEY_MISMATCH,
        /** The {@code l1} object is not well formed for its status. */
        L1_STATE_MALFORMED
    }

    /** The answer when every check passed. */
    public static final ProofVerification VALID = new ProofVerification(Status.VALID, "");

    /**
     * @throws NullPointerException if a component is null
     */
    public ProofVerification {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    static ProofVerification fail(Status status, String detail) {
        return new ProofVerification(status, detail);
    }

    /** @return true if every check passed */
    public boolean isValid() {
        return status == Status.VALID;
    }
}
