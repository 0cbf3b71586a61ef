package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.EnvelopeVerifier;
import org.ippan.l2.core.envelope.VerificationResult;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.Test;

/** The happy path end to end, stepped with a manual clock: submit, cut, sign, post, include, confirm. */
class SequencerSmokeTest {
    @Test
    void submittedTx_isBatchedSignedPostedAndConfirmed() {
        ManualClock clock = new ManualClock(1_735_000_000_000L);
        InMemoryStorage storage = new InMemoryStorage();
        SimulatedL1 l1 = SimulatedL1.builder().finalityDepth(2).blockIntervalMs(1000).build();
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x42);
        Ed25519Signer signer = new Ed25519Signer(seed);
        SequencerConfig config = SequencerConfig.builder().batchLimits(new BatchLimits(10, 1 << 20, 100))
                .finalityConfirmations(2).build();
        CountingMetrics metrics = new CountingMetrics();
        Sequencer sequencer = Sequencer.builder().config(config).storage(storage).l1Poster(l1).signer(signer)
                .wallClock(clock).nanoClock(clock).metrics(metrics).build();
        sequencer.start();
        assertThat(sequencer.state()).isEqualTo(SequencerState.LEADER);

        SubmitResult result = sequencer.submit(new Tx(1, 1, "alice", new byte[] {1, 2, 3}));
        assertThat(result).isInstanceOf(SubmitResult.Accepted.class);
        assertThat(((SubmitResult.Accepted) result).seq()).isEqualTo(1);

        sequencer.doWork(clock.nanoTime());
        assertThat(storage.readSequenceState().nextBatchNumber()).as("not cut before maxWait").isEqualTo(1);
        clock.advanceMs(100);
        sequencer.doWork(clock.nanoTime());
        StoredBatch batch = storage.findBatchByNumber(1).orElseThrow();
        sequencer.doWork(clock.nanoTime());
        assertThat(storage.findBatchByNumber(1).orElseThrow().status()).isEqualTo(L1Status.POSTED);

        L2BatchEnvelopeV1 posted = L2BatchEnvelopeV1.fromJson(batch.batch().l1Envelope());
        BatchEnvelope envelope = BatchEnvelope.decode(posted.payload().payload());
        assertThat(EnvelopeVerifier.standard().checkingBatchContents().verify(envelope).status())
                .isEqualTo(VerificationResult.Status.VALID);

        for (int i = 0; i < 5; i++) {
            clock.advanceMs(1000);
            l1.advanceTo(clock.currentTimeMs());
            sequencer.doWork(clock.nanoTime());
            sequencer.doWork(clock.nanoTime());
        }
        assertThat(storage.findBatchByNumber(1).orElseThrow().status()).isEqualTo(L1Status.CONFIRMED);
        assertThat(l1.applyCount(batch.batch().idempotencyKey())).isEqualTo(1);
        SequencerStatus status = sequencer.status();
        assertThat(status.batches().confirmed()).isEqualTo(1);
        assertThat(status.leader().isLeader()).isTrue();
        assertThat(status.leader().lastHeartbeatMs()).isGreaterThan(1_735_000_000_000L);
        assertThat(status.readiness().ready()).as(status.readiness().reasons().toString()).isTrue();
        assertThat(metrics.snapshot().confirmed()).isEqualTo(1);
    }
}
