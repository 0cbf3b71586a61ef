package org.ippan.l2.core.proof;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.ippan.l2.core.contract.ContractException;
import org.ippan.l2.core.contract.HubPayloadEnvelopeV1;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.envelope.EnvelopeVerifier;
import org.ippan.l2.core.envelope.VerificationResult;
import org.ippan.l2.core.proof.ProofVerification.Status;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.WireFormatException;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.StoredBatch;

/**
 * An inclusion proof v1 ({@code docs/spec/inclusion-proof-v1.md}): everything an outsider needs to check offline
 * that tx {@code txHash} is at {@code txIndex} in batch {@code batchNumber}, that the batch's envelope is signed by
 * the sequencer key and links to its predecessor, and with which idempotency key (and, as the sequencer claims,
 * where) the L1 holds it.
 *
 * <p>v1's {@code tx_root} is a flat BLAKE3 over all the batch's tx hashes and the signature covers the whole batch,
 * so the proof carries the whole signed envelope, as posted: {@code l1Request} is the exact L1 request body. A proof
 * is therefore as large as its batch (about 2.7 times the batch's encoded size, and 4/3 of that again as base64url
 * in JSON).
 *
 * @param chainId        the L2 chain id (unsigned 64-bit)
 * @param txHash         the tx's hash, 32 bytes
 * @param txIndex        the tx's position in the batch, from 0
 * @param batchNumber    the batch number, at least 1
 * @param batchHash      the batch hash, 32 bytes
 * @param prevBatchHash  the previous batch's hash as signed in the envelope, 32 bytes; zero for batch 1
 * @param predecessor    the previous batch; empty for batch 1
 * @param l1Request      the exact L1 request body: canonical JSON of the {@code L2BatchEnvelopeV1}
 * @param idempotencyKey the L1 idempotency key, 32 bytes
 * @param l1             where the batch stood with the L1 when the proof was made (a claim, see {@link L1Position})
 */
public record InclusionProof(long chainId, byte[] txHash, int txIndex, long batchNumber, byte[] batchHash,
        byte[] prevBatchHash, Optional<Predecessor> predecessor, byte[] l1Request, byte[] idempotencyKey,
        L1Position l1) {

    /** Length of every hash in a proof. */
    public static final int HASH_LENGTH = Hash.LENGTH;

    /**
     * The batch before the proven one.
     *
     * @param batchNumber its number, at least 1
     * @param batchHash   its hash, 32 bytes
     */
    public record Predecessor(long batchNumber, byte[] batchHash) {
        /**
         * @throws IllegalArgumentException if {@code batchNumber} is below 1 or the hash is not 32 bytes
         */
        public Predecessor {
            if (batchNumber < 1) {
                throw new IllegalArgumentException("predecessor.batchNumber must be >= 1, got " + batchNumber);
            }
            batchHash = requireHash(batchHash, "predecessor.batchHash");
        }

        /** @return the hash, a copy */
        @Override
        public byte[] batchHash() {
            return batchHash.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Predecessor p && batchNumber == p.batchNumber && Arrays.equals(batchHash, p.batchHash);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(batchNumber) * 31 + Arrays.hashCode(batchHash);
        }

        @Override
        public String toString() {
            return "Predecessor[batchNumber=" + batchNumber + ", batchHash=" + Hex.encode(batchHash) + "]";
        }
    }

    /**
     * Where the batch stood with the L1, as the sequencer saw it when it made the proof. Not provable offline: check
     * it against the L1 with the idempotency key or {@code l1TxId}. {@link InclusionProof#verify} checks its form
     * only: a stage with a block ({@link L1Stage#hasBlock()}) has an {@code l1TxId} and a {@code height}; the others
     * have no {@code height}, and {@link L1Stage#COMMITTED} has no {@code l1TxId} either.
     *
     * @param stage   the stage
     * @param l1TxId  the L1's id of the posted batch, when known
     * @param height  the L1 block height that includes it, when included
     */
    public record L1Position(L1Stage stage, Optional<String> l1TxId, OptionalLong height) {
        /** @throws NullPointerException if a component is null */
        public L1Position {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(l1TxId, "l1TxId");
            Objects.requireNonNull(height, "height");
        }

        /**
         * The position of a stored batch's L1 state, keeping only what its stage says: no id for a committed batch
         * (one re-posted after a reorg may still remember an old one), a height only for a stage with a block.
         *
         * @param state the stored state
         * @return the position
         */
        public static L1Position of(BatchL1State state) {
            L1Stage stage = L1Stage.of(state.status());
            Optional<String> id = stage == L1Stage.COMMITTED ? Optional.empty()
                    : Optional.ofNullable(state.l1TxId()).filter(s -> !s.isEmpty());
            OptionalLong height = stage.hasBlock() ? OptionalLong.of(state.inclusionHeight()) : OptionalLong.empty();
            return new L1Position(stage, id, height);
        }

        /** @return null if well formed, else what is wrong */
        String problem() {
            if (stage.hasBlock()) {
                if (l1TxId.isEmpty() || l1TxId.get().isEmpty()) {
                    return "l1.status " + stage.jsonName() + " needs an l1_tx_id";
                }
                if (height.isEmpty() || height.getAsLong() < 0) {
                    return "l1.status " + stage.jsonName() + " needs a height >= 0";
                }
                return null;
            }
            if (height.isPresent()) {
                return "l1.status " + stage.jsonName() + " has no block, yet a height " + height.getAsLong();
            }
            if (stage == L1Stage.COMMITTED && l1TxId.isPresent()) {
                return "l1.status committed has no l1_tx_id, yet one is given";
            }
            if (l1TxId.isPresent() && l1TxId.get().isEmpty()) {
                return "l1.l1_tx_id is empty";
            }
            return null;
        }
    }

    /**
     * Checks the shape only ({@link #verify} checks the content).
     *
     * @throws NullPointerException     if a component is null
     * @throws IllegalArgumentException if a hash is not 32 bytes, {@code txIndex} is negative or
     *                                  {@code batchNumber} below 1
     */
    public InclusionProof {
        txHash = requireHash(txHash, "txHash");
        if (txIndex < 0) {
            throw new IllegalArgumentException("txIndex must be >= 0, got " + txIndex);
        }
        if (batchNumber < 1) {
            throw new IllegalArgumentException("batchNumber must be >= 1, got " + batchNumber);
        }
        batchHash = requireHash(batchHash, "batchHash");
        prevBatchHash = requireHash(prevBatchHash, "prevBatchHash");
        Objects.requireNonNull(predecessor, "predecessor");
        l1Request = Objects.requireNonNull(l1Request, "l1Request").clone();
        idempotencyKey = requireHash(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(l1, "l1");
    }

    private static byte[] requireHash(byte[] hash, String name) {
        Objects.requireNonNull(hash, name);
        if (hash.length != HASH_LENGTH) {
            throw new IllegalArgumentException(name + " must be " + HASH_LENGTH + " bytes, got " + hash.length);
        }
        return hash.clone();
    }

    /**
     * The proof of the tx with admission sequence number {@code txSeq} in a stored batch.
     *
     * @param batch       the stored batch holding the tx; its {@code l1Envelope} is the exact L1 request body
     * @param txSeq       the tx's admission sequence number
     * @param predecessor the stored batch before it: empty for batch 1, required otherwise
     * @return the proof
     * @throws IllegalArgumentException if the batch does not hold {@code txSeq}, its stored request body is not a
     *                                  v1 batch request, or the predecessor is missing, not the batch before, or
     *                                  not the one the batch links to
     */
    public static InclusionProof of(StoredBatch batch, long txSeq, Optional<StoredBatch> predecessor) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(predecessor, "predecessor");
        NewBatch cut = batch.batch();
        if (!cut.containsSeq(txSeq)) {
            throw new IllegalArgumentException("batch " + cut.batchNumber() + " holds seqs " + cut.firstSeq() + ".."
                    + (cut.endSeq() - 1) + ", not " + txSeq);
        }
        int txIndex = (int) (txSeq - cut.firstSeq());
        Optional<Predecessor> previous;
        if (cut.batchNumber() == 1) {
            if (predecessor.isPresent()) {
                throw new IllegalArgumentException("batch 1 has no predecessor, yet batch "
                        + predecessor.get().batchNumber() + " was given");
            }
            previous = Optional.empty();
        } else {
            StoredBatch before = predecessor.orElseThrow(() -> new IllegalArgumentException("batch "
                    + cut.batchNumber() + " needs its predecessor"));
            if (before.batchNumber() != cut.batchNumber() - 1 || !Arrays.equals(before.batchHash(),
                    cut.prevBatchHash())) {
                throw new IllegalArgumentException("batch " + before.batchNumber() + " (" + Hex.encode(
                        before.batchHash()) + ") is not the predecessor batch " + cut.batchNumber() + " links to ("
                        + Hex.encode(cut.prevBatchHash()) + ")");
            }
            previous = Optional.of(new Predecessor(before.batchNumber(), before.batchHash()));
        }
        Batch decoded;
        try {
            L2BatchEnvelopeV1 request = L2BatchEnvelopeV1.fromJson(cut.l1Envelope());
            decoded = Batch.decode(BatchEnvelope.decode(request.payload().payload()).payload().payload());
        } catch (ContractException | WireFormatException e) {
            throw new IllegalArgumentException("the stored L1 request of batch " + cut.batchNumber()
                    + " is not a v1 batch request: " + e.getMessage(), e);
        }
        if (txIndex >= decoded.txCount()) {
            throw new IllegalArgumentException("the stored L1 request of batch " + cut.batchNumber() + " holds "
                    + decoded.txCount() + " txs, not " + (txIndex + 1));
        }
        return new InclusionProof(decoded.chainId(), decoded.txs().get(txIndex).hash().toBytes(), txIndex,
                cut.batchNumber(), cut.batchHash(), cut.prevBatchHash(), previous, cut.l1Envelope(),
                cut.idempotencyKey(), L1Position.of(batch.l1State()));
    }

    /** @return the tx hash, a copy */
    @Override
    public byte[] txHash() {
        return txHash.clone();
    }

    /** @return the batch hash, a copy */
    @Override
    public byte[] batchHash() {
        return batchHash.clone();
    }

    /** @return the previous batch hash, a copy */
    @Override
    public byte[] prevBatchHash() {
        return prevBatchHash.clone();
    }

    /** @return the L1 request body, a copy */
    @Override
    public byte[] l1Request() {
        return l1Request.clone();
    }

    /** @return the idempotency key, a copy */
    @Override
    public byte[] idempotencyKey() {
        return idempotencyKey.clone();
    }

    /**
     * Checks the proof offline, in the order of {@code docs/spec/inclusion-proof-v1.md} §5, and names the first
     * check that fails. It never throws on hostile content. A valid proof shows that the sequencer key signed a batch
     * holding the tx at {@code txIndex}, linking to {@code prevBatchHash}, posted (or to be posted) under
     * {@code idempotencyKey}; it does not show that the L1 holds it: ask the L1 for the idempotency key.
     *
     * @param publicKey the sequencer key the batch must be signed by, 32 bytes
     * @return {@link ProofVerification#VALID}, or the first check that failed with what was found
     * @throws IllegalArgumentException if {@code publicKey} is not 32 bytes
     */
    public ProofVerification verify(byte[] publicKey) {
        return check(publicKey).verification();
    }

    /** A verdict, and the signed batch when the proof is valid (for {@link DelayEvidence}). */
    record Checked(ProofVerification verification, Batch batch) {}

    Checked check(byte[] publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        if (publicKey.length != HASH_LENGTH) {
            throw new IllegalArgumentException("publicKey must be 32 bytes, got " + publicKey.length);
        }
        try {
            return checkInOrder(publicKey);
        } catch (RuntimeException unexpected) {
            // defensive: hostile content must never escape as an exception
            return failed(Status.L1_REQUEST_MALFORMED, "the proof could not be checked: " + unexpected);
        }
    }

    private static Checked failed(Status status, String detail) {
        return new Checked(ProofVerification.fail(status, detail), null);
    }

    private Checked checkInOrder(byte[] publicKey) {
        // 1. the L1 request: canonical v1 contract JSON carrying a batch envelope
        L2BatchEnvelopeV1 request;
        try {
            request = L2BatchEnvelopeV1.fromJson(l1Request);
        } catch (ContractException e) {
            return failed(Status.L1_REQUEST_MALFORMED, "l1_request: " + e.getMessage());
        }
        if (!Arrays.equals(request.canonicalJson(), l1Request)) {
            return failed(Status.L1_REQUEST_MALFORMED, "l1_request is not in canonical JSON form");
        }
        HubPayloadEnvelopeV1 hubPayload = request.payload();
        if (!HubPayloadEnvelopeV1.BATCH_SCHEMA.equals(hubPayload.schemaVersion())
                || !HubPayloadEnvelopeV1.BATCH_CONTENT_TYPE.equals(hubPayload.contentType())) {
            return failed(Status.L1_REQUEST_MALFORMED, "l1_request's payload is " + hubPayload.schemaVersion() + " ("
                    + hubPayload.contentType() + "), not " + HubPayloadEnvelopeV1.BATCH_SCHEMA);
        }
        // 2. the batch envelope
        BatchEnvelope envelope;
        try {
            envelope = BatchEnvelope.decode(hubPayload.payload());
        } catch (WireFormatException e) {
            return failed(Status.ENVELOPE_MALFORMED, "the hub payload is not a v1 batch envelope: " + e.getMessage());
        }
        VerificationResult envelopeResult = EnvelopeVerifier.standard().verify(envelope);
        switch (envelopeResult.status()) {
            case MALFORMED:
                return failed(Status.ENVELOPE_MALFORMED, envelopeResult.detail());
            case HASH_MISMATCH:
                return failed(Status.ENVELOPE_HASH_MISMATCH, envelopeResult.detail());
            case UNSIGNED:
                return failed(Status.UNSIGNED, "the batch envelope carries no key and no signature");
            default:
                break;
        }
        if (!Arrays.equals(envelope.sequencerPubkey(), publicKey)) {
            return failed(Status.WRONG_KEY, "signed by " + envelope.sequencerPubkeyHex() + ", expected "
                    + Hex.encode(publicKey));
        }
        if (envelopeResult.status() != VerificationResult.Status.VALID) {
            return failed(Status.BAD_SIGNATURE, envelopeResult.detail());
        }
        // 3. the batch inside the signed payload
        BatchPayload payload = envelope.payload();
        Batch batch;
        try {
            batch = Batch.decode(payload.payload());
        } catch (WireFormatException e) {
            return failed(Status.BATCH_MALFORMED, "the signed payload is not a v1 batch: " + e.getMessage());
        }
        String header = headerProblem(payload, batch);
        if (header != null) {
            return failed(Status.BATCH_MALFORMED, header);
        }
        if (!batch.hash().equals(payload.batchHash())) {
            return failed(Status.BATCH_HASH_MISMATCH, "the signed batch_hash " + payload.batchHash()
                    + " is not the batch's hash " + batch.hash());
        }
        Hash txRoot = Batch.computeTxRoot(batch.txs());
        if (!txRoot.equals(payload.txRoot())) {
            return failed(Status.TX_ROOT_MISMATCH, "the signed tx_root " + payload.txRoot()
                    + " is not BLAKE3 over the batch's tx hashes, " + txRoot);
        }
        // 4. the L1 request describes this batch
        String contract = contractProblem(request, batch, txRoot);
        if (contract != null) {
            return failed(Status.CONTRACT_MISMATCH, contract);
        }
        // 5. the proof's own statements
        if (chainId != batch.chainId()) {
            return failed(Status.CHAIN_MISMATCH, "chain_id " + Long.toUnsignedString(chainId) + ", the batch is of "
                    + Long.toUnsignedString(batch.chainId()));
        }
        if (!batch.hash().contentEquals(batchHash)) {
            return failed(Status.BATCH_HASH_MISMATCH, "batch_hash " + Hex.encode(batchHash) + ", the batch's is "
                    + batch.hash());
        }
        if (batchNumber != batch.batchNumber()) {
            return failed(Status.BATCH_NUMBER_MISMATCH, "batch_number " + batchNumber + ", the batch's is "
                    + batch.batchNumber());
        }
        if (txIndex >= batch.txCount()) {
            return failed(Status.TX_NOT_AT_INDEX, "tx_index " + txIndex + " is outside the batch's "
                    + batch.txCount() + " txs");
        }
        Hash atIndex = batch.txs().get(txIndex).hash();
        if (!atIndex.contentEquals(txHash)) {
            return failed(Status.TX_NOT_AT_INDEX, "the tx at index " + txIndex + " has hash " + atIndex + ", not "
                    + Hex.encode(txHash));
        }
        String link = linkProblem(payload.prevBatchHash());
        if (link != null) {
            return failed(Status.PREDECESSOR_MISMATCH, link);
        }
        if (!Arrays.equals(request.idempotencyKey(), idempotencyKey)) {
            return failed(Status.IDEMPOTENCY_KEY_MISMATCH, "idempotency_key " + Hex.encode(idempotencyKey)
                    + ", the L1 request's (derived from it) is " + Hex.encode(request.idempotencyKey()));
        }
        String l1Problem = l1.problem();
        if (l1Problem != null) {
            return failed(Status.L1_STATE_MALFORMED, l1Problem);
        }
        return new Checked(ProofVerification.VALID, batch);
    }

    private static String headerProblem(BatchPayload payload, Batch batch) {
        if (batch.chainId() != payload.l2ChainId()) {
            return "the signed l2_chain_id " + Long.toUnsignedString(payload.l2ChainId()) + " but the batch is of "
                    + Long.toUnsignedString(batch.chainId());
        }
        if (batch.createdMs() != payload.createdAtMs()) {
            return "the signed created_at_ms " + payload.createdAtMs() + " but the batch says " + batch.createdMs();
        }
        if (batch.txCount() != payload.txCount()) {
            return "the signed tx_count " + payload.txCount() + " but the batch holds " + batch.txCount();
        }
        if (batch.txBytes() != payload.txBytes()) {
            return "the signed tx_bytes " + payload.txBytes() + " but the batch's payloads sum to "
                    + batch.txBytes();
        }
        return null;
    }

    private static String contractProblem(L2BatchEnvelopeV1 request, Batch batch, Hash txRoot) {
        if (!batch.hash().toHex().equals(request.batchId())) {
            return "the L1 request's batch_id " + request.batchId() + " is not the batch's hash " + batch.hash();
        }
        if (request.sequence() != batch.batchNumber()) {
            return "the L1 request's sequence " + request.sequence() + " is not the batch number "
                    + batch.batchNumber();
        }
        if (request.txCount() != batch.txCount()) {
            return "the L1 request's tx_count " + request.txCount() + " is not the batch's " + batch.txCount();
        }
        if (request.commitment() != null && !txRoot.toHex().equals(request.commitment())) {
            return "the L1 request's commitment " + request.commitment() + " is not the tx_root " + txRoot;
        }
        return null;
    }

    private String linkProblem(Hash signedPrev) {
        if (!signedPrev.contentEquals(prevBatchHash)) {
            return "prev_batch_hash " + Hex.encode(prevBatchHash) + ", the signed one is " + signedPrev;
        }
        if (batchNumber == 1) {
            if (!signedPrev.isZero()) {
                return "batch 1 links to " + signedPrev + ", not to 32 zero bytes";
            }
            return predecessor.isPresent() ? "batch 1 has no predecessor, yet one is given" : null;
        }
        if (predecessor.isEmpty()) {
            return "batch " + batchNumber + " needs its predecessor";
        }
        Predecessor p = predecessor.get();
        if (p.batchNumber() != batchNumber - 1) {
            return "predecessor.batch_number " + p.batchNumber() + " is not " + (batchNumber - 1);
        }
        if (!signedPrev.contentEquals(p.batchHash)) {
            return "predecessor.batch_hash " + Hex.encode(p.batchHash) + " is not the signed prev_batch_hash "
                    + signedPrev;
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InclusionProof p && chainId == p.chainId && txIndex == p.txIndex
                && batchNumber == p.batchNumber && Arrays.equals(txHash, p.txHash)
                && Arrays.equals(batchHash, p.batchHash) && Arrays.equals(prevBatchHash, p.prevBatchHash)
                && predecessor.equals(p.predecessor) && Arrays.equals(l1Request, p.l1Request)
                && Arrays.equals(idempotencyKey, p.idempotencyKey) && l1.equals(p.l1);
    }

    @Override
    public int hashCode() {
        return Objects.hash(chainId, txIndex, batchNumber, Arrays.hashCode(txHash), Arrays.hashCode(batchHash),
                Arrays.hashCode(idempotencyKey));
    }

    @Override
    public String toString() {
        return "InclusionProof[chainId=" + Long.toUnsignedString(chainId) + ", txHash=" + Hex.encode(txHash)
                + ", txIndex=" + txIndex + ", batchNumber=" + batchNumber + ", batchHash=" + Hex.encode(batchHash)
                + ", l1Request=" + l1Request.length + " bytes, l1=" + l1 + "]";
    }
}
