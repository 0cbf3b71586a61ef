package org.ippan.l2.lease;

/** The answer of {@link LeaseStore#acquire} and {@link LeaseStore#renew}: granted or refused. */
public sealed interface LeaseOutcome permits LeaseGranted, LeaseRefused {
}
