package org.ippan.l2.core.engine;

/** Where a forced-inclusion ticket stands ({@code GET /tx/force/{hash}}), read from storage and the L1 height. */
public enum ForcedTicketStatus {
    /** In the L1 inbox, not yet in a batch, within its window. */
    QUEUED,
    /** In a batch. */
    INCLUDED,
    /** L1 has passed the window and the tx is in no batch: the L1 contract refuses the sequencer's batches. */
    EXPIRED;

    /** @return the name as the API writes it: {@code queued}, {@code included}, {@code expired} */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
