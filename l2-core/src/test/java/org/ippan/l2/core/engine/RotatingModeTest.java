package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.refusalCode;
import static org.ippan.l2.core.engine.EngineFixture.tx;

import java.util.ArrayList;
import java.util.List;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.crypto.SequencerKeys;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.lease.memory.InMemoryLeaseStore;
import org.junit.jupiter.api.Test;

/**
 * Rotating mode, step by step: three engines on one storage and one lease, on manual clocks, with genesis at the
 * fixture's start. By the golden vector ({@link LeaderScheduleTest}) epoch 0 elects n2, epoch 1 n0, epochs 3 and 4
 * both n0.
 */
class RotatingModeTest {
    private static final long TTL_MS = 1_000;
    private static final long RENEW_MS = 200;
    private static final long EPOCH_MS = 5_000;
    private static final long GRACE_MS = 1_250;
    private static final String[] SEEDS = {"11".repeat(32), "22".repeat(32), "33".repeat(32)};

    private final EngineFixture f = new EngineFixture();
    private final InMemoryLeaseStore lease = new InMemoryLeaseStore(f.clock::currentTimeMs);
    private final List<Ed25519Signer> signers = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    RotatingModeTest() {
        for (String seed : SEEDS) {
            Ed25519Signer signer = SequencerKeys.fromHexSeed(seed);
            signers.add(signer);
            keys.add(Hex.encode(signer.publicKey()));
        }
    }

    private SequencerConfig.Builder config(String id, long genesisMs) {
        return EngineFixture.config().leaderMode(LeaderMode.ROTATING).leaderId(id).leaseTtlMs(TTL_MS)
                .leaseRenewMs(RENEW_MS).epochMs(EPOCH_MS).genesisMs(genesisMs).leaderSet(keys);
    }

    private Sequencer node(int i) {
        return node(i, EngineFixture.START_MS, f.clock);
    }

    private Sequencer node(int i, long genesisMs, ManualClock clock) {
        Sequencer node = f.builder(config("n" + i, genesisMs).build()).leaseStore(lease).signer(signers.get(i))
                .wallClock(clock).nanoClock(clock).build();
        node.start();
        return node;
    }

    /** Steps the nodes, in order, every renew period until {@code ms} have passed. */
    private void run(long ms, Sequencer... nodes) {
        for (long t = 0; t < ms; t += RENEW_MS) {
            f.advanceMs(Math.min(RENEW_MS, ms - t));
            for (Sequencer node : nodes) {
                node.doWork(f.now());
            }
        }
    }

    @Test
    void onlyTheScheduledKey_campaigns_andStatusShowsTheEpoch() {
        Sequencer n0 = node(0);
        Sequencer n1 = node(1);
        Sequencer n2 = node(2);
        n0.doWork(f.now());
        n1.doWork(f.now());
        assertThat(lease.holder()).isEmpty(); // neither is the candidate of epoch 0

        n2.doWork(f.now());

        assertThat(n2.state()).isEqualTo(SequencerState.LEADER);
        assertThat(n2.stateReason()).contains("won the lease for epoch 0", "claimed term 1");
        SequencerStatus.Leader status = n2.status().leader();
        assertThat(status.mode()).isEqualTo("rotating");
        assertThat(status.rotation()).isEqualTo(new SequencerStatus.Rotation(0, EngineFixture.START_MS + EPOCH_MS,
                keys.get(2), keys.get(2), 3, EPOCH_MS, GRACE_MS));
        assertThat(status.lease().lastChange()).isEqualTo("leader n2 in term 1, epoch 0");
        run(RENEW_MS, n0, n1, n2);
        assertThat(n0.leaderHint().orElseThrow().leaderId()).isEqualTo("n2");
        assertThat(refusalCode(n0.submit(tx(1)))).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(accepted(n2.submit(tx(1))).seq()).isEqualTo(1);
    }

    @Test
    void theOutgoingLeader_stopsWritingAtTheBoundary_evenWithoutAStep_thenHandsOverToTheNextTerm() {
        Sequencer n0 = node(0);
        Sequencer n2 = node(2);
        n2.doWork(f.now());
        run(EPOCH_MS - RENEW_MS, n0, n2); // t = 4800: n2 renewed just now
        f.advanceMs(RENEW_MS - 1);
        assertThat(accepted(n2.submit(tx(1))).seq()).isEqualTo(1); // t = 4999: still epoch 0
        f.advanceMs(1);

        assertThat(refusalCode(n2.submit(tx(2)))).isEqualTo(RefusalCode.NOT_LEADER); // before any step notices
        assertThat(n2.status().leader().isLeader()).as("status says what writes see").isFalse();
        assertThat(n2.state()).as("the state changes at its next step").isEqualTo(SequencerState.LEADER);
        n0.doWork(f.now()); // the candidate of epoch 1 tries at the boundary: the lease is still held
        assertThat(n0.state()).isEqualTo(SequencerState.FOLLOWER);
        n2.doWork(f.now());
        assertThat(n2.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(n2.stateReason()).contains("epoch 0 ended");
        assertThat(lease.holder()).isEmpty();
        assertThat(f.memory.readLeader().lastHeartbeatMs()).isEqualTo(f.nowMs()); // its last heartbeat
        n2.doWork(f.now());
        assertThat(n2.state()).as("n2 is not the candidate of epoch 1").isEqualTo(SequencerState.FOLLOWER);

        run(RENEW_MS, n0, n2);

        assertThat(n0.state()).isEqualTo(SequencerState.LEADER);
        assertThat(f.memory.readLeader().term()).isEqualTo(2);
        assertThat(n0.status().leader().rotation().epoch()).isEqualTo(1);
        n0.flush();
        n0.doWork(f.now());
        assertThat(f.memory.readSequenceState().pendingCount()).isZero();
        assertThat(n0.findTx(tx(1).hash()).orElseThrow().batch()).isPresent(); // nothing lost at the hand-over
        assertThat(f.batch(1).batch().term()).isEqualTo(2);
    }

    @Test
    void theSameKeyElectedTwiceInARow_stillClaimsANewTermAtTheBoundary() {
        f.advanceMs(3 * EPOCH_MS); // epoch 3; epochs 3 and 4 both elect n0
        Sequencer n0 = node(0);
        n0.doWork(f.now());
        assertThat(f.memory.readLeader().term()).isEqualTo(1);

        run(EPOCH_MS, n0);

        assertThat(n0.state()).isEqualTo(SequencerState.LEADER);
        assertThat(n0.stateReason()).contains("won the lease for epoch 4", "claimed term 2");
        assertThat(f.memory.readLeader().term()).isEqualTo(2);
    }

    @Test
    void aScheduledLeaderThatIsDown_isSkippedAfterOneGracePeriod() {
        Sequencer n0 = node(0);
        Sequencer n1 = node(1); // n2, elected for epoch 0, never runs

        run(GRACE_MS - RENEW_MS, n0, n1); // t = 1050: still n2's grace period
        assertThat(lease.holder()).isEmpty();
        assertThat(n0.status().leader().rotation().candidateKey()).isEqualTo(keys.get(2));
        run(RENEW_MS, n0, n1); // t = 1250: the candidate is (2 + 1) mod 3 = n0

        assertThat(n0.state()).isEqualTo(SequencerState.LEADER);
        assertThat(n1.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(n0.status().leader().rotation().candidateKey()).isEqualTo(keys.get(0));
        assertThat(accepted(n0.submit(tx(1))).seq()).isEqualTo(1);
        run(GRACE_MS, n0, n1); // the candidate moves on to n1, but n0 keeps its lease until the epoch ends
        assertThat(n0.state()).isEqualTo(SequencerState.LEADER);
        assertThat(n1.state()).isEqualTo(SequencerState.FOLLOWER);
    }

    @Test
    void aLeaderThatStepsDown_isReplacedByTheNextCandidate_inANewTerm() {
        Sequencer n0 = node(0);
        Sequencer n2 = node(2);
        n2.doWork(f.now());
        run(400, n0, n2);

        assertThat(n2.stepDown()).isTrue();
        run(GRACE_MS - 400 - RENEW_MS, n0, n2);
        assertThat(lease.holder()).as("n2 holds off; n0 is not the candidate yet").isEmpty();
        run(RENEW_MS, n0, n2);

        assertThat(n0.state()).isEqualTo(SequencerState.LEADER);
        assertThat(f.memory.readLeader().term()).isEqualTo(2);
    }

    @Test
    void aLateOutgoingLeader_isFencedByTheTermOfTheNextEpoch() {
        ManualClock frozen = new ManualClock(EngineFixture.START_MS); // n2's clocks stop: a VM frozen and thawed
        Sequencer n2 = node(2, EngineFixture.START_MS, frozen);
        n2.doWork(frozen.nanoTime());
        assertThat(n2.state()).isEqualTo(SequencerState.LEADER);
        Sequencer n0 = node(0);
        f.advanceMs(EPOCH_MS + TTL_MS); // epoch 1, n2's lease expired in the store
        n0.doWork(f.now());
        assertThat(n0.state()).isEqualTo(SequencerState.LEADER);

        assertThat(n2.state()).isEqualTo(SequencerState.LEADER); // it believes it is still early in epoch 0
        assertThat(refusalCode(n2.submit(tx(1)))).isEqualTo(RefusalCode.NOT_LEADER);

        assertThat(n2.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(n2.stateReason()).contains("storage holds term 2");
        assertThat(f.memory.findTx(tx(1).hash().toBytes())).isEmpty();
        assertThat(accepted(n0.submit(tx(1))).seq()).isEqualTo(1);
    }

    @Test
    void beforeGenesis_nobodyLeads() {
        long genesisMs = EngineFixture.START_MS + 2_000;
        Sequencer n2 = node(2, genesisMs, f.clock);
        Sequencer n0 = node(0, genesisMs, f.clock);

        run(2_000 - RENEW_MS, n0, n2);
        assertThat(lease.holder()).isEmpty();
        assertThat(n2.status().leader().rotation()).isEqualTo(new SequencerStatus.Rotation(-1, genesisMs, null, null,
                3, EPOCH_MS, GRACE_MS));
        run(RENEW_MS, n0, n2);

        assertThat(n2.state()).isEqualTo(SequencerState.LEADER); // epoch 0 elects n2
    }

    @Test
    void theBuilder_needsALeaseStore_andACandidateKeyInTheSet() {
        SequencerConfig c = config("n0", EngineFixture.START_MS).build();
        assertThatThrownBy(() -> f.builder(c).signer(signers.get(0)).build())
                .hasMessageContaining("leaseStore (rotating mode)");
        assertThatThrownBy(() -> f.builder(c).leaseStore(lease).build()).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("L2_SEQUENCER_KEY_PATH:");
        Ed25519Signer outsider = SequencerKeys.fromHexSeed("44".repeat(32));
        assertThatThrownBy(() -> f.builder(c).leaseStore(lease).signer(outsider).build())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("L2_LEADER_SET: does not hold this node's"
                        + " public key " + Hex.encode(outsider.publicKey()));
        Sequencer reader = f.builder(config("reader", EngineFixture.START_MS).role(Role.FOLLOWER).build())
                .leaseStore(lease).build();
        reader.start();
        run(RENEW_MS, reader);
        assertThat(reader.state()).isEqualTo(SequencerState.FOLLOWER);
        assertThat(lease.holder()).isEmpty(); // a reader never campaigns
    }
}
