package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.envelope.EnvelopeVerifier;
import org.ippan.l2.core.envelope.VerificationResult;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.Backoff;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.memory.InMemoryStorage;

/**
 * One world of the crash and fencing tests: the shared store, the shared simulated L1 and the manual clock that
 * outlive every engine object, the audit of every write, and the engine objects ("nodes") built on them. A crash
 * drops a node (never closing it) and builds a new one on the same store and chain.
 */
final class CrashWorld {
    static final long START_MS = 1_735_000_000_000L;
    static final long CHAIN_ID = 1;
    static final int FINALITY = 2;
    private static final HexFormat HEX = HexFormat.of();
    /** One key for every world: deriving it costs more than a short simulated schedule. */
    private static final Ed25519Signer SIGNER = new Ed25519Signer(key42());

    final ManualClock clock = new ManualClock(START_MS);
    final InMemoryStorage storage = new InMemoryStorage();
    final SimulatedL1 l1;
    final CrashingStorage.Audit audit = new CrashingStorage.Audit(storage);
    final Ed25519Signer signer;
    private final BatchLimits limits;
    private final UnaryOperator<SequencerConfig.Builder> tuning;
    private final List<String> loopErrors = new ArrayList<>();
    private int nodesBuilt;
    private long seed;
    /** Whether the engines of this world sign their envelopes (see {@link #postingUnsigned}). */
    private boolean signed = true;

    CrashWorld() {
        this(new BatchLimits(8, 1 << 16, 200), 0x1234, FINALITY, b -> b);
    }

    /**
     * @param l1FinalityDepth the simulated L1's finality depth; the engine confirms no sooner (so a confirmed batch
     *     can never be lost), unless {@code tuning} raises {@code finalityConfirmations}
     * @param tuning changes to the engine configuration every node of this world gets
     */
    CrashWorld(BatchLimits limits, long seed, int l1FinalityDepth, UnaryOperator<SequencerConfig.Builder> tuning) {
        this.limits = limits;
        this.seed = seed;
        this.tuning = tuning;
        this.l1 = SimulatedL1.builder().finalityDepth(l1FinalityDepth).blockIntervalMs(1000).genesisTimeMs(START_MS)
                .build();
        this.signer = SIGNER;
    }

    /**
     * Tells {@link #check} that the engines of this world post unsigned envelopes (built without {@link #signer}),
     * so an envelope passes when its hashes and contents check out; for simulations where signing dominates the time.
     */
    void postingUnsigned() {
        this.signed = false;
    }

    private static byte[] key42() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0x42);
        return key;
    }

    /** One engine object with its own view of the shared store and chain. */
    static final class Node {
        final Sequencer engine;
        final CrashingStorage storage;
        final CrashingL1 l1;
        final String name;
        final long term;

        Node(Sequencer engine, CrashingStorage storage, CrashingL1 l1, String name, long term) {
            this.engine = engine;
            this.storage = storage;
            this.l1 = l1;
            this.name = name;
            this.term = term;
        }

        boolean dead() {
            return storage.dead() || l1.dead();
        }

        /** The process dies between two calls: this object never touches storage or L1 again. */
        void kill() {
            storage.kill();
            l1.kill();
        }

        /** One step of every loop at the clock's time. */
        int step(ManualClock clock) {
            return engine.doWork(clock.nanoTime());
        }
    }

    SequencerConfig config(long term, String leaderId) {
        return tuning.apply(SequencerConfig.builder().leaderId(leaderId).term(term).chainId(CHAIN_ID)
                .batchLimits(limits).maxTxSize((int) Math.min(65_536, limits.maxBytes()))
                .finalityConfirmations(FINALITY).heartbeatIntervalMs(1000).reconcileIntervalMs(500)
                .maxPostsInFlight(2).postBackoff(new Backoff(50, 2000, 0.5)).repostAfterMs(3000)).build();
    }

    /** Builds a node, not started. */
    Node node(long term, String leaderId) {
        return node(config(term, leaderId));
    }

    Node node(SequencerConfig config) {
        String name = config.leaderId() + "/t" + config.term() + "#" + (++nodesBuilt);
        CrashingStorage nodeStorage = new CrashingStorage(storage, name, audit);
        CrashingL1 nodeL1 = new CrashingL1(l1, name, audit);
        Sequencer engine = Sequencer.builder().config(config).storage(nodeStorage).l1Poster(nodeL1).signer(signer)
                .wallClock(clock).nanoClock(clock).randomSeed(seed++)
                .errorHandler((loop, error) -> {
                    if (loopErrors.size() < 20) {
                        loopErrors.add(name + " " + loop + ": " + error);
                    }
                })
                .build();
        nodeStorage.fencedWhen(() -> engine.state() == SequencerState.FENCED);
        nodeL1.fencedWhen(() -> engine.state() == SequencerState.FENCED);
        return new Node(engine, nodeStorage, nodeL1, name, config.term());
    }

    /** Builds and starts a node. */
    Node start(long term, String leaderId) {
        Node node = node(term, leaderId);
        node.engine.start();
        return node;
    }

    /** Advances the clock and steps the node once. */
    int step(Node node, long advanceMs) {
        clock.advanceMs(advanceMs);
        return node.step(clock);
    }

    Tx tx(int n) {
        return new Tx(CHAIN_ID, n, "user" + (n % 7), new byte[] {(byte) n, (byte) (n >> 8), 7});
    }

    /** @return every stored batch, ascending */
    List<StoredBatch> batches() {
        List<StoredBatch> all = new ArrayList<>();
        long from = 1;
        while (true) {
            List<StoredBatch> page = storage.listBatches(from, 1000);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            from = page.get(page.size() - 1).batchNumber() + 1;
        }
    }

    boolean settled() {
        SequenceState sequence = storage.readSequenceState();
        return sequence.pendingCount() == 0 && storage.listBatchesInStatus(EnumSet.complementOf(
                EnumSet.of(L1Status.CONFIRMED)), 1).isEmpty();
    }

    /**
     * With faults stopped, steps the node (flushing, mining, letting time pass) until every tx is batched and every
     * batch is confirmed.
     *
     * @return how many rounds it took
     * @throws AssertionError if it does not settle within {@code maxRounds}
     */
    int settle(Node node, int maxRounds) {
        for (int round = 1; round <= maxRounds; round++) {
            if (node.engine.state() != SequencerState.LEADER) {
                throw new AssertionError(node.name + " is " + node.engine.state() + " (" + node.engine.stateReason()
                        + ") while settling");
            }
            node.engine.resumePosting();
            node.engine.flush();
            clock.advanceMs(250);
            l1.mineBlock();
            node.step(clock);
            node.step(clock);
            if (settled()) {
                return round;
            }
        }
        throw new AssertionError("did not settle in " + maxRounds + " rounds: " + storage.readSequenceState() + ", "
                + storage.countBatches() + ", readiness " + node.engine.readiness() + ", errors " + loopErrors);
    }

    List<String> loopErrors() {
        return List.copyOf(loopErrors);
    }

    /** The result of {@link #check}. */
    record Check(List<String> violations, int batches, long txs, int lost, int duplicated) {
        boolean ok() {
            return violations.isEmpty();
        }
    }

    /**
     * Checks the no-loss, chain and fencing invariants on what the store and the chain hold now (after
     * {@link #settle}): every acknowledged tx in exactly one batch at its acknowledged seq; batches numbered 1..n,
     * hash-chained, covering every admitted seq once in ascending order; every batch's envelope decodes to its
     * txs; every batch confirmed and its key included on L1 exactly once (applied once, plus once per loss); every
     * batch committed under the term storage held at that moment; and the audit's rules.
     *
     * @param acked tx hash to the seq its acknowledgements carried
     * @param lossesByKey how many times the test made L1 lose each key (hex)
     */
    Check check(Map<Hash, Long> acked, Map<String, Integer> lossesByKey) {
        List<String> v = new ArrayList<>(audit.violations());
        SequenceState sequence = storage.readSequenceState();
        List<StoredBatch> all = batches();
        Map<Hash, Integer> occurrences = new HashMap<>();
        Map<Hash, Long> seqInBatches = new HashMap<>();
        byte[] prevHash = new byte[32];
        long nextFirstSeq = 1;
        long expectedNumber = 1;
        EnvelopeVerifier verifier = EnvelopeVerifier.standard().checkingBatchContents();
        for (StoredBatch stored : all) {
            NewBatch b = stored.batch();
            long n = b.batchNumber();
            if (n != expectedNumber) {
                v.add("batch numbers not contiguous: expected " + expectedNumber + ", found " + n);
            }
            if (!Arrays.equals(b.prevBatchHash(), prevHash)) {
                v.add("batch " + n + ": prevBatchHash is not the previous batch's hash");
            }
            if (b.firstSeq() != nextFirstSeq) {
                v.add("batch " + n + ": firstSeq " + b.firstSeq() + ", expected " + nextFirstSeq);
            }
            Long term = audit.committedUnderTerm.get(n);
            if (term == null || term != b.term()) {
                v.add("batch " + n + " has term " + b.term() + " but was committed under stored term " + term);
            }
            if (stored.status() != L1Status.CONFIRMED) {
                v.add("batch " + n + " is " + stored.status() + ", not CONFIRMED");
            }
            Batch batch;
            try {
                L2BatchEnvelopeV1 l1Envelope = L2BatchEnvelopeV1.fromJson(b.l1Envelope());
                if (!Arrays.equals(l1Envelope.idempotencyKey(), b.idempotencyKey()) || l1Envelope.sequence() != n) {
                    v.add("batch " + n + ": L1 envelope key or sequence differs from the stored ones");
                }
                BatchEnvelope envelope = BatchEnvelope.decode(l1Envelope.payload().payload());
                VerificationResult.Status verified = verifier.verify(envelope).status();
                if (verified != VerificationResult.Status.VALID
                        && (signed || verified != VerificationResult.Status.UNSIGNED)) {
                    v.add("batch " + n + ": envelope does not verify");
                }
                BatchPayload payload = envelope.payload();
                if (!payload.batchHash().contentEquals(b.batchHash())
                        || !payload.prevBatchHash().contentEquals(b.prevBatchHash())) {
                    v.add("batch " + n + ": payload hashes differ from the stored ones");
                }
                batch = Batch.decode(payload.payload());
            } catch (RuntimeException e) {
                v.add("batch " + n + ": envelope does not decode: " + e);
                batch = null;
            }
            if (batch != null) {
                if (batch.batchNumber() != n || !batch.hash().contentEquals(b.batchHash())
                        || batch.txCount() != b.txCount()) {
                    v.add("batch " + n + ": decoded batch differs from the stored record");
                }
                List<StoredTx> txs = storage.readTxs(b.firstSeq(), b.txCount());
                if (txs.size() != b.txCount()) {
                    v.add("batch " + n + ": " + b.txCount() + " txs but storage has " + txs.size() + " in its range");
                }
                for (int i = 0; i < batch.txCount(); i++) {
                    Hash hash = batch.txs().get(i).hash();
                    occurrences.merge(hash, 1, Integer::sum);
                    seqInBatches.put(hash, b.firstSeq() + i);
                    if (i < txs.size() && (txs.get(i).seq() != b.firstSeq() + i
                            || !hash.contentEquals(txs.get(i).txHash()))) {
                        v.add("batch " + n + ": tx " + i + " is not the stored tx at seq " + (b.firstSeq() + i));
                    }
                }
            }
            prevHash = b.batchHash();
            nextFirstSeq = b.endSeq();
            expectedNumber = n + 1;
        }
        if (sequence.nextBatchNumber() != expectedNumber) {
            v.add("next batch number " + sequence.nextBatchNumber() + " but " + all.size() + " batches stored");
        }
        if (nextFirstSeq != sequence.nextSeq() || sequence.pendingCount() != 0) {
            v.add("batches cover seqs up to " + (nextFirstSeq - 1) + " but " + (sequence.nextSeq() - 1)
                    + " txs are admitted (" + sequence + ")");
        }
        int duplicated = 0;
        for (Map.Entry<Hash, Integer> e : occurrences.entrySet()) {
            if (e.getValue() > 1) {
                duplicated += e.getValue() - 1;
                v.add("tx " + e.getKey() + " is in " + e.getValue() + " batches");
            }
        }
        int lost = 0;
        for (Map.Entry<Hash, Long> e : acked.entrySet()) {
            Long inBatch = seqInBatches.get(e.getKey());
            if (inBatch == null) {
                lost++;
                v.add("acknowledged tx " + e.getKey() + " (seq " + e.getValue() + ") is in no batch");
            } else if (!inBatch.equals(e.getValue())) {
                v.add("acknowledged tx " + e.getKey() + " has seq " + e.getValue() + " but is batched at " + inBatch);
            }
        }
        checkL1(all, lossesByKey, v);
        return new Check(v, all.size(), sequence.nextSeq() - 1, lost, duplicated);
    }

    private void checkL1(List<StoredBatch> all, Map<String, Integer> lossesByKey, List<String> v) {
        Map<String, List<SimulatedL1.IncludedSubmission>> included = new HashMap<>();
        for (SimulatedL1.IncludedSubmission s : l1.includedSubmissions()) {
            included.computeIfAbsent(HEX.formatHex(s.idempotencyKey()), k -> new ArrayList<>()).add(s);
        }
        if (!l1.mempool().isEmpty()) {
            v.add("L1 mempool still holds " + l1.mempool().size() + " submissions");
        }
        int matched = 0;
        for (StoredBatch stored : all) {
            NewBatch b = stored.batch();
            String key = HEX.formatHex(b.idempotencyKey());
            List<SimulatedL1.IncludedSubmission> found = included.getOrDefault(key, List.of());
            if (found.size() != 1) {
                v.add("batch " + b.batchNumber() + ": key included " + found.size() + " times on L1");
                continue;
            }
            matched++;
            SimulatedL1.IncludedSubmission s = found.get(0);
            if (s.sequence() != b.batchNumber() || !Arrays.equals(s.submission().body(), b.l1Envelope())) {
                v.add("batch " + b.batchNumber() + ": L1 holds a different request under its key");
            }
            int expectedApplies = 1 + lossesByKey.getOrDefault(key, 0);
            int applies = l1.applyCount(b.idempotencyKey());
            if (applies != expectedApplies) {
                v.add("batch " + b.batchNumber() + ": applied " + applies + " times on L1, expected "
                        + expectedApplies + " (1 + losses)");
            }
        }
        if (included.size() != matched) {
            v.add("L1 includes " + included.size() + " keys but only " + matched + " match stored batches");
        }
    }
}
