package org.ippan.l2.core.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.ippan.l2.core.batch.BatchCutter;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.batch.BatchPlanner;
import org.ippan.l2.core.batch.OrderingPolicy;
import org.ippan.l2.core.batch.PendingTx;
import org.ippan.l2.core.batch.PlannedBatch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TxAdmissionTest {
    private static final long TERM = 3;
    private static final BatchLimits LIMITS = new BatchLimits(100, 1 << 20, 1_000);

    private InMemoryStorage storage;
    private TxAdmission admission;

    @BeforeEach
    void setUp() {
        storage = new InMemoryStorage();
        assertThat(storage.claimTerm(TERM, "sequencer-0", 0)).isInstanceOf(TermGranted.class);
        admission = new TxAdmission(new AdmissionRules(1, 1_000, LIMITS), storage);
    }

    private static Tx tx(long nonce) {
        return new Tx(1, nonce, "alice", new byte[] {(byte) nonce});
    }

    @Test
    void admit_assignsContiguousSequenceNumbersInGroupOrder_acrossGroups() {
        List<SubmitResult> first = admission.admit(TERM, List.of(tx(1), tx(2), tx(3)), 100);
        List<SubmitResult> second = admission.admit(TERM, List.of(tx(4), tx(5)), 101);
        assertThat(first).containsExactly(new SubmitResult.Accepted(tx(1).hash(), 1, false),
                new SubmitResult.Accepted(tx(2).hash(), 2, false), new SubmitResult.Accepted(tx(3).hash(), 3, false));
        assertThat(second).containsExactly(new SubmitResult.Accepted(tx(4).hash(), 4, false),
                new SubmitResult.Accepted(tx(5).hash(), 5, false));
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(6);
    }

    @Test
    void admit_storesCanonicalBytesHashAndAdmissionTime() {
        admission.admit(TERM, List.of(tx(7)), 1234);
        StoredTx stored = storage.findTx(tx(7).hash().toBytes()).orElseThrow();
        assertThat(stored.seq()).isEqualTo(1);
        assertThat(stored.canonicalTx()).isEqualTo(tx(7).encode());
        assertThat(stored.admittedMs()).isEqualTo(1234);
        assertThat(PendingTx.fromStored(stored)).isEqualTo(new PendingTx(1, tx(7), 1234));
    }

    @Test
    void admit_duplicateOfAcceptedTx_answersTheFirstSequenceNumber_storesNothingNew() {
        admission.admit(TERM, List.of(tx(1), tx(2)), 100);
        List<SubmitResult> again = admission.admit(TERM, List.of(tx(2), tx(3), tx(3)), 200);
        assertThat(again).containsExactly(new SubmitResult.Accepted(tx(2).hash(), 2, true),
                new SubmitResult.Accepted(tx(3).hash(), 3, false), new SubmitResult.Accepted(tx(3).hash(), 3, true));
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(4);
        assertThat(storage.findTx(tx(2).hash().toBytes()).orElseThrow().admittedMs()).isEqualTo(100);
    }

    @Test
    void admit_refusedTxs_getTypedRefusals_andConsumeNoSequenceNumber() {
        List<SubmitResult> results = admission.admit(TERM,
                List.of(new Tx(2, 1, "alice", new byte[0]), tx(1), new Tx(1, 1, "", new byte[0]),
                        new Tx(1, 1, "alice", new byte[1_001])), 100);
        assertThat(results).extracting(TxAdmissionTest::code).containsExactly(RefusalCode.CHAIN_ID_MISMATCH, null,
                RefusalCode.INVALID_FIELD, RefusalCode.TX_TOO_LARGE);
        assertThat(results.get(1)).isEqualTo(new SubmitResult.Accepted(tx(1).hash(), 1, false));
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(2);
    }

    @Test
    void admit_allRefused_doesNotTouchStorage() {
        storage.failNextWrites(1);
        List<SubmitResult> results = admission.admit(TERM, List.of(new Tx(2, 1, "a", new byte[0])), 100);
        assertThat(results).extracting(TxAdmissionTest::code).containsExactly(RefusalCode.CHAIN_ID_MISMATCH);
        // the injected failure is still armed: no write was attempted
        assertThat(code(admission.admit(TERM, List.of(tx(1)), 100).get(0))).isEqualTo(RefusalCode.UNAVAILABLE);
    }

    @Test
    void admit_supersededTerm_isNotLeader_andNothingIsStored() {
        storage.claimTerm(TERM + 1, "sequencer-1", 50);
        List<SubmitResult> results = admission.admit(TERM, List.of(tx(1), tx(2)), 100);
        assertThat(results).extracting(TxAdmissionTest::code).containsOnly(RefusalCode.NOT_LEADER);
        assertThat(((SubmitResult.Refused) results.get(0)).refusal().message()).contains("term 3", "term 4");
        assertThat(storage.readSequenceState()).isEqualTo(SequenceState.initial());
    }

    @Test
    void admit_storageFailure_isUnavailable_andNothingIsStored_thenRecovers() {
        admission.admit(TERM, List.of(tx(1)), 100);
        storage.failNextWrites(1);
        List<SubmitResult> failed = admission.admit(TERM, List.of(tx(2), tx(3)), 101);
        assertThat(failed).extracting(TxAdmissionTest::code).containsOnly(RefusalCode.UNAVAILABLE);
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(2);
        assertThat(admission.admit(TERM, List.of(tx(2), tx(3)), 102)).containsExactly(
                new SubmitResult.Accepted(tx(2).hash(), 2, false), new SubmitResult.Accepted(tx(3).hash(), 3, false));
    }

    @Test
    void admittedTxs_readBackFromStorage_planTheSameBatchAsTheAdmissionOrder() {
        List<Tx> txs = List.of(tx(1), tx(2), tx(3), tx(4));
        admission.admit(TERM, txs.subList(0, 2), 100);
        admission.admit(TERM, txs.subList(2, 4), 150);
        SequenceState state = storage.readSequenceState();
        List<PendingTx> pending = storage.readTxs(state.nextUnbatchedSeq(), 1_000).stream()
                .map(PendingTx::fromStored).collect(Collectors.toList());
        BatchPlanner planner = new BatchPlanner(1, new BatchCutter(LIMITS), OrderingPolicy.ADMISSION_ORDER);
        BatchPlanner.Plan plan = planner.plan(pending, state.nextBatchNumber(), Hash.of(state.headBatchHash()), 1_100,
                false);
        PlannedBatch batch = ((BatchPlanner.Plan.Ready) plan).batch();
        assertThat(batch.batch().txs()).isEqualTo(txs);
        assertThat(batch.firstSeq()).isEqualTo(1);
        assertThat(batch.lastSeq()).isEqualTo(4);
    }

    @Test
    void fromStored_bytesThatDoNotHashToTheStoredHash_areRefused() {
        StoredTx tampered = new StoredTx(1, tx(1).hash().toBytes(), tx(2).encode(), 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PendingTx.fromStored(tampered))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("#1");
    }

    private static RefusalCode code(SubmitResult result) {
        return result instanceof SubmitResult.Refused refused ? refused.refusal().code() : null;
    }
}
