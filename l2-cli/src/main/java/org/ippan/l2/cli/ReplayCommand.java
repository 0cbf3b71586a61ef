package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.envelope.EnvelopeVerifier;
import org.ippan.l2.core.envelope.VerificationResult;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code replay} (alias {@code audit}): re-derives every stored batch from the stored txs and the batch's cut
 * record (its number, first seq, tx count, created_ms and previous hash), and compares the result byte for byte
 * with the L1 request body that was stored and posted.
 *
 * <p>For each batch: its txs are read by seq range ({@code [first_seq, first_seq + tx_count)}) and each tx's
 * canonical bytes must hash to its stored hash; the batch is rebuilt as the batcher builds it (the txs in admission
 * order, the stored created_ms), its payload with the stored prev hash, the envelope with the stored key and
 * signature (a signature cannot be made again without the private key: it is carried over and verified instead,
 * against {@code --key} when given), and the L1 request with {@code --hub} and {@code --fee}, or else the stored
 * request's own (the fee is neither signed nor in the idempotency key, so only {@code --fee} pins it). Every byte of the rebuilt request must equal the stored one. Across batches: numbers from 1
 * without a gap, seq ranges contiguous from 1, each prev hash the previous batch's recomputed hash, and the stored
 * head (next batch number, next unbatched seq, head hash) where the last batch leaves it.
 *
 * <p>Retention: a batch pruned by {@code L2_RETAIN_CONFIRMED} has neither its txs' bytes nor its L1 request any
 * more, so only its place in the chain is checked (number, seq range, the link to its predecessor), and its stored
 * hash carries the chain on; batches forgotten by {@code L2_FORGET_CONFIRMED} are gone, so the check starts at the
 * first batch still stored, from its own stored link. Both counts are reported.
 *
 * <p>The store is opened with {@code l2.createIfMissing=false}: a wrong path is an error, never a new empty store.
 */
@Command(name = "replay", aliases = "audit", description = "Re-derive every batch from a node's stored txs and "
        + "cut records and compare each byte with the stored (posted) L1 request; exit 1 on any mismatch. Open the "
        + "store of a stopped node, or a PostgreSQL store.")
final class ReplayCommand implements Callable<Integer> {
    /** Txs read per storage call. */
    private static final int TX_PAGE = 1_000;
    /** Batches listed per storage call. */
    private static final int BATCH_PAGE = 100;
    /** Mismatches printed in full; the count goes on. */
    private static final int MAX_REPORTED = 100;

    @ParentCommand
    L2Ctl root;

    @Option(names = "--storage-url", required = true, paramLabel = "URL",
            description = "The node's L2_STORAGE_URL: sqlite:PATH, jdbc:sqlite:..., or jdbc:postgresql://...")
    String storageUrl;

    @Option(names = "--storage-user", paramLabel = "USER", description = "PostgreSQL user.")
    String storageUser;

    @Option(names = "--storage-password-env", paramLabel = "VAR",
            description = "Environment variable holding the PostgreSQL password.")
    String storagePasswordEnv;

    @Option(names = "--key", paramLabel = "HEX", description = "The sequencer's Ed25519 public key (64 hex digits): "
            + "every stored signature must be by it. Without it each envelope's own key is used, with a warning.")
    String keyHex;

    @Option(names = "--chain-id", paramLabel = "ID", description = "The L2 chain id (unsigned). Default: each "
            + "batch's txs' chain id (admission refuses txs of another chain).")
    String chainIdText;

    @Option(names = "--hub", paramLabel = "HUB", description = "The node's L2_HUB_ID (Fin, Data, M2m, World, Bridge): "
            + "every stored request must name it. Default: each stored request's own hub.")
    String hubText;

    @Option(names = "--fee", paramLabel = "N", description = "The node's L2_BATCH_FEE: every stored request must "
            + "carry it (the fee is not signed). Default: each stored request's own fee.")
    Long expectedFee;

    /** One difference between what was stored and what replay derives. */
    record Mismatch(long batchNumber, String check, String detail) {
    }

    /** Signs nothing: hands back the stored key and signature, so the rebuilt envelope carries them. */
    private record StoredSignature(byte[] publicKey, byte[] signature) implements EnvelopeSigner {
        @Override
        public byte[] publicKey() {
            return publicKey.clone();
        }

        @Override
        public byte[] sign(byte[] message, int offset, int length) {
            return signature.clone();
        }
    }

    private final List<Mismatch> mismatches = new ArrayList<>();
    private long mismatchCount;

    @Override
    public Integer call() {
        byte[] key = Keys.publicKeyOrNull(keyHex);
        Hub expectedHub = null;
        if (hubText != null) {
            try {
                expectedHub = Hub.parse(hubText.strip());
            } catch (RuntimeException e) {
                throw CliException.usage("--hub: " + e.getMessage());
            }
        }
        if (expectedFee != null && expectedFee < 0) {
            throw CliException.usage("--fee must be >= 0, was " + expectedFee);
        }
        Long chainId = null;
        if (chainIdText != null) {
            try {
                chainId = Long.parseUnsignedLong(chainIdText.strip());
            } catch (NumberFormatException e) {
                throw CliException.usage("--chain-id must be an unsigned 64-bit integer, was " + chainIdText);
            }
        }
        try {
            JdbcStorage.checkUrl(storageUrl);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--storage-url: " + e.getMessage());
        }
        Properties properties = new Properties();
        properties.setProperty(JdbcStorage.CREATE_IF_MISSING_PROPERTY, "false");
        if (storageUser != null) {
            properties.setProperty("user", storageUser);
        }
        if (storagePasswordEnv != null) {
            String password = System.getenv(storagePasswordEnv);
            if (password == null) {
                throw CliException.usage("the environment variable " + storagePasswordEnv + " is not set");
            }
            properties.setProperty("password", password);
        }
        long batches = 0;
        long txs = 0;
        long bytesCompared = 0;
        long pruned = 0;
        long forgotten = 0;
        boolean warnedNoKey = false;
        try (JdbcStorage storage = JdbcStorage.open(storageUrl, properties)) {
            SequenceState head = storage.readSequenceState();
            long expectedNumber = 1;
            long expectedFirstSeq = 1;
            Hash previousHash = Hash.ZERO;
            forgotten = storage.readCursor(Storage.FORGOTTEN_THROUGH_CURSOR);
            if (forgotten > 0) { // the chain before is gone: start from the first stored batch's own link
                expectedNumber = forgotten + 1;
                List<StoredBatch> first = storage.listBatches(expectedNumber, 1);
                if (!first.isEmpty()) {
                    expectedFirstSeq = first.get(0).batch().firstSeq();
                    previousHash = Hash.of(first.get(0).batch().prevBatchHash());
                } else {
                    expectedFirstSeq = head.nextUnbatchedSeq();
                    previousHash = Hash.of(head.headBatchHash());
                }
            }
            while (true) {
                List<StoredBatch> page = storage.listBatches(expectedNumber, BATCH_PAGE);
                if (page.isEmpty()) {
                    break;
                }
                for (StoredBatch stored : page) {
                    NewBatch cut = stored.batch();
                    long n = cut.batchNumber();
                    if (n != expectedNumber) {
                        mismatch(n, "chain.number", "batch " + n + " follows batch " + (expectedNumber - 1)
                                + ": numbers must be contiguous");
                    }
                    if (cut.firstSeq() != expectedFirstSeq) {
                        mismatch(n, "chain.seq_range", "first_seq " + cut.firstSeq() + ", expected "
                                + expectedFirstSeq + " (the seq ranges of batches must be contiguous from 1)");
                    }
                    if (!previousHash.contentEquals(cut.prevBatchHash())) {
                        mismatch(n, "chain.link", "stored prev_batch_hash " + HexFormat.of()
                                .formatHex(cut.prevBatchHash()) + ", the previous batch hashes to " + previousHash);
                    }
                    if (key == null && !warnedNoKey) {
                        root.err().println("warning: no --key given: each stored signature is checked against its "
                                + "own envelope's key, which proves only that its holder signed");
                        warnedNoKey = true;
                    }
                    Hash rebuiltHash = null;
                    if (stored.pruned()) {
                        pruned++;
                    } else {
                        rebuiltHash = replayBatch(storage, cut, chainId, key, expectedHub);
                    }
                    previousHash = rebuiltHash != null ? rebuiltHash : Hash.of(cut.batchHash());
                    expectedNumber = n + 1;
                    expectedFirstSeq = cut.endSeq();
                    batches++;
                    txs += stored.pruned() ? 0 : cut.txCount();
                    bytesCompared += cut.l1Envelope().length;
                }
            }
            if (head.nextBatchNumber() != expectedNumber) {
                mismatch(expectedNumber - 1, "head.next_batch_number", "stored " + head.nextBatchNumber()
                        + ", the batches end at " + (expectedNumber - 1));
            }
            if (head.nextUnbatchedSeq() != expectedFirstSeq) {
                mismatch(expectedNumber - 1, "head.next_unbatched_seq", "stored " + head.nextUnbatchedSeq()
                        + ", the batches' seq ranges end before " + expectedFirstSeq);
            }
            if (!previousHash.contentEquals(head.headBatchHash())) {
                mismatch(expectedNumber - 1, "head.batch_hash", "stored head " + HexFormat.of()
                        .formatHex(head.headBatchHash()) + ", the last batch hashes to " + previousHash);
            }
        } catch (StorageException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "storage: " + e.getMessage(), e);
        }
        boolean ok = mismatchCount == 0;
        if (root.json()) {
            ObjectNode out = L2Ctl.JSON.createObjectNode().put("valid", ok).put("batches_checked", batches)
                    .put("txs_checked", txs).put("bytes_compared", bytesCompared).put("batches_pruned", pruned)
                    .put("batches_forgotten", forgotten).put("mismatches", mismatchCount);
            ArrayNode list = out.putArray("mismatch_list");
            for (Mismatch m : mismatches) {
                list.addObject().put("batch_number", m.batchNumber()).put("check", m.check())
                        .put("detail", m.detail());
            }
            root.printJson(out);
        } else {
            for (Mismatch m : mismatches) {
                root.out().printf("MISMATCH batch %d %-28s %s%n", m.batchNumber(), m.check(), m.detail());
            }
            root.out().printf("%s: %d batches, %d txs, %d L1 request bytes compared, %d mismatch(es)%n",
                    ok ? "MATCH" : "MISMATCH", batches, txs, bytesCompared, mismatchCount);
            if (pruned > 0 || forgotten > 0) {
                root.out().printf("retention: %d pruned batch(es) checked by their chain links only, %d forgotten "
                        + "batch(es) before the first stored one%n", pruned, forgotten);
            }
        }
        return ok ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    /** Rebuilds one batch and compares it; returns its recomputed hash, or null if it could not be rebuilt. */
    private Hash replayBatch(JdbcStorage storage, NewBatch cut, Long chainIdOption, byte[] key, Hub expectedHub) {
        long n = cut.batchNumber();
        List<Tx> txs = new ArrayList<>(cut.txCount());
        long seq = cut.firstSeq();
        while (seq < cut.endSeq()) {
            int want = (int) Math.min(TX_PAGE, cut.endSeq() - seq);
            List<StoredTx> page = storage.readTxs(seq, want);
            if (page.isEmpty()) {
                mismatch(n, "txs.missing", "no stored tx with seq " + seq + " (the batch holds seqs "
                        + cut.firstSeq() + ".." + (cut.endSeq() - 1) + ")");
                return null;
            }
            for (StoredTx stored : page) {
                if (stored.seq() != seq) {
                    mismatch(n, "txs.missing", "expected seq " + seq + ", read seq " + stored.seq());
                    return null;
                }
                Hash hash = Hash.blake3(stored.canonicalTx());
                if (!hash.contentEquals(stored.txHash())) {
                    mismatch(n, "tx.hash", "tx seq " + seq + " is stored with hash " + HexFormat.of()
                            .formatHex(stored.txHash()) + " but its bytes hash to " + hash);
                }
                try {
                    txs.add(Tx.decode(stored.canonicalTx()));
                } catch (RuntimeException e) {
                    mismatch(n, "tx.decode", "tx seq " + seq + " does not decode: " + e.getMessage());
                    return null;
                }
                seq++;
            }
        }
        long chainId = chainIdOption != null ? chainIdOption : txs.get(0).chainId();
        Batch batch;
        try {
            batch = new Batch(chainId, n, txs, cut.createdMs());
        } catch (RuntimeException e) {
            mismatch(n, "batch.rebuild", "the txs do not make a batch: " + e.getMessage());
            return null;
        }
        Hash batchHash = batch.hash();
        compare(n, "batch.hash", cut.batchHash(), batchHash.toBytes());
        compare(n, "batch.tx_root", cut.txRoot(), batch.txRoot().toBytes());
        if (cut.txBytes() != batch.txBytes()) {
            mismatch(n, "batch.tx_bytes", "stored " + cut.txBytes() + ", rebuilt " + batch.txBytes());
        }
        BatchPayload payload = BatchPayload.of(batch, Hash.of(cut.prevBatchHash()));
        compare(n, "envelope.hash", cut.envelopeHash(), payload.envelopeHash().toBytes());
        BatchEnvelope envelope;
        try {
            envelope = cut.sequencerPubkey().length == 0 && cut.sequencerSig().length == 0
                    ? BatchEnvelope.unsigned(payload)
                    : BatchEnvelope.sign(payload, new StoredSignature(cut.sequencerPubkey(), cut.sequencerSig()));
        } catch (RuntimeException e) {
            mismatch(n, "envelope.signature", "the stored key or signature has the wrong length: " + e.getMessage());
            return batchHash;
        }
        byte[] expectedKey = key != null ? key : cut.sequencerPubkey();
        VerificationResult signature = expectedKey.length == 32
                ? EnvelopeVerifier.standard().expectingPublicKey(expectedKey).verify(envelope)
                : EnvelopeVerifier.standard().verify(envelope);
        if (!signature.isValid()) {
            mismatch(n, "envelope.signature", signature.status() + ": " + signature.detail());
        }
        Hub hub = Hub.Fin;
        long fee = 0;
        try {
            L2BatchEnvelopeV1 storedRequest = L2BatchEnvelopeV1.fromJson(cut.l1Envelope());
            hub = storedRequest.hub();
            fee = storedRequest.fee();
        } catch (RuntimeException e) {
            mismatch(n, "l1_request.parse", "the stored L1 request does not parse (" + e.getMessage() + "); "
                    + "rebuilt with hub " + (expectedHub != null ? expectedHub : hub) + " and fee "
                    + (expectedFee != null ? expectedFee : fee));
        }
        if (expectedHub != null && hub != expectedHub) {
            mismatch(n, "l1_request.hub", "stored " + hub + ", expected " + expectedHub);
        }
        if (expectedFee != null && fee != expectedFee) {
            mismatch(n, "l1_request.fee", "stored " + fee + ", expected " + expectedFee);
        }
        if (expectedHub != null) {
            hub = expectedHub;
        }
        if (expectedFee != null) {
            fee = expectedFee;
        }
        L2BatchEnvelopeV1.Request rebuilt = L2BatchEnvelopeV1.requestForBatch(batch, envelope, hub, fee);
        compare(n, "l1_request.idempotency_key", cut.idempotencyKey(), rebuilt.idempotencyKey());
        compare(n, "l1_request.bytes", cut.l1Envelope(), rebuilt.body());
        return batchHash;
    }

    /** Records a mismatch if {@code stored} and {@code rebuilt} differ, naming the first differing byte. */
    private void compare(long n, String check, byte[] stored, byte[] rebuilt) {
        int at = Arrays.mismatch(stored, rebuilt);
        if (at < 0) {
            return;
        }
        if (stored.length <= 32 && rebuilt.length <= 32) {
            mismatch(n, check, "stored " + HexFormat.of().formatHex(stored) + ", rebuilt "
                    + HexFormat.of().formatHex(rebuilt));
        } else {
            mismatch(n, check, "first difference at byte " + at + " (stored " + stored.length + " bytes, rebuilt "
                    + rebuilt.length + " bytes)");
        }
    }

    private void mismatch(long batchNumber, String check, String detail) {
        mismatchCount++;
        if (mismatches.size() < MAX_REPORTED) {
            mismatches.add(new Mismatch(batchNumber, check, detail));
        }
    }
}
