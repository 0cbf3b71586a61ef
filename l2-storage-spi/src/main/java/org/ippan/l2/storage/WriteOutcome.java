package org.ippan.l2.storage;

/** Outcome of a term-conditional write that returns no data: {@link Written}, {@link Fenced} or {@link Conflict}. */
public sealed interface WriteOutcome permits Written, Fenced, Conflict {
}
