package org.ippan.l2.l1;

/**
 * How an L1 judges a tx posted to a chain's forced-inclusion inbox, and hashes it. The port knows nothing of the
 * L2's tx format; the sequencer core supplies the implementation for its chain (a decodable v1 tx of that chain,
 * within the admission size rules), and an in-memory L1 such as {@link org.ippan.l2.l1.memory.SimulatedL1} applies
 * it.
 */
@FunctionalInterface
public interface ForcedTxCheck {

    /**
     * Checks a tx and computes its hash.
     *
     * @param canonicalTx the tx's canonical bytes, not empty; only read
     * @return the tx hash, {@value ForcedInboxEntry#TX_HASH_LENGTH} bytes
     * @throws IllegalArgumentException naming the problem if the inbox must not record this tx
     */
    byte[] check(byte[] canonicalTx);
}
