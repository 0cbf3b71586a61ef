package org.ippan.l2.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxAppendTest {

    private static byte[] hash(int n) {
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) n);
        return hash;
    }

    @Test
    void add_keepsTheArraysAndTimesInOrder_withoutCopying() {
        byte[] h1 = hash(1);
        byte[] tx1 = {1, 2};
        TxAppend append = new TxAppend(1).add(h1, tx1, 10).add(hash(2), new byte[] {3}, 20)
                .add(hash(3), new byte[0], 30);

        assertThat(append.size()).isEqualTo(3);
        assertThat(append.txHash(0)).isSameAs(h1);
        assertThat(append.canonicalTx(0)).isSameAs(tx1);
        assertThat(append.admittedMs(2)).isEqualTo(30);
        assertThat(append.tx(1)).isEqualTo(new NewTx(hash(2), new byte[] {3}, 20));
    }

    @Test
    void results_asReportedByStorage() {
        TxAppend append = TxAppend.of(List.of(new NewTx(hash(1), new byte[1], 1), new NewTx(hash(2), new byte[1], 1)));
        assertThat(append.hasResult(0)).isFalse();

        append.stored(0, 7);
        append.duplicate(1, 3);

        assertThat(append.seq(0)).isEqualTo(7);
        assertThat(append.isDuplicate(0)).isFalse();
        assertThat(append.seq(1)).isEqualTo(3);
        assertThat(append.isDuplicate(1)).isTrue();
        assertThat(append.results()).containsExactly(new AppendedTx(7, false), new AppendedTx(3, true));
        append.requireResults();
    }

    @Test
    void aMissingResult_failsNamingTheTx() {
        TxAppend append = new TxAppend().add(hash(1), new byte[1], 1).add(hash(2), new byte[1], 1);
        append.stored(0, 1);

        assertThatThrownBy(append::requireResults).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no result for tx 1");
        assertThatThrownBy(() -> append.seq(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> append.isDuplicate(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void clear_forgetsTxsAndResults_andTheBufferIsReusedAcrossGrowth() {
        TxAppend append = new TxAppend(2);
        for (int round = 0; round < 3; round++) {
            append.clear();
            assertThat(append.isEmpty()).isTrue();
            for (int i = 0; i < 40; i++) {
                append.add(hash(i), new byte[] {(byte) round}, round);
            }
            assertThat(append.size()).isEqualTo(40);
            assertThat(append.hasResult(39)).as("results are reset when a tx is added").isFalse();
            for (int i = 0; i < 40; i++) {
                append.stored(i, 1 + i);
            }
            assertThat(append.canonicalTx(17)).containsExactly(round);
            assertThat(append.seq(39)).isEqualTo(40);
        }
    }

    @Test
    void badInput_isRejectedNamingTheProblem() {
        TxAppend append = new TxAppend().add(hash(1), new byte[1], 1);

        assertThatThrownBy(() -> append.add(new byte[31], new byte[1], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("txHash");
        assertThatThrownBy(() -> append.add(null, new byte[1], 0))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("txHash");
        assertThatThrownBy(() -> append.add(hash(2), null, 0))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("canonicalTx");
        assertThatThrownBy(() -> append.stored(0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq");
        assertThatThrownBy(() -> append.duplicate(0, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq");
        assertThatThrownBy(() -> append.txHash(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> append.stored(1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new TxAppend(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
        assertThatThrownBy(() -> TxAppend.of(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("txs");
        assertThatThrownBy(() -> TxAppend.of(Arrays.asList(new NewTx(hash(1), new byte[1], 1), null)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("txs[1]");
        assertThat(append.size()).as("a refused add adds nothing").isEqualTo(1);
    }
}
