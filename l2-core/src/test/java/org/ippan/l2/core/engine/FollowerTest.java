package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.refusalCode;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.List;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.engine.EngineFixture.CountingStorage;
import org.ippan.l2.core.engine.EngineFixture.Op;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A read-only follower on the leader's storage: it reads everything and writes nothing. */
class FollowerTest {
    private final EngineFixture f = new EngineFixture();
    /** The follower's own view of the shared store, to count its calls apart from the leader's. */
    private final CountingStorage followerStorage = new CountingStorage(f.memory);
    /** The follower's own L1, to show it never calls it. */
    private final SimulatedL1 followerL1 = SimulatedL1.builder().build();
    private Sequencer leader;
    private Sequencer follower;
    private long heartbeatMs;

    @BeforeEach
    void leaderHasWorked() {
        leader = f.start(EngineFixture.config().leaderId("leader-1").term(2).build());
        leader.submitAll(txs(1, 16)); // 15 txs: one batch of 10, then 5 pending until the flush
        leader.doWork(f.now());
        leader.flush();
        leader.doWork(f.now()); // batch 2 cut and posted
        leader.doWork(f.now());
        f.l1.mineBlocks(3);
        f.advanceMs(1_000);
        for (int i = 0; i < 4; i++) {
            leader.doWork(f.now()); // heartbeat, reconcile rounds: both batches confirmed
        }
        heartbeatMs = f.nowMs();
        leader.submitAll(txs(16, 18)); // 2 pending

        follower = f.builder(EngineFixture.config().role(Role.FOLLOWER).leaderId("replica-1").term(2).build(),
                followerStorage, followerL1).build();
        follower.start();
    }

    @Test
    void reads_seeTheLeadersData() {
        assertThat(f.status(1)).isEqualTo(L1Status.CONFIRMED);
        StoredBatch one = f.batch(1);

        assertThat(follower.findTx(tx(3).hash())).hasValueSatisfying(info -> {
            assertThat(info.seq()).isEqualTo(3);
            assertThat(info.tx()).isEqualTo(tx(3));
            assertThat(info.batch()).map(StoredBatch::batchNumber).contains(1L);
        });
        assertThat(follower.findTx(tx(17).hash())).hasValueSatisfying(info -> assertThat(info.batch()).isEmpty());
        assertThat(follower.findTx(tx(99).hash())).isEmpty();
        assertThat(follower.findBatch(Hash.of(one.batchHash()))).contains(one);
        assertThat(follower.findBatchByNumber(2)).contains(f.batch(2));
        assertThat(follower.findBatchByNumber(3)).isEmpty();
        assertThat(follower.listBatches(1, 10)).extracting(StoredBatch::batchNumber).containsExactly(1L, 2L);
        assertThat(follower.listBatches(2, 1)).containsExactly(f.batch(2));
    }

    @Test
    void status_showsTheLeadersProgressAndLiveness() {
        SequencerStatus status = follower.status();

        assertThat(status.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(status.leader().isLeader()).isFalse();
        assertThat(status.leader().mode()).isEqualTo("single");
        assertThat(status.leader().id()).isEqualTo("replica-1");
        assertThat(status.leader().storedLeaderId()).isEqualTo("leader-1");
        assertThat(status.leader().storedTerm()).isEqualTo(2);
        assertThat(status.leader().lastHeartbeatMs()).as("the leader's heartbeat, from storage").isEqualTo(heartbeatMs);
        assertThat(status.pool().pending()).isEqualTo(2);
        assertThat(status.batches().confirmed()).isEqualTo(2);
        assertThat(status.batches().pending()).isZero();
        assertThat(status.batches().lastBatchNumber()).isEqualTo(2);
        assertThat(status.batches().lastBatchHash()).isEqualTo(Hex.encode(f.batch(2).batchHash()));
        assertThat(status.readiness().ready()).isTrue();

        f.advanceMs(1_000);
        leader.doWork(f.now()); // a new heartbeat
        assertThat(follower.status().leader().lastHeartbeatMs()).isEqualTo(f.nowMs());
    }

    @Test
    void writes_areRefusedNotLeader() {
        SubmitResult one = follower.submit(tx(50));
        List<SubmitResult> many = follower.submitAll(List.of(tx(51), tx(52)));
        SubmitResult async = follower.submitAsync(tx(53)).join();
        SubmitResult known = follower.submit(tx(1));

        assertThat(refusalCode(one)).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(((SubmitResult.Refused) one).refusal().message()).contains("replica-1").contains("follower");
        assertThat(many).allSatisfy(r -> assertThat(refusalCode(r)).isEqualTo(RefusalCode.NOT_LEADER));
        assertThat(refusalCode(async)).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(refusalCode(known)).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(followerStorage.count(Op.APPEND_TXS)).isZero();
        assertThat(f.memory.findTx(tx(50).hash().toBytes())).isEmpty();
        assertThat(follower.resumePosting()).isFalse();
    }

    @Test
    void doWork_doesNothing() {
        SequenceState sequence = f.memory.readSequenceState();
        BatchCounts counts = f.memory.countBatches();
        LeaderRecord leaderRecord = f.memory.readLeader();
        follower.flush();

        for (int i = 0; i < 10; i++) {
            f.advanceMs(1_000);
            assertThat(follower.doWork(f.now())).isZero();
        }

        assertThat(followerStorage.writes()).isZero();
        assertThat(followerStorage.count(Op.READ)).as("its loops do not even read").isZero();
        assertThat(f.memory.readSequenceState()).isEqualTo(sequence);
        assertThat(f.memory.countBatches()).isEqualTo(counts);
        assertThat(f.memory.readLeader()).isEqualTo(leaderRecord);
        for (Call call : Call.values()) {
            assertThat(followerL1.callCount(call)).as(call.name()).isZero();
        }
        assertThat(follower.readiness().ready()).isTrue();
        assertThat(follower.state() == SequencerState.LEADER).isFalse();
        assertThat(follower.state()).isEqualTo(SequencerState.FOLLOWER);
    }
}
