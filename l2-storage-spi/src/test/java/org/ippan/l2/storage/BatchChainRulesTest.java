package org.ippan.l2.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/**
 * The shared batch-chain rules on their own: each rule, their order, the reasons' wording, and that the stored
 * hashes are asked only when every other rule holds. The contract kit checks that adapters apply them.
 */
class BatchChainRulesTest {

    /** 9 txs admitted, 1 to 4 batched in batches 1 and 2, batch 2's hash at the head. */
    private static final SequenceState STATE = new SequenceState(10, 5, 3, hash(2));

    private static final BatchChainRules.StoredBatchNumbers<RuntimeException> NONE_STORED =
            batchHash -> OptionalLong.empty();

    private static byte[] hash(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static NewBatch batch(long number, byte[] batchHash, byte[] prevHash, long firstSeq, int txCount) {
        return new NewBatch(number, batchHash, prevHash, firstSeq, txCount, 1_700_000_000_000L, 1, hash(40),
                10L * txCount, hash(50), new byte[0], new byte[0], hash(60), new byte[] {'{', '}'});
    }

    /** The batch that extends {@link #STATE} by {@code txCount} txs. */
    private static NewBatch next(int txCount) {
        return batch(3, hash(3), hash(2), 5, txCount);
    }

    private static String reason(NewBatch batch) {
        return BatchChainRules.commitConflict(STATE, batch, NONE_STORED).orElseThrow().reason();
    }

    @Test
    void commitConflict_batchExtendingTheStateExactly_isNone() {
        assertThat(BatchChainRules.commitConflict(STATE, next(1), NONE_STORED)).isEmpty();
        assertThat(BatchChainRules.commitConflict(STATE, next(5), NONE_STORED)).as("up to the last admitted tx")
                .isEmpty();
        SequenceState oneTxAdmitted = new SequenceState(2, 1, 1, new byte[32]);
        assertThat(BatchChainRules.commitConflict(oneTxAdmitted, batch(1, hash(1), new byte[32], 1, 1), NONE_STORED))
                .as("the first batch, after the zero hash").isEmpty();
    }

    @Test
    void commitConflict_eachRule_namesTheBatchValueAndTheStoredOne() {
        assertThat(reason(batch(4, hash(3), hash(2), 5, 1))).isEqualTo("batchNumber 4 is not the next batch number 3");
        assertThat(reason(batch(2, hash(3), hash(2), 5, 1))).isEqualTo("batchNumber 2 is not the next batch number 3");
        assertThat(reason(batch(3, hash(3), hash(2), 6, 1))).isEqualTo("firstSeq 6 is not the next unbatched seq 5");
        assertThat(reason(batch(3, hash(3), hash(2), 4, 1))).isEqualTo("firstSeq 4 is not the next unbatched seq 5");
        assertThat(reason(next(6))).isEqualTo(
                "txs up to seq 10 are not all admitted: the batch holds seqs 5 to 10, the last admitted seq is 9");
        assertThat(reason(batch(3, hash(3), hash(7), 5, 1)))
                .isEqualTo("prevBatchHash " + "07".repeat(32) + " is not the head batch hash " + "02".repeat(32));
        assertThat(BatchChainRules.commitConflict(STATE, batch(3, hash(1), hash(2), 5, 1),
                batchHash -> Arrays.equals(batchHash, hash(1)) ? OptionalLong.of(1) : OptionalLong.empty())
                .orElseThrow().reason())
                .isEqualTo("batchHash " + "01".repeat(32) + " is already stored, as batch 1");
    }

    @Test
    void commitConflict_severalRulesBroken_reportsTheFirstInOrder() {
        BatchChainRules.StoredBatchNumbers<RuntimeException> allStored = batchHash -> OptionalLong.of(1);
        NewBatch[] batches = {
            batch(9, hash(1), hash(7), 1, 20),
            batch(3, hash(1), hash(7), 1, 20),
            batch(3, hash(1), hash(7), 5, 20),
            batch(3, hash(1), hash(7), 5, 1),
            batch(3, hash(1), hash(2), 5, 1),
        };
        String[] starts = {"batchNumber ", "firstSeq ", "txs up to seq ", "prevBatchHash ", "batchHash "};
        for (int i = 0; i < batches.length; i++) {
            assertThat(BatchChainRules.commitConflict(STATE, batches[i], allStored).orElseThrow().reason())
                    .as("batch %d", i).startsWith(starts[i]);
        }
    }

    @Test
    void commitConflict_storedHashes_areAskedOnlyOnceEveryOtherRuleHolds() throws IOException {
        List<byte[]> asked = new ArrayList<>();
        BatchChainRules.StoredBatchNumbers<IOException> recording = batchHash -> {
            asked.add(batchHash);
            return OptionalLong.empty();
        };

        BatchChainRules.commitConflict(STATE, batch(4, hash(3), hash(2), 5, 1), recording);
        BatchChainRules.commitConflict(STATE, batch(3, hash(3), hash(9), 5, 1), recording);
        assertThat(asked).isEmpty();

        BatchChainRules.commitConflict(STATE, next(1), recording);
        assertThat(asked).containsExactly(hash(3));
    }

    @Test
    void commitConflict_failingLookup_throwsItsException() {
        BatchChainRules.StoredBatchNumbers<IOException> failing = batchHash -> {
            throw new IOException("store unreadable");
        };

        assertThatThrownBy(() -> BatchChainRules.commitConflict(STATE, next(1), failing))
                .isInstanceOf(IOException.class).hasMessage("store unreadable");
    }

    @Test
    void afterCommit_movesCursorNumberAndHeadAndKeepsNextSeq() {
        assertThat(BatchChainRules.afterCommit(STATE, next(3))).isEqualTo(new SequenceState(10, 8, 4, hash(3)));
        assertThat(BatchChainRules.afterCommit(STATE, next(5)).pendingCount()).isZero();
    }

    @Test
    void l1UpdateConflict_storedBatch_isNoneAndAnyOther_namesTheStoredRange() {
        assertThat(BatchChainRules.l1UpdateConflict(3, 1)).isEmpty();
        assertThat(BatchChainRules.l1UpdateConflict(3, 2)).isEmpty();
        assertThat(BatchChainRules.l1UpdateConflict(3, 3)).contains(
                new Conflict("no batch numbered 3: the stored batches are numbered 1 to 2"));
        assertThat(BatchChainRules.l1UpdateConflict(1, 1)).contains(
                new Conflict("no batch numbered 1: no batch is stored yet"));
    }
}
