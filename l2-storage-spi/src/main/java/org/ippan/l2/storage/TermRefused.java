package org.ippan.l2.storage;

/**
 * The term was not claimed and nothing was written: the store holds a higher term, or the same term claimed by
 * another leader (the operator must start the new leader with a higher term).
 *
 * @param storedTerm     the term the store holds
 * @param storedLeaderId the leader that holds {@code storedTerm}
 */
public record TermRefused(long storedTerm, String storedLeaderId) implements TermClaim {

    /**
     * Validates the components.
     *
     * @param storedTerm see {@link #storedTerm()}
     * @param storedLeaderId see {@link #storedLeaderId()}
     * @throws IllegalArgumentException if {@code storedTerm} is negative
     */
    public TermRefused {
        StorageArguments.requireNonNegative(storedTerm, "storedTerm");
    }
}
