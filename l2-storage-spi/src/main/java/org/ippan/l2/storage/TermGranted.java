package org.ippan.l2.storage;

/**
 * The term was claimed: the store now holds the claimed term and leader.
 *
 * @param previousTerm     the term stored before the claim (equal to the claimed term on a re-claim)
 * @param previousLeaderId the leader stored before the claim; null on a fresh store
 */
public record TermGranted(long previousTerm, String previousLeaderId) implements TermClaim {

    /**
     * Validates the components.
     *
     * @param previousTerm see {@link #previousTerm()}
     * @param previousLeaderId see {@link #previousLeaderId()}
     * @throws IllegalArgumentException if {@code previousTerm} is negative
     */
    public TermGranted {
        StorageArguments.requireNonNegative(previousTerm, "previousTerm");
    }
}
