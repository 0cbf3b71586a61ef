package org.ippan.l2.core.admission;

/**
 * Why a tx was not accepted. The names are stable: they are the {@code code} field of the node's HTTP API and
 * the {@code code} label of the {@code l2_tx_rejected_total} metric.
 */
public enum RefusalCode {
    /** The request body is not a tx (set by the HTTP layer). */
    INVALID_JSON(false),
    /** The request body is over the size limit (set by the HTTP layer). */
    BODY_TOO_LARGE(false),
    /**
     * A binary bulk body ({@code POST /txs}, {@code application/octet-stream}) whose framing is broken: header,
     * count or a length prefix (set by the HTTP layer; the request is refused whole).
     */
    INVALID_FRAME(false),
    /** A tx's bytes in a binary bulk body are not one canonical v1 tx encoding (set by the HTTP layer). */
    INVALID_ENCODING(false),
    /** {@code chain_id} is not this sequencer's chain. */
    CHAIN_ID_MISMATCH(false),
    /** The payload is not even-length hex (set by the HTTP layer). */
    INVALID_PAYLOAD(false),
    /** The payload is over the maximum tx size, or the encoded tx alone is over the batch byte limit. */
    TX_TOO_LARGE(false),
    /** {@code from} is empty or over 256 UTF-8 bytes, or {@code nonce} is not a non-negative integer. */
    INVALID_FIELD(false),
    /** This node does not lead: it is a follower, or a leader fenced by a newer term. */
    NOT_LEADER(true),
    /** The admission cap of pending txs is reached; retry after the hint. */
    QUEUE_FULL(true),
    /** Storage is failing; nothing was accepted. */
    UNAVAILABLE(true);

    private final boolean retriable;

    RefusalCode(boolean retriable) {
        this.retriable = retriable;
    }

    /** @return true if the same tx may be accepted later (elsewhere or after a while); false if it never will */
    public boolean retriable() {
        return retriable;
    }
}
