package org.ippan.l2.core.engine;

/**
 * The seam for "who may lead": whether this node should try to lead, and which term it claims when it does. The
 * answer only decides who <em>tries</em>; the term claimed in storage with a compare-and-set decides whose writes
 * count (a deposed leader's next write meets the higher term and is refused).
 *
 * <p>Today one implementation exists, {@link #fromConfig}: the statically configured role and term
 * ({@code L2_LEADER}, {@code LEADER_TERM}). A lease-based candidacy (automatic failover) plugs in here.
 */
interface Candidacy {
    /** @return true if this node should try to lead; false makes it a read-only follower */
    boolean wantsToLead();

    /** @return the term to claim in storage */
    long termToClaim();

    /**
     * @param storedTerm the term storage holds
     * @param storedLeaderId the leader that holds it
     * @return the message of the start failure: what the operator must change for this node to lead
     */
    String refusalMessage(long storedTerm, String storedLeaderId);

    /** The statically configured role and term of {@code config}. */
    static Candidacy fromConfig(SequencerConfig config) {
        return new Candidacy() {
            @Override
            public boolean wantsToLead() {
                return config.role() == Role.LEADER;
            }

            @Override
            public long termToClaim() {
                return config.term();
            }

            @Override
            public String refusalMessage(long storedTerm, String storedLeaderId) {
                long term = config.term();
                if (storedTerm > term) {
                    return "storage holds term " + storedTerm + " (leader " + storedLeaderId + "), higher than this"
                            + " node's LEADER_TERM=" + term + ": it may not lead; to promote it, restart with"
                            + " LEADER_TERM=" + (storedTerm + 1);
                }
                return "term " + term + " is already held by leader " + storedLeaderId + "; another leader ("
                        + config.leaderId() + ") needs a higher term: restart with LEADER_TERM=" + (term + 1);
            }
        };
    }
}
