package org.ippan.l2.core.batch;

/** What the {@link BatchCutter} answers: cut a batch of the first {@code txCount} candidates, or wait. */
public sealed interface CutDecision permits CutDecision.Cut, CutDecision.Wait {

    /**
     * Cut a batch now.
     *
     * @param txCount how many of the ordered candidates go in, at least 1
     * @param batchBytes the exact encoded size of that batch
     * @param reason why now
     */
    record Cut(int txCount, long batchBytes, CutReason reason) implements CutDecision {
        /** Validates the fields. */
        public Cut {
            if (txCount < 1) {
                throw new IllegalArgumentException("a cut holds at least one tx, got " + txCount);
            }
        }
    }

    /**
     * Nothing to cut yet.
     *
     * @param deadlineMs when the oldest pending tx reaches its maximum wait (ask again then), or
     *     {@link #NO_DEADLINE} when nothing is pending
     */
    record Wait(long deadlineMs) implements CutDecision {
        /** The deadline of an empty pool: nothing will come due without new txs. */
        public static final long NO_DEADLINE = Long.MAX_VALUE;

        /** @return true if something will come due at {@link #deadlineMs()} */
        public boolean hasDeadline() {
            return deadlineMs != NO_DEADLINE;
        }
    }
}
