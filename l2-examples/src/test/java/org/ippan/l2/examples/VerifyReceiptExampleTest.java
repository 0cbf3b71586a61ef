package org.ippan.l2.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.engine.EpochClock;
import org.ippan.l2.core.engine.NanoClock;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.proof.DelayEvidence.Verdict;
import org.ippan.l2.core.proof.ProofJson;
import org.ippan.l2.core.receipt.ReceiptJson;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.Test;

/**
 * The README's verification snippet, run on a receipt and a proof an engine really issued (a manual clock, the
 * loops stepped by hand), as JSON, the way a user gets them from the node.
 */
class VerifyReceiptExampleTest {
    private static final long START_MS = 1_735_000_000_000L;

    /** A manual wall and monotonic clock. */
    private static final class Clock implements EpochClock, NanoClock {
        long ms = START_MS;

        @Override
        public long currentTimeMs() {
            return ms;
        }

        @Override
        public long nanoTime() {
            return ms * 1_000_000L;
        }
    }

    @Test
    void receiptAndProofOfAnIncludedTx_sayIncluded_andTheReceiptAloneLaterSaysDelayed() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x42);
        Ed25519Signer signer = new Ed25519Signer(seed);
        Clock clock = new Clock();
        SimulatedL1 l1 = SimulatedL1.builder().finalityDepth(0).genesisTimeMs(START_MS).build();
        SequencerConfig config = SequencerConfig.builder().batchLimits(new BatchLimits(10, 1 << 20, 100))
                .inclusionDeadlineMs(10_000).build();
        try (Sequencer sequencer = Sequencer.builder().config(config).storage(new InMemoryStorage()).l1Poster(l1)
                .signer(signer).wallClock(clock).nanoClock(clock).build()) {
            sequencer.start();
            Tx tx = new Tx(config.chainId(), 1, "alice", "hello".getBytes(StandardCharsets.UTF_8));
            SubmitResult.Accepted accepted = (SubmitResult.Accepted) sequencer.submit(tx);
            String receiptJson = ReceiptJson.toJson(accepted.receipt());
            String key = Hex.encode(signer.publicKey());

            assertThat(VerifyReceiptExample.verify(key, receiptJson, Optional.empty(), clock.ms).verdict())
                    .isEqualTo(Verdict.VALID_RECEIPT_NOT_DUE);
            sequencer.flush();
            for (int step = 0; step < 10 && sequencer.inclusionProof(tx.hash()).isEmpty(); step++) {
                clock.ms += 100;
                sequencer.doWork(clock.nanoTime());
                l1.advanceTo(clock.ms);
            }
            String proofJson = ProofJson.toJson(sequencer.inclusionProof(tx.hash()).orElseThrow());

            assertThat(VerifyReceiptExample.verify(key, receiptJson, Optional.of(proofJson), clock.ms).verdict())
                    .isEqualTo(Verdict.INCLUDED);
            assertThat(VerifyReceiptExample.verify(key, receiptJson, Optional.empty(), clock.ms + 20_000)
                    .verdict()).as("past the deadline, a receipt without its proof").isEqualTo(Verdict.DELAYED);
            String otherKey = Hex.encode(new Ed25519Signer(new byte[32]).publicKey());
            assertThat(VerifyReceiptExample.verify(otherKey, receiptJson, Optional.of(proofJson), clock.ms)
                    .verdict()).isEqualTo(Verdict.INVALID_RECEIPT);
            assertThatThrownBy(() -> VerifyReceiptExample.verify(key, "{}", Optional.empty(), clock.ms))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
