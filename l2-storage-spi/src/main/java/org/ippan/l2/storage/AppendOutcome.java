package org.ippan.l2.storage;

/** Outcome of {@link Storage#appendTxs}: {@link Appended} or {@link Fenced}. */
public sealed interface AppendOutcome permits Appended, Fenced {
}
