package org.ippan.l2.l1;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One batch as posted to L1: its idempotency key, its number, its hash and the exact request body.
 *
 * <p>The arrays are held by reference, not copied (hot path): the creator hands them over and nobody mutates them
 * afterwards. Equality and hash code follow the array contents; {@link #toString()} shows the body by length only.
 *
 * @param idempotencyKey the 32-byte idempotency key (wire-format-v1 §5); the same for every re-post of the batch
 * @param sequence the batch number, at least 1
 * @param batchId the batch hash as 64 lowercase hex characters
 * @param body the exact {@code L2BatchEnvelopeV1} canonical JSON bytes to post; not empty
 */
public record L1Submission(byte[] idempotencyKey, long sequence, String batchId, byte[] body) {

    /** Length in bytes of an idempotency key. */
    public static final int IDEMPOTENCY_KEY_LENGTH = 32;

    /** Length in characters of a batch id (hex of a 32-byte hash). */
    public static final int BATCH_ID_LENGTH = 64;

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null (the message names it)
     * @throws IllegalArgumentException if a component is malformed (the message names it)
     */
    public L1Submission {
        checkIdempotencyKey(idempotencyKey);
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1, was " + sequence);
        }
        Objects.requireNonNull(batchId, "batchId");
        if (batchId.length() != BATCH_ID_LENGTH || !isLowercaseHex(batchId)) {
            throw new IllegalArgumentException("batchId must be " + BATCH_ID_LENGTH + " lowercase hex characters, was \""
                    + batchId + "\"");
        }
        Objects.requireNonNull(body, "body");
        if (body.length == 0) {
            throw new IllegalArgumentException("body must not be empty");
        }
    }

    /**
     * Checks that {@code idempotencyKey} is a well-formed key; for implementations of {@link L1Poster} and
     * other callers that take a bare key.
     *
     * @param idempotencyKey the key to check
     * @return the same key
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is not {@value #IDEMPOTENCY_KEY_LENGTH} bytes long
     */
    public static byte[] checkIdempotencyKey(byte[] idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        if (idempotencyKey.length != IDEMPOTENCY_KEY_LENGTH) {
            throw new IllegalArgumentException("idempotencyKey must be " + IDEMPOTENCY_KEY_LENGTH + " bytes, was "
                    + idempotencyKey.length);
        }
        return idempotencyKey;
    }

    private static boolean isLowercaseHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Content equality: the same key, sequence, batch id and body bytes.
     *
     * @param other the object to compare with
     * @return whether {@code other} is an equal submission
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof L1Submission that
                && sequence == that.sequence
                && batchId.equals(that.batchId)
                && Arrays.equals(idempotencyKey, that.idempotencyKey)
                && Arrays.equals(body, that.body);
    }

    /**
     * Hash code of the content.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        int hash = Arrays.hashCode(idempotencyKey);
        hash = 31 * hash + Long.hashCode(sequence);
        hash = 31 * hash + batchId.hashCode();
        return 31 * hash + Arrays.hashCode(body);
    }

    /**
     * A short description: the key as base64url (as in the §6 inclusion path), the sequence, the batch id and the
     * body length.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return "L1Submission[idempotencyKey=" + Base64.getUrlEncoder().withoutPadding().encodeToString(idempotencyKey)
                + ", sequence=" + sequence + ", batchId=" + batchId + ", body=<" + body.length + " bytes>]";
    }
}
