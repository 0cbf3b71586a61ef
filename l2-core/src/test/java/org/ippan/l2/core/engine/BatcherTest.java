package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.batch.UnbatchableTxException;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.engine.EngineFixture.Op;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.envelope.EnvelopeVerifier;
import org.ippan.l2.core.envelope.VerificationResult;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.memory.InMemoryStorage.WriteFault;
import org.junit.jupiter.api.Test;

/** The batcher loop: when it cuts, what it commits, and how it survives storage failures and impossible txs. */
class BatcherTest {
    private final EngineFixture f = new EngineFixture();

    /** A tx whose body is 32 + 5 + 100 = 137 bytes. */
    private static Tx tx137(long nonce) {
        return new Tx(EngineFixture.CHAIN_ID, nonce, "alice", new byte[100]);
    }

    private static int cut(Sequencer sequencer, EngineFixture f) {
        return Loops.named(sequencer, Batcher.NAME).doWork(f.now());
    }

    // ---- when it cuts -------------------------------------------------------------------------------------------

    @Test
    void cut_byCount_assoonAsMaxTxsArePending() {
        Sequencer sequencer = f.start(EngineFixture.config().batchLimits(new BatchLimits(3, 1 << 20, 60_000)).build());
        sequencer.submitAll(txs(1, 3));
        assertThat(cut(sequencer, f)).isZero();
        assertThat(f.batchCount()).isZero();

        accepted(sequencer.submit(tx(3)));
        assertThat(cut(sequencer, f)).isEqualTo(1);

        assertThat(f.batch(1).batch().txCount()).isEqualTo(3);
        assertThat(f.cut(CutReason.COUNT)).isEqualTo(1);
        assertThat(f.metrics.snapshot().batchesCutTotal()).isEqualTo(1);
    }

    @Test
    void cut_byBytes_whenTheNextTxWouldNotFit() {
        // overhead 34 + 2 * 137 = 308, 100 bytes left: a third 137-byte tx does not fit
        Sequencer sequencer = f.start(EngineFixture.config().maxTxSize(200)
                .batchLimits(new BatchLimits(10, 408, 60_000)).build());
        sequencer.submitAll(List.of(tx137(1), tx137(2)));
        assertThat(cut(sequencer, f)).as("two fit and a third could still come").isZero();

        accepted(sequencer.submit(tx137(3)));
        assertThat(cut(sequencer, f)).isEqualTo(1);

        assertThat(f.batch(1).batch().txCount()).isEqualTo(2);
        assertThat(f.cut(CutReason.BYTES)).isEqualTo(1);
        assertThat(f.memory.readSequenceState().pendingCount()).isEqualTo(1);
        assertThat(f.metrics.snapshot().bytesCut()).isEqualTo(34 + 2 * 137);
    }

    @Test
    void cut_byBytes_whenWhatIsLeftCannotHoldAnyTx() {
        // 34 + 2 * 137 = 308 of 328: 20 bytes left, less than the smallest tx body (32)
        Sequencer sequencer = f.start(EngineFixture.config().maxTxSize(200)
                .batchLimits(new BatchLimits(10, 328, 60_000)).build());
        accepted(sequencer.submit(tx137(1)));
        assertThat(cut(sequencer, f)).isZero();

        accepted(sequencer.submit(tx137(2)));
        assertThat(cut(sequencer, f)).isEqualTo(1);

        assertThat(f.batch(1).batch().txCount()).isEqualTo(2);
        assertThat(f.cut(CutReason.BYTES)).isEqualTo(1);
    }

    @Test
    void cut_byAge_exactlyAtTheOldestTxsDeadline() {
        Sequencer sequencer = f.leader(); // maxWait 100 ms
        long admittedNs = f.now();
        accepted(sequencer.submit(tx(1)));
        assertThat(cut(sequencer, f)).isZero();
        assertThat(Loops.named(sequencer, Batcher.NAME).nextDeadlineNs(f.now())).isEqualTo(admittedNs + 100_000_000L);
        f.advanceMs(40);
        accepted(sequencer.submit(tx(2)));

        f.advanceMs(59); // deadline - 1 ms
        assertThat(cut(sequencer, f)).isZero();
        assertThat(f.batchCount()).isZero();

        f.advanceMs(1); // the deadline of tx 1
        assertThat(cut(sequencer, f)).isEqualTo(1);
        assertThat(f.batch(1).batch().txCount()).as("the younger tx rides along").isEqualTo(2);
        assertThat(f.cut(CutReason.AGE)).isEqualTo(1);
    }

    @Test
    void flush_cutsAtOnce_andOnlyWhatIsPending() {
        Sequencer sequencer = f.leader(); // maxTxs 10
        sequencer.submitAll(txs(1, 26));

        sequencer.flush();
        assertThat(cut(sequencer, f)).isEqualTo(3);

        assertThat(f.batch(1).batch().txCount()).isEqualTo(10);
        assertThat(f.batch(2).batch().txCount()).isEqualTo(10);
        assertThat(f.batch(3).batch().txCount()).isEqualTo(5);
        assertThat(f.cut(CutReason.COUNT)).isEqualTo(2);
        assertThat(f.cut(CutReason.FLUSH)).isEqualTo(1);
        assertThat(f.metrics.snapshot().txsCut()).isEqualTo(25);

        // the flush is spent: a later tx waits for its own deadline
        accepted(sequencer.submit(tx(26)));
        assertThat(cut(sequencer, f)).isZero();
        f.advanceMs(100);
        assertThat(cut(sequencer, f)).isEqualTo(1);
        assertThat(f.cut(CutReason.AGE)).isEqualTo(1);
    }

    @Test
    void backlog_aStepCutsAtMost16Batches_andTheNextStepTheRest() {
        Sequencer sequencer = f.leader(); // maxTxs 10, at most 64 batches not yet posted
        sequencer.submitAll(txs(1, 181)); // 18 full batches

        assertThat(cut(sequencer, f)).isEqualTo(16);
        assertThat(f.batchCount()).isEqualTo(16);
        assertThat(f.memory.readSequenceState().pendingCount()).isEqualTo(20);

        assertThat(cut(sequencer, f)).isEqualTo(2);
        assertThat(f.batchCount()).isEqualTo(18);
        assertThat(f.cut(CutReason.COUNT)).isEqualTo(18);
    }

    @Test
    void flush_whoseLastCutIsTheSixteenthOfTheStep_isSpentAllTheSame() {
        Sequencer sequencer = f.leader();
        sequencer.submitAll(txs(1, 156)); // 15 full batches and 5 txs
        sequencer.flush();
        assertThat(cut(sequencer, f)).isEqualTo(16);
        assertThat(f.cut(CutReason.FLUSH)).isEqualTo(1);
        assertThat(f.memory.readSequenceState().pendingCount()).isZero();

        accepted(sequencer.submit(tx(156)));

        assertThat(cut(sequencer, f)).as("the next tx waits for its own deadline").isZero();
        f.advanceMs(100);
        assertThat(cut(sequencer, f)).isEqualTo(1);
        assertThat(f.cut(CutReason.AGE)).isEqualTo(1);
    }

    @Test
    void flush_withNothingPending_doesNotCutTheNextTxEarly() {
        Sequencer sequencer = f.leader();
        sequencer.flush();
        assertThat(cut(sequencer, f)).isZero();

        accepted(sequencer.submit(tx(1)));
        assertThat(cut(sequencer, f)).isZero();
        assertThat(f.batchCount()).isZero();
    }

    // ---- what it commits ----------------------------------------------------------------------------------------

    @Test
    void commit_storesEverythingFixedAtCutTime_andChainsTheBatches() {
        Sequencer sequencer = f.start(EngineFixture.config().term(3).hub(Hub.Data).batchFee(7).build());
        List<Tx> first = txs(1, 4);
        sequencer.submitAll(first);
        sequencer.flush();
        long firstCutMs = f.nowMs();
        cut(sequencer, f);
        f.advanceMs(250);
        List<Tx> second = txs(4, 6);
        sequencer.submitAll(second);
        sequencer.flush();
        long secondCutMs = f.nowMs();
        cut(sequencer, f);

        NewBatch one = f.batch(1).batch();
        NewBatch two = f.batch(2).batch();
        assertCommitted(one, first, 1, 1, Hash.ZERO, firstCutMs);
        assertCommitted(two, second, 2, 4, Hash.of(one.batchHash()), secondCutMs);
        assertThat(f.batch(1).status()).isEqualTo(L1Status.COMMITTED);
        assertThat(f.batch(1).l1State().updatedMs()).isEqualTo(firstCutMs);
        assertThat(f.memory.readSequenceState().headBatchHash()).isEqualTo(two.batchHash());
        assertThat(sequencer.findTx(tx(5).hash()).orElseThrow().batch().orElseThrow().batchNumber()).isEqualTo(2);
    }

    private static void assertCommitted(NewBatch stored, List<Tx> txs, long number, long firstSeq, Hash prev,
            long createdMs) {
        Batch expected = new Batch(EngineFixture.CHAIN_ID, number, txs, createdMs);
        assertThat(stored.batchNumber()).isEqualTo(number);
        assertThat(stored.firstSeq()).isEqualTo(firstSeq);
        assertThat(stored.txCount()).isEqualTo(txs.size());
        assertThat(stored.createdMs()).isEqualTo(createdMs);
        assertThat(stored.term()).isEqualTo(3);
        assertThat(stored.prevBatchHash()).isEqualTo(prev.toBytes());
        assertThat(stored.batchHash()).isEqualTo(expected.hash().toBytes());
        assertThat(stored.txRoot()).isEqualTo(expected.txRoot().toBytes());
        assertThat(stored.txBytes()).isEqualTo(expected.txBytes());
        assertThat(stored.envelopeHash()).isEqualTo(BatchPayload.of(expected, prev).envelopeHash().toBytes());

        L2BatchEnvelopeV1 l1 = L2BatchEnvelopeV1.fromJson(stored.l1Envelope());
        assertThat(stored.idempotencyKey()).isEqualTo(l1.idempotencyKey());
        assertThat(l1.keyMatches()).isTrue();
        assertThat(l1.hub()).isEqualTo(Hub.Data);
        assertThat(l1.fee()).isEqualTo(7);
        assertThat(l1.sequence()).isEqualTo(number);
        assertThat(l1.txCount()).isEqualTo(txs.size());
        assertThat(l1.batchId()).isEqualTo(expected.hash().toHex());
        assertThat(l1.commitment()).isEqualTo(expected.txRoot().toHex());
        BatchEnvelope envelope = BatchEnvelope.decode(l1.payload().payload());
        assertThat(envelope.payload().batchHash()).isEqualTo(expected.hash());
        assertThat(envelope.payload().prevBatchHash()).isEqualTo(prev);
        assertThat(envelope.envelopeHash().toBytes()).isEqualTo(stored.envelopeHash());
    }

    @Test
    void commit_withSigner_storesAVerifiableSignedEnvelope() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x42);
        Ed25519Signer signer = new Ed25519Signer(seed);
        Sequencer sequencer = f.builder(EngineFixture.config().build()).signer(signer).build();
        sequencer.start();
        sequencer.submitAll(txs(1, 4));
        sequencer.flush();
        cut(sequencer, f);

        NewBatch stored = f.batch(1).batch();
        BatchEnvelope envelope = BatchEnvelope.decode(
                L2BatchEnvelopeV1.fromJson(stored.l1Envelope()).payload().payload());
        assertThat(envelope.isSigned()).isTrue();
        assertThat(stored.sequencerPubkey()).isEqualTo(signer.publicKey());
        assertThat(envelope.sequencerPubkey()).isEqualTo(signer.publicKey());
        assertThat(stored.sequencerSig()).hasSize(64).isEqualTo(envelope.sequencerSig());
        assertThat(EnvelopeVerifier.standard().expectingPublicKey(signer.publicKey()).checkingBatchContents()
                .verify(envelope).status()).isEqualTo(VerificationResult.Status.VALID);
        assertThat(sequencer.publicKey()).hasValueSatisfying(k -> assertThat(k).isEqualTo(signer.publicKey()));
    }

    @Test
    void commit_withoutSigner_storesAnUnsignedEnvelope() {
        Sequencer sequencer = f.leader();
        sequencer.submitAll(txs(1, 4));
        sequencer.flush();
        cut(sequencer, f);

        NewBatch stored = f.batch(1).batch();
        BatchEnvelope envelope = BatchEnvelope.decode(
                L2BatchEnvelopeV1.fromJson(stored.l1Envelope()).payload().payload());
        assertThat(envelope.isSigned()).isFalse();
        assertThat(stored.sequencerPubkey()).isEmpty();
        assertThat(stored.sequencerSig()).isEmpty();
        assertThat(EnvelopeVerifier.standard().checkingBatchContents().verify(envelope).status())
                .isEqualTo(VerificationResult.Status.UNSIGNED);
        assertThat(sequencer.publicKey()).isEmpty();
    }

    /** A tx with {@code payloadBytes} bytes of payload, distinct for each {@code nonce}. */
    private static Tx sized(long nonce, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        Arrays.fill(payload, (byte) nonce);
        return new Tx(EngineFixture.CHAIN_ID, nonce, "sender-" + nonce % 7, payload);
    }

    /**
     * Cuts batches of very different sizes, one after another (small, large, small, empty-payload, medium, larger
     * still), so that the batcher's reused envelope buffer grows and then holds stale bytes of a larger batch, and
     * checks that each committed record is exactly what the public path (BatchPayload.of, BatchEnvelope.sign or
     * unsigned, L2BatchEnvelopeV1.requestForBatch) makes of the same batch.
     */
    private void assertRecordsMatchThePublicPath(EnvelopeSigner signer) {
        SequencerConfig config = EngineFixture.config().term(5).hub(Hub.World).batchFee(11).build();
        Sequencer sequencer = f.builder(config).signer(signer).build();
        sequencer.start();
        int[][] shapes = {{2, 10}, {10, 5_000}, {1, 3}, {3, 0}, {5, 800}, {10, 9_000}, {1, 1}};
        long nonce = 1;
        long firstSeq = 1;
        Hash prev = Hash.ZERO;
        for (int b = 0; b < shapes.length; b++) {
            List<Tx> txs = new ArrayList<>();
            for (int i = 0; i < shapes[b][0]; i++) {
                txs.add(sized(nonce++, shapes[b][1]));
            }
            f.advanceMs(3);
            sequencer.submitAll(txs);
            sequencer.flush();
            assertThat(cut(sequencer, f)).isEqualTo(1);

            long number = b + 1;
            NewBatch stored = f.batch(number).batch();
            Batch batch = new Batch(EngineFixture.CHAIN_ID, number, txs, f.nowMs());
            BatchPayload payload = BatchPayload.of(batch, prev);
            BatchEnvelope envelope = signer == null ? BatchEnvelope.unsigned(payload)
                    : BatchEnvelope.sign(payload, signer);
            L2BatchEnvelopeV1.Request request = L2BatchEnvelopeV1.requestForBatch(batch, envelope, Hub.World, 11);
            String what = "batch " + number + " (" + txs.size() + " txs of " + shapes[b][1] + " bytes)";
            assertThat(stored.envelopeHash()).as(what + ": envelope_hash").isEqualTo(payload.envelopeHash().toBytes());
            assertThat(stored.sequencerPubkey()).as(what + ": pubkey").isEqualTo(envelope.sequencerPubkey());
            assertThat(stored.sequencerSig()).as(what + ": signature").isEqualTo(envelope.sequencerSig());
            assertThat(stored.idempotencyKey()).as(what + ": idempotency key").isEqualTo(request.idempotencyKey());
            assertThat(stored.l1Envelope()).as(what + ": L1 body").isEqualTo(request.body());
            assertThat(stored).as(what + ": the whole record").isEqualTo(new NewBatch(number,
                    batch.hash().toBytes(), prev.toBytes(), firstSeq, txs.size(), batch.createdMs(), 5,
                    batch.txRoot().toBytes(), batch.txBytes(), payload.envelopeHash().toBytes(),
                    envelope.sequencerPubkey(), envelope.sequencerSig(), request.idempotencyKey(), request.body()));
            prev = batch.hash();
            firstSeq += txs.size();
        }
        assertThat(f.errors).isEmpty();
    }

    @Test
    void commit_signed_recordsTheSameBytesAsThePublicPath_batchAfterBatch() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x42);
        assertRecordsMatchThePublicPath(new Ed25519Signer(seed));
    }

    @Test
    void commit_unsigned_recordsTheSameBytesAsThePublicPath_batchAfterBatch() {
        assertRecordsMatchThePublicPath(null);
    }

    @Test
    void steppedByASecondThreadWhileTheFirstSigns_failsLoudly_andTheFirstBatchIsIntact() throws Exception {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x42);
        Ed25519Signer real = new Ed25519Signer(seed);
        CountDownLatch signing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EnvelopeSigner blocking = new EnvelopeSigner() {
            @Override
            public byte[] publicKey() {
                return real.publicKey();
            }

            @Override
            public byte[] sign(byte[] message, int offset, int length) {
                signing.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return real.sign(message, offset, length);
            }
        };
        // no receipts: the signer must block in the batch's signature only
        Sequencer sequencer = f.builder(EngineFixture.config().inclusionDeadlineMs(0).build()).signer(blocking)
                .build();
        sequencer.start();
        List<Tx> txs = txs(1, 4);
        sequencer.submitAll(txs);
        sequencer.flush();

        // contract violation on purpose: the batcher stepped by a second thread while the first is signing
        FutureTask<Integer> first = new FutureTask<>(() -> cut(sequencer, f));
        Thread thread = new Thread(first, "first-batcher-step");
        thread.start();
        assertThat(signing.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cut(sequencer, f)).isZero();
        assertThat(f.errorsOf(Batcher.NAME)).singleElement().satisfies(e -> assertThat(e)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two threads at once"));
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        thread.join();

        Batch batch = new Batch(EngineFixture.CHAIN_ID, 1, txs, f.nowMs());
        BatchEnvelope envelope = BatchEnvelope.sign(BatchPayload.of(batch, Hash.ZERO), real);
        L2BatchEnvelopeV1.Request request = L2BatchEnvelopeV1.requestForBatch(batch, envelope, Hub.Fin, 0);
        NewBatch stored = f.batch(1).batch();
        assertThat(stored.sequencerSig()).isEqualTo(envelope.sequencerSig());
        assertThat(stored.l1Envelope()).isEqualTo(request.body());
    }

    // ---- failures -----------------------------------------------------------------------------------------------

    @Test
    void commit_storageFails_commitsNothing_reportsIt_andRetriesAfterTheRetryDelay() {
        Sequencer sequencer = f.leader();
        sequencer.submitAll(txs(1, 4));
        sequencer.flush();
        f.memory.failNextWrites(1);

        assertThat(cut(sequencer, f)).isZero();

        assertThat(f.batchCount()).isZero();
        assertThat(f.memory.readSequenceState().nextUnbatchedSeq()).isEqualTo(1);
        assertThat(sequencer.readiness().ready()).isFalse();
        assertThat(sequencer.readiness().reasons())
                .anySatisfy(r -> assertThat(r).startsWith("storage failing: injected write failure"))
                .anySatisfy(r -> assertThat(r).startsWith("loop batcher failing"));
        assertThat(f.errorsOf(Batcher.NAME)).hasSize(1);
        assertThat(f.metrics.snapshot().loopErrors()).containsEntry(Batcher.NAME, 1L);
        int commits = f.storage.count(Op.COMMIT_BATCH);

        f.advanceMs(99);
        assertThat(cut(sequencer, f)).isZero();
        assertThat(f.storage.count(Op.COMMIT_BATCH)).as("not retried before the delay").isEqualTo(commits);

        f.advanceMs(1);
        assertThat(cut(sequencer, f)).isEqualTo(1);
        assertThat(f.batch(1).batch().txCount()).isEqualTo(3);
        assertThat(f.batch(1).batch().firstSeq()).isEqualTo(1);
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
    }

    @Test
    void commit_appliedButAcknowledgementLost_isNeitherLostNorDuplicated() {
        Sequencer sequencer = f.leader();
        sequencer.submitAll(txs(1, 4));
        sequencer.flush();
        f.memory.injectWriteFaults(WriteFault.APPLY_THEN_FAIL, 1);
        cut(sequencer, f);
        assertThat(f.batchCount()).as("it landed").isEqualTo(1);

        for (int i = 0; i < 5; i++) {
            f.advanceMs(100);
            cut(sequencer, f);
        }
        sequencer.submitAll(txs(4, 6));
        sequencer.flush();
        for (int i = 0; i < 5; i++) {
            f.advanceMs(100);
            cut(sequencer, f);
        }

        assertThat(f.batchCount()).isEqualTo(2);
        assertThat(f.batch(1).batch().txCount()).isEqualTo(3);
        assertThat(f.batch(2).batch().firstSeq()).isEqualTo(4);
        assertThat(f.batch(2).batch().txCount()).isEqualTo(2);
        assertThat(f.batch(2).batch().prevBatchHash()).isEqualTo(f.batch(1).batchHash());
        assertThat(f.memory.readSequenceState().pendingCount()).isZero();
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();
    }

    @Test
    void unbatchableTx_afterTheByteLimitWasLowered_turnsReadinessRedAndIsNotDropped() {
        Sequencer before = f.start(EngineFixture.config().build());
        Tx big = new Tx(EngineFixture.CHAIN_ID, 1, "alice", new byte[500]);
        accepted(before.submit(big));
        before.close();

        Sequencer lowered = f.start(EngineFixture.config().maxTxSize(300)
                .batchLimits(new BatchLimits(10, 400, 100)).build());
        accepted(lowered.submit(tx(2)));
        lowered.flush();
        assertThat(cut(lowered, f)).isZero();

        assertThat(f.batchCount()).isZero();
        assertThat(f.memory.readSequenceState().pendingCount()).isEqualTo(2);
        assertThat(lowered.findTx(big.hash())).isPresent();
        assertThat(f.errorsOf(Batcher.NAME)).singleElement().isInstanceOf(UnbatchableTxException.class);
        assertThat(((UnbatchableTxException) f.errorsOf(Batcher.NAME).get(0)).seq()).isEqualTo(1);
        assertThat(lowered.readiness().ready()).isFalse();
        assertThat(lowered.readiness().reasons()).singleElement().asString()
                .startsWith("loop batcher failing").contains("pending tx #1").contains("raise maxBytes");
        f.advanceMs(100);
        assertThat(cut(lowered, f)).isZero();
        assertThat(f.batchCount()).isZero();
        lowered.close();

        Sequencer raised = f.start(EngineFixture.config().build());
        raised.flush();
        assertThat(cut(raised, f)).isEqualTo(1);
        assertThat(f.batch(1).batch().txCount()).as("the big tx and the one behind it").isEqualTo(2);
        assertThat(raised.readiness().ready()).isTrue();
    }

    @Test
    void metrics_countBatchesPerCutReason() {
        Sequencer sequencer = f.start(EngineFixture.config().batchLimits(new BatchLimits(2, 1 << 20, 100)).build());
        sequencer.submitAll(txs(1, 5)); // two COUNT cuts
        cut(sequencer, f);
        accepted(sequencer.submit(tx(5)));
        f.advanceMs(100); // one AGE cut
        cut(sequencer, f);
        accepted(sequencer.submit(tx(6)));
        sequencer.flush(); // one FLUSH cut
        cut(sequencer, f);

        CountingMetrics.Snapshot snapshot = f.metrics.snapshot();
        assertThat(snapshot.batchesCut()).containsEntry(CutReason.COUNT, 2L).containsEntry(CutReason.AGE, 1L)
                .containsEntry(CutReason.FLUSH, 1L).containsEntry(CutReason.BYTES, 0L);
        assertThat(snapshot.txsCut()).isEqualTo(6);
        assertThat(f.batchCount()).isEqualTo(4);
    }
}
