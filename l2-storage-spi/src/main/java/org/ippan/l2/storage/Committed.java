package org.ippan.l2.storage;

import java.util.Objects;

/**
 * The batch is durable, with L1 status {@link L1Status#COMMITTED}, and the sequence state advanced with it.
 *
 * @param sequenceState the sequence state right after the commit
 */
public record Committed(SequenceState sequenceState) implements CommitOutcome {

    /**
     * Validates the components.
     *
     * @param sequenceState see {@link #sequenceState()}
     * @throws NullPointerException if {@code sequenceState} is null
     */
    public Committed {
        Objects.requireNonNull(sequenceState, "sequenceState");
    }
}
