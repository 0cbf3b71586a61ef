package org.ippan.l2.core.proof;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.ReceiptGroup;
import org.ippan.l2.core.receipt.ReceiptVerification;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hex;

/**
 * The seed's "proof of delay" ({@code docs/spec/inclusion-proof-v1.md} §8): what a signed admission receipt, an
 * inclusion proof if the user has one, and the time now show together about whether the sequencer kept its promise
 * to put the tx in a batch by the receipt's deadline.
 *
 * <ul>
 *   <li>{@link Verdict#INVALID_RECEIPT}: the receipt does not verify for the key; it proves nothing.</li>
 *   <li>{@link Verdict#INCLUDED}: a valid proof for the receipt's chain and tx hash, of a batch whose signed
 *       {@code created_at_ms} is not after the deadline: the promise was kept.</li>
 *   <li>{@link Verdict#INCLUDED_LATE}: a valid proof, of a batch cut after the deadline. Both times are signed by
 *       the same key, so this pair is itself evidence of the delay.</li>
 *   <li>{@link Verdict#DELAYED}: the deadline has passed ({@code nowMs > deadline_ms}) and no valid proof for this
 *       tx was given: the receipt is evidence of the delay, until a proof is produced.</li>
 *   <li>{@link Verdict#VALID_RECEIPT_NOT_DUE}: the receipt is valid, the deadline has not passed, no valid proof.</li>
 * </ul>
 * A proof is matched to the receipt by chain id and tx hash: v1 batch envelopes carry no admission sequence numbers,
 * and a tx hash identifies a tx of a chain (the sequencer stores a tx once, by hash). Whether the L1 holds the batch
 * is outside this check: ask the L1 for the proof's idempotency key. Stateless.
 */
public final class DelayEvidence {

    /** The verdicts. */
    public enum Verdict {
        /** The receipt does not verify. */
        INVALID_RECEIPT,
        /** The receipt is valid, its deadline has not passed, and no valid proof was given. */
        VALID_RECEIPT_NOT_DUE,
        /** A valid proof shows the tx in a batch cut by the deadline. */
        INCLUDED,
        /** A valid proof shows the tx in a batch cut after the deadline: signed evidence of a delay. */
        INCLUDED_LATE,
        /** The deadline has passed and no valid proof was given: the receipt is evidence of a delay. */
        DELAYED
    }

    /**
     * The verdict and why.
     *
     * @param verdict the verdict
     * @param detail  why, for people; it says why a given proof was not taken into account
     */
    public record Assessment(Verdict verdict, String detail) {
        /** @throws NullPointerException if a component is null */
        public Assessment {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(detail, "detail");
        }
    }

    private DelayEvidence() {}

    /**
     * @param receipt   the admission receipt
     * @param proof     an inclusion proof of the receipt's tx, if the user has one
     * @param nowMs     wall-clock ms now
     * @param publicKey the sequencer key, 32 bytes
     * @return the verdict
     * @throws IllegalArgumentException if {@code publicKey} is not 32 bytes
     */
    public static Assessment assess(AdmissionReceipt receipt, Optional<InclusionProof> proof, long nowMs,
            byte[] publicKey) {
        Objects.requireNonNull(receipt, "receipt");
        Objects.requireNonNull(proof, "proof");
        ReceiptVerification receiptCheck = receipt.verify(publicKey);
        if (!receiptCheck.isValid()) {
            return new Assessment(Verdict.INVALID_RECEIPT, "the receipt fails " + receiptCheck.status() + ": "
                    + receiptCheck.detail());
        }
        ReceiptGroup group = receipt.group();
        String proofNote = "no inclusion proof given";
        if (proof.isPresent()) {
            InclusionProof p = proof.get();
            InclusionProof.Checked checked = p.check(publicKey);
            if (!checked.verification().isValid()) {
                proofNote = "the inclusion proof fails " + checked.verification().status() + ": "
                        + checked.verification().detail();
            } else if (p.chainId() != group.chainId() || !Arrays.equals(p.txHash(), receipt.txHash())) {
                proofNote = "the inclusion proof is of tx " + Hex.encode(p.txHash()) + " on chain "
                        + Long.toUnsignedString(p.chainId()) + ", not of the receipt's tx "
                        + Hex.encode(receipt.txHash()) + " on chain " + Long.toUnsignedString(group.chainId());
            } else {
                Batch batch = checked.batch();
                String where = "tx in batch " + batch.batchNumber() + " cut at " + batch.createdMs()
                        + ", deadline " + group.deadlineMs();
                return batch.createdMs() <= group.deadlineMs()
                        ? new Assessment(Verdict.INCLUDED, where)
                        : new Assessment(Verdict.INCLUDED_LATE, where + ": cut "
                                + (batch.createdMs() - group.deadlineMs()) + " ms late");
            }
        }
        if (receipt.isOverdue(nowMs)) {
            return new Assessment(Verdict.DELAYED, "deadline " + group.deadlineMs() + " passed at " + nowMs + " by "
                    + (nowMs - group.deadlineMs()) + " ms; " + proofNote);
        }
        return new Assessment(Verdict.VALID_RECEIPT_NOT_DUE, "deadline " + group.deadlineMs() + " not passed at "
                + nowMs + "; " + proofNote);
    }
}
