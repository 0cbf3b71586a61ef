package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.junit.jupiter.api.Test;

/** What the facade's reads and its single-threaded step answer. */
class FacadeReadsTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void batchTxHashes_areTheBatchsTxsInOrder_andOnlyThem() {
        Sequencer sequencer = f.leader();
        List<Tx> txs = EngineFixture.txs(1, 16); // 15 txs: a batch of 10 (COUNT), then 5
        sequencer.submitAll(txs);
        sequencer.flush();
        sequencer.doWork(f.now());
        StoredBatch first = sequencer.findBatchByNumber(1).orElseThrow();
        StoredBatch second = sequencer.findBatchByNumber(2).orElseThrow();
        List<Hash> expectedFirst = new ArrayList<>();
        List<Hash> expectedSecond = new ArrayList<>();
        for (int i = 0; i < txs.size(); i++) {
            (i < 10 ? expectedFirst : expectedSecond).add(txs.get(i).hash());
        }
        assertThat(sequencer.batchTxHashes(first)).containsExactlyElementsOf(expectedFirst);
        assertThat(sequencer.batchTxHashes(second)).containsExactlyElementsOf(expectedSecond);
        assertThat(sequencer.findBatch(Hash.of(first.batch().batchHash()))).contains(first);
        assertThat(sequencer.listBatches(1, 10)).containsExactly(first, second);
        assertThat(sequencer.findTx(txs.get(12).hash()).orElseThrow().seq()).isEqualTo(13);
    }

    @Test
    void batchTxHashes_aStoreAnsweringMoreTxsThanAsked_stillListsOnlyTheBatchsTxs() {
        EngineFixture.CountingStorage overReading = new EngineFixture.CountingStorage(f.memory) {
            @Override
            public List<StoredTx> readTxs(long fromSeq, int maxCount) {
                return super.readTxs(fromSeq, maxCount + 1); // an adapter off by one
            }
        };
        Sequencer sequencer = f.builder(EngineFixture.config().build(), overReading, f.l1).build();
        sequencer.start();
        List<Tx> txs = EngineFixture.txs(1, 13); // a batch of 10, then 2 pending
        sequencer.submitAll(txs);
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());

        List<Hash> hashes = sequencer.batchTxHashes(sequencer.findBatchByNumber(1).orElseThrow());

        assertThat(hashes).containsExactlyElementsOf(txs.subList(0, 10).stream().map(Tx::hash).toList());
    }

    @Test
    void doWork_returnsTheSumOfEveryLoopsWork() {
        Sequencer sequencer = f.leader();
        sequencer.submitAll(EngineFixture.txs(1, 21)); // two full batches
        int expected = 0;
        Sequencer twin = new EngineFixture().leader();
        twin.submitAll(EngineFixture.txs(1, 21));
        for (DutyLoop loop : twin.loops()) {
            expected += loop.doWork(f.now());
        }
        assertThat(expected).as("the loops did work").isGreaterThan(2);
        assertThat(sequencer.doWork(f.now())).isEqualTo(expected);
    }
}
