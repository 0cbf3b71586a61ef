package org.ippan.l2.core.batch;

/**
 * A pending tx that alone exceeds the batch byte limit. Admission refuses such txs, so this happens only when the
 * limit was lowered after the tx was accepted. The tx is not dropped: the operator must raise the limit back.
 */
public final class UnbatchableTxException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final long seq;

    /**
     * @param seq the tx's admission sequence number
     * @param batchBytes the encoded size of a batch holding only that tx
     * @param maxBytes the current byte limit
     */
    public UnbatchableTxException(long seq, long batchBytes, long maxBytes) {
        super("pending tx #" + seq + " needs a batch of " + batchBytes + " bytes, over the batch limit of " + maxBytes
                + " bytes (was the limit lowered after it was accepted?); raise maxBytes to at least " + batchBytes);
        this.seq = seq;
    }

    /** @return the admission sequence number of the tx that does not fit */
    public long seq() {
        return seq;
    }
}
