package org.ippan.l2.core.admission;

import java.util.Objects;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.wire.Hash;

/** The answer to a submitted tx: accepted with its admission sequence number, or refused with a typed reason. */
public sealed interface SubmitResult permits SubmitResult.Accepted, SubmitResult.Refused {

    /**
     * The tx is durably stored and will be batched exactly once.
     *
     * @param txHash its {@code tx_hash}
     * @param seq its admission sequence number
     * @param duplicate true if the same tx had already been accepted: nothing new was stored and {@code seq} is
     *     the first acceptance's
     * @param receipt the sequencer's signed admission receipt (receipts v1), or null: for a duplicate (the first
     *     acceptance's receipt is kept: {@code Sequencer.receipt}), or when the node issues none (no signing key,
     *     or an inclusion deadline of 0)
     */
    record Accepted(Hash txHash, long seq, boolean duplicate, AdmissionReceipt receipt) implements SubmitResult {
        /** Validates the fields. */
        public Accepted {
            Objects.requireNonNull(txHash, "txHash");
            if (seq < 1) {
                throw new IllegalArgumentException("seq must be >= 1, got " + seq);
            }
            if (receipt != null && receipt.seq() != seq) {
                throw new IllegalArgumentException("receipt is for seq " + receipt.seq() + ", not " + seq);
            }
        }

        /**
         * An acceptance without a receipt.
         *
         * @param txHash its {@code tx_hash}
         * @param seq its admission sequence number
         * @param duplicate true if the same tx had already been accepted
         */
        public Accepted(Hash txHash, long seq, boolean duplicate) {
            this(txHash, seq, duplicate, null);
        }
    }

    /**
     * The tx was not accepted; nothing of it was stored.
     *
     * @param refusal the stable code, the message and any retry hint
     */
    record Refused(Refusal refusal) implements SubmitResult {
        /** Validates the fields. */
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
        }

        /** @return a refusal result with {@code code} and {@code message} and no retry hint */
        public static Refused of(RefusalCode code, String message) {
            return new Refused(Refusal.of(code, message));
        }
    }
}
