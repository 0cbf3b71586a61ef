package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;

/** The reads that need more than one storage call or a decoding step; leaders and followers alike. */
final class ChainReads {
    private final Storage storage;

    ChainReads(Storage storage) {
        this.storage = storage;
    }

    /** @return the accepted tx with {@code hash}, decoded, with its batch if it has one */
    Optional<TxInfo> findTx(Hash hash) {
        return storage.findTx(hash.toBytes()).map(stored -> new TxInfo(Tx.decode(stored.canonicalTx()), stored.seq(),
                stored.admittedMs(), storage.findBatchContaining(stored.seq())));
    }

    /** @return the hashes of the txs with seq in {@code [firstSeq, firstSeq + txCount)}, in seq order */
    List<Hash> batchTxHashes(StoredBatch batch) {
        long firstSeq = batch.batch().firstSeq();
        long endSeq = batch.batch().endSeq();
        List<StoredTx> txs = storage.readTxs(firstSeq, batch.batch().txCount());
        List<Hash> hashes = new ArrayList<>(txs.size());
        for (StoredTx tx : txs) {
            if (tx.seq() < endSeq) {
                hashes.add(Hash.of(tx.txHash()));
            }
        }
        return hashes;
    }
}
