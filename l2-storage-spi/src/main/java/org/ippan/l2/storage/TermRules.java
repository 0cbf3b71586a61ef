package org.ippan.l2.storage;

/**
 * The rule of claiming a term, written once for every {@link Storage} adapter (see {@link Storage#claimTerm}):
 * a claim is refused if the stored term is higher, or equal and held by another leader; otherwise it is granted,
 * a leader's re-claim of its own term included. An adapter reads the stored term and leader inside its atomic
 * write, asks {@link #claim} and writes the claimed term, leader and heartbeat only if the claim is granted.
 */
public final class TermRules {

    private TermRules() {
    }

    /**
     * Decides a claim of {@code term} by {@code leaderId} against the stored leadership record.
     *
     * @param storedTerm     the stored term
     * @param storedLeaderId the stored leader; null on a fresh store
     * @param term           the claimed term
     * @param leaderId       the claiming leader
     * @return {@link TermGranted} or {@link TermRefused}, each with the stored term and leader
     */
    public static TermClaim claim(long storedTerm, String storedLeaderId, long term, String leaderId) {
        boolean refused = storedTerm > term
                || (storedTerm == term && storedLeaderId != null && !storedLeaderId.equals(leaderId));
        return refused ? new TermRefused(storedTerm, storedLeaderId) : new TermGranted(storedTerm, storedLeaderId);
    }
}
