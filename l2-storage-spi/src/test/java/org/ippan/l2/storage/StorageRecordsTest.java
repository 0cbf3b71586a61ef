package org.ippan.l2.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The value records: argument checks naming the field, content equality, and bounded {@code toString}. */
class StorageRecordsTest {

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] hash(int value) {
        return filled(32, value);
    }

    private static NewBatch batch(byte[] l1Envelope) {
        return new NewBatch(7, hash(1), hash(2), 11, 3, 1_700_000_000_000L, 4, hash(3), 30, hash(4),
                filled(32, 5), filled(64, 6), hash(7), l1Envelope);
    }

    /** A batch whose field {@code index} (0-based, in declaration order) is replaced by {@code value}. */
    private static NewBatch batchWith(int index, Object value) {
        Object[] f = {7L, hash(1), hash(2), 11L, 3, 1_700_000_000_000L, 4L, hash(3), 30L, hash(4), filled(32, 5),
                filled(64, 6), hash(7), new byte[] {1, 2}};
        f[index] = value;
        return new NewBatch((Long) f[0], (byte[]) f[1], (byte[]) f[2], (Long) f[3], (Integer) f[4], (Long) f[5],
                (Long) f[6], (byte[]) f[7], (Long) f[8], (byte[]) f[9], (byte[]) f[10], (byte[]) f[11],
                (byte[]) f[12], (byte[]) f[13]);
    }

    private static void assertRejected(Class<? extends RuntimeException> type, String field, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(type).hasMessageContaining(field);
    }

    @Test
    void hashFields_wrongLength_areRejectedNamingTheField() {
        assertRejected(IllegalArgumentException.class, "txHash", () -> new NewTx(new byte[31], new byte[1], 0));
        assertRejected(IllegalArgumentException.class, "txHash", () -> new StoredTx(1, new byte[33], new byte[1], 0));
        assertRejected(IllegalArgumentException.class, "headBatchHash", () -> new SequenceState(1, 1, 1, new byte[0]));
        String[] batchHashFields = {"batchHash", "prevBatchHash", "txRoot", "envelopeHash", "idempotencyKey"};
        int[] batchHashIndexes = {1, 2, 7, 9, 12};
        for (int i = 0; i < batchHashFields.length; i++) {
            int index = batchHashIndexes[i];
            assertRejected(IllegalArgumentException.class, batchHashFields[i], () -> batchWith(index, new byte[31]));
            assertRejected(NullPointerException.class, batchHashFields[i], () -> batchWith(index, null));
        }
    }

    @Test
    void arrayFields_null_areRejectedNamingTheField() {
        assertRejected(NullPointerException.class, "txHash", () -> new NewTx(null, new byte[1], 0));
        assertRejected(NullPointerException.class, "canonicalTx", () -> new NewTx(hash(1), null, 0));
        assertRejected(NullPointerException.class, "canonicalTx", () -> new StoredTx(1, hash(1), null, 0));
        assertRejected(NullPointerException.class, "sequencerPubkey", () -> batchWith(10, null));
        assertRejected(NullPointerException.class, "sequencerSig", () -> batchWith(11, null));
        assertRejected(NullPointerException.class, "l1Envelope", () -> batchWith(13, null));
        assertRejected(NullPointerException.class, "headBatchHash", () -> new SequenceState(1, 1, 1, null));
    }

    @Test
    void numericFields_outOfRange_areRejectedNamingTheField() {
        assertRejected(IllegalArgumentException.class, "batchNumber", () -> batchWith(0, 0L));
        assertRejected(IllegalArgumentException.class, "firstSeq", () -> batchWith(3, 0L));
        assertRejected(IllegalArgumentException.class, "txCount", () -> batchWith(4, 0));
        assertRejected(IllegalArgumentException.class, "term", () -> batchWith(6, -1L));
        assertRejected(IllegalArgumentException.class, "txBytes", () -> batchWith(8, -1L));
        assertRejected(IllegalArgumentException.class, "seq", () -> new StoredTx(0, hash(1), new byte[0], 0));
        assertRejected(IllegalArgumentException.class, "seq", () -> new AppendedTx(0, false));
        assertRejected(IllegalArgumentException.class, "nextUnbatchedSeq",
                () -> new SequenceState(3, 4, 1, hash(0)));
        assertRejected(IllegalArgumentException.class, "nextBatchNumber", () -> new SequenceState(1, 1, 0, hash(0)));
        assertRejected(IllegalArgumentException.class, "inclusionHeight",
                () -> new BatchL1State(L1Status.POSTED, null, -1, 0, null, 0));
        assertRejected(IllegalArgumentException.class, "postAttempts",
                () -> new BatchL1State(L1Status.POSTED, null, 0, -1, null, 0));
        assertRejected(NullPointerException.class, "status", () -> new BatchL1State(null, null, 0, 0, null, 0));
        assertRejected(IllegalArgumentException.class, "term", () -> new LeaderRecord(-1, null, 0));
        assertRejected(IllegalArgumentException.class, "storedTerm", () -> new Fenced(-1));
        assertRejected(IllegalArgumentException.class, "failed", () -> new BatchCounts(0, 0, 0, 0, -1));
    }

    @Test
    void records_withEqualArrayContent_areEqualWithEqualHashCodes() {
        assertThat(new NewTx(hash(1), new byte[] {9}, 5)).isEqualTo(new NewTx(hash(1), new byte[] {9}, 5))
                .hasSameHashCodeAs(new NewTx(hash(1), new byte[] {9}, 5));
        assertThat(new StoredTx(2, hash(1), new byte[] {9}, 5)).isEqualTo(new StoredTx(2, hash(1), new byte[] {9}, 5))
                .hasSameHashCodeAs(new StoredTx(2, hash(1), new byte[] {9}, 5));
        assertThat(new SequenceState(3, 2, 1, hash(4))).isEqualTo(new SequenceState(3, 2, 1, hash(4)))
                .hasSameHashCodeAs(new SequenceState(3, 2, 1, hash(4)));
        assertThat(batch(new byte[] {1, 2})).isEqualTo(batch(new byte[] {1, 2}))
                .hasSameHashCodeAs(batch(new byte[] {1, 2}));
        assertThat(new StoredBatch(batch(new byte[] {1}), BatchL1State.committed(5)))
                .isEqualTo(new StoredBatch(batch(new byte[] {1}), BatchL1State.committed(5)));
    }

    @Test
    void records_differingInAnyField_areNotEqual() {
        NewTx tx = new NewTx(hash(1), new byte[] {9}, 5);
        assertThat(tx).isNotEqualTo(new NewTx(hash(2), new byte[] {9}, 5))
                .isNotEqualTo(new NewTx(hash(1), new byte[] {8}, 5))
                .isNotEqualTo(new NewTx(hash(1), new byte[] {9}, 6));
        StoredTx stored = StoredTx.of(2, tx);
        assertThat(stored).isNotEqualTo(StoredTx.of(3, tx))
                .isNotEqualTo(StoredTx.of(2, new NewTx(hash(1), new byte[0], 5)));
        assertThat(new SequenceState(3, 2, 1, hash(4))).isNotEqualTo(new SequenceState(3, 2, 1, hash(5)))
                .isNotEqualTo(new SequenceState(3, 3, 1, hash(4)));

        NewBatch base = batchWith(0, 7L);
        Object[] changed = {8L, hash(9), hash(9), 12L, 4, 1L, 5L, hash(9), 31L, hash(9), filled(32, 9),
                filled(64, 9), hash(9), new byte[] {9}};
        List<NewBatch> variants = new ArrayList<>();
        for (int i = 0; i < changed.length; i++) {
            variants.add(batchWith(i, changed[i]));
        }
        for (int i = 0; i < variants.size(); i++) {
            assertThat(variants.get(i)).as("field %d changed", i).isNotEqualTo(base);
        }
        assertThat(batchWith(10, new byte[0])).isNotEqualTo(base);
    }

    @Test
    void toString_showsHashesInHexAndLargeBlobsByLengthOnly() {
        NewBatch large = batch(filled(100_000, 0x41));
        String text = large.toString();

        assertThat(text).contains("0101010101010101010101010101010101010101010101010101010101010101")
                .contains("l1Envelope=<100000 bytes>")
                .doesNotContain("4141414141")
                .hasSizeLessThan(1_000);
        assertThat(new NewTx(hash(0xab), filled(70_000, 0x41), 5).toString())
                .contains("abababab").contains("<70000 bytes>").hasSizeLessThan(300);
        assertThat(new StoredTx(1, hash(0xcd), filled(70_000, 0x41), 5).toString())
                .contains("cdcdcdcd").contains("<70000 bytes>").hasSizeLessThan(300);
        assertThat(new SequenceState(1, 1, 1, hash(0xef)).toString()).contains("efefefef");
    }

    @Test
    void sequenceState_initial_isAllOnesWithZeroHeadAndNothingPending() {
        SequenceState initial = SequenceState.initial();

        assertThat(initial).isEqualTo(new SequenceState(1, 1, 1, new byte[32]));
        assertThat(initial.pendingCount()).isZero();
        assertThat(new SequenceState(10, 4, 2, hash(1)).pendingCount()).isEqualTo(6);
    }

    @Test
    void newBatch_seqRange_isFirstSeqInclusiveToEndSeqExclusive() {
        NewBatch batch = batch(new byte[0]);

        assertThat(batch.endSeq()).isEqualTo(14);
        assertThat(batch.containsSeq(10)).isFalse();
        assertThat(batch.containsSeq(11)).isTrue();
        assertThat(batch.containsSeq(13)).isTrue();
        assertThat(batch.containsSeq(14)).isFalse();
    }

    @Test
    void batchCounts_countPerStatusAndTotal() {
        BatchCounts counts = new BatchCounts(1, 2, 3, 4, 5);

        assertThat(counts.count(L1Status.COMMITTED)).isEqualTo(1);
        assertThat(counts.count(L1Status.POSTED)).isEqualTo(2);
        assertThat(counts.count(L1Status.INCLUDED)).isEqualTo(3);
        assertThat(counts.count(L1Status.CONFIRMED)).isEqualTo(4);
        assertThat(counts.count(L1Status.FAILED)).isEqualTo(5);
        assertThat(counts.total()).isEqualTo(15);
    }

    @Test
    void storedBatch_accessorsAndWithL1State() {
        NewBatch batch = batch(new byte[0]);
        StoredBatch stored = new StoredBatch(batch, BatchL1State.committed(9));
        BatchL1State posted = new BatchL1State(L1Status.POSTED, "x", 0, 1, null, 10);

        assertThat(stored.batchNumber()).isEqualTo(7);
        assertThat(stored.batchHash()).isEqualTo(hash(1));
        assertThat(stored.status()).isEqualTo(L1Status.COMMITTED);
        assertThat(stored.withL1State(posted)).isEqualTo(new StoredBatch(batch, posted));
        assertThat(BatchL1State.committed(9)).isEqualTo(new BatchL1State(L1Status.COMMITTED, null, 0, 0, null, 9));
    }
}
