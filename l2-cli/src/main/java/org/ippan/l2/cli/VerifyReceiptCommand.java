package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.ippan.l2.core.proof.DelayEvidence;
import org.ippan.l2.core.proof.InclusionProof;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.ReceiptVerification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code verify-receipt}: checks an admission receipt (receipts-v1 §5) and weighs it with an inclusion proof, if
 * one is given or the node has one, into the delay verdict of inclusion-proof-v1 §8.
 */
@Command(name = "verify-receipt", description = "Verify an admission receipt (a file, - for stdin, or --tx to "
        + "fetch it) and print the delay verdict; exit 1 if the receipt is invalid or shows a delay "
        + "(DELAYED, INCLUDED_LATE).")
final class VerifyReceiptCommand implements Callable<Integer> {
    @ParentCommand
    L2Ctl root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The receipt JSON; - for stdin.")
    String file;

    @Option(names = "--tx", paramLabel = "HASH", description = "Fetch the receipt (and the proof, if any) of this tx "
            + "from the node.")
    String txHash;

    @Option(names = "--proof", paramLabel = "FILE", description = "An inclusion proof of the same tx to weigh.")
    String proofFile;

    @Option(names = "--key", paramLabel = "HEX", description = "The sequencer's Ed25519 public key (64 hex digits). "
            + "Without it the receipt's own key is used, with a warning.")
    String keyHex;

    @Override
    public Integer call() {
        if ((file == null) == (txHash == null)) {
            throw CliException.usage("give either a receipt FILE (- for stdin) or --tx HASH");
        }
        byte[] key = Keys.publicKeyOrNull(keyHex);
        Checks checks = new Checks();
        byte[] receiptJson;
        Optional<byte[]> proofJson = Optional.empty();
        if (txHash != null) {
            String hash = Keys.hashHex(txHash, "--tx");
            NodeClient node = root.node();
            receiptJson = Documents.fetch(node, "/tx/" + hash + "/receipt");
            proofJson = Documents.fetchOptional(node, "/tx/" + hash + "/proof");
        } else {
            receiptJson = Documents.read(root, file);
        }
        if (proofFile != null) {
            proofJson = Optional.of(Documents.read(root, proofFile));
        }
        AdmissionReceipt receipt = Documents.receipt(receiptJson, checks);
        DelayEvidence.Assessment assessment = null;
        if (receipt != null) {
            if (key == null) {
                key = receipt.group().sequencerPubkey();
                checks.warn("no --key given: the receipt is checked against its own key "
                        + HexFormat.of().formatHex(key) + ", which proves only that its holder signed");
            }
            ReceiptVerification verification = receipt.verify(key);
            checks.check("receipt.verify", verification.isValid(), verification.isValid()
                    ? "VALID for key " + HexFormat.of().formatHex(key)
                    : verification.status() + ": " + verification.detail());
            Optional<InclusionProof> proof = Optional.empty();
            if (proofJson.isPresent()) {
                Checks proofParse = new Checks();
                InclusionProof parsed = Documents.proof(proofJson.get(), proofParse);
                if (parsed == null) {
                    checks.warn("the proof given does not parse and is disregarded: "
                            + proofParse.failed().get(0).detail());
                } else {
                    proof = Optional.of(parsed);
                }
            }
            assessment = DelayEvidence.assess(receipt, proof, root.nowMs(), key);
            boolean kept = assessment.verdict() != DelayEvidence.Verdict.DELAYED
                    && assessment.verdict() != DelayEvidence.Verdict.INCLUDED_LATE
                    && assessment.verdict() != DelayEvidence.Verdict.INVALID_RECEIPT;
            checks.check("delay.verdict", kept, assessment.verdict() + ": " + assessment.detail());
        }
        if (root.json()) {
            ObjectNode out = L2Ctl.JSON.createObjectNode();
            out.put("verdict", assessment == null ? "INVALID_RECEIPT" : assessment.verdict().name());
            root.printJson(checks.writeTo(out));
        } else {
            checks.print(root.out());
            root.out().println("verdict: " + (assessment == null ? "INVALID_RECEIPT (it does not parse)"
                    : assessment.verdict()));
        }
        return checks.allPassed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }
}
