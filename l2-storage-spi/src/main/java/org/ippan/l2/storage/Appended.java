package org.ippan.l2.storage;

/**
 * The txs are durable, and the {@link TxAppend} handed to {@link Storage#appendTxs} holds each one's result: its
 * admission sequence number, and whether it was a duplicate.
 */
public record Appended() implements AppendOutcome {
}
