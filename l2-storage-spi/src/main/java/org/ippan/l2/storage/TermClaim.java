package org.ippan.l2.storage;

/** Outcome of {@link Storage#claimTerm}: either {@link TermGranted} or {@link TermRefused}. */
public sealed interface TermClaim permits TermGranted, TermRefused {
}
