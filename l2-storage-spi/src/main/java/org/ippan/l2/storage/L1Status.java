package org.ippan.l2.storage;

/** Where a batch stands with the L1. Batches move forward through these; storage does not judge transitions. */
public enum L1Status {
    /** Cut and stored, not yet accepted by the L1 (possibly posted with an unknown result). */
    COMMITTED,
    /** Accepted by the L1, not yet seen in an L1 block. */
    POSTED,
    /** In an L1 block, not yet deep enough to count as final. */
    INCLUDED,
    /** Deep enough in the L1 chain, or finalized by it: done. */
    CONFIRMED,
    /** The L1 refused it permanently; posting halts here until an operator acts. */
    FAILED
}
