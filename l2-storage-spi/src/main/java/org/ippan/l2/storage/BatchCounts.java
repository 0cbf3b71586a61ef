package org.ippan.l2.storage;

import java.util.Objects;

/**
 * How many batches are in each L1 status.
 *
 * @param committed batches in {@link L1Status#COMMITTED}
 * @param posted    batches in {@link L1Status#POSTED}
 * @param included  batches in {@link L1Status#INCLUDED}
 * @param confirmed batches in {@link L1Status#CONFIRMED}
 * @param failed    batches in {@link L1Status#FAILED}
 */
public record BatchCounts(long committed, long posted, long included, long confirmed, long failed) {

    /**
     * Validates the components.
     *
     * @param committed see {@link #committed()}
     * @param posted see {@link #posted()}
     * @param included see {@link #included()}
     * @param confirmed see {@link #confirmed()}
     * @param failed see {@link #failed()}
     * @throws IllegalArgumentException if a count is negative
     */
    public BatchCounts {
        StorageArguments.requireNonNegative(committed, "committed");
        StorageArguments.requireNonNegative(posted, "posted");
        StorageArguments.requireNonNegative(included, "included");
        StorageArguments.requireNonNegative(confirmed, "confirmed");
        StorageArguments.requireNonNegative(failed, "failed");
    }

    /**
     * @param status an L1 status
     * @return the number of batches in {@code status}
     */
    public long count(L1Status status) {
        return switch (Objects.requireNonNull(status, "status")) {
            case COMMITTED -> committed;
            case POSTED -> posted;
            case INCLUDED -> included;
            case CONFIRMED -> confirmed;
            case FAILED -> failed;
        };
    }

    /** @return the number of batches in all statuses */
    public long total() {
        return committed + posted + included + confirmed + failed;
    }
}
