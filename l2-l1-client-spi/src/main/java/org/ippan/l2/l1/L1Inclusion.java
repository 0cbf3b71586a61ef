package org.ippan.l2.l1;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where and how firmly a batch sits on L1 (wire-format-v1 §6, get inclusion / get finality).
 *
 * <p>The proof array is held by reference, not copied: the creator hands it over and nobody mutates it
 * afterwards. Equality and hash code follow its content; {@link #toString()} shows it by length only.
 *
 * @param l1TxId the L1 transaction id; not empty
 * @param height the height of the L1 block that includes the batch, at least 0
 * @param finalized whether that block was final when the L1 answered
 * @param proof the inclusion proof as the L1 sent it (decoded from base64url); may be empty, never null
 */
public record L1Inclusion(String l1TxId, long height, boolean finalized, byte[] proof) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null (the message names it)
     * @throws IllegalArgumentException if a component is malformed (the message names it)
     */
    public L1Inclusion {
        Objects.requireNonNull(l1TxId, "l1TxId");
        if (l1TxId.isEmpty()) {
            throw new IllegalArgumentException("l1TxId must not be empty");
        }
        if (height < 0) {
            throw new IllegalArgumentException("height must be >= 0, was " + height);
        }
        Objects.requireNonNull(proof, "proof");
    }

    /**
     * Content equality, including the proof bytes.
     *
     * @param other the object to compare with
     * @return whether {@code other} is an equal inclusion
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof L1Inclusion that
                && height == that.height
                && finalized == that.finalized
                && l1TxId.equals(that.l1TxId)
                && Arrays.equals(proof, that.proof);
    }

    /**
     * Hash code of the content.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        int hash = l1TxId.hashCode();
        hash = 31 * hash + Long.hashCode(height);
        hash = 31 * hash + Boolean.hashCode(finalized);
        return 31 * hash + Arrays.hashCode(proof);
    }

    /**
     * A short description with the proof shown by length.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return "L1Inclusion[l1TxId=" + l1TxId + ", height=" + height + ", finalized=" + finalized
                + ", proof=<" + proof.length + " bytes>]";
    }
}
