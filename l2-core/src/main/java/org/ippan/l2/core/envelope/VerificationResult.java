package org.ippan.l2.core.envelope;

import java.util.Objects;

/**
 * The verdict on a batch envelope, with a human-readable detail naming what failed.
 *
 * @param status the verdict
 * @param detail what was checked or what failed, for a human
 */
public record VerificationResult(Status status, String detail) {
    /** The verdicts, from best to worst. */
    public enum Status {
        /** The hash matches and the signature verifies (and, if asked, it is the expected key). */
        VALID,
        /** The hash matches but the envelope carries no public key and no signature. */
        UNSIGNED,
        /** The signature does not verify against the payload and public key (or another key signed it). */
        BAD_SIGNATURE,
        /** {@code envelope_hash} (or, with batch checks, {@code batch_hash}/{@code tx_root}) does not match. */
        HASH_MISMATCH,
        /** The bytes are not an envelope, or a key or signature has the wrong length. */
        MALFORMED
    }

    /** Validates the fields. */
    public VerificationResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    /** @return true only for {@link Status#VALID} */
    public boolean isValid() {
        return status == Status.VALID;
    }
}
