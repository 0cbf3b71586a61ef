package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.ippan.l2.core.proof.InclusionProof;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.GroupReceipts;
import org.ippan.l2.core.receipt.ReceiptFormatException;
import org.ippan.l2.core.receipt.ReceiptGroup;
import org.ippan.l2.core.receipt.ReceiptTree;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.SealedGroup;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;

/** The reads that need more than one storage call or a decoding step; leaders and followers alike. */
final class ChainReads {
    private final Storage storage;

    ChainReads(Storage storage) {
        this.storage = storage;
    }

    /** @return the accepted tx with {@code hash}, decoded unless pruned, with its batch if it has one */
    Optional<TxInfo> findTx(Hash hash) {
        return storage.findTx(hash.toBytes()).map(stored -> new TxInfo(
                stored.bodyPruned() ? null : Tx.decode(stored.canonicalTx()), stored.seq(), stored.admittedMs(),
                storage.findBatchContaining(stored.seq())));
    }

    /** @return the receipt of the accepted tx with {@code hash}, rebuilt from its stored group; see the facade */
    Optional<AdmissionReceipt> receipt(Hash hash) {
        byte[] txHash = hash.toBytes();
        Optional<StoredTx> tx = storage.findTx(txHash);
        if (tx.isEmpty()) {
            return Optional.empty();
        }
        long seq = tx.get().seq();
        Optional<SealedGroup> sealed = storage.findSealedGroup(seq);
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        ReceiptGroup group;
        try {
            group = ReceiptGroup.decode(sealed.get().seal());
        } catch (ReceiptFormatException e) {
            throw new StorageException("the seal stored with the txs " + sealed.get().firstSeq() + "+"
                    + sealed.get().count() + " is not a receipt group: " + e.getMessage(), e);
        }
        if (group.firstSeq() != sealed.get().firstSeq() || group.count() != sealed.get().count()) {
            throw new StorageException("the receipt group stored with the txs " + sealed.get().firstSeq() + "+"
                    + sealed.get().count() + " names the txs " + group.firstSeq() + "+" + group.count());
        }
        List<StoredTx> txs = storage.readTxs(group.firstSeq(), group.count());
        if (txs.size() < group.count()) {
            throw new StorageException("the receipt group of the txs " + group.firstSeq() + "+" + group.count()
                    + " finds only " + txs.size() + " of them stored");
        }
        byte[][] hashes = new byte[group.count()][];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = txs.get(i).txHash();
        }
        GroupReceipts receipts;
        try {
            receipts = new GroupReceipts(group, ReceiptTree.build(group.firstSeq(), hashes, hashes.length));
        } catch (IllegalArgumentException e) {
            throw new StorageException("the txs " + group.firstSeq() + "+" + group.count()
                    + " stored do not match the root their receipt group signed: " + e.getMessage(), e);
        }
        return Optional.of(receipts.receipt(seq, txHash));
    }

    /** @return the inclusion proof of the accepted tx with {@code hash}, once it is in a batch; see the facade */
    Optional<InclusionProof> inclusionProof(Hash hash) {
        byte[] txHash = hash.toBytes();
        Optional<StoredTx> tx = storage.findTx(txHash);
        if (tx.isEmpty()) {
            return Optional.empty();
        }
        long seq = tx.get().seq();
        Optional<StoredBatch> batch = storage.findBatchContaining(seq);
        if (batch.isEmpty()) {
            return Optional.empty();
        }
        if (batch.get().pruned()) {
            return Optional.empty(); // its L1 request is gone (retention): findTx says the tx is pruned
        }
        long number = batch.get().batchNumber();
        Optional<StoredBatch> predecessor = number == 1 ? Optional.empty() : storage.findBatchByNumber(number - 1);
        InclusionProof proof;
        try {
            proof = InclusionProof.of(batch.get(), seq, predecessor);
        } catch (IllegalArgumentException e) {
            throw new StorageException("cannot prove tx " + hash.toHex() + " (seq " + seq + ") in stored batch "
                    + number + ": " + e.getMessage(), e);
        }
        if (!Arrays.equals(proof.txHash(), txHash)) {
            throw new StorageException("stored batch " + number + " covers seq " + seq + " of tx " + hash.toHex()
                    + " but holds tx " + Hash.of(proof.txHash()).toHex() + " there");
        }
        return Optional.of(proof);
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
