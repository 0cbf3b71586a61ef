package org.ippan.l2.core.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.proof.ProofFixtures.V;
import static org.ippan.l2.core.testing.ReceiptVectors.hex;

import java.util.Base64;
import java.util.Optional;

import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.ReceiptJson;
import org.ippan.l2.core.testing.ReceiptVectors;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.Test;

/** Inclusion proofs v1 against the golden vector {@code vectors/inclusion-proof-v1.json} (spec §9). */
class InclusionProofGoldenVectorTest {

    @Test
    void vector_batchEnvelopeRequestAndKey_matchByteForByte() {
        StoredBatch stored = ProofFixtures.vectorBatch();
        Batch batch = ProofFixtures.batch(V.get("batch"));
        assertThat(Hex.encode(batch.encode())).isEqualTo(V.get("batch_canonical").asText());
        assertThat(Hex.encode(stored.batchHash())).isEqualTo(V.get("batch_hash").asText());
        assertThat(Hex.encode(stored.batch().prevBatchHash())).isEqualTo(V.get("predecessor_batch_hash").asText());
        assertThat(Hex.encode(stored.batch().txRoot())).isEqualTo(V.get("tx_root").asText());
        assertThat(Hex.encode(stored.batch().envelopeHash())).isEqualTo(V.get("envelope_hash").asText());
        assertThat(Hex.encode(stored.batch().sequencerSig())).isEqualTo(V.get("signature").asText());
        assertThat(Hex.encode(stored.batch().sequencerPubkey())).isEqualTo(V.get("public_key").asText());
        byte[] body = stored.batch().l1Envelope();
        assertThat(body.length).isEqualTo(V.get("l1_request_length").asInt());
        assertThat(Hash.blake3(body).toHex()).isEqualTo(V.get("l1_request_blake3").asText());
        L2BatchEnvelopeV1 request = L2BatchEnvelopeV1.fromJson(body);
        byte[] envelope = request.payload().payload();
        assertThat(envelope.length).isEqualTo(V.get("envelope_canonical_length").asInt());
        assertThat(Hash.blake3(envelope).toHex()).isEqualTo(V.get("envelope_canonical_blake3").asText());
        assertThat(request.payload().canonicalHash().toHex()).isEqualTo(V.get("hub_payload_blake3").asText());
        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(stored.batch().idempotencyKey()))
                .isEqualTo(V.get("idempotency_key").asText());
        assertThat(BatchEnvelope.decode(envelope).payload().batchHash().toHex())
                .isEqualTo(V.get("batch_hash").asText());
    }

    @Test
    void vector_proofJson_matchesRoundTripsAndVerifies() {
        InclusionProof proof = InclusionProof.of(ProofFixtures.vectorBatch(), V.get("tx_seq").asLong(),
                Optional.of(ProofFixtures.vectorPredecessor()));
        String json = V.get("proof_json").asText();
        assertThat(ProofJson.toJson(proof)).isEqualTo(json);
        assertThat(ProofJson.appendTo(new StringBuilder("["), proof).toString()).isEqualTo("[" + json);
        InclusionProof decoded = ProofJson.fromJson(json);
        assertThat(decoded).isEqualTo(proof);
        assertThat(Hex.encode(decoded.txHash())).isEqualTo(V.get("tx_hashes").get(1).asText());
        ProofVerification verdict = decoded.verify(hex(V.get("public_key")));
        assertThat(verdict.status().name()).isEqualTo(V.get("expected_verification").asText());
    }

    @Test
    void vector_receiptOfTheSameTx_isIncludedByTheProof() {
        AdmissionReceipt receipt = ReceiptJson.fromJson(
                ReceiptVectors.load("receipts-v1.json").get("receipts").get(1).get("json").asText());
        InclusionProof proof = ProofJson.fromJson(V.get("proof_json").asText());
        byte[] key = hex(V.get("public_key"));
        long afterDeadline = receipt.group().deadlineMs() + 1;
        assertThat(DelayEvidence.assess(receipt, Optional.of(proof), afterDeadline, key).verdict())
                .isEqualTo(DelayEvidence.Verdict.INCLUDED);
        assertThat(DelayEvidence.assess(receipt, Optional.empty(), afterDeadline, key).verdict())
                .isEqualTo(DelayEvidence.Verdict.DELAYED);
        assertThat(DelayEvidence.assess(receipt, Optional.empty(), receipt.group().deadlineMs(), key).verdict())
                .isEqualTo(DelayEvidence.Verdict.VALID_RECEIPT_NOT_DUE);
        // the proof of another tx of the same batch does not include this receipt's tx
        AdmissionReceipt other = ReceiptJson.fromJson(
                ReceiptVectors.load("receipts-v1.json").get("receipts").get(0).get("json").asText());
        DelayEvidence.Assessment a = DelayEvidence.assess(other, Optional.of(proof), afterDeadline, key);
        assertThat(a.verdict()).isEqualTo(DelayEvidence.Verdict.DELAYED);
        assertThat(a.detail()).contains("not of the receipt's tx");
    }
}
