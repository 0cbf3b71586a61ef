package org.ippan.l2.core.receipt;

import java.util.Objects;

/**
 * What {@link AdmissionReceipt#verify} found: valid, or the first check that failed and what it saw.
 *
 * @param status the outcome
 * @param detail what was found, for people; empty when valid
 */
public record ReceiptVerification(Status status, String detail) {

    /** The outcome of a check, in the order the checks run. */
    public enum Status {
        /** Every check passed. */
        VALID,
        /** Signed by another key than the one expected. */
        WRONG_KEY,
        /** The receipt's sequence number is not one of its group's. */
        SEQ_OUTSIDE_GROUP,
        /** The group's deadline is before its acceptance time. */
        DEADLINE_BEFORE_ACCEPTANCE,
        /** The path does not lead from the tx's leaf to the group's signed root. */
        BAD_PATH,
        /** The signature does not verify. */
        BAD_SIGNATURE
    }

    /** The answer when every check passed. */
    public static final ReceiptVerification VALID = new ReceiptVerification(Status.VALID, "");

    /**
     * @throws NullPointerException if a component is null
     */
    public ReceiptVerification {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    static ReceiptVerification fail(Status status, String detail) {
        return new ReceiptVerification(status, detail);
    }

    /** @return true if every check passed */
    public boolean isValid() {
        return status == Status.VALID;
    }
}
