package org.ippan.l2.core.admission;

import java.util.Optional;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Tx;

/**
 * The pure admission rules a tx must pass before it is stored. In order:
 * <ol>
 *   <li>{@code chain_id} equals this sequencer's chain id, else {@link RefusalCode#CHAIN_ID_MISMATCH};</li>
 *   <li>the payload is at most {@code maxTxSize} bytes, else {@link RefusalCode#TX_TOO_LARGE};</li>
 *   <li>{@code from} is non-empty and at most {@value #MAX_FROM_BYTES} UTF-8 bytes, else
 *       {@link RefusalCode#INVALID_FIELD};</li>
 *   <li>a batch holding only this tx fits the batch byte limit, else {@link RefusalCode#TX_TOO_LARGE}: such a tx
 *       could never be batched, so it is refused now rather than accepted and stuck.</li>
 * </ol>
 * Duplicates are not a refusal: they are recognised by tx hash when stored and answered with the first
 * acceptance's sequence number.
 */
public final class AdmissionRules {
    /** The longest {@code from}, in UTF-8 bytes. */
    public static final int MAX_FROM_BYTES = 256;

    private final long chainId;
    private final int maxTxSize;
    private final long maxBatchBytes;

    /**
     * @param chainId the only chain id accepted
     * @param maxTxSize the largest payload in bytes, at least 0
     * @param batchLimits the batch limits; their byte limit bounds the encoded size of a single tx
     */
    public AdmissionRules(long chainId, int maxTxSize, BatchLimits batchLimits) {
        if (maxTxSize < 0) {
            throw new IllegalArgumentException("maxTxSize must be >= 0, got " + maxTxSize);
        }
        this.chainId = chainId;
        this.maxTxSize = maxTxSize;
        this.maxBatchBytes = batchLimits.maxBytes();
    }

    /** @return the refusal of {@code tx}, or empty if the rules admit it */
    public Optional<Refusal> check(Tx tx) {
        if (tx.chainId() != chainId) {
            return Optional.of(Refusal.of(RefusalCode.CHAIN_ID_MISMATCH, "chain_id " + Long.toUnsignedString(tx.chainId())
                    + " does not match this sequencer's chain_id " + Long.toUnsignedString(chainId)));
        }
        if (tx.payloadSize() > maxTxSize) {
            return Optional.of(Refusal.of(RefusalCode.TX_TOO_LARGE,
                    "payload of " + tx.payloadSize() + " bytes exceeds the maximum tx size of " + maxTxSize + " bytes"));
        }
        int fromBytes = tx.fromUtf8Length();
        if (fromBytes == 0) {
            return Optional.of(Refusal.of(RefusalCode.INVALID_FIELD, "from must not be empty"));
        }
        if (fromBytes > MAX_FROM_BYTES) {
            return Optional.of(Refusal.of(RefusalCode.INVALID_FIELD,
                    "from is " + fromBytes + " UTF-8 bytes, at most " + MAX_FROM_BYTES + " allowed"));
        }
        long aloneInBatch = Batch.OVERHEAD_BYTES + (long) tx.bodySize();
        if (aloneInBatch > maxBatchBytes) {
            return Optional.of(Refusal.of(RefusalCode.TX_TOO_LARGE, "a batch holding only this tx would be "
                    + aloneInBatch + " bytes, over the batch limit of " + maxBatchBytes + " bytes; it could never be batched"));
        }
        return Optional.empty();
    }

    /** @return the accepted chain id */
    public long chainId() {
        return chainId;
    }

    /** @return the largest accepted payload in bytes */
    public int maxTxSize() {
        return maxTxSize;
    }
}
