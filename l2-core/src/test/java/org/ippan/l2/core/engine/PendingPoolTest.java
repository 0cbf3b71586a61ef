package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ippan.l2.core.engine.EngineFixture.tx;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.batch.PendingTx;
import org.ippan.l2.core.batch.PlannedBatch;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.TxAppend;
import org.junit.jupiter.api.Test;

/**
 * The pool's ring of pending txs, against a plain queue: appends, cuts, wrap-around and growth; and that it lets go of
 * the txs it no longer holds (a pool of up to the admission cap of txs must not keep cut ones alive).
 */
class PendingPoolTest {

    /**
     * Appends txs {@code from .. to - 1} with seqs {@code from .. to - 1}, built here so that the caller keeps no
     * reference to them: only weak ones, returned.
     */
    private static List<WeakReference<Tx>> append(PendingPool pool, int from, int to) {
        TxAppend group = new TxAppend();
        Tx[] groupTxs = new Tx[to - from];
        List<WeakReference<Tx>> refs = new ArrayList<>();
        for (int n = from; n < to; n++) {
            Tx tx = tx(n);
            groupTxs[n - from] = tx;
            group.add(tx.hash().toBytes(), tx.encode(), 1_000 + n);
            group.stored(n - from, n);
            refs.add(new WeakReference<>(tx));
        }
        pool.appended(group, groupTxs);
        return refs;
    }

    /** Commits a batch of the oldest {@code count} pending txs, as the batcher does after storage stored it. */
    private static void commitOldest(PendingPool pool, int count, long batchNumber) {
        PendingPool.Candidates view = new PendingPool.Candidates();
        pool.view(count, view);
        List<Tx> txs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            txs.add(view.tx(i));
        }
        Batch batch = new Batch(EngineFixture.CHAIN_ID, batchNumber, txs, 5);
        pool.committed(new PlannedBatch(batch, Hash.ZERO, view.seq(0), CutReason.COUNT));
    }

    /** Collects garbage until {@code ref} is cleared (at most 20 full collections): whether nothing holds its tx. */
    private static boolean collected(WeakReference<Tx> ref) {
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
        }
        return ref.get() == null;
    }

    @Test
    void ringMatchesAQueueModel_acrossWrapAroundAndGrowth() {
        SplittableRandom random = new SplittableRandom(42);
        PendingPool pool = new PendingPool();
        pool.reset(SequenceState.initial(), List.of());
        ArrayDeque<PendingTx> model = new ArrayDeque<>();
        PendingPool.Candidates candidates = new PendingPool.Candidates();
        long nextSeq = 1;
        long nextBatch = 1;
        for (int round = 0; round < 1_000; round++) {
            if (random.nextInt(3) > 0) { // append a group, with a duplicate now and then
                int n = 1 + random.nextInt(700);
                TxAppend group = new TxAppend();
                Tx[] groupTxs = new Tx[n];
                for (int k = 0; k < n; k++) {
                    Tx tx = tx(nextSeq + k);
                    groupTxs[k] = tx;
                    group.add(tx.hash().toBytes(), tx.encode(), 1_000 + round);
                }
                for (int k = 0; k < n; k++) {
                    if (k > 0 && random.nextInt(10) == 0) {
                        group.duplicate(k, 1); // stored before: not pending again
                    } else {
                        group.stored(k, nextSeq);
                        model.addLast(new PendingTx(nextSeq, groupTxs[k], 1_000 + round));
                        nextSeq++;
                    }
                }
                pool.appended(group, groupTxs);
            } else if (!model.isEmpty()) { // cut a batch of a prefix
                int take = 1 + random.nextInt(Math.min(model.size(), 1_000));
                Tx[] batchTxs = new Tx[take];
                long firstSeq = model.peekFirst().seq();
                for (int i = 0; i < take; i++) {
                    batchTxs[i] = model.pollFirst().tx();
                }
                Batch batch = new Batch(EngineFixture.CHAIN_ID, nextBatch++, List.of(batchTxs), 5);
                pool.committed(new PlannedBatch(batch, Hash.ZERO, firstSeq, CutReason.COUNT));
            }
            int max = 1 + random.nextInt(1_500);
            pool.view(max, candidates);
            List<PendingTx> expected = model.stream().limit(max).toList();
            assertThat(candidates.toList()).as("round %d", round).isEqualTo(expected);
            assertThat(candidates.nextBatchNumber()).isEqualTo(nextBatch);
            assertThat(pool.pendingCount()).isEqualTo(model.size());
            assertThat(pool.inconsistent()).isFalse();
        }
    }

    @Test
    void aGapInTheSequence_marksTheViewStale_andTheLateTxsComeBackOnReset() {
        PendingPool pool = new PendingPool();
        pool.reset(SequenceState.initial(), List.of());
        TxAppend group = new TxAppend().add(tx(1).hash().toBytes(), tx(1).encode(), 1);
        group.stored(0, 2); // seq 1 was stored by a write whose answer was lost

        pool.appended(group, new Tx[] {tx(1)});

        assertThat(pool.inconsistent()).isTrue();
        assertThat(pool.pendingCount()).as("kept aside").isEqualTo(1);
        pool.reset(new SequenceState(2, 1, 1, SequenceState.initial().headBatchHash()),
                List.of(new PendingTx(1, tx(0), 1)));
        PendingPool.Candidates candidates = new PendingPool.Candidates();
        pool.view(10, candidates);
        assertThat(candidates.toList()).extracting(PendingTx::seq).containsExactly(1L, 2L);
        assertThat(pool.pendingCount()).as("the late tx counted once, in the view").isEqualTo(2);
        pool.reset(new SequenceState(3, 1, 1, SequenceState.initial().headBatchHash()),
                List.of(new PendingTx(1, tx(0), 1), new PendingTx(2, tx(1), 1)));
        assertThat(pool.pendingCount()).as("a later rebuild does not bring it back again").isEqualTo(2);
    }

    @Test
    void committed_letsGoOfTheCutTxs() {
        PendingPool pool = new PendingPool();
        pool.reset(SequenceState.initial(), List.of());
        List<WeakReference<Tx>> refs = append(pool, 1, 4);

        commitOldest(pool, 2, 1);

        assertThat(collected(refs.get(0))).as("tx 1, cut").isTrue();
        assertThat(collected(refs.get(1))).as("tx 2, cut").isTrue();
        assertThat(refs.get(2).get()).as("tx 3, pending").isNotNull();
    }

    @Test
    void reset_letsGoOfTheTxsItHeldBefore() {
        PendingPool pool = new PendingPool();
        pool.reset(SequenceState.initial(), List.of());
        List<WeakReference<Tx>> refs = append(pool, 1, 4);
        pool.markInconsistent();

        pool.reset(new SequenceState(4, 4, 2, SequenceState.initial().headBatchHash()), List.of()); // all batched

        assertThat(pool.pendingCount()).isZero();
        for (WeakReference<Tx> ref : refs) {
            assertThat(collected(ref)).isTrue();
        }
    }

    @Test
    void candidates_aSmallerView_letsGoOfTheTxsBeyondIt() {
        PendingPool pool = new PendingPool();
        pool.reset(SequenceState.initial(), List.of());
        List<WeakReference<Tx>> refs = append(pool, 1, 4);
        PendingPool.Candidates candidates = new PendingPool.Candidates();
        pool.view(10, candidates);
        commitOldest(pool, 3, 1); // the pool lets go of all three

        pool.view(10, candidates); // nothing pending now

        assertThat(candidates.size()).isZero();
        for (WeakReference<Tx> ref : refs) {
            assertThat(collected(ref)).isTrue();
        }
    }

    @Test
    void candidates_readByIndex_onlyWithinTheLastView_withAdmissionTimesAndTheHead() {
        PendingPool pool = new PendingPool();
        pool.reset(SequenceState.initial(), List.of());
        TxAppend group = new TxAppend();
        Tx[] groupTxs = {tx(1), tx(2), tx(3)};
        for (int k = 0; k < 3; k++) {
            group.add(groupTxs[k].hash().toBytes(), groupTxs[k].encode(), 500 + k);
            group.stored(k, k + 1);
        }
        pool.appended(group, groupTxs);
        PendingPool.Candidates candidates = new PendingPool.Candidates();

        pool.view(10, candidates);
        assertThat(candidates.size()).isEqualTo(3);
        assertThat(candidates.admittedMs(2)).isEqualTo(502);
        assertThat(candidates.head()).isEqualTo(Hash.ZERO);

        Batch batch = new Batch(EngineFixture.CHAIN_ID, 1, List.of(tx(1)), 5);
        pool.committed(new PlannedBatch(batch, Hash.ZERO, 1, CutReason.COUNT));
        pool.view(1, candidates);
        assertThat(candidates.size()).isEqualTo(1);
        assertThat(candidates.seq(0)).isEqualTo(2);
        assertThat(candidates.tx(0)).isEqualTo(tx(2));
        assertThat(candidates.admittedMs(0)).isEqualTo(501);
        assertThat(candidates.head()).isEqualTo(batch.hash());
        assertThat(candidates.nextBatchNumber()).isEqualTo(2);
        assertThatThrownBy(() -> candidates.seq(1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("candidate 1 of 1");
        assertThatThrownBy(() -> candidates.tx(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> candidates.admittedMs(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
