package org.ippan.l2.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.AppendedTx;
import org.ippan.l2.storage.BatchChainRules;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.Committed;
import org.ippan.l2.storage.Conflict;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.ForcedTicket;
import org.ippan.l2.storage.GroupSeal;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.NewTx;
import org.ippan.l2.storage.Pruned;
import org.ippan.l2.storage.SealedGroup;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TermRefused;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.WriteOutcome;
import org.ippan.l2.storage.Written;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The promises every {@link Storage} adapter keeps. An adapter's test extends this class and supplies fresh,
 * empty stores; for a durable store it also overrides {@link #reopen} so that durability is checked.
 */
public abstract class StorageContractTest {

    protected static final String LEADER_A = "leader-a";
    protected static final String LEADER_B = "leader-b";
    protected static final long NOW_MS = 1_735_000_000_000L;
    protected static final byte[] ZERO_HASH = new byte[32];

    private static final int TX_HASH = 1;
    private static final int BATCH_HASH = 2;
    private static final int OTHER_HASH = 3;
    private static final long TIMEOUT_SECONDS = 60;

    /** The store under test; closed after each test. */
    protected Storage storage;

    /** @return a new, empty store, independent of every other */
    protected abstract Storage newStorage();

    /**
     * Closes {@code store} and opens the same store again, so that tests can check what is durable. The default
     * returns {@code store} itself, for stores whose data lives only as long as the instance.
     *
     * @param store an open store
     * @return the same store, reopened
     */
    protected Storage reopen(Storage store) {
        return store;
    }

    @BeforeEach
    final void openStore() {
        storage = newStorage();
    }

    @AfterEach
    final void closeStore() {
        if (storage != null) {
            storage.close();
        }
    }

    // ==== leadership ==============================================================================================

    @Test
    void readLeader_freshStore_isTermZeroWithoutLeaderOrHeartbeat() {
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(0, null, 0));
    }

    @Test
    void claimTerm_freshStore_isGrantedAndReportsTermZero() {
        assertThat(storage.claimTerm(1, LEADER_A, NOW_MS)).isEqualTo(new TermGranted(0, null));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(1, LEADER_A, NOW_MS));
    }

    @Test
    void claimTerm_termZeroOnFreshStore_isGranted() {
        assertThat(storage.claimTerm(0, LEADER_A, NOW_MS)).isEqualTo(new TermGranted(0, null));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(0, LEADER_A, NOW_MS));
    }

    @Test
    void claimTerm_termZeroHeldByOtherLeader_isRefused() {
        storage.claimTerm(0, LEADER_A, NOW_MS);

        assertThat(storage.claimTerm(0, LEADER_B, NOW_MS + 1)).isEqualTo(new TermRefused(0, LEADER_A));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(0, LEADER_A, NOW_MS));
    }

    @Test
    void claimTerm_higherTerm_isGrantedAndReportsPreviousTermAndLeader() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThat(storage.claimTerm(3, LEADER_B, NOW_MS + 5)).isEqualTo(new TermGranted(1, LEADER_A));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(3, LEADER_B, NOW_MS + 5));
    }

    @Test
    void claimTerm_higherTermBySameLeader_isGranted() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThat(storage.claimTerm(2, LEADER_A, NOW_MS + 5)).isEqualTo(new TermGranted(1, LEADER_A));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(2, LEADER_A, NOW_MS + 5));
    }

    @Test
    void claimTerm_sameTermSameLeader_isGrantedAgainAndRefreshesHeartbeat() {
        storage.claimTerm(2, LEADER_A, NOW_MS);

        assertThat(storage.claimTerm(2, LEADER_A, NOW_MS + 7)).isEqualTo(new TermGranted(2, LEADER_A));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(2, LEADER_A, NOW_MS + 7));
    }

    @Test
    void claimTerm_sameTermOtherLeader_isRefusedAndChangesNothing() {
        storage.claimTerm(2, LEADER_A, NOW_MS);

        assertThat(storage.claimTerm(2, LEADER_B, NOW_MS + 7)).isEqualTo(new TermRefused(2, LEADER_A));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(2, LEADER_A, NOW_MS));
    }

    @Test
    void claimTerm_lowerTerm_isRefusedAndChangesNothing() {
        storage.claimTerm(5, LEADER_A, NOW_MS);

        assertThat(storage.claimTerm(4, LEADER_B, NOW_MS + 1)).isEqualTo(new TermRefused(5, LEADER_A));
        assertThat(storage.claimTerm(4, LEADER_A, NOW_MS + 2)).isEqualTo(new TermRefused(5, LEADER_A));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(5, LEADER_A, NOW_MS));
    }

    @Test
    void heartbeat_currentTerm_isWrittenAndReadBack() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThat(storage.heartbeat(1, NOW_MS + 100)).isEqualTo(new Written());
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(1, LEADER_A, NOW_MS + 100));
    }

    @Test
    void heartbeat_staleTerm_isFencedAndLeavesHeartbeatUnchanged() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.claimTerm(2, LEADER_B, NOW_MS + 10);

        assertThat(storage.heartbeat(1, NOW_MS + 100)).isEqualTo(new Fenced(2));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(2, LEADER_B, NOW_MS + 10));
    }

    @Test
    void heartbeat_unclaimedHigherTerm_isFenced() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThat(storage.heartbeat(2, NOW_MS + 100)).isEqualTo(new Fenced(1));
        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(1, LEADER_A, NOW_MS));
    }

    // ==== admission ===============================================================================================

    @Test
    void appendTxs_assignsContiguousSeqsFromOneInListOrder() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThat(appended(storage, 1, List.of(tx(10), tx(20), tx(30))))
                .containsExactly(fresh(1), fresh(2), fresh(3));
        assertThat(storage.readTxs(1, 10)).extracting(StoredTx::txHash)
                .containsExactly(txHash(10), txHash(20), txHash(30));
    }

    @Test
    void appendTxs_seqsContinueAcrossCalls() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1), tx(2))));

        assertThat(appended(storage, 1, List.of(tx(3)))).containsExactly(fresh(3));
        assertThat(appended(storage, 1, List.of(tx(4), tx(5)))).containsExactly(fresh(4), fresh(5));
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(6);
    }

    @Test
    void appendTxs_duplicateOfStoredTx_reportsExistingSeqAndStoresNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1), tx(2))));
        NewTx resubmitted = new NewTx(txHash(2), bytes("other bytes"), NOW_MS + 99);

        assertThat(appended(storage, 1, List.of(resubmitted))).containsExactly(duplicate(2));
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(3);
        assertThat(storage.findTx(txHash(2))).contains(StoredTx.of(2, tx(2)));
    }

    @Test
    void appendTxs_duplicateWithinOneCall_reportsSeqOfFirstOccurrence() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThat(appended(storage, 1, List.of(tx(1), tx(2), tx(1), tx(3), tx(2))))
                .containsExactly(fresh(1), fresh(2), duplicate(1), fresh(3), duplicate(2));
        assertThat(storage.readTxs(1, 10)).extracting(StoredTx::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void appendTxs_mixOfNewAndStoredTxs_numbersOnlyNewTxsWithoutGaps() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1), tx(2))));

        assertThat(appended(storage, 1, List.of(tx(2), tx(3), tx(1), tx(4))))
                .containsExactly(duplicate(2), fresh(3), duplicate(1), fresh(4));
        assertThat(storage.readTxs(1, 10)).extracting(StoredTx::txHash)
                .containsExactly(txHash(1), txHash(2), txHash(3), txHash(4));
    }

    @Test
    void appendTxs_staleTerm_isFencedAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1))));
        storage.claimTerm(2, LEADER_B, NOW_MS);

        assertThat(storage.appendTxs(1, TxAppend.of(List.of(tx(2), tx(3))))).isEqualTo(new Fenced(2));
        assertThat(storage.findTx(txHash(2))).isEmpty();
        assertThat(storage.findTx(txHash(3))).isEmpty();
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(2);
    }

    @Test
    void appendTxs_unclaimedHigherTerm_isFencedAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThat(storage.appendTxs(2, TxAppend.of(List.of(tx(1))))).isEqualTo(new Fenced(1));
        assertThat(storage.findTx(txHash(1))).isEmpty();
    }

    @Test
    void appendTxs_emptyList_isAppendedWithNoResultsAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThat(appended(storage, 1, List.of())).isEmpty();
        assertThat(storage.readSequenceState()).isEqualTo(SequenceState.initial());
    }

    @Test
    void appendTxs_emptyListWithStaleTerm_isFenced() {
        storage.claimTerm(3, LEADER_A, NOW_MS);

        assertThat(storage.appendTxs(2, TxAppend.of(List.of()))).isEqualTo(new Fenced(3));
    }

    // ---- group seals ----------------------------------------------------------------------------------------

    /** A seal that records its calls and answers the group's range and its stored hashes' first bytes. */
    private static final class RecordingSeal implements GroupSeal {
        final List<String> calls = new ArrayList<>();

        @Override
        public byte[] seal(TxAppend txs, long firstSeq, int count) {
            StringBuilder seen = new StringBuilder(firstSeq + "+" + count + ":");
            for (int i = 0; i < txs.size(); i++) {
                if (!txs.isDuplicate(i)) {
                    seen.append(' ').append(txs.seq(i)).append('=').append(txs.txHash(i)[11]);
                }
            }
            calls.add(seen.toString());
            return seen.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    @Test
    void appendTxs_withSeal_storesItWithTheGroupOfStoredTxsOnly() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1), tx(2))));
        RecordingSeal seal = new RecordingSeal();

        storage.appendTxs(1, TxAppend.of(List.of(tx(2), tx(3), tx(3), tx(4))).sealWith(seal));

        // every result is reported before the seal is made, and the group is the stored txs only
        assertThat(seal.calls).containsExactly("3+2: 3=3 4=4");
        byte[] bytes = "3+2: 3=3 4=4".getBytes(StandardCharsets.UTF_8);
        assertThat(storage.findSealedGroup(3)).contains(new SealedGroup(3, 2, bytes));
        assertThat(storage.findSealedGroup(4)).contains(new SealedGroup(3, 2, bytes));
        assertThat(storage.findSealedGroup(1)).as("admitted without a seal").isEmpty();
        assertThat(storage.findSealedGroup(5)).as("not admitted").isEmpty();
    }

    @Test
    void appendTxs_withSeal_isDurableAndEachGroupKeepsItsOwn() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1), tx(2), tx(3)))
                .sealWith((txs, first, count) -> new byte[] {1}));
        storage.appendTxs(1, TxAppend.of(List.of(tx(4))).sealWith((txs, first, count) -> new byte[] {2}));
        storage = reopen(storage);

        assertThat(storage.findSealedGroup(2)).contains(new SealedGroup(1, 3, new byte[] {1}));
        assertThat(storage.findSealedGroup(4)).contains(new SealedGroup(4, 1, new byte[] {2}));
    }

    @Test
    void appendTxs_withSeal_isNotCalledWhenNothingIsStoredOrTheCallIsFenced() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1))));
        RecordingSeal seal = new RecordingSeal();

        assertThat(storage.appendTxs(1, TxAppend.of(List.of(tx(1))).sealWith(seal))).isEqualTo(new Appended());
        assertThat(storage.appendTxs(2, TxAppend.of(List.of(tx(2))).sealWith(seal))).isEqualTo(new Fenced(1));

        assertThat(seal.calls).isEmpty();
        assertThat(storage.findSealedGroup(1)).isEmpty();
    }

    @Test
    void appendTxs_sealThatThrows_rollsTheWriteBackAndReachesTheCaller() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1))));
        IllegalStateException failure = new IllegalStateException("signer failed");

        assertThatThrownBy(() -> storage.appendTxs(1, TxAppend.of(List.of(tx(2), tx(3)))
                .sealWith((txs, first, count) -> {
                    throw failure;
                }))).isSameAs(failure);

        assertThat(storage.findTx(txHash(2))).isEmpty();
        assertThat(storage.findTx(txHash(3))).isEmpty();
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(2);
        assertThat(storage.findSealedGroup(2)).isEmpty();
        // and the store goes on as if the call never happened
        assertThat(appended(storage, 1, List.of(tx(3), tx(2)))).containsExactly(fresh(2), fresh(3));
        assertThat(storage.findTx(txHash(1))).contains(StoredTx.of(1, tx(1)));
    }

    @Test
    void appendTxs_sealAnsweringTooManyBytes_rollsTheWriteBack() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThatThrownBy(() -> storage.appendTxs(1, TxAppend.of(List.of(tx(1)))
                .sealWith((txs, first, count) -> new byte[GroupSeal.MAX_LENGTH + 1])))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at most " + GroupSeal.MAX_LENGTH);

        assertThat(storage.findTx(txHash(1))).isEmpty();
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(1);
    }

    @Test
    void findSealedGroup_seqBelowOne_isRejectedNamingIt() {
        assertThatThrownBy(() -> storage.findSealedGroup(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq");
    }

    @Test
    void findTx_admittedTx_returnsEveryFieldAsAdmitted() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1), tx(2))));

        Optional<StoredTx> found = storage.findTx(txHash(2));

        assertThat(found).isPresent();
        assertThat(found.get().seq()).isEqualTo(2);
        assertThat(found.get().txHash()).isEqualTo(txHash(2));
        assertThat(found.get().canonicalTx()).isEqualTo(tx(2).canonicalTx());
        assertThat(found.get().admittedMs()).isEqualTo(tx(2).admittedMs());
    }

    @Test
    void findTx_unknownHash_isEmpty() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1))));

        assertThat(storage.findTx(txHash(2))).isEmpty();
    }

    @Test
    void readTxs_returnsAscendingRangeCappedByMaxCount() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 10);

        assertThat(storage.readTxs(3, 4)).containsExactly(
                StoredTx.of(3, tx(3)), StoredTx.of(4, tx(4)), StoredTx.of(5, tx(5)), StoredTx.of(6, tx(6)));
        assertThat(storage.readTxs(8, 100)).extracting(StoredTx::seq).containsExactly(8L, 9L, 10L);
        assertThat(storage.readTxs(1, Integer.MAX_VALUE)).hasSize(10);
    }

    @Test
    void readTxs_fromPastLastSeq_isEmpty() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 3);

        assertThat(storage.readTxs(4, 10)).isEmpty();
        assertThat(storage.readTxs(Long.MAX_VALUE, 10)).isEmpty();
    }

    @Test
    void readSequenceState_freshStore_startsAtOneWithZeroHead() {
        SequenceState state = storage.readSequenceState();

        assertThat(state).isEqualTo(new SequenceState(1, 1, 1, ZERO_HASH));
        assertThat(state.pendingCount()).isZero();
    }

    @Test
    void readSequenceState_pendingCount_countsAdmittedUnbatchedTxs() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 5);
        assertThat(storage.readSequenceState().pendingCount()).isEqualTo(5);

        commit(1, nextBatch(1, 3));
        assertThat(storage.readSequenceState().pendingCount()).isEqualTo(2);

        admit(1, 6, 4);
        assertThat(storage.readSequenceState()).isEqualTo(new SequenceState(10, 4, 2, batchHash(1)));
        assertThat(storage.readSequenceState().pendingCount()).isEqualTo(6);
    }

    // ==== committing batches ======================================================================================

    @Test
    void commitBatch_firstBatch_advancesCursorNumberAndHeadTogether() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 5);

        CommitOutcome outcome = storage.commitBatch(1, nextBatch(1, 3));

        SequenceState expected = new SequenceState(6, 4, 2, batchHash(1));
        assertThat(outcome).isEqualTo(new Committed(expected));
        assertThat(storage.readSequenceState()).isEqualTo(expected);
    }

    @Test
    void commitBatch_storesEveryFieldWithStatusCommitted() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 2);
        NewBatch batch = nextBatch(1, 2);

        commit(1, batch);

        StoredBatch stored = storage.findBatchByNumber(1).orElseThrow();
        assertThat(stored.batch()).isEqualTo(batch);
        assertThat(stored.l1State())
                .isEqualTo(new BatchL1State(L1Status.COMMITTED, null, 0, 0, null, batch.createdMs()));
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(1, 0, 0, 0, 0));
    }

    @Test
    void commitBatch_unsignedBatch_storesEmptyKeyAndSignature() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 1);
        NewBatch unsigned = withSignature(nextBatch(1, 1), new byte[0], new byte[0]);

        commit(1, unsigned);

        StoredBatch stored = storage.findBatchByNumber(1).orElseThrow();
        assertThat(stored.batch().sequencerPubkey()).isEmpty();
        assertThat(stored.batch().sequencerSig()).isEmpty();
        assertThat(stored.batch()).isEqualTo(unsigned);
    }

    @Test
    void commitBatch_chainOfBatches_coversAdmittedSeqsContiguously() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 10);

        commit(1, nextBatch(1, 4));
        commit(1, nextBatch(1, 1));
        commit(1, nextBatch(1, 5));

        List<StoredBatch> batches = storage.listBatches(1, 10);
        assertThat(batches).extracting(StoredBatch::batchNumber).containsExactly(1L, 2L, 3L);
        assertThat(batches).extracting(b -> b.batch().firstSeq()).containsExactly(1L, 5L, 6L);
        assertThat(batches.get(0).batch().prevBatchHash()).isEqualTo(ZERO_HASH);
        assertThat(batches.get(1).batch().prevBatchHash()).isEqualTo(batchHash(1));
        assertThat(batches.get(2).batch().prevBatchHash()).isEqualTo(batchHash(2));
        assertThat(storage.readSequenceState()).isEqualTo(new SequenceState(11, 11, 4, batchHash(3)));
    }

    @Test
    void commitBatch_staleTerm_isFencedAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 3);
        NewBatch batch = nextBatch(1, 3);
        storage.claimTerm(2, LEADER_B, NOW_MS);
        SequenceState before = storage.readSequenceState();

        assertThat(storage.commitBatch(1, batch)).isEqualTo(new Fenced(2));
        assertThat(storage.commitBatch(1, withNumber(withPrevHash(withFirstSeq(batch, 2), hash(OTHER_HASH, 1)), 7)))
                .as("a stale term is fenced before any chain rule is asked").isEqualTo(new Fenced(2));
        assertNothingCommitted(before);
    }

    @Test
    void commitBatch_batchNumberNotNext_isConflictAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 4);
        commit(1, nextBatch(1, 1));
        SequenceState before = storage.readSequenceState();
        NewBatch next = nextBatch(1, 1);

        assertCommitConflict(1, withNumber(next, 3));
        assertCommitConflict(1, withNumber(next, 1));
        assertNothingCommitted(before);
    }

    @Test
    void commitBatch_firstSeqNotAtCursor_isConflictAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 6);
        commit(1, nextBatch(1, 2));
        SequenceState before = storage.readSequenceState();
        NewBatch next = nextBatch(1, 2);

        assertCommitConflict(1, withFirstSeq(next, 4));
        assertCommitConflict(1, withFirstSeq(next, 2));
        assertNothingCommitted(before);
    }

    @Test
    void commitBatch_rangeBeyondAdmittedTxs_isConflictAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 3);
        SequenceState before = storage.readSequenceState();

        assertCommitConflict(1, nextBatch(1, 4));
        assertNothingCommitted(before);
    }

    @Test
    void commitBatch_onEmptyStore_isConflict() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertCommitConflict(1, nextBatch(1, 1));
        assertNothingCommitted(SequenceState.initial());
    }

    @Test
    void commitBatch_prevHashNotHead_isConflictAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 4);
        commit(1, nextBatch(1, 2));
        SequenceState before = storage.readSequenceState();
        NewBatch next = nextBatch(1, 2);

        assertCommitConflict(1, withPrevHash(next, ZERO_HASH));
        assertCommitConflict(1, withPrevHash(next, hash(OTHER_HASH, 1)));
        assertNothingCommitted(before);
    }

    @Test
    void commitBatch_firstBatchWithNonZeroPrevHash_isConflict() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 1);

        assertCommitConflict(1, withPrevHash(nextBatch(1, 1), hash(OTHER_HASH, 1)));
        assertNothingCommitted(new SequenceState(2, 1, 1, ZERO_HASH));
    }

    @Test
    void commitBatch_batchHashAlreadyStored_isConflictAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 2);
        commit(1, nextBatch(1, 1));
        SequenceState before = storage.readSequenceState();

        assertCommitConflict(1, withHash(nextBatch(1, 1), batchHash(1)));
        assertNothingCommitted(before);
        assertThat(storage.findBatch(batchHash(1)).orElseThrow().batchNumber()).isEqualTo(1);
    }

    @Test
    void commitBatch_resentAfterSuccess_isConflictAndKeepsStoredBatch() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 3);
        NewBatch batch = nextBatch(1, 3);
        commit(1, batch);
        SequenceState after = storage.readSequenceState();

        assertCommitConflict(1, batch);
        assertThat(storage.readSequenceState()).isEqualTo(after);
        assertThat(storage.findBatchByNumber(1).orElseThrow().batch()).isEqualTo(batch);
    }

    @Test
    void commitBatch_batchTermDiffersFromCallerTerm_isRejected() {
        storage.claimTerm(2, LEADER_A, NOW_MS);
        admit(2, 1, 1);
        NewBatch ofTermOne = withTerm(nextBatch(2, 1), 1);

        assertThatThrownBy(() -> storage.commitBatch(2, ofTermOne))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("term");
        assertNothingCommitted(new SequenceState(2, 1, 1, ZERO_HASH));
    }

    @Test
    void commitBatch_txsAdmittedAfterwards_stayPendingFromTheCursor() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 2);
        commit(1, nextBatch(1, 2));

        admit(1, 3, 3);

        assertThat(storage.readSequenceState().nextUnbatchedSeq()).isEqualTo(3);
        assertThat(storage.readTxs(3, 100)).extracting(StoredTx::txHash)
                .containsExactly(txHash(3), txHash(4), txHash(5));
    }

    @Test
    void commitBatch_conflictReasons_nameTheValuesAndTheFirstBrokenRule() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 4);
        commit(1, nextBatch(1, 2));
        NewBatch next = nextBatch(1, 1);
        String head = hex(batchHash(1));

        assertThat(assertCommitConflict(1, withNumber(next, 5)))
                .isEqualTo("batchNumber 5 is not the next batch number 2");
        assertThat(assertCommitConflict(1, withFirstSeq(next, 2)))
                .isEqualTo("firstSeq 2 is not the next unbatched seq 3");
        assertThat(assertCommitConflict(1, nextBatch(1, 3)))
                .isEqualTo("txs up to seq 5 are not all admitted: the batch holds seqs 3 to 5, "
                        + "the last admitted seq is 4");
        assertThat(assertCommitConflict(1, withPrevHash(next, ZERO_HASH)))
                .isEqualTo("prevBatchHash " + hex(ZERO_HASH) + " is not the head batch hash " + head);
        assertThat(assertCommitConflict(1, withHash(next, batchHash(1))))
                .isEqualTo("batchHash " + head + " is already stored, as batch 1");

        // rules in order (number, first seq, range, previous hash, stored hash): each batch breaks the rule its
        // reason names and every later one, so an adapter that checks in another order gives another reason
        NewBatch fromPrevHash = withHash(withPrevHash(nextBatch(1, 2), ZERO_HASH), batchHash(1));
        NewBatch fromRange = withHash(withPrevHash(nextBatch(1, 9), ZERO_HASH), batchHash(1));
        NewBatch fromFirstSeq = withFirstSeq(fromRange, 1);
        assertThat(assertCommitConflict(1, withNumber(fromFirstSeq, 1))).startsWith("batchNumber 1 ");
        assertThat(assertCommitConflict(1, fromFirstSeq)).startsWith("firstSeq 1 ");
        assertThat(assertCommitConflict(1, fromRange)).startsWith("txs up to seq 11 ");
        assertThat(assertCommitConflict(1, fromPrevHash)).startsWith("prevBatchHash ");
        assertNothingCommitted(new SequenceState(5, 3, 2, batchHash(1)));
    }

    // ==== L1 state ================================================================================================

    @Test
    void updateL1State_unknownBatchNumber_reasonNamesTheStoredBatches() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThat(assertL1UpdateConflict(1, 1)).isEqualTo("no batch numbered 1: no batch is stored yet");
        commitBatches(1, 2);
        assertThat(assertL1UpdateConflict(1, 3))
                .isEqualTo("no batch numbered 3: the stored batches are numbered 1 to 2");
        assertThat(assertL1UpdateConflict(1, Long.MAX_VALUE))
                .isEqualTo("no batch numbered " + Long.MAX_VALUE + ": the stored batches are numbered 1 to 2");
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(2, 0, 0, 0, 0));
    }


    @Test
    void updateL1State_currentTerm_isWrittenAndReadBack() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 1);
        NewBatch batch = nextBatch(1, 1);
        commit(1, batch);
        BatchL1State included = new BatchL1State(L1Status.INCLUDED, "l1-tx-7", 1234, 2, "timeout", NOW_MS + 50);

        assertThat(storage.updateL1State(1, 1, included)).isEqualTo(new Written());

        StoredBatch stored = storage.findBatchByNumber(1).orElseThrow();
        assertThat(stored.l1State()).isEqualTo(included);
        assertThat(stored.batch()).isEqualTo(batch);
        assertThat(storage.findBatch(batchHash(1)).orElseThrow().l1State()).isEqualTo(included);
    }

    @Test
    void updateL1State_staleTerm_isFencedAndLeavesStateUnchanged() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 1);
        commit(1, nextBatch(1, 1));
        storage.claimTerm(2, LEADER_B, NOW_MS);

        assertThat(storage.updateL1State(1, 1, posted(NOW_MS))).isEqualTo(new Fenced(2));
        assertThat(storage.updateL1State(1, 9, posted(NOW_MS)))
                .as("a stale term is fenced before the batch is looked for").isEqualTo(new Fenced(2));
        assertThat(storage.findBatchByNumber(1).orElseThrow().status()).isEqualTo(L1Status.COMMITTED);
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(1, 0, 0, 0, 0));
    }

    @Test
    void updateL1State_unknownBatchNumber_isConflict() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 1);
        commit(1, nextBatch(1, 1));

        assertL1UpdateConflict(1, 2);
        assertThat(storage.findBatchByNumber(2)).isEmpty();
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(1, 0, 0, 0, 0));
    }

    @Test
    void updateL1State_onEmptyStore_isConflict() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertL1UpdateConflict(1, 1);
    }

    @Test
    void updateL1State_repeated_isIdempotent() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 1);
        commit(1, nextBatch(1, 1));

        assertThat(storage.updateL1State(1, 1, posted(NOW_MS))).isEqualTo(new Written());
        assertThat(storage.updateL1State(1, 1, posted(NOW_MS))).isEqualTo(new Written());
        assertThat(storage.findBatchByNumber(1).orElseThrow().l1State()).isEqualTo(posted(NOW_MS));
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(0, 1, 0, 0, 0));
    }

    @Test
    void updateL1State_movesBatchBetweenStatusCountsAndLists() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        commitBatches(1, 3);

        storage.updateL1State(1, 2, posted(NOW_MS));
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(2, 1, 0, 0, 0));
        assertThat(numbersInStatus(EnumSet.of(L1Status.COMMITTED))).containsExactly(1L, 3L);
        assertThat(numbersInStatus(EnumSet.of(L1Status.POSTED))).containsExactly(2L);

        storage.updateL1State(1, 2, state(L1Status.CONFIRMED));
        storage.updateL1State(1, 1, state(L1Status.FAILED));
        storage.updateL1State(1, 3, state(L1Status.INCLUDED));
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(0, 0, 1, 1, 1));
        assertThat(numbersInStatus(EnumSet.of(L1Status.COMMITTED, L1Status.POSTED))).isEmpty();
        assertThat(numbersInStatus(EnumSet.of(L1Status.FAILED))).containsExactly(1L);
    }

    // ==== batch reads =============================================================================================

    @Test
    void findBatch_byHash_returnsThatBatch() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        commitBatches(1, 3);

        assertThat(storage.findBatch(batchHash(2)).orElseThrow().batchNumber()).isEqualTo(2);
        assertThat(storage.findBatch(batchHash(3)).orElseThrow().batch().batchHash()).isEqualTo(batchHash(3));
    }

    @Test
    void findBatch_unknownHash_isEmpty() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        commitBatches(1, 1);

        assertThat(storage.findBatch(batchHash(2))).isEmpty();
        assertThat(storage.findBatch(ZERO_HASH)).isEmpty();
    }

    @Test
    void findBatchByNumber_existingAndPastLast() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        commitBatches(1, 2);

        assertThat(storage.findBatchByNumber(2).orElseThrow().batchHash()).isEqualTo(batchHash(2));
        assertThat(storage.findBatchByNumber(3)).isEmpty();
        assertThat(storage.findBatchByNumber(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void findBatchContaining_everySeqOfEveryBatch_returnsThatBatch() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 9);
        commit(1, nextBatch(1, 3));
        commit(1, nextBatch(1, 1));
        commit(1, nextBatch(1, 4));

        Map<Long, Long> batchNumberBySeq = new HashMap<>();
        for (long seq = 1; seq <= 8; seq++) {
            batchNumberBySeq.put(seq, storage.findBatchContaining(seq).orElseThrow().batchNumber());
        }
        assertThat(batchNumberBySeq).isEqualTo(Map.of(
                1L, 1L, 2L, 1L, 3L, 1L, 4L, 2L, 5L, 3L, 6L, 3L, 7L, 3L, 8L, 3L));
    }

    @Test
    void findBatchContaining_pendingOrUnadmittedSeq_isEmpty() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 4);
        commit(1, nextBatch(1, 2));

        assertThat(storage.findBatchContaining(3)).isEmpty();
        assertThat(storage.findBatchContaining(5)).isEmpty();
        assertThat(storage.findBatchContaining(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void findBatchContaining_freshStore_isEmpty() {
        assertThat(storage.findBatchContaining(1)).isEmpty();
    }

    @Test
    void listBatches_fromNumber_isAscendingAndCappedByMaxCount() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        commitBatches(1, 5);

        assertThat(storage.listBatches(2, 3)).extracting(StoredBatch::batchNumber).containsExactly(2L, 3L, 4L);
        assertThat(storage.listBatches(4, 100)).extracting(StoredBatch::batchNumber).containsExactly(4L, 5L);
        assertThat(storage.listBatches(1, Integer.MAX_VALUE)).hasSize(5);
    }

    @Test
    void listBatches_pastLastBatch_isEmpty() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        commitBatches(1, 2);

        assertThat(storage.listBatches(3, 10)).isEmpty();
        assertThat(storage.listBatches(Long.MAX_VALUE, 10)).isEmpty();
    }

    @Test
    void listBatchesInStatus_mixedStatuses_returnsLowestNumbersAscending() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        commitBatches(1, 7);
        storage.updateL1State(1, 1, state(L1Status.CONFIRMED));
        storage.updateL1State(1, 2, state(L1Status.POSTED));
        storage.updateL1State(1, 3, state(L1Status.INCLUDED));
        storage.updateL1State(1, 4, state(L1Status.POSTED));
        // 5, 6, 7 stay COMMITTED

        Set<L1Status> unconfirmed = EnumSet.of(L1Status.COMMITTED, L1Status.POSTED, L1Status.INCLUDED);
        assertThat(storage.listBatchesInStatus(unconfirmed, 3))
                .extracting(StoredBatch::batchNumber).containsExactly(2L, 3L, 4L);
        assertThat(storage.listBatchesInStatus(unconfirmed, 100))
                .extracting(StoredBatch::batchNumber).containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(storage.listBatchesInStatus(EnumSet.of(L1Status.COMMITTED, L1Status.CONFIRMED), 2))
                .extracting(StoredBatch::batchNumber).containsExactly(1L, 5L);
        assertThat(storage.listBatchesInStatus(EnumSet.of(L1Status.POSTED), 1).get(0).status())
                .isEqualTo(L1Status.POSTED);
        assertThat(storage.listBatchesInStatus(EnumSet.of(L1Status.FAILED), 10)).isEmpty();
    }

    @Test
    void listBatchesInStatus_emptySet_isEmpty() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        commitBatches(1, 2);

        assertThat(storage.listBatchesInStatus(Set.of(), 10)).isEmpty();
        assertThat(storage.listBatchesInStatus(EnumSet.allOf(L1Status.class), 10)).hasSize(2);
    }

    @Test
    void countBatches_freshStore_isAllZero() {
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(0, 0, 0, 0, 0));
    }

    // ==== argument validation =====================================================================================

    @Test
    void leadershipWrites_invalidArguments_areRejectedNamingTheParameter() {
        assertRejected(IllegalArgumentException.class, "term", () -> storage.claimTerm(-1, LEADER_A, NOW_MS));
        assertRejected(NullPointerException.class, "leaderId", () -> storage.claimTerm(1, null, NOW_MS));
        assertRejected(IllegalArgumentException.class, "term", () -> storage.heartbeat(-1, NOW_MS));
        assertThat(storage.readLeader()).isEqualTo(LeaderRecord.initial());
    }

    @Test
    void appendTxs_invalidArguments_areRejectedNamingTheParameterAndWriteNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertRejected(IllegalArgumentException.class, "term",
                () -> storage.appendTxs(-1, TxAppend.of(List.of(tx(1)))));
        assertRejected(NullPointerException.class, "txs", () -> storage.appendTxs(1, null));
        assertThat(storage.findTx(txHash(1))).isEmpty();
        assertThat(storage.readSequenceState()).isEqualTo(SequenceState.initial());
    }

    @Test
    void txReads_invalidArguments_areRejectedNamingTheParameter() {
        assertRejected(NullPointerException.class, "txHash", () -> storage.findTx(null));
        assertRejected(IllegalArgumentException.class, "txHash", () -> storage.findTx(new byte[31]));
        assertRejected(IllegalArgumentException.class, "txHash", () -> storage.findTx(new byte[33]));
        assertRejected(IllegalArgumentException.class, "fromSeq", () -> storage.readTxs(0, 1));
        assertRejected(IllegalArgumentException.class, "maxCount", () -> storage.readTxs(1, 0));
        assertRejected(IllegalArgumentException.class, "maxCount", () -> storage.readTxs(1, -1));
    }

    @Test
    void batchWrites_invalidArguments_areRejectedNamingTheParameter() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 1);
        NewBatch batch = nextBatch(1, 1);

        assertRejected(IllegalArgumentException.class, "term", () -> storage.commitBatch(-1, batch));
        assertRejected(NullPointerException.class, "batch", () -> storage.commitBatch(1, null));
        assertRejected(IllegalArgumentException.class, "term",
                () -> storage.updateL1State(-1, 1, posted(NOW_MS)));
        assertRejected(IllegalArgumentException.class, "batchNumber",
                () -> storage.updateL1State(1, 0, posted(NOW_MS)));
        assertRejected(NullPointerException.class, "state", () -> storage.updateL1State(1, 1, null));
        assertNothingCommitted(new SequenceState(2, 1, 1, ZERO_HASH));
    }

    @Test
    void batchReads_invalidArguments_areRejectedNamingTheParameter() {
        assertRejected(NullPointerException.class, "batchHash", () -> storage.findBatch(null));
        assertRejected(IllegalArgumentException.class, "batchHash", () -> storage.findBatch(new byte[16]));
        assertRejected(IllegalArgumentException.class, "batchNumber", () -> storage.findBatchByNumber(0));
        assertRejected(IllegalArgumentException.class, "seq", () -> storage.findBatchContaining(0));
        assertRejected(IllegalArgumentException.class, "fromNumber", () -> storage.listBatches(0, 1));
        assertRejected(IllegalArgumentException.class, "maxCount", () -> storage.listBatches(1, 0));
        assertRejected(NullPointerException.class, "statuses", () -> storage.listBatchesInStatus(null, 1));
        assertRejected(IllegalArgumentException.class, "maxCount",
                () -> storage.listBatchesInStatus(EnumSet.allOf(L1Status.class), 0));
    }

    // ==== forced inclusion: cursors and tickets ===================================================================

    protected static final String INBOX_CURSOR = "forced-inbox";

    @Test
    void readCursor_neverWritten_isZero() {
        assertThat(storage.readCursor(INBOX_CURSOR)).isZero();
    }

    @Test
    void saveCursor_ownTerm_isWrittenReplacedAndKeptApartByName() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThat(storage.saveCursor(1, INBOX_CURSOR, 7)).isEqualTo(new Written());
        assertThat(storage.saveCursor(1, "other.cursor_2", Long.MAX_VALUE)).isEqualTo(new Written());
        assertThat(storage.saveCursor(1, INBOX_CURSOR, 12)).isEqualTo(new Written());

        assertThat(storage.readCursor(INBOX_CURSOR)).isEqualTo(12);
        assertThat(storage.readCursor("other.cursor_2")).isEqualTo(Long.MAX_VALUE);
        assertThat(storage.readCursor("never")).isZero();
    }

    @Test
    void saveCursor_staleTerm_isFencedAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.saveCursor(1, INBOX_CURSOR, 3);
        storage.claimTerm(2, LEADER_B, NOW_MS + 1);

        assertThat(storage.saveCursor(1, INBOX_CURSOR, 9)).isEqualTo(new Fenced(2));
        assertThat(storage.saveCursor(3, INBOX_CURSOR, 9)).isEqualTo(new Fenced(2));

        assertThat(storage.readCursor(INBOX_CURSOR)).isEqualTo(3);
        assertThat(storage.saveCursor(2, INBOX_CURSOR, 4)).isEqualTo(new Written());
        assertThat(storage.readCursor(INBOX_CURSOR)).isEqualTo(4);
    }

    @Test
    void readSetting_neverWritten_isEmpty() {
        assertThat(storage.readSetting("limits")).isEmpty();
    }

    @Test
    void saveSetting_ownTerm_isWrittenReplacedAndKeptApartByName() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        String longValue = "x".repeat(Storage.MAX_SETTING_VALUE_LENGTH);

        assertThat(storage.saveSetting(1, "limits", "max_batch_txs=5")).isEqualTo(new Written());
        assertThat(storage.saveSetting(1, "other.setting_2", longValue)).isEqualTo(new Written());
        assertThat(storage.saveSetting(1, "limits", "max_batch_txs=7 ünïcode")).isEqualTo(new Written());
        assertThat(storage.saveSetting(1, "empty", "")).isEqualTo(new Written());

        assertThat(storage.readSetting("limits")).contains("max_batch_txs=7 ünïcode");
        assertThat(storage.readSetting("other.setting_2")).contains(longValue);
        assertThat(storage.readSetting("empty")).contains("");
        assertThat(storage.readSetting("never")).isEmpty();
        assertThat(storage.readCursor("limits")).as("settings and cursors are apart").isZero();
    }

    @Test
    void saveSetting_staleTerm_isFencedAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.saveSetting(1, "limits", "a");
        storage.claimTerm(2, LEADER_B, NOW_MS + 1);

        assertThat(storage.saveSetting(1, "limits", "b")).isEqualTo(new Fenced(2));
        assertThat(storage.saveSetting(3, "limits", "b")).isEqualTo(new Fenced(2));

        assertThat(storage.readSetting("limits")).contains("a");
        assertThat(storage.saveSetting(2, "limits", "c")).isEqualTo(new Written());
        assertThat(storage.readSetting("limits")).contains("c");
    }

    @Test
    void saveSetting_badNameOrValue_isRefusedBeforeWriting() {
        storage.claimTerm(1, LEADER_A, NOW_MS);

        assertThatThrownBy(() -> storage.saveSetting(1, "bad name", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> storage.saveSetting(1, "limits",
                "x".repeat(Storage.MAX_SETTING_VALUE_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value");
        assertThatThrownBy(() -> storage.saveSetting(1, "limits", null)).isInstanceOf(NullPointerException.class);
        assertThat(storage.readSetting("limits")).isEmpty();
    }

    @Test
    void saveForcedTicket_roundTripsEveryField() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        ForcedTicket ticket = ticket(1, "alice ünïcode", 41, 17);

        assertThat(storage.saveForcedTicket(1, ticket)).isEqualTo(new Written());

        ForcedTicket read = storage.findForcedTicket(hash(TX_HASH, 1)).orElseThrow();
        assertThat(read).isEqualTo(ticket);
        assertThat(read.txHash()).isEqualTo(hash(TX_HASH, 1));
        assertThat(read.account()).isEqualTo("alice ünïcode");
        assertThat(read.canonicalTx()).isEqualTo(tx(1).canonicalTx());
        assertThat(read.createdMs()).isEqualTo(NOW_MS + 1);
        assertThat(read.inboxIndex()).isEqualTo(41);
        assertThat(read.inboxL1Height()).isEqualTo(17);
        assertThat(storage.findForcedTicket(hash(TX_HASH, 2))).isEmpty();
    }

    @Test
    void saveForcedTicket_sameHashTwice_isConflictAndKeepsTheFirst() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        ForcedTicket first = ticket(1, "alice", 0, 5);
        storage.saveForcedTicket(1, first);

        WriteOutcome second = storage.saveForcedTicket(1, ticket(1, "bob", 9, 6));

        assertThat(second).isEqualTo(ForcedTicket.duplicateConflict(hash(TX_HASH, 1)));
        assertThat(((Conflict) second).reason()).contains(HexFormat.of().formatHex(hash(TX_HASH, 1)));
        assertThat(storage.findForcedTicket(hash(TX_HASH, 1))).contains(first);
        assertThat(storage.listForcedTickets("bob", 10)).isEmpty();
    }

    @Test
    void saveForcedTicket_staleTerm_isFencedAndWritesNothing() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.claimTerm(2, LEADER_B, NOW_MS + 1);

        assertThat(storage.saveForcedTicket(1, ticket(1, "alice", 0, 5))).isEqualTo(new Fenced(2));

        assertThat(storage.findForcedTicket(hash(TX_HASH, 1))).isEmpty();
        assertThat(storage.listForcedTickets("alice", 10)).isEmpty();
    }

    @Test
    void listForcedTickets_isNewestFirstPerAccountAndCapped() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.saveForcedTicket(1, ticket(1, "alice", 0, 5));
        storage.saveForcedTicket(1, ticket(2, "bob", 1, 5));
        storage.saveForcedTicket(1, ticket(3, "alice", 3, 6));
        storage.saveForcedTicket(1, ticket(4, "alice", 2, 6));

        assertThat(storage.listForcedTickets("alice", 10)).extracting(ForcedTicket::inboxIndex)
                .containsExactly(3L, 2L, 0L);
        assertThat(storage.listForcedTickets("alice", 2)).containsExactly(ticket(3, "alice", 3, 6),
                ticket(4, "alice", 2, 6));
        assertThat(storage.listForcedTickets("bob", 10)).containsExactly(ticket(2, "bob", 1, 5));
        assertThat(storage.listForcedTickets("carol", 10)).isEmpty();
    }

    @Test
    void forcedInclusionCalls_invalidArguments_areRejectedNamingTheParameter() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        assertRejected(IllegalArgumentException.class, "term", () -> storage.saveCursor(-1, INBOX_CURSOR, 1));
        assertRejected(NullPointerException.class, "name", () -> storage.saveCursor(1, null, 1));
        assertRejected(IllegalArgumentException.class, "name", () -> storage.saveCursor(1, "", 1));
        assertRejected(IllegalArgumentException.class, "name", () -> storage.saveCursor(1, "a b", 1));
        assertRejected(IllegalArgumentException.class, "name", () -> storage.saveCursor(1, "x".repeat(65), 1));
        assertRejected(IllegalArgumentException.class, "value", () -> storage.saveCursor(1, INBOX_CURSOR, -1));
        assertRejected(IllegalArgumentException.class, "name", () -> storage.readCursor("a/b"));
        assertRejected(NullPointerException.class, "ticket", () -> storage.saveForcedTicket(1, null));
        assertRejected(IllegalArgumentException.class, "term",
                () -> storage.saveForcedTicket(-1, ticket(1, "alice", 0, 0)));
        assertRejected(IllegalArgumentException.class, "txHash", () -> storage.findForcedTicket(new byte[31]));
        assertRejected(NullPointerException.class, "account", () -> storage.listForcedTickets(null, 1));
        assertRejected(IllegalArgumentException.class, "maxCount", () -> storage.listForcedTickets("alice", 0));
        assertThat(storage.readCursor(INBOX_CURSOR)).isZero();
    }

    @Test
    void forcedTicket_invalidFields_areRejectedNamingTheField() {
        byte[] canonical = tx(1).canonicalTx();
        assertRejected(IllegalArgumentException.class, "txHash",
                () -> new ForcedTicket(new byte[3], "a", canonical, 0, 0, 0));
        assertRejected(IllegalArgumentException.class, "account",
                () -> new ForcedTicket(hash(TX_HASH, 1), "", canonical, 0, 0, 0));
        assertRejected(IllegalArgumentException.class, "account",
                () -> new ForcedTicket(hash(TX_HASH, 1), "x".repeat(257), canonical, 0, 0, 0));
        assertRejected(IllegalArgumentException.class, "canonicalTx",
                () -> new ForcedTicket(hash(TX_HASH, 1), "a", new byte[0], 0, 0, 0));
        assertRejected(IllegalArgumentException.class, "createdMs",
                () -> new ForcedTicket(hash(TX_HASH, 1), "a", canonical, -1, 0, 0));
        assertRejected(IllegalArgumentException.class, "inboxIndex",
                () -> new ForcedTicket(hash(TX_HASH, 1), "a", canonical, 0, -1, 0));
        assertRejected(IllegalArgumentException.class, "inboxL1Height",
                () -> new ForcedTicket(hash(TX_HASH, 1), "a", canonical, 0, 0, -1));
    }

    @Test
    void reopen_keepsCursorsAndForcedTickets() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.saveCursor(1, INBOX_CURSOR, 42);
        ForcedTicket ticket = ticket(1, "alice", 7, 99);
        storage.saveForcedTicket(1, ticket);

        storage = reopen(storage);

        assertThat(storage.readCursor(INBOX_CURSOR)).isEqualTo(42);
        assertThat(storage.findForcedTicket(hash(TX_HASH, 1))).contains(ticket);
        assertThat(storage.listForcedTickets("alice", 5)).containsExactly(ticket);
        assertThat(storage.saveForcedTicket(1, ticket)).isEqualTo(ForcedTicket.duplicateConflict(hash(TX_HASH, 1)));
    }

    /** A ticket for tx {@code n} ({@link #tx}), with this account, inbox index and height. */
    protected static ForcedTicket ticket(long n, String account, long inboxIndex, long inboxL1Height) {
        return new ForcedTicket(hash(TX_HASH, n), account, tx(n).canonicalTx(), NOW_MS + n, inboxIndex,
                inboxL1Height);
    }

    // ==== lifecycle ===============================================================================================

    @Test
    void close_thenEveryCall_throwsStorageExceptionSayingClosed() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 1);
        NewBatch batch = nextBatch(1, 1);
        storage.close();

        List<Consumer<Storage>> calls = List.of(
                s -> s.claimTerm(1, LEADER_A, NOW_MS),
                s -> s.readLeader(),
                s -> s.heartbeat(1, NOW_MS),
                s -> s.appendTxs(1, TxAppend.of(List.of(tx(2)))),
                s -> s.findTx(txHash(1)),
                s -> s.readTxs(1, 1),
                s -> s.readSequenceState(),
                s -> s.commitBatch(1, batch),
                s -> s.updateL1State(1, 1, posted(NOW_MS)),
                s -> s.findBatch(batchHash(1)),
                s -> s.findBatchByNumber(1),
                s -> s.findBatchContaining(1),
                s -> s.listBatches(1, 1),
                s -> s.listBatchesInStatus(EnumSet.allOf(L1Status.class), 1),
                s -> s.countBatches(),
                s -> s.saveCursor(1, INBOX_CURSOR, 1),
                s -> s.readCursor(INBOX_CURSOR),
                s -> s.saveForcedTicket(1, ticket(1, "alice", 0, 0)),
                s -> s.findForcedTicket(txHash(1)),
                s -> s.listForcedTickets("alice", 1));
        for (Consumer<Storage> call : calls) {
            assertThatThrownBy(() -> call.accept(storage))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("closed");
        }
    }

    @Test
    void close_twice_isHarmless() {
        storage.close();
        storage.close();

        assertThatThrownBy(() -> storage.readLeader()).isInstanceOf(StorageException.class);
    }

    // ==== durability ==============================================================================================

    @Test
    void reopen_keepsLeaderTxsBatchesAndL1States() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.claimTerm(2, LEADER_B, NOW_MS + 1);
        storage.heartbeat(2, NOW_MS + 2);
        admit(2, 1, 6);
        NewBatch first = nextBatch(2, 2);
        commit(2, first);
        NewBatch second = nextBatch(2, 3);
        commit(2, second);
        BatchL1State posted = new BatchL1State(L1Status.POSTED, "l1-tx-1", 0, 1, null, NOW_MS + 3);
        storage.updateL1State(2, 1, posted);
        SequenceState state = storage.readSequenceState();

        storage = reopen(storage);

        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(2, LEADER_B, NOW_MS + 2));
        assertThat(storage.readSequenceState()).isEqualTo(state);
        assertThat(storage.readTxs(1, 100)).containsExactlyElementsOf(
                LongStream.rangeClosed(1, 6).mapToObj(n -> StoredTx.of(n, tx(n))).collect(Collectors.toList()));
        assertThat(storage.findBatchByNumber(1)).contains(new StoredBatch(first, posted));
        assertThat(storage.findBatch(batchHash(2)))
                .contains(new StoredBatch(second, BatchL1State.committed(second.createdMs())));
        assertThat(storage.findBatchContaining(5).orElseThrow().batchNumber()).isEqualTo(2);
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(1, 1, 0, 0, 0));
        assertThat(storage.appendTxs(1, TxAppend.of(List.of(tx(7))))).isEqualTo(new Fenced(2));
        assertThat(appended(storage, 2, List.of(tx(6), tx(7)))).containsExactly(duplicate(6), fresh(7));
    }

    // ==== retention ===============================================================================================

    /** Commits 5 batches of 2 txs in term 1 and confirms batches 1, 2, 4 and 5 (batch 3 stays included). */
    private void fiveBatchesWithThirdUnconfirmed() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        commitBatches(1, 5);
        for (long number : new long[] {1, 2, 4, 5}) {
            assertThat(storage.updateL1State(1, number, state(L1Status.CONFIRMED))).isEqualTo(new Written());
        }
        assertThat(storage.updateL1State(1, 3, state(L1Status.INCLUDED))).isEqualTo(new Written());
    }

    private List<Long> prunedBatchNumbers() {
        return storage.listBatches(1, 100).stream().filter(StoredBatch::pruned).map(StoredBatch::batchNumber)
                .collect(Collectors.toList());
    }

    @Test
    void pruneConfirmed_prunesOnlyConfirmedBatchesUpToTheBoundLowestFirstAndAtMostMaxBatches() {
        fiveBatchesWithThirdUnconfirmed();

        assertThat(storage.pruneConfirmed(1, 4, 1)).isEqualTo(new Pruned(1));
        assertThat(prunedBatchNumbers()).containsExactly(1L);
        assertThat(storage.pruneConfirmed(1, 4, 10)).isEqualTo(new Pruned(2));
        assertThat(prunedBatchNumbers()).containsExactly(1L, 2L, 4L);
        assertThat(storage.pruneConfirmed(1, 4, 10)).isEqualTo(new Pruned(0));
        assertThat(storage.pruneConfirmed(1, 0, 10)).isEqualTo(new Pruned(0));

        // batch 3 (included) and batch 5 (past the bound) keep their bodies
        assertThat(storage.readTxs(5, 2)).noneMatch(StoredTx::bodyPruned);
        assertThat(storage.readTxs(9, 2)).noneMatch(StoredTx::bodyPruned);
        assertThat(storage.findBatchByNumber(5).orElseThrow().batch().l1Envelope()).isNotEmpty();
        assertThat(storage.readTxs(1, 4)).allMatch(StoredTx::bodyPruned);
        assertThat(storage.readTxs(7, 2)).allMatch(StoredTx::bodyPruned);
    }

    @Test
    void pruneConfirmed_keepsHashesNumbersStatesAndDuplicateDetection() {
        fiveBatchesWithThirdUnconfirmed();
        NewBatch first = storage.findBatchByNumber(1).orElseThrow().batch();
        SequenceState before = storage.readSequenceState();

        assertThat(storage.pruneConfirmed(1, 1, 16)).isEqualTo(new Pruned(1));

        StoredBatch pruned = storage.findBatch(batchHash(1)).orElseThrow();
        assertThat(pruned.pruned()).isTrue();
        assertThat(pruned.batch().l1Envelope()).isEmpty();
        assertThat(pruned.batchNumber()).isEqualTo(1);
        assertThat(pruned.batch().prevBatchHash()).isEqualTo(first.prevBatchHash());
        assertThat(pruned.batch().txRoot()).isEqualTo(first.txRoot());
        assertThat(pruned.batch().envelopeHash()).isEqualTo(first.envelopeHash());
        assertThat(pruned.batch().firstSeq()).isEqualTo(first.firstSeq());
        assertThat(pruned.batch().txCount()).isEqualTo(first.txCount());
        assertThat(pruned.l1State()).isEqualTo(state(L1Status.CONFIRMED));
        assertThat(storage.findBatchContaining(2).orElseThrow().pruned()).isTrue();
        assertThat(storage.readSequenceState()).isEqualTo(before);
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(0, 0, 1, 4, 0));

        StoredTx tx = storage.findTx(txHash(2)).orElseThrow();
        assertThat(tx.seq()).isEqualTo(2);
        assertThat(tx.admittedMs()).isEqualTo(tx(2).admittedMs());
        assertThat(tx.bodyPruned()).isTrue();
        assertThat(appended(storage, 1, List.of(tx(1), tx(2)))).containsExactly(duplicate(1), duplicate(2));
        assertThat(storage.readSequenceState()).isEqualTo(before);
    }

    @Test
    void pruneConfirmed_staleTermPrunesNothing() {
        fiveBatchesWithThirdUnconfirmed();
        storage.claimTerm(2, LEADER_B, NOW_MS + 1);

        assertThat(storage.pruneConfirmed(1, 5, 16)).isEqualTo(new Fenced(2));
        assertThat(prunedBatchNumbers()).isEmpty();
        assertThat(storage.readTxs(1, 100)).noneMatch(StoredTx::bodyPruned);
        assertThat(storage.pruneConfirmed(2, 5, 16)).isEqualTo(new Pruned(4));
    }

    @Test
    void pruneConfirmed_invalidArguments_areRejected() {
        assertRejected(IllegalArgumentException.class, "throughBatchNumber", () -> storage.pruneConfirmed(1, -1, 1));
        assertRejected(IllegalArgumentException.class, "maxBatches", () -> storage.pruneConfirmed(1, 1, 0));
    }

    @Test
    void reopen_keepsPrunedBatchesPruned() {
        fiveBatchesWithThirdUnconfirmed();
        assertThat(storage.pruneConfirmed(1, 2, 16)).isEqualTo(new Pruned(2));

        storage = reopen(storage);

        assertThat(prunedBatchNumbers()).containsExactly(1L, 2L);
        assertThat(storage.findTx(txHash(3)).orElseThrow().bodyPruned()).isTrue();
        assertThat(storage.findTx(txHash(5)).orElseThrow().canonicalTx()).isEqualTo(tx(5).canonicalTx());
        assertThat(appended(storage, 1, List.of(tx(4)))).containsExactly(duplicate(4));
        assertThat(storage.pruneConfirmed(1, 5, 16)).isEqualTo(new Pruned(2));
        assertThat(prunedBatchNumbers()).containsExactly(1L, 2L, 4L, 5L);
    }

    private List<Long> storedBatchNumbers() {
        return storage.listBatches(1, 100).stream().map(StoredBatch::batchNumber).collect(Collectors.toList());
    }

    @Test
    void forgetConfirmed_forgetsWholeConfirmedBatchesInOrderStoppingAtTheFirstUnconfirmed() {
        fiveBatchesWithThirdUnconfirmed();
        SequenceState before = storage.readSequenceState();

        assertThat(storage.forgetConfirmed(1, 5, 16)).isEqualTo(new Pruned(2)); // batch 3 is only included

        assertThat(storedBatchNumbers()).containsExactly(3L, 4L, 5L);
        assertThat(storage.findBatchByNumber(1)).isEmpty();
        assertThat(storage.findBatchByNumber(2)).isEmpty();
        assertThat(storage.findBatch(batchHash(1))).isEmpty();
        assertThat(storage.findBatchContaining(3)).isEmpty();
        assertThat(storage.findBatchContaining(5).orElseThrow().batchNumber()).isEqualTo(3);
        for (long n = 1; n <= 4; n++) {
            assertThat(storage.findTx(txHash(n))).as("tx %d", n).isEmpty();
        }
        assertThat(storage.findTx(txHash(5)).orElseThrow().seq()).isEqualTo(5);
        assertThat(storage.readTxs(1, 100)).extracting(StoredTx::seq).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(storage.listBatchesInStatus(EnumSet.of(L1Status.CONFIRMED), 10))
                .extracting(StoredBatch::batchNumber).containsExactly(4L, 5L);
        assertThat(storage.countBatches()).isEqualTo(new BatchCounts(0, 0, 1, 2, 0));
        assertThat(storage.readCursor(Storage.FORGOTTEN_THROUGH_CURSOR)).isEqualTo(2);
        assertThat(storage.readSequenceState()).as("the chain's head is unchanged").isEqualTo(before);

        assertThat(storage.forgetConfirmed(1, 5, 16)).isEqualTo(new Pruned(0));
        storage.updateL1State(1, 3, state(L1Status.CONFIRMED));
        assertThat(storage.forgetConfirmed(1, 5, 1)).isEqualTo(new Pruned(1));
        assertThat(storage.forgetConfirmed(1, 3, 16)).as("bounded by throughBatchNumber").isEqualTo(new Pruned(0));
        assertThat(storedBatchNumbers()).containsExactly(4L, 5L);
        assertThat(storage.readCursor(Storage.FORGOTTEN_THROUGH_CURSOR)).isEqualTo(3);
    }

    @Test
    void forgetConfirmed_aForgottenTxIsNewAgainWhileALaterOneStaysADuplicate() {
        fiveBatchesWithThirdUnconfirmed();
        assertThat(storage.forgetConfirmed(1, 1, 16)).isEqualTo(new Pruned(1));

        assertThat(appended(storage, 1, List.of(tx(1), tx(3), tx(1)))).containsExactly(fresh(11), duplicate(3),
                duplicate(11));
        assertThat(storage.findTx(txHash(1)).orElseThrow().seq()).isEqualTo(11);
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(12);
    }

    @Test
    void forgetConfirmed_dropsTheSealsOfGroupsStartingInForgottenBatches() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        storage.appendTxs(1, TxAppend.of(List.of(tx(1), tx(2), tx(3))).sealWith((txs, first, n) -> new byte[] {1}));
        storage.appendTxs(1, TxAppend.of(List.of(tx(4), tx(5), tx(6))).sealWith((txs, first, n) -> new byte[] {2}));
        commit(1, nextBatch(1, 2));
        commit(1, nextBatch(1, 2));
        storage.updateL1State(1, 1, state(L1Status.CONFIRMED));

        assertThat(storage.forgetConfirmed(1, 1, 16)).isEqualTo(new Pruned(1));

        assertThat(storage.findSealedGroup(3)).as("its group started in the forgotten batch").isEmpty();
        assertThat(storage.findTx(txHash(3)).orElseThrow().seq()).as("the tx itself stays").isEqualTo(3);
        assertThat(storage.findSealedGroup(4)).contains(new SealedGroup(4, 3, new byte[] {2}));
    }

    @Test
    void forgetConfirmed_ofPrunedBatchesAndAgainAfterReopen() {
        fiveBatchesWithThirdUnconfirmed();
        assertThat(storage.pruneConfirmed(1, 2, 16)).isEqualTo(new Pruned(2));
        assertThat(storage.forgetConfirmed(1, 1, 16)).isEqualTo(new Pruned(1));

        storage = reopen(storage);

        assertThat(storedBatchNumbers()).containsExactly(2L, 3L, 4L, 5L);
        assertThat(storage.readCursor(Storage.FORGOTTEN_THROUGH_CURSOR)).isEqualTo(1);
        assertThat(storage.findTx(txHash(2))).isEmpty();
        assertThat(storage.findTx(txHash(3)).orElseThrow().bodyPruned()).isTrue();
        assertThat(storage.forgetConfirmed(1, 5, 16)).isEqualTo(new Pruned(1));
        assertThat(storedBatchNumbers()).containsExactly(3L, 4L, 5L);
    }

    @Test
    void forgetConfirmed_staleTermForgetsNothing() {
        fiveBatchesWithThirdUnconfirmed();
        storage.claimTerm(2, LEADER_B, NOW_MS + 1);

        assertThat(storage.forgetConfirmed(1, 5, 16)).isEqualTo(new Fenced(2));
        assertThat(storedBatchNumbers()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(storage.readCursor(Storage.FORGOTTEN_THROUGH_CURSOR)).isZero();
        assertThat(storage.forgetConfirmed(2, 5, 16)).isEqualTo(new Pruned(2));
    }

    @Test
    void forgetConfirmed_invalidArgumentsAndTheStoresOwnCursor_areRejected() {
        assertRejected(IllegalArgumentException.class, "throughBatchNumber", () -> storage.forgetConfirmed(1, -1, 1));
        assertRejected(IllegalArgumentException.class, "maxBatches", () -> storage.forgetConfirmed(1, 1, 0));
        storage.claimTerm(1, LEADER_A, NOW_MS);
        assertRejected(IllegalArgumentException.class, "forgetConfirmed",
                () -> storage.saveCursor(1, Storage.FORGOTTEN_THROUGH_CURSOR, 7));
    }

    // ==== concurrency and fencing races ===========================================================================

    @Test
    void appendTxs_concurrentWriters_getUniqueGaplessSeqs() throws Exception {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        int threads = 4;
        int appendsPerThread = 500;

        List<List<Long>> seqsByThread = runConcurrently(threads, thread -> {
            List<Long> seqs = new ArrayList<>(appendsPerThread);
            for (int i = 0; i < appendsPerThread; i++) {
                long n = (long) thread * appendsPerThread + i + 1;
                List<AppendedTx> result = appended(storage, 1, List.of(tx(n)));
                assertThat(result.get(0).duplicate()).isFalse();
                seqs.add(result.get(0).seq());
            }
            return seqs;
        });

        int total = threads * appendsPerThread;
        List<Long> allSeqs = seqsByThread.stream().flatMap(List::stream).sorted().collect(Collectors.toList());
        assertThat(allSeqs).isEqualTo(LongStream.rangeClosed(1, total).boxed().collect(Collectors.toList()));
        for (List<Long> seqs : seqsByThread) {
            assertThat(seqs).isSorted();
        }
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(total + 1);
        for (int thread = 0; thread < threads; thread++) {
            for (int i = 0; i < appendsPerThread; i++) {
                long n = (long) thread * appendsPerThread + i + 1;
                long seq = seqsByThread.get(thread).get(i);
                assertThat(storage.readTxs(seq, 1)).containsExactly(StoredTx.of(seq, tx(n)));
            }
        }
    }

    @Test
    void appendTxs_concurrentWritersOfSameTxs_storeEachTxOnce() throws Exception {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        int threads = 4;
        int txCount = 500;
        long seed = new SplittableRandom().nextLong();

        List<Map<Long, AppendedTx>> resultsByThread = runConcurrently(threads, thread -> {
            List<Long> order = LongStream.rangeClosed(1, txCount).boxed().collect(Collectors.toList());
            Collections.shuffle(order, new Random(seed + thread));
            Map<Long, AppendedTx> results = new HashMap<>();
            for (int i = 0; i < txCount; i += 5) {
                List<Long> group = order.subList(i, i + 5);
                List<AppendedTx> outcome = appended(storage, 1,
                        group.stream().map(StorageContractTest::tx).collect(Collectors.toList()));
                for (int j = 0; j < group.size(); j++) {
                    results.put(group.get(j), outcome.get(j));
                }
            }
            return results;
        });

        assertThat(storage.readSequenceState().nextSeq()).as("seed %d", seed).isEqualTo(txCount + 1);
        for (long n = 1; n <= txCount; n++) {
            long seq = storage.findTx(txHash(n)).orElseThrow().seq();
            int freshCount = 0;
            for (Map<Long, AppendedTx> results : resultsByThread) {
                assertThat(results.get(n).seq()).as("seed %d, tx %d", seed, n).isEqualTo(seq);
                freshCount += results.get(n).duplicate() ? 0 : 1;
            }
            assertThat(freshCount).as("seed %d, tx %d stored by exactly one writer", seed, n).isEqualTo(1);
        }
    }

    @Test
    void oldLeader_afterNewTermClaimed_isFencedOnEveryWrite() {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        admit(1, 1, 3);
        commit(1, nextBatch(1, 1));
        NewBatch oldLeadersNext = nextBatch(1, 2);
        assertThat(storage.claimTerm(2, LEADER_B, NOW_MS + 10)).isEqualTo(new TermGranted(1, LEADER_A));
        SequenceState before = storage.readSequenceState();

        assertThat(storage.heartbeat(1, NOW_MS + 20)).isEqualTo(new Fenced(2));
        assertThat(storage.appendTxs(1, TxAppend.of(List.of(tx(4))))).isEqualTo(new Fenced(2));
        assertThat(storage.commitBatch(1, oldLeadersNext)).isEqualTo(new Fenced(2));
        assertThat(storage.updateL1State(1, 1, posted(NOW_MS + 20))).isEqualTo(new Fenced(2));
        assertThat(storage.claimTerm(1, LEADER_A, NOW_MS + 20)).isEqualTo(new TermRefused(2, LEADER_B));

        assertThat(storage.readLeader()).isEqualTo(new LeaderRecord(2, LEADER_B, NOW_MS + 10));
        assertThat(storage.readSequenceState()).isEqualTo(before);
        assertThat(storage.findTx(txHash(4))).isEmpty();
        assertThat(storage.findBatchByNumber(1).orElseThrow().status()).isEqualTo(L1Status.COMMITTED);

        assertThat(appended(storage, 2, List.of(tx(4)))).containsExactly(fresh(4));
        assertThat(storage.commitBatch(2, withTerm(oldLeadersNext, 2))).isInstanceOf(Committed.class);
    }

    @Test
    void fencingRace_writesOfOldTermStartedAfterNewTermClaim_areAllFenced() throws Exception {
        storage.claimTerm(1, LEADER_A, NOW_MS);
        int appendsBeforeClaim = 50;
        int appendsAfterClaim = 200;
        int maxAppends = 100_000;
        CountDownLatch oldLeaderRunning = new CountDownLatch(appendsBeforeClaim);
        AtomicBoolean newTermClaimed = new AtomicBoolean();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            List<Long> seqs = new ArrayList<>();
            Future<List<AppendOutcome>> oldLeader = executor.submit(() -> {
                List<AppendOutcome> outcomes = new ArrayList<>();
                int afterClaim = 0;
                for (long n = 1; n <= maxAppends && afterClaim < appendsAfterClaim; n++) {
                    boolean startedAfterClaim = newTermClaimed.get();
                    TxAppend append = TxAppend.of(List.of(tx(n)));
                    AppendOutcome outcome = storage.appendTxs(1, append);
                    if (startedAfterClaim) {
                        assertThat(outcome).as("term-1 append of tx %d started after the claim", n)
                                .isEqualTo(new Fenced(2));
                        afterClaim++;
                    }
                    outcomes.add(outcome);
                    seqs.add(outcome instanceof Appended ? append.seq(0) : 0L);
                    oldLeaderRunning.countDown();
                }
                return outcomes;
            });
            Future<TermGranted> newLeader = executor.submit(() -> {
                assertThat(oldLeaderRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
                TermGranted granted = (TermGranted) storage.claimTerm(2, LEADER_B, NOW_MS + 1);
                newTermClaimed.set(true);
                return granted;
            });

            assertThat(newLeader.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new TermGranted(1, LEADER_A));
            List<AppendOutcome> outcomes = oldLeader.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

            int firstFenced = -1;
            for (int i = 0; i < outcomes.size(); i++) {
                long n = i + 1;
                if (outcomes.get(i) instanceof Appended) {
                    assertThat(firstFenced).as("tx %d appended after a fenced append", n).isEqualTo(-1);
                    assertThat(storage.findTx(txHash(n)).orElseThrow().seq()).isEqualTo(seqs.get(i)).isEqualTo(n);
                } else {
                    assertThat(outcomes.get(i)).isEqualTo(new Fenced(2));
                    assertThat(storage.findTx(txHash(n))).isEmpty();
                    if (firstFenced < 0) {
                        firstFenced = i;
                    }
                }
            }
            assertThat(firstFenced).isGreaterThanOrEqualTo(appendsBeforeClaim);
            assertThat(outcomes.size() - firstFenced).as("fenced appends").isGreaterThanOrEqualTo(appendsAfterClaim);
            assertThat(storage.readSequenceState().nextSeq()).isEqualTo(firstFenced + 1);
        } finally {
            executor.shutdownNow();
        }
    }

    // ==== helpers for subclasses and this class ===================================================================

    /** A deterministic 32-byte hash: {@code kind} and {@code n} in its first 12 bytes, the rest zero. */
    protected static byte[] hash(int kind, long n) {
        return ByteBuffer.allocate(32).putInt(kind).putLong(n).array();
    }

    /** The hash of the tx numbered {@code n}. */
    protected static byte[] txHash(long n) {
        return hash(TX_HASH, n);
    }

    /** The hash of the batch numbered {@code n}. */
    protected static byte[] batchHash(long n) {
        return hash(BATCH_HASH, n);
    }

    /** The tx numbered {@code n}: a fresh instance on each call, equal content each time. */
    protected static NewTx tx(long n) {
        return new NewTx(txHash(n), bytes("canonical tx " + n), NOW_MS + n);
    }

    /** Admits the txs numbered {@code [fromN, fromN + count)} and checks they are new. */
    protected void admit(long term, long fromN, int count) {
        List<NewTx> txs = LongStream.range(fromN, fromN + count).mapToObj(StorageContractTest::tx)
                .collect(Collectors.toList());
        assertThat(appended(storage, term, txs)).noneMatch(AppendedTx::duplicate);
    }

    /** The batch that extends the stored state by {@code txCount} txs, cut by the leader of {@code term}. */
    protected NewBatch nextBatch(long term, int txCount) {
        SequenceState state = storage.readSequenceState();
        long number = state.nextBatchNumber();
        byte[] pubkey = new byte[32];
        Arrays.fill(pubkey, (byte) 0x21);
        byte[] sig = new byte[64];
        Arrays.fill(sig, (byte) number);
        return new NewBatch(number, batchHash(number), state.headBatchHash(), state.nextUnbatchedSeq(), txCount,
                NOW_MS + 1000 * number, term, hash(4, number), 10L * txCount, hash(5, number), pubkey, sig,
                hash(6, number), bytes("{\"sequence\":" + number + "}"));
    }

    /** Commits {@code batch} and checks it was committed. */
    protected void commit(long term, NewBatch batch) {
        assertThat(storage.commitBatch(term, batch)).isInstanceOf(Committed.class);
    }

    /** Admits and commits {@code count} batches of 2 txs each. */
    protected void commitBatches(long term, int count) {
        SequenceState state = storage.readSequenceState();
        admit(term, state.nextSeq(), 2 * count);
        for (int i = 0; i < count; i++) {
            commit(term, nextBatch(term, 2));
        }
    }

    /** Appends {@code txs}, checks that the call answered {@link Appended}, and returns the results. */
    protected static List<AppendedTx> appended(Storage storage, long term, List<NewTx> txs) {
        TxAppend append = TxAppend.of(txs);
        assertThat(storage.appendTxs(term, append)).isInstanceOf(Appended.class);
        return append.results();
    }

    private static AppendedTx fresh(long seq) {
        return new AppendedTx(seq, false);
    }

    private static AppendedTx duplicate(long seq) {
        return new AppendedTx(seq, true);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static BatchL1State posted(long nowMs) {
        return new BatchL1State(L1Status.POSTED, "l1-tx", 0, 1, null, nowMs);
    }

    private static BatchL1State state(L1Status status) {
        return new BatchL1State(status, "l1-tx", status == L1Status.COMMITTED ? 0 : 99, 1, null, NOW_MS);
    }

    private List<Long> numbersInStatus(Set<L1Status> statuses) {
        return storage.listBatchesInStatus(statuses, 100).stream().map(StoredBatch::batchNumber)
                .collect(Collectors.toList());
    }

    private static void assertConflict(Object outcome) {
        assertThat(outcome).isInstanceOf(Conflict.class);
        assertThat(((Conflict) outcome).reason()).isNotBlank();
    }

    /**
     * Commits {@code batch} and checks it is a {@link Conflict} whose reason is the one {@link BatchChainRules}
     * gives for the state the store shows: every adapter refuses the same batches for the same reason.
     *
     * @return the reason
     */
    private String assertCommitConflict(long term, NewBatch batch) {
        SequenceState before = storage.readSequenceState();
        Optional<Conflict> expected = BatchChainRules.commitConflict(before, batch, this::storedBatchNumber);
        assertThat(expected).as("the shared rules refuse %s", batch).isPresent();

        CommitOutcome outcome = storage.commitBatch(term, batch);

        assertConflict(outcome);
        assertThat(outcome).isEqualTo(expected.get());
        return ((Conflict) outcome).reason();
    }

    /**
     * Writes the L1 state of batch {@code batchNumber} and checks it is a {@link Conflict} whose reason is the
     * one {@link BatchChainRules} gives for the state the store shows.
     *
     * @return the reason
     */
    private String assertL1UpdateConflict(long term, long batchNumber) {
        Optional<Conflict> expected =
                BatchChainRules.l1UpdateConflict(storage.readSequenceState().nextBatchNumber(), batchNumber);
        assertThat(expected).as("the shared rules refuse an L1 update of batch %d", batchNumber).isPresent();

        WriteOutcome outcome = storage.updateL1State(term, batchNumber, posted(NOW_MS));

        assertConflict(outcome);
        assertThat(outcome).isEqualTo(expected.get());
        return ((Conflict) outcome).reason();
    }

    private OptionalLong storedBatchNumber(byte[] batchHash) {
        Optional<StoredBatch> stored = storage.findBatch(batchHash);
        return stored.isPresent() ? OptionalLong.of(stored.get().batchNumber()) : OptionalLong.empty();
    }

    /** Checks that the sequence state is {@code before} and no batch past it exists. */
    private void assertNothingCommitted(SequenceState before) {
        BatchCounts counts = storage.countBatches();
        assertThat(storage.readSequenceState()).isEqualTo(before);
        assertThat(storage.findBatchByNumber(before.nextBatchNumber())).isEmpty();
        assertThat(storage.listBatches(1, Integer.MAX_VALUE)).hasSize((int) before.nextBatchNumber() - 1);
        assertThat(counts.total()).isEqualTo(before.nextBatchNumber() - 1);
    }

    private static void assertRejected(Class<? extends RuntimeException> type, String parameter, Runnable call) {
        assertThatThrownBy(call::run).isInstanceOf(type).hasMessageContaining(parameter);
    }

    /** A task of one thread of {@link #runConcurrently}. */
    @FunctionalInterface
    protected interface ThreadTask<T> {
        /**
         * @param thread the thread's index, from 0
         * @return the thread's result
         * @throws Exception if the task fails
         */
        T run(int thread) throws Exception;
    }

    /** Runs {@code task} on {@code threads} threads released together; returns their results by thread index. */
    protected static <T> List<T> runConcurrently(int threads, ThreadTask<T> task) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<T> call = () -> {
                    assertThat(start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
                    return task.run(thread);
                };
                futures.add(executor.submit(call));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    // ---- copies of a batch with one field changed -------------------------------------------------------------

    private static NewBatch withNumber(NewBatch b, long batchNumber) {
        return new NewBatch(batchNumber, b.batchHash(), b.prevBatchHash(), b.firstSeq(), b.txCount(),
                b.createdMs(), b.term(), b.txRoot(), b.txBytes(), b.envelopeHash(), b.sequencerPubkey(),
                b.sequencerSig(), b.idempotencyKey(), b.l1Envelope());
    }

    private static NewBatch withHash(NewBatch b, byte[] batchHash) {
        return new NewBatch(b.batchNumber(), batchHash, b.prevBatchHash(), b.firstSeq(), b.txCount(),
                b.createdMs(), b.term(), b.txRoot(), b.txBytes(), b.envelopeHash(), b.sequencerPubkey(),
                b.sequencerSig(), b.idempotencyKey(), b.l1Envelope());
    }

    private static NewBatch withPrevHash(NewBatch b, byte[] prevBatchHash) {
        return new NewBatch(b.batchNumber(), b.batchHash(), prevBatchHash, b.firstSeq(), b.txCount(),
                b.createdMs(), b.term(), b.txRoot(), b.txBytes(), b.envelopeHash(), b.sequencerPubkey(),
                b.sequencerSig(), b.idempotencyKey(), b.l1Envelope());
    }

    private static NewBatch withFirstSeq(NewBatch b, long firstSeq) {
        return new NewBatch(b.batchNumber(), b.batchHash(), b.prevBatchHash(), firstSeq, b.txCount(),
                b.createdMs(), b.term(), b.txRoot(), b.txBytes(), b.envelopeHash(), b.sequencerPubkey(),
                b.sequencerSig(), b.idempotencyKey(), b.l1Envelope());
    }

    private static NewBatch withTerm(NewBatch b, long term) {
        return new NewBatch(b.batchNumber(), b.batchHash(), b.prevBatchHash(), b.firstSeq(), b.txCount(),
                b.createdMs(), term, b.txRoot(), b.txBytes(), b.envelopeHash(), b.sequencerPubkey(),
                b.sequencerSig(), b.idempotencyKey(), b.l1Envelope());
    }

    private static NewBatch withSignature(NewBatch b, byte[] pubkey, byte[] sig) {
        return new NewBatch(b.batchNumber(), b.batchHash(), b.prevBatchHash(), b.firstSeq(), b.txCount(),
                b.createdMs(), b.term(), b.txRoot(), b.txBytes(), b.envelopeHash(), pubkey, sig,
                b.idempotencyKey(), b.l1Envelope());
    }
}
