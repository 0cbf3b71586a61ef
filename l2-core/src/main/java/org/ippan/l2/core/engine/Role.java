package org.ippan.l2.core.engine;

/** What a sequencer instance does: write as the single leader, or serve reads as a follower. */
public enum Role {
    /** Admits txs, cuts, posts and reconciles batches, and heartbeats its term ({@code L2_LEADER=1}). */
    LEADER,
    /** Serves reads from storage and refuses writes; runs no loop ({@code L2_LEADER=0}). */
    FOLLOWER
}
