package org.ippan.l2.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.proof.InclusionProof;
import org.ippan.l2.core.proof.ProofJson;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.ReceiptFormatException;
import org.ippan.l2.core.receipt.ReceiptJson;

/** Reading receipts and proofs from a file, stdin or the node; the strict core readers parse them. */
final class Documents {
    /** The most bytes read from a file or stdin: a proof is about 3.6 times its batch. */
    static final int MAX_BYTES = 64 << 20;

    private Documents() {
    }

    /** The bytes of {@code file}, or of stdin for {@code -}. */
    static byte[] read(L2Ctl root, String file) {
        try {
            if ("-".equals(file)) {
                byte[] bytes = root.stdin().readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw CliException.usage("stdin holds more than " + MAX_BYTES + " bytes");
                }
                return bytes;
            }
            Path path = Path.of(file);
            if (Files.size(path) > MAX_BYTES) {
                throw CliException.usage(file + " is larger than " + MAX_BYTES + " bytes");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw CliException.usage("no such file: " + file);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The answer body of {@code GET path}, or empty on a 404 (e.g. a tx not in a batch yet). */
    static Optional<byte[]> fetchOptional(NodeClient node, String path) {
        NodeClient.Response response = node.send("GET", path, null);
        if (response.status() == 404) {
            return Optional.empty();
        }
        NodeClient.ok("GET", path, response);
        return Optional.of(response.body().getBytes(StandardCharsets.UTF_8));
    }

    /** The answer body of {@code GET path}; a 4xx or 5xx is the {@link CliException} of its class. */
    static byte[] fetch(NodeClient node, String path) {
        NodeClient.Response response = node.send("GET", path, null);
        NodeClient.ok("GET", path, response);
        return response.body().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a receipt, recording {@code receipt.parse} in {@code checks}; null if it does not parse. */
    static AdmissionReceipt receipt(byte[] json, Checks checks) {
        try {
            AdmissionReceipt receipt = ReceiptJson.fromJson(json);
            checks.pass("receipt.parse", "a well-formed receipt-v1 of tx " + HexFormat.of().formatHex(receipt.txHash())
                    + ", seq " + receipt.seq());
            return receipt;
        } catch (ReceiptFormatException e) {
            checks.fail("receipt.parse", "field " + e.field() + ": " + e.getMessage());
            return null;
        } catch (RuntimeException e) {
            checks.fail("receipt.parse", e.getMessage());
            return null;
        }
    }

    /** Parses a proof, recording {@code proof.parse} in {@code checks}; null if it does not parse. */
    static InclusionProof proof(byte[] json, Checks checks) {
        try {
            InclusionProof proof = ProofJson.fromJson(json);
            checks.pass("proof.parse", "a well-formed inclusion-proof-v1 of tx "
                    + HexFormat.of().formatHex(proof.txHash()) + " in batch " + proof.batchNumber());
            return proof;
        } catch (ReceiptFormatException e) {
            checks.fail("proof.parse", "field " + e.field() + ": " + e.getMessage());
            return null;
        } catch (RuntimeException e) {
            checks.fail("proof.parse", e.getMessage());
            return null;
        }
    }

    /** The key inside the proof's batch envelope (for the no --key case), or 32 zero bytes if it has none. */
    static byte[] envelopeKeyOf(InclusionProof proof) {
        try {
            BatchEnvelope envelope = BatchEnvelope.decode(L2BatchEnvelopeV1.fromJson(proof.l1Request()).payload()
                    .payload());
            if (envelope.sequencerPubkey().length == 32) {
                return envelope.sequencerPubkey();
            }
        } catch (RuntimeException e) {
            // the proof's own verification reports the malformed request
        }
        return new byte[32];
    }
}
