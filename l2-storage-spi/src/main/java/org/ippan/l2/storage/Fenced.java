package org.ippan.l2.storage;

/**
 * A term-conditional write was refused because the caller's term is not the stored term; nothing was written.
 * A leader that sees this stops writing at once (when {@code storedTerm} is higher it has been replaced).
 *
 * @param storedTerm the term the store holds
 */
public record Fenced(long storedTerm) implements AppendOutcome, CommitOutcome, WriteOutcome, PruneOutcome {

    /**
     * Validates the components.
     *
     * @param storedTerm see {@link #storedTerm()}
     * @throws IllegalArgumentException if {@code storedTerm} is negative
     */
    public Fenced {
        StorageArguments.requireNonNegative(storedTerm, "storedTerm");
    }
}
