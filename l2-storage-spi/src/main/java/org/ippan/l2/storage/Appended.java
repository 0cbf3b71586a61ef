package org.ippan.l2.storage;

import java.util.List;
import java.util.Objects;

/**
 * The txs are durable: each has its admission sequence number.
 *
 * @param txs one entry per input tx, in input order (unmodifiable)
 */
public record Appended(List<AppendedTx> txs) implements AppendOutcome {

    /**
     * Validates the components.
     *
     * @param txs see {@link #txs()}
     * @throws NullPointerException if {@code txs} or an element is null
     */
    public Appended {
        txs = List.copyOf(Objects.requireNonNull(txs, "txs"));
    }
}
