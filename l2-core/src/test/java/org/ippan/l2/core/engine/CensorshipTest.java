package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.proof.DelayEvidence;
import org.ippan.l2.core.proof.DelayEvidence.Verdict;
import org.ippan.l2.core.proof.InclusionProof;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.GroupReceipts;
import org.ippan.l2.core.receipt.ReceiptGroup;
import org.ippan.l2.core.receipt.ReceiptTree;
import org.ippan.l2.core.receipt.ReceiptVerification;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.Test;

/**
 * The seed's censorship scenario, end to end on a manual clock: a leader that promises (signed receipts) and then
 * drops one account's txs, the receipts turning into signed evidence of the delay once their deadline passes, and
 * the same txs forced through the L1 inbox and included within the window, across a leader change in the middle
 * of the window.
 *
 * <p>The censoring leader is test code by design: the engine has no way to drop an admitted tx (batches hold
 * contiguous ranges of admission sequence numbers, so a dropped tx would stall every later one or break the chain
 * rules storage checks). So the test plays the censoring leader's admission front, with the leader's own key: for
 * the victim's txs it signs a receipt exactly as the engine does (a one-tx group, seq = the store's next) and stores
 * nothing; everyone else's txs go to the real engine, which batches and posts them. The user holds a receipt that
 * verifies; what happens to the tx afterwards is what the test checks.
 */
class CensorshipTest {
    private static final String VICTIM = "victim";
    private static final int WINDOW_BLOCKS = 10;
    private static final long DEADLINE_MS = 5_000;
    private static final long STEP_MS = 50;

    private final SimulatedL1 chain = SimulatedL1.builder().finalityDepth(2).blockIntervalMs(1_000)
            .genesisTimeMs(EngineFixture.START_MS)
            .forcedInbox(ForcedInboxRules.of(EngineFixture.config().build())).build();
    private final EngineFixture f = new EngineFixture(chain);
    private final Ed25519Signer key = new Ed25519Signer(filled(0x42));

    private Sequencer leader(String id, long term) {
        Sequencer sequencer = f.builder(EngineFixture.config().leaderId(id).term(term).inclusionDeadlineMs(DEADLINE_MS)
                .forcePollMs(200).forceInclusionBlocks(WINDOW_BLOCKS).build()).signer(key).build();
        sequencer.start();
        return sequencer;
    }

    /** The censoring leader's admission front: the victim's txs get a signed receipt and are dropped. */
    private SubmitResult.Accepted censoringSubmit(Sequencer honest, Tx tx) {
        if (!tx.from().equals(VICTIM)) {
            return EngineFixture.accepted(honest.submit(tx));
        }
        long seq = f.memory.readSequenceState().nextSeq();
        byte[] hash = tx.hash().toBytes();
        ReceiptTree tree = ReceiptTree.build(seq, new byte[][] {hash}, 1);
        ReceiptGroup group = ReceiptGroup.sign(key, EngineFixture.CHAIN_ID, honest.status().leader().termId(), seq, 1,
                f.nowMs(), f.nowMs() + DEADLINE_MS, tree.root());
        return new SubmitResult.Accepted(tx.hash(), seq, false, new GroupReceipts(group, tree).receipt(seq, hash));
    }

    private void run(Sequencer sequencer, int steps) {
        for (int i = 0; i < steps; i++) {
            if (sequencer != null) {
                sequencer.doWork(f.now());
            }
            f.advanceMs(STEP_MS);
            chain.advanceTo(f.nowMs());
        }
    }

    private static Tx tx(String from, long nonce) {
        return new Tx(EngineFixture.CHAIN_ID, nonce, from, (from + "-" + nonce).getBytes(StandardCharsets.UTF_8));
    }

    private long inclusionHeight(Sequencer reader, Tx tx) {
        StoredBatch batch = reader.findTx(tx.hash()).orElseThrow(() -> new AssertionError(tx + " never admitted"))
                .batch().orElseThrow(() -> new AssertionError(tx + " not batched"));
        return chain.includedSubmissions().stream().filter(s -> s.sequence() == batch.batchNumber())
                .map(SimulatedL1.IncludedSubmission::height).findFirst()
                .orElseThrow(() -> new AssertionError("batch " + batch.batchNumber() + " not on L1"));
    }

    @Test
    void droppedTxs_leaveSignedEvidenceOfDelay_andAreForcedInThroughL1AcrossALeaderChange() {
        Sequencer a = leader("a", 1);
        List<AdmissionReceipt> receipts = new ArrayList<>();
        List<Tx> victims = List.of(tx(VICTIM, 1), tx(VICTIM, 2), tx(VICTIM, 3));
        for (int n = 1; n <= 30; n++) {
            censoringSubmit(a, tx("user-" + (n % 4), n));
            if (n % 10 == 0) {
                receipts.add(censoringSubmit(a, victims.get(n / 10 - 1)).receipt());
            }
            run(a, 1);
        }
        run(a, (int) (DEADLINE_MS / STEP_MS) + 20); // everyone else's txs are batched; the deadline passes

        // the promise and its breach, as the victim can show them to anyone holding the sequencer's key
        for (int i = 0; i < victims.size(); i++) {
            AdmissionReceipt receipt = receipts.get(i);
            assertThat(receipt.verify(key.publicKey())).isEqualTo(ReceiptVerification.VALID);
            assertThat(a.inclusionProof(victims.get(i).hash())).isEmpty();
            DelayEvidence.Assessment evidence = DelayEvidence.assess(receipt, Optional.empty(), f.nowMs(),
                    key.publicKey());
            assertThat(evidence.verdict()).as(evidence.detail()).isEqualTo(Verdict.DELAYED);
        }
        assertThat(a.findTx(tx("user-1", 1).hash()).orElseThrow().batch()).as("others' txs flow").isPresent();

        // the victim forces its first tx through the L1 inbox: leader a has to include it
        ForcedInboxEntry first = chain.submitForced(victims.get(0).encode()).join();
        run(a, 40);
        assertThat(inclusionHeight(a, victims.get(0))).isLessThanOrEqualTo(first.l1Height() + WINDOW_BLOCKS);

        // then the other two; leader a crashes before its watcher reads them, 4 blocks pass, leader b takes over
        List<ForcedInboxEntry> late = new ArrayList<>();
        for (Tx victim : victims.subList(1, 3)) {
            late.add(chain.submitForced(victim.encode()).join());
        }
        run(null, 80); // a is down: no step; L1 goes on
        assertThat(chain.height()).as("in the middle of the window").isLessThan(late.get(0).l1Height() + WINDOW_BLOCKS);
        Sequencer b = leader("b", 2);
        run(b, 100);

        for (int i = 0; i < late.size(); i++) {
            assertThat(inclusionHeight(b, victims.get(i + 1))).as("victim tx %d", i + 2)
                    .isLessThanOrEqualTo(late.get(i).l1Height() + WINDOW_BLOCKS);
        }
        // now a proof exists, and with the old receipt it shows the promise was kept late: still signed evidence
        for (int i = 0; i < victims.size(); i++) {
            InclusionProof proof = b.inclusionProof(victims.get(i).hash()).orElseThrow();
            assertThat(proof.verify(key.publicKey()).isValid()).isTrue();
            assertThat(DelayEvidence.assess(receipts.get(i), Optional.of(proof), f.nowMs(), key.publicKey())
                    .verdict()).isEqualTo(Verdict.INCLUDED_LATE);
        }
        assertEachTxOnceInOneChain(b);
        assertThat(f.errors).extracting(Map.Entry::getKey).doesNotContain(ForcedInclusionWatcher.NAME);
    }

    private void assertEachTxOnceInOneChain(Sequencer reader) {
        List<StoredBatch> batches = reader.listBatches(1, 10_000);
        long nextSeq = 1;
        byte[] prev = new byte[32];
        for (int i = 0; i < batches.size(); i++) {
            StoredBatch batch = batches.get(i);
            assertThat(batch.batchNumber()).isEqualTo(i + 1);
            assertThat(batch.batch().firstSeq()).isEqualTo(nextSeq);
            assertThat(batch.batch().prevBatchHash()).isEqualTo(prev);
            nextSeq += batch.batch().txCount();
            prev = batch.batchHash();
        }
        assertThat(f.memory.readSequenceState().nextSeq()).as("every admitted tx batched once").isEqualTo(nextSeq);
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
