package org.ippan.l2.core.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.proof.ProofFixtures.V;

import java.util.Optional;

import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.proof.DelayEvidence.Verdict;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.ReceiptJson;
import org.ippan.l2.core.testing.ReceiptVectors;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.Test;

/** The "proof of delay": a receipt (the golden vector's seq 101) weighed against proofs and the time. */
class DelayEvidenceTest {
    private static final byte[] KEY = ProofFixtures.SIGNER.publicKey();
    private static final AdmissionReceipt RECEIPT = ReceiptJson.fromJson(
            ReceiptVectors.load("receipts-v1.json").get("receipts").get(1).get("json").asText());
    private static final long DEADLINE = RECEIPT.group().deadlineMs();

    /** The vector's batch 2 with its creation time changed, and a proof of the receipt's tx (seq 101) in it. */
    private static InclusionProof proofOfBatchCutAt(long createdMs) {
        Batch vector = ProofFixtures.batch(V.get("batch"));
        StoredBatch before = ProofFixtures.vectorPredecessor();
        Batch batch = new Batch(vector.chainId(), vector.batchNumber(), vector.txs(), createdMs);
        StoredBatch stored = ProofFixtures.stored(batch, org.ippan.l2.core.wire.Hash.of(before.batchHash()), 100,
                ProofFixtures.SIGNER, ProofFixtures.l1State(V.get("l1")));
        return InclusionProof.of(stored, 101, Optional.of(before));
    }

    @Test
    void assess_proofOfABatchCutByTheDeadline_isIncluded_evenLongAfter() {
        DelayEvidence.Assessment a = DelayEvidence.assess(RECEIPT, Optional.of(proofOfBatchCutAt(DEADLINE)),
                DEADLINE + 86_400_000, KEY);
        assertThat(a.verdict()).isEqualTo(Verdict.INCLUDED);
        assertThat(a.detail()).contains("batch 2");
    }

    @Test
    void assess_proofOfABatchCutAfterTheDeadline_isIncludedLate() {
        DelayEvidence.Assessment a = DelayEvidence.assess(RECEIPT, Optional.of(proofOfBatchCutAt(DEADLINE + 5)),
                DEADLINE + 10, KEY);
        assertThat(a.verdict()).isEqualTo(Verdict.INCLUDED_LATE);
        assertThat(a.detail()).contains("5 ms late");
    }

    @Test
    void assess_noProof_isNotDueUpToTheDeadlineAndDelayedAfter() {
        assertThat(DelayEvidence.assess(RECEIPT, Optional.empty(), DEADLINE, KEY).verdict())
                .isEqualTo(Verdict.VALID_RECEIPT_NOT_DUE);
        DelayEvidence.Assessment a = DelayEvidence.assess(RECEIPT, Optional.empty(), DEADLINE + 1, KEY);
        assertThat(a.verdict()).isEqualTo(Verdict.DELAYED);
        assertThat(a.detail()).contains("no inclusion proof given");
    }

    @Test
    void assess_anInvalidProof_isDisregarded_andSaysWhy() {
        InclusionProof good = proofOfBatchCutAt(DEADLINE - 1);
        InclusionProof bad = new InclusionProof(good.chainId(), good.txHash(), good.txIndex(), good.batchNumber(),
                good.batchHash(), good.prevBatchHash(), good.predecessor(), good.l1Request(), new byte[32],
                good.l1());
        DelayEvidence.Assessment a = DelayEvidence.assess(RECEIPT, Optional.of(bad), DEADLINE + 1, KEY);
        assertThat(a.verdict()).isEqualTo(Verdict.DELAYED);
        assertThat(a.detail()).contains("IDEMPOTENCY_KEY_MISMATCH");
        assertThat(DelayEvidence.assess(RECEIPT, Optional.of(bad), DEADLINE - 1, KEY).verdict())
                .isEqualTo(Verdict.VALID_RECEIPT_NOT_DUE);
    }

    @Test
    void assess_aReceiptOfAnotherKey_isInvalid_whateverTheProof() {
        byte[] otherKey = new Ed25519Signer(new byte[32]).publicKey();
        DelayEvidence.Assessment a = DelayEvidence.assess(RECEIPT, Optional.of(proofOfBatchCutAt(DEADLINE)),
                DEADLINE + 1, otherKey);
        assertThat(a.verdict()).isEqualTo(Verdict.INVALID_RECEIPT);
        assertThat(a.detail()).contains("WRONG_KEY");
    }
}
