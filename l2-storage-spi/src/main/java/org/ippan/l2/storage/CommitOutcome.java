package org.ippan.l2.storage;

/** Outcome of {@link Storage#commitBatch}: {@link Committed}, {@link Fenced} or {@link Conflict}. */
public sealed interface CommitOutcome permits Committed, Fenced, Conflict {
}
