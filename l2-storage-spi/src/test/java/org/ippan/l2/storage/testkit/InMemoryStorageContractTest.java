package org.ippan.l2.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.ippan.l2.storage.AppendedTx;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TransientStorageException;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.Written;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.ippan.l2.storage.memory.InMemoryStorage.WriteFault;
import org.junit.jupiter.api.Test;

/** Holds {@link InMemoryStorage} to the storage contract, and tests its fault-injection hooks. */
class InMemoryStorageContractTest extends StorageContractTest {

    @Override
    protected Storage newStorage() {
        return new InMemoryStorage();
    }

    private InMemoryStorage memory() {
        return (InMemoryStorage) storage;
    }

    @Test
    void failNextWrites_failsThatManyWritesWithNothingApplied() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 2);
        SequenceState before = storage.readSequenceState();
        memory().failNextWrites(3);

        assertPermanentFailure(() -> storage.appendTxs(1, TxAppend.of(List.of(tx(3)))));
        assertPermanentFailure(() -> storage.commitBatch(1, nextBatch(1, 2)));
        assertPermanentFailure(() -> storage.claimTerm(2, LEADER_B, NOW_MS + 1));

        assertThat(storage.readSequenceState()).isEqualTo(before);
        assertThat(storage.findTx(txHash(3))).isEmpty();
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(0, 0, 0, 0, 0));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(1, LEADER_A, NOW_MS));
        assertThat(appended(storage, 1, List.of(tx(3)))).containsExactly(new AppendedTx(3, false));
    }

    @Test
    void failNextWrites_coversHeartbeatAndL1Updates() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        commitBatches(1, 1);
        memory().failNextWrites(2);

        assertPermanentFailure(() -> storage.heartbeat(1, NOW_MS + 5));
        assertPermanentFailure(() -> storage.updateL1State(1, 1,
                new BatchL1State(L1Status.POSTED, null, 0, 1, null, NOW_MS)));

        assertThat(storage.readLeader().lastHeartbeatMs()).isEqualTo(NOW_MS);
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(1, 0, 0, 0, 0));
        assertThat(storage.heartbeat(1, NOW_MS + 6)).isEqualTo(new Written());
    }

    @Test
    void failNextWrites_leavesReadsWorking() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 1);
        memory().failNextWrites(1);

        assertThat(storage.findTx(txHash(1))).isPresent();
        assertThat(storage.readTxs(1, 10)).hasSize(1);
        assertThat(storage.readLeader().term()).isEqualTo(1);
        assertPermanentFailure(() -> storage.heartbeat(1, NOW_MS));
        assertThat(storage.heartbeat(1, NOW_MS)).isEqualTo(new Written());
    }

    @Test
    void failNextWrites_zero_clearsPendingFaults() {
        memory().failNextWrites(5);
        memory().failNextWrites(0);

        assertThat(storage.claimTerm(1, LEADER_A, NOW_MS)).isEqualTo(new TermGranted(0, null));
    }

    @Test
    void failNextWrites_negativeCount_isRejected() {
        assertThatThrownBy(() -> memory().failNextWrites(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count");
    }

    @Test
    void injectWriteFaults_failTransient_throwsTransientStorageExceptionWithNothingApplied() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        memory().injectWriteFaults(WriteFault.FAIL_TRANSIENT, 1);

        assertThatThrownBy(() -> storage.appendTxs(1, TxAppend.of(List.of(tx(1)))))
                .isInstanceOf(TransientStorageException.class);
        assertThat(storage.findTx(txHash(1))).isEmpty();
        assertThat(appended(storage, 1, List.of(tx(1)))).containsExactly(new AppendedTx(1, false));
    }

    @Test
    void injectWriteFaults_applyThenFail_appliesWriteThenThrowsAndRetryRevealsIt() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 2);
        memory().injectWriteFaults(WriteFault.APPLY_THEN_FAIL, 2);

        assertPermanentFailure(() -> storage.appendTxs(1, TxAppend.of(List.of(tx(3)))));
        assertPermanentFailure(() -> storage.commitBatch(1, nextBatch(1, 3)));

        assertThat(storage.findTx(txHash(3)).orElseThrow().seq()).isEqualTo(3);
        assertThat(appended(storage, 1, List.of(tx(3)))).containsExactly(new AppendedTx(3, true));
        assertThat(storage.findBatchByNumber(1)).isPresent();
        assertThat(storage.readSequenceState().nextUnbatchedSeq()).isEqualTo(4);
    }

    private static void assertPermanentFailure(Runnable write) {
        assertThatThrownBy(write::run)
                .isInstanceOf(StorageException.class)
                .isNotInstanceOf(TransientStorageException.class)
                .hasMessageContaining("injected");
    }
}
