package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.engine.ForceOutcome.Reason;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.junit.jupiter.api.Test;

/**
 * The upstream-compatible forced-inclusion tickets: the leader relays a tx to the L1 inbox and keeps a ticket whose
 * status is read (queued, included, expired); duplicates, the per-account limit, followers, txs that break a rule,
 * an L1 without an inbox and a failing inbox are refused with a typed reason, storing nothing.
 */
class ForcedTicketsTest {
    private static final int WINDOW_BLOCKS = 3;

    private final SimulatedL1 chain = SimulatedL1.builder().finalityDepth(EngineFixture.DEEP_FINALITY)
            .blockIntervalMs(1_000).genesisTimeMs(EngineFixture.START_MS)
            .forcedInbox(ForcedInboxRules.of(EngineFixture.config().build())).build();
    private final EngineFixture f = new EngineFixture(chain);

    private SequencerConfig.Builder config() {
        // the watcher is off, so a ticket's tx stays out of batches until the test submits it itself
        return EngineFixture.config().forcedInclusion(false).forceInclusionBlocks(WINDOW_BLOCKS)
                .forceMaxPerAccount(2);
    }

    private static Tx tx(String from, long n) {
        return new Tx(EngineFixture.CHAIN_ID, n, from, ("force-" + n).getBytes(StandardCharsets.UTF_8));
    }

    private static ForcedTicketView taken(ForceOutcome outcome) {
        if (!(outcome instanceof ForceOutcome.Taken taken)) {
            throw new AssertionError("expected a ticket, got " + outcome);
        }
        return taken.view();
    }

    private static Reason reason(ForceOutcome outcome) {
        if (!(outcome instanceof ForceOutcome.Refused refused)) {
            throw new AssertionError("expected a refusal, got " + outcome);
        }
        return refused.reason();
    }

    @Test
    void force_relaysToTheInbox_andTheTicketGoesFromQueuedToIncluded() {
        Sequencer sequencer = f.start(config().build());
        Tx tx = tx("dave", 1);

        ForcedTicketView view = taken(sequencer.forceInclusion(tx));

        assertThat(view.status()).isEqualTo(ForcedTicketStatus.QUEUED);
        assertThat(view.ticket().account()).isEqualTo("dave");
        assertThat(view.ticket().inboxIndex()).isZero();
        assertThat(chain.readForcedInbox(0, 10).join().entries()).singleElement()
                .satisfies(e -> assertThat(e.txHash()).isEqualTo(tx.hash().toBytes()));
        assertThat(sequencer.forcedTicket(tx.hash())).contains(view);

        sequencer.submit(tx);
        sequencer.flush();
        sequencer.doWork(f.now());

        ForcedTicketView included = sequencer.forcedTicket(tx.hash()).orElseThrow();
        assertThat(included.status()).isEqualTo(ForcedTicketStatus.INCLUDED);
        assertThat(included.batchNumber()).hasValue(1);
    }

    @Test
    void ticket_expiresOnceL1PassesTheWindowWithoutABatchHoldingIt() {
        Sequencer sequencer = f.start(config().reconcileIntervalMs(1).build());
        Tx tx = tx("erin", 1);
        long recordedAt = taken(sequencer.forceInclusion(tx)).ticket().inboxL1Height();

        for (int block = 0; block <= WINDOW_BLOCKS; block++) {
            f.advanceMs(1_000);
            chain.advanceTo(f.nowMs());
            DutyLoop reconciler = Loops.named(sequencer, Reconciler.NAME); // the node's view of the L1 height
            reconciler.doWork(f.now()); // asks
            reconciler.doWork(f.now()); // applies the answer
        }

        assertThat(chain.chainStatus().join().height()).isGreaterThan(recordedAt + WINDOW_BLOCKS);
        assertThat(sequencer.forcedTicket(tx.hash()).orElseThrow().status()).isEqualTo(ForcedTicketStatus.EXPIRED);
    }

    @Test
    void duplicatesTheAccountLimitAndBrokenRules_areRefusedWithTheirReason() {
        Sequencer sequencer = f.start(config().maxTxSize(100).build());
        taken(sequencer.forceInclusion(tx("frank", 1)));

        assertThat(reason(sequencer.forceInclusion(tx("frank", 1)))).isEqualTo(Reason.DUPLICATE_TICKET);
        taken(sequencer.forceInclusion(tx("frank", 2)));
        ForceOutcome third = sequencer.forceInclusion(tx("frank", 3));
        assertThat(reason(third)).isEqualTo(Reason.ACCOUNT_LIMIT);
        assertThat(((ForceOutcome.Refused) third).message()).contains("frank has 2 queued forced txs");
        assertThat(f.memory.findForcedTicket(tx("frank", 3).hash().toBytes())).isEmpty();
        taken(sequencer.forceInclusion(tx("grace", 1))); // the limit is per account

        ForceOutcome tooLarge = sequencer.forceInclusion(new Tx(EngineFixture.CHAIN_ID, 9, "frank", new byte[101]));
        assertThat(reason(tooLarge)).isEqualTo(Reason.INVALID_TX);
        assertThat(((ForceOutcome.Refused) tooLarge).refusal().code()).isEqualTo(RefusalCode.TX_TOO_LARGE);

        // once one of frank's txs is in a batch, he may force another
        sequencer.submit(tx("frank", 1));
        sequencer.flush();
        sequencer.doWork(f.now());
        taken(sequencer.forceInclusion(tx("frank", 3)));
    }

    @Test
    void aFollowerAnL1WithoutInboxAndAFailingInbox_storeNoTicket() {
        Sequencer leader = f.start(config().build());
        Sequencer follower = f.start(config().role(Role.FOLLOWER).build());
        assertThat(reason(follower.forceInclusion(tx("hal", 1)))).isEqualTo(Reason.NOT_LEADER);

        chain.failNextCalls(Call.SUBMIT_FORCED, 1, Failure.TRANSIENT);
        assertThat(reason(leader.forceInclusion(tx("hal", 1)))).isEqualTo(Reason.L1_UNAVAILABLE);
        assertThat(f.memory.findForcedTicket(tx("hal", 1).hash().toBytes())).isEmpty();
        assertThat(taken(leader.forceInclusion(tx("hal", 1))).status()).as("a retry goes through")
                .isEqualTo(ForcedTicketStatus.QUEUED);

        EngineFixture plain = new EngineFixture();
        Sequencer noInbox = plain.start(config().build());
        assertThat(reason(noInbox.forceInclusion(tx("hal", 2)))).isEqualTo(Reason.NO_INBOX);
    }
}
