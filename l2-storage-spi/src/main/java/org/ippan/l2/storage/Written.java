package org.ippan.l2.storage;

/** The write was applied and is durable. */
public record Written() implements WriteOutcome {
}
