package org.ippan.l2.l1;

import java.util.Locale;
import java.util.Objects;

/**
 * The answer of the L1 to a submit that reached it: accepted (new or already known) or permanently rejected.
 * Failures of the call itself are not results; they complete the future exceptionally (see {@link L1Poster}).
 */
public sealed interface SubmitResult {

    /**
     * Whether an L1 {@code error_code} means that the batch is already there (wire-format-v1 §6: the code contains
     * "already" or "duplicate", in any case). Such an answer is a success: {@link Accepted} with
     * {@code alreadyKnown = true}.
     *
     * @param errorCode the error code the L1 sent; may be null
     * @return whether it means "already known"
     */
    static boolean isAlreadyKnownCode(String errorCode) {
        if (errorCode == null) {
            return false;
        }
        String lower = errorCode.toLowerCase(Locale.ROOT);
        return lower.contains("already") || lower.contains("duplicate");
    }

    /**
     * The L1 has the batch: it accepted it now, or already had it ({@code already_known}, or an "already" /
     * "duplicate" error code).
     *
     * @param l1TxId the L1 transaction id when the L1 sent one, else null; never empty
     * @param alreadyKnown whether the L1 already had this idempotency key (nothing was added by this call)
     */
    record Accepted(String l1TxId, boolean alreadyKnown) implements SubmitResult {

        /**
         * Validates the components.
         *
         * @throws IllegalArgumentException if {@code l1TxId} is empty
         */
        public Accepted {
            if (l1TxId != null && l1TxId.isEmpty()) {
                throw new IllegalArgumentException("l1TxId must be null or not empty");
            }
        }
    }

    /**
     * The L1 refuses this batch permanently: posting it again will be refused again.
     *
     * @param errorCode the L1's error code; not blank (an adapter supplies a code of its own when the L1 sent none)
     * @param message the L1's message; never null, may be empty
     */
    record Rejected(String errorCode, String message) implements SubmitResult {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a component is null (the message names it)
         * @throws IllegalArgumentException if {@code errorCode} is blank
         */
        public Rejected {
            Objects.requireNonNull(errorCode, "errorCode");
            if (errorCode.isBlank()) {
                throw new IllegalArgumentException("errorCode must not be blank");
            }
            Objects.requireNonNull(message, "message");
        }
    }
}
