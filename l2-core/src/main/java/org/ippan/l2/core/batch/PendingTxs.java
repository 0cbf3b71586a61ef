package org.ippan.l2.core.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ippan.l2.core.wire.Tx;

/**
 * Pending txs read by index, in the order the cutter is to consider them: what {@link BatchCutter} and
 * {@link BatchPlanner} decide on. The engine's pool answers from its own columns, so deciding and cutting make no
 * object per tx; {@link #of(List)} reads a list of {@link PendingTx} records.
 *
 * <p>Implementations must not change while a decision reads them.
 */
public interface PendingTxs {
    /** @return the number of txs */
    int size();

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return the admission sequence number of tx {@code i}
     */
    long seq(int i);

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return tx {@code i}
     */
    Tx tx(int i);

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return wall-clock ms at which tx {@code i} was admitted
     */
    long admittedMs(int i);

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return what tx {@code i} adds to the encoded size of a batch, as {@link PendingTx#batchBytes()}
     */
    default int batchBytes(int i) {
        return tx(i).bodySize();
    }

    /**
     * @param i the index, {@code 0 .. size() - 1}
     * @return tx {@code i} as a record (a new object)
     */
    default PendingTx get(int i) {
        return new PendingTx(seq(i), tx(i), admittedMs(i));
    }

    /** @return every tx as a record, in order (new objects; a modifiable list) */
    default List<PendingTx> toList() {
        List<PendingTx> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(get(i));
        }
        return out;
    }

    /**
     * A view of records, read through.
     *
     * @param txs the pending txs
     * @return {@code txs} read by index
     */
    static PendingTxs of(List<PendingTx> txs) {
        Objects.requireNonNull(txs, "txs");
        return new PendingTxs() {
            @Override
            public int size() {
                return txs.size();
            }

            @Override
            public long seq(int i) {
                return txs.get(i).seq();
            }

            @Override
            public Tx tx(int i) {
                return txs.get(i).tx();
            }

            @Override
            public long admittedMs(int i) {
                return txs.get(i).admittedMs();
            }

            @Override
            public int batchBytes(int i) {
                return txs.get(i).batchBytes();
            }

            @Override
            public PendingTx get(int i) {
                return txs.get(i);
            }
        };
    }
}
