package org.ippan.l2.storage;

import java.util.Objects;

/**
 * A write was refused because the stored state does not match what the caller expected; nothing was written.
 *
 * @param reason human-readable text saying which expectation failed, with the expected and stored values
 */
public record Conflict(String reason) implements CommitOutcome, WriteOutcome {

    /**
     * Validates the components.
     *
     * @param reason see {@link #reason()}
     * @throws NullPointerException if {@code reason} is null
     */
    public Conflict {
        Objects.requireNonNull(reason, "reason");
    }
}
