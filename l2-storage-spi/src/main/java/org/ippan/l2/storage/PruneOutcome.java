package org.ippan.l2.storage;

/** Outcome of {@link Storage#pruneConfirmed}: {@link Pruned} or {@link Fenced}. */
public sealed interface PruneOutcome permits Pruned, Fenced {
}
