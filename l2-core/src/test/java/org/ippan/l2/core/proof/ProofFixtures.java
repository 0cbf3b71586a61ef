package org.ippan.l2.core.proof;

import static org.ippan.l2.core.testing.ReceiptVectors.hex;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.testing.ReceiptVectors;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.StoredBatch;

/** Stored batches as the batcher makes them: signed envelope, exact L1 request body, idempotency key. */
final class ProofFixtures {
    static final JsonNode V = ReceiptVectors.load("inclusion-proof-v1.json");
    static final Ed25519Signer SIGNER = new Ed25519Signer(hex(V.get("seed")));

    private ProofFixtures() {}

    /** @return the batch, signed by {@code signer}, as storage keeps it */
    static StoredBatch stored(Batch batch, Hash prevBatchHash, long firstSeq, Ed25519Signer signer,
            BatchL1State state) {
        BatchEnvelope envelope = BatchEnvelope.sign(BatchPayload.of(batch, prevBatchHash), signer);
        L2BatchEnvelopeV1.Request request = L2BatchEnvelopeV1.requestForBatch(batch, envelope, Hub.Fin, 0);
        NewBatch cut = new NewBatch(batch.batchNumber(), batch.hash().toBytes(), prevBatchHash.toBytes(), firstSeq,
                batch.txCount(), batch.createdMs(), 1, batch.txRoot().toBytes(), batch.txBytes(),
                envelope.envelopeHash().toBytes(), envelope.sequencerPubkey(), envelope.sequencerSig(),
                request.idempotencyKey(), request.body());
        return new StoredBatch(cut, state);
    }

    static Batch batch(JsonNode b) {
        List<org.ippan.l2.core.wire.Tx> txs = ReceiptVectors.txs(b.get("txs"));
        return new Batch(b.get("chain_id").asLong(), b.get("batch_number").asLong(), txs,
                b.get("created_ms").asLong());
    }

    static BatchL1State l1State(JsonNode l1) {
        L1Status status = switch (l1.get("status").asText()) {
            case "committed" -> L1Status.COMMITTED;
            case "posted" -> L1Status.POSTED;
            case "included" -> L1Status.INCLUDED;
            case "finalized" -> L1Status.CONFIRMED;
            default -> L1Status.FAILED;
        };
        return new BatchL1State(status, l1.has("l1_tx_id") ? l1.get("l1_tx_id").asText() : null,
                l1.has("height") ? l1.get("height").asLong() : 0, 1, null, 0);
    }

    /** Batch 1 of the vector, and batch 2 (the proven one) after it. */
    static StoredBatch vectorPredecessor() {
        return stored(batch(V.get("predecessor_batch")), Hash.ZERO, 99, SIGNER, l1State(V.get("l1")));
    }

    static StoredBatch vectorBatch() {
        Batch first = batch(V.get("predecessor_batch"));
        return stored(batch(V.get("batch")), first.hash(), V.get("first_seq").asLong(), SIGNER, l1State(V.get("l1")));
    }
}
