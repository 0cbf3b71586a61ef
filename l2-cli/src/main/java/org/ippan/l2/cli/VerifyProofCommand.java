package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.ippan.l2.core.proof.DelayEvidence;
import org.ippan.l2.core.proof.InclusionProof;
import org.ippan.l2.core.proof.ProofVerification;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code verify-proof}: checks an inclusion proof offline (inclusion-proof-v1 §5) and, with a receipt of the same
 * tx, prints the delay verdict (§8).
 */
@Command(name = "verify-proof", description = "Verify an inclusion proof (a file, - for stdin, or --tx to fetch "
        + "it); with a receipt (--receipt, or fetched with --tx) also print the delay verdict; exit 1 if the proof "
        + "is invalid or the verdict shows a delay.")
final class VerifyProofCommand implements Callable<Integer> {
    @ParentCommand
    L2Ctl root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The proof JSON; - for stdin.")
    String file;

    @Option(names = "--tx", paramLabel = "HASH", description = "Fetch the proof (and the receipt, if any) of this tx "
            + "from the node.")
    String txHash;

    @Option(names = "--receipt", paramLabel = "FILE", description = "A receipt of the same tx, for the verdict.")
    String receiptFile;

    @Option(names = "--key", paramLabel = "HEX", description = "The sequencer's Ed25519 public key (64 hex digits). "
            + "Without it the key in the proof's envelope is used, with a warning.")
    String keyHex;

    @Override
    public Integer call() {
        if ((file == null) == (txHash == null)) {
            throw CliException.usage("give either a proof FILE (- for stdin) or --tx HASH");
        }
        byte[] key = Keys.publicKeyOrNull(keyHex);
        Checks checks = new Checks();
        byte[] proofJson;
        Optional<byte[]> receiptJson = Optional.empty();
        if (txHash != null) {
            String hash = Keys.hashHex(txHash, "--tx");
            NodeClient node = root.node();
            proofJson = Documents.fetch(node, "/tx/" + hash + "/proof");
            receiptJson = Documents.fetchOptional(node, "/tx/" + hash + "/receipt");
        } else {
            proofJson = Documents.read(root, file);
        }
        if (receiptFile != null) {
            receiptJson = Optional.of(Documents.read(root, receiptFile));
        }
        InclusionProof proof = Documents.proof(proofJson, checks);
        DelayEvidence.Assessment assessment = null;
        if (proof != null) {
            if (key == null) {
                key = Documents.envelopeKeyOf(proof);
                checks.warn("no --key given: the proof is checked against its envelope's own key "
                        + HexFormat.of().formatHex(key) + ", which proves only that its holder signed");
            }
            ProofVerification verification = proof.verify(key);
            checks.check("proof.verify", verification.isValid(), verification.isValid()
                    ? "VALID: tx at index " + proof.txIndex() + " of batch " + proof.batchNumber() + " "
                    + HexFormat.of().formatHex(proof.batchHash()) + ", l1 " + proof.l1().stage()
                    : verification.status() + ": " + verification.detail());
            if (receiptJson.isPresent()) {
                AdmissionReceipt receipt = Documents.receipt(receiptJson.get(), checks);
                if (receipt != null) {
                    assessment = DelayEvidence.assess(receipt, Optional.of(proof), root.nowMs(), key);
                    boolean kept = assessment.verdict() == DelayEvidence.Verdict.INCLUDED
                            || assessment.verdict() == DelayEvidence.Verdict.VALID_RECEIPT_NOT_DUE;
                    checks.check("delay.verdict", kept, assessment.verdict() + ": " + assessment.detail());
                }
            }
        }
        if (root.json()) {
            ObjectNode out = L2Ctl.JSON.createObjectNode();
            if (assessment != null) {
                out.put("verdict", assessment.verdict().name());
            }
            root.printJson(checks.writeTo(out));
        } else {
            checks.print(root.out());
            root.out().println(checks.allPassed() ? "VALID" + (assessment == null ? "" : ", verdict "
                    + assessment.verdict()) : "INVALID");
        }
        return checks.allPassed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }
}
