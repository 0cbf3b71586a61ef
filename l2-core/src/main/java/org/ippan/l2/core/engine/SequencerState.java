package org.ippan.l2.core.engine;

/**
 * The states of the leader state machine, with stable numeric codes (for metrics and logs).
 *
 * <pre>
 *   NEW --start(leader)--> LEADER --higher term seen--> FENCED       (single mode)
 *   NEW --start--> FOLLOWER --lease won, term claimed--> LEADER      (lease mode)
 *   LEADER --stepDown, lease lost, higher term seen (lease mode)--> FOLLOWER
 *   NEW --start(follower)--> FOLLOWER
 *   any --close()--> CLOSED
 * </pre>
 */
public enum SequencerState {
    /** Built, not started: reads work, writes are refused. */
    NEW(0),
    /** Serves reads from storage; refuses writes; runs no loop but, in lease mode, the lease campaign. */
    FOLLOWER(1),
    /** Holds the term in storage: admits, cuts, posts, reconciles and heartbeats. */
    LEADER(2),
    /** Was leader, met a higher term in storage: stopped every write at once; serves reads. */
    FENCED(3),
    /** Closed: nothing runs; every call but reads of the last status is refused. */
    CLOSED(4);

    private final int code;

    SequencerState(int code) {
        this.code = code;
    }

    /** @return the stable numeric code */
    public int code() {
        return code;
    }
}
