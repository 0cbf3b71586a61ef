package org.ippan.l2.core.engine;

/**
 * What a part of the engine that writes as leader needs of the leadership: whether this node leads now, the term
 * its writes are conditional on, and the way to report that storage refused a write for a higher term. Implemented
 * by {@link Leadership}; the loops and the admission room see only this.
 */
interface LeaderGate {
    /** @return true while this node leads: a loop or writer that sees false does nothing */
    boolean isLeader();

    /** @return the term this node claimed; every leader write is conditional on storage still holding it */
    long term();

    /**
     * Reports that a write met a higher term: the node stops writing at once (it never retries harder).
     *
     * @param storedTerm the term storage holds
     * @param where which write met it, for the log and the state reason
     */
    void fenced(long storedTerm, String where);

    /** @return why writes are refused now (not leading), for the refusal's message */
    String notLeaderMessage();
}
