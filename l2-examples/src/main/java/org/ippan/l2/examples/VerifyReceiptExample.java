package org.ippan.l2.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.ippan.l2.core.proof.DelayEvidence;
import org.ippan.l2.core.proof.InclusionProof;
import org.ippan.l2.core.proof.ProofJson;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.ReceiptJson;
import org.ippan.l2.core.wire.Hex;

/**
 * A user checking, offline and trusting no node, what the sequencer promised and did: its signed admission receipt
 * for a tx ({@code GET /tx/{hash}/receipt}) and, once the tx is in a batch, the inclusion proof
 * ({@code GET /tx/{hash}/proof}), against the sequencer's public key alone (the node's {@code /status} shows it as
 * {@code leader.leader_pubkey}; take it from a source you trust). The verdict is the seed's "proof of delay" check:
 * {@code INCLUDED} (the promise was kept), {@code INCLUDED_LATE} or {@code DELAYED} (signed evidence that it was
 * not), {@code VALID_RECEIPT_NOT_DUE} or {@code INVALID_RECEIPT}.
 *
 * <pre>
 * java -cp ... org.ippan.l2.examples.VerifyReceiptExample PUBKEY_HEX receipt.json [proof.json]
 * </pre>
 * Exit status 0 when the promise was kept, 1 for any other verdict, 2 for unusable input.
 */
public final class VerifyReceiptExample {
    private VerifyReceiptExample() {
    }

    /**
     * @param publicKeyHex the sequencer's Ed25519 public key, 64 hex characters
     * @param receiptJson  the receipt, as {@code GET /tx/{hash}/receipt} answers it
     * @param proofJson    the proof, as {@code GET /tx/{hash}/proof} answers it, if there is one
     * @param nowMs        wall-clock ms now
     * @return the verdict and why
     */
    public static DelayEvidence.Assessment verify(String publicKeyHex, String receiptJson,
            Optional<String> proofJson, long nowMs) {
        byte[] sequencerKey = Hex.decode(publicKeyHex);
        AdmissionReceipt receipt = ReceiptJson.fromJson(receiptJson);
        Optional<InclusionProof> proof = proofJson.map(ProofJson::fromJson);
        return DelayEvidence.assess(receipt, proof, nowMs, sequencerKey);
    }

    /**
     * @param args the public key in hex, the receipt's file, and the proof's file if any
     * @throws Exception if a file cannot be read
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: VerifyReceiptExample PUBKEY_HEX receipt.json [proof.json]");
            System.exit(2);
        }
        DelayEvidence.Assessment assessment;
        try {
            Optional<String> proof = args.length == 3 ? Optional.of(Files.readString(Path.of(args[2])))
                    : Optional.empty();
            assessment = verify(args[0], Files.readString(Path.of(args[1])), proof, System.currentTimeMillis());
        } catch (IllegalArgumentException e) { // a malformed key, receipt or proof: the message names the field
            System.err.println("unusable input: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println(assessment.verdict() + ": " + assessment.detail());
        System.exit(assessment.verdict() == DelayEvidence.Verdict.INCLUDED ? 0 : 1);
    }
}
