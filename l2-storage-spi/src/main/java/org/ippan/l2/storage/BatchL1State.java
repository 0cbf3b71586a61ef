package org.ippan.l2.storage;

import java.util.Objects;

/**
 * The changing part of a batch: its standing with the L1.
 *
 * @param status          where the batch stands
 * @param l1TxId          the L1's id for the posted batch; null until known
 * @param inclusionHeight the L1 block height that includes it; 0 if none
 * @param postAttempts    how many times it was posted
 * @param lastError       the last posting or reconciling error; null if none
 * @param updatedMs       wall-clock ms of the last change
 */
public record BatchL1State(
        L1Status status, String l1TxId, long inclusionHeight, int postAttempts, String lastError, long updatedMs) {

    /**
     * Validates the components.
     *
     * @param status see {@link #status()}
     * @param l1TxId see {@link #l1TxId()}
     * @param inclusionHeight see {@link #inclusionHeight()}
     * @param postAttempts see {@link #postAttempts()}
     * @param lastError see {@link #lastError()}
     * @param updatedMs see {@link #updatedMs()}
     * @throws NullPointerException     if {@code status} is null
     * @throws IllegalArgumentException if {@code inclusionHeight} or {@code postAttempts} is negative
     */
    public BatchL1State {
        Objects.requireNonNull(status, "status");
        StorageArguments.requireNonNegative(inclusionHeight, "inclusionHeight");
        StorageArguments.requireNonNegative(postAttempts, "postAttempts");
    }

    /**
     * @param createdMs when the batch was cut
     * @return the state a batch is committed with: {@link L1Status#COMMITTED}, nothing posted yet
     */
    public static BatchL1State committed(long createdMs) {
        return new BatchL1State(L1Status.COMMITTED, null, 0, 0, null, createdMs);
    }
}
