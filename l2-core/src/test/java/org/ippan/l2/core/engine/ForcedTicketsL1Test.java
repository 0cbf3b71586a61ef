package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.ippan.l2.core.engine.ForceOutcome.Reason;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.L1UnknownResultException;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.storage.Conflict;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.ForcedTicket;
import org.ippan.l2.storage.ForwardingStorage;
import org.ippan.l2.storage.WriteOutcome;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the forced-ticket room does with each answer of the L1 inbox and of the ticket's write: nothing is stored
 * unless the L1 recorded this very tx and the write went through in the leader's term, and each failure is answered
 * with its reason.
 */
class ForcedTicketsL1Test {
    private static final Tx TX = new Tx(EngineFixture.CHAIN_ID, 1, "ivan", "t".getBytes(StandardCharsets.UTF_8));

    private final InMemoryStorage memory = new InMemoryStorage();
    private final AtomicReference<CompletableFuture<ForcedInboxEntry>> answer = new AtomicReference<>();
    private final AtomicReference<WriteOutcome> saveAnswer = new AtomicReference<>();
    private final Gate gate = new Gate();

    /** A leader gate of term 3; records a fencing. */
    private static final class Gate implements LeaderGate {
        volatile long fencedBy = -1;

        @Override
        public boolean isLeader() {
            return fencedBy < 0;
        }

        @Override
        public long term() {
            return 3;
        }

        @Override
        public void fenced(long storedTerm, String where) {
            fencedBy = storedTerm;
        }

        @Override
        public String notLeaderMessage() {
            return "not the leader (test)";
        }
    }

    /** An L1 whose inbox answers what the test sets; nothing else is called. */
    private final class Inbox implements L1Poster {
        @Override
        public boolean supportsForcedInbox() {
            return true;
        }

        @Override
        public CompletableFuture<ForcedInboxEntry> submitForced(byte[] canonicalTx) {
            return answer.get();
        }

        @Override
        public CompletableFuture<ForcedInboxPage> readForcedInbox(long fromIndex, int maxCount) {
            throw new AssertionError("not called");
        }

        @Override
        public CompletableFuture<SubmitResult> submit(L1Submission submission) {
            throw new AssertionError("not called");
        }

        @Override
        public CompletableFuture<Optional<L1Inclusion>> getInclusion(byte[] idempotencyKey) {
            throw new AssertionError("not called");
        }

        @Override
        public CompletableFuture<Optional<L1Inclusion>> getFinality(String l1TxId) {
            throw new AssertionError("not called");
        }

        @Override
        public CompletableFuture<L1ChainStatus> chainStatus() {
            throw new AssertionError("not called");
        }

        @Override
        public void close() {
        }
    }

    private ForcedTickets tickets() {
        memory.claimTerm(3, "leader", 0);
        ForwardingStorage storage = new ForwardingStorage(memory) {
            @Override
            public WriteOutcome saveForcedTicket(long term, ForcedTicket ticket) {
                WriteOutcome scripted = saveAnswer.get();
                return scripted != null ? scripted : super.saveForcedTicket(term, ticket);
            }
        };
        ManualClock clock = new ManualClock(EngineFixture.START_MS);
        return new ForcedTickets(EngineFixture.config().build(), storage, new Inbox(), gate, clock, () -> 0, 50);
    }

    private static ForceOutcome.Refused refused(ForceOutcome outcome) {
        assertThat(outcome).isInstanceOf(ForceOutcome.Refused.class);
        return (ForceOutcome.Refused) outcome;
    }

    @AfterEach
    void nothingStoredUnlessTaken() {
        Thread.interrupted(); // a test may leave the flag set on purpose
    }

    @Test
    void anInboxThatNeverAnswers_isUnavailableAfterTheWait_andNothingIsStored() {
        ForcedTickets tickets = tickets();
        answer.set(new CompletableFuture<>());

        ForceOutcome.Refused outcome = refused(tickets.force(TX));

        assertThat(outcome.reason()).isEqualTo(Reason.L1_UNAVAILABLE);
        assertThat(outcome.message()).contains("did not answer within 50 ms");
        assertThat(memory.findForcedTicket(TX.hash().toBytes())).isEmpty();
    }

    @Test
    void anInterruptedCaller_isUnavailable_andKeepsItsInterruptFlag() {
        ForcedTickets tickets = tickets();
        answer.set(new CompletableFuture<>());
        Thread.currentThread().interrupt();

        ForceOutcome.Refused outcome = refused(tickets.force(TX));

        assertThat(outcome.reason()).isEqualTo(Reason.L1_UNAVAILABLE);
        assertThat(outcome.message()).contains("interrupted");
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(memory.findForcedTicket(TX.hash().toBytes())).isEmpty();
    }

    @Test
    void aPermanentRefusalIsRefused_anUnknownResultIsUnavailable() {
        ForcedTickets tickets = tickets();
        answer.set(CompletableFuture.failedFuture(new L1PermanentException("tx too large for the inbox")));
        ForceOutcome.Refused permanent = refused(tickets.force(TX));
        assertThat(permanent.reason()).isEqualTo(Reason.L1_REFUSED);
        assertThat(permanent.message()).contains("refused the tx").contains("tx too large for the inbox");

        answer.set(CompletableFuture.failedFuture(new L1UnknownResultException("timed out after sending")));
        ForceOutcome.Refused unknown = refused(tickets.force(TX));
        assertThat(unknown.reason()).isEqualTo(Reason.L1_UNAVAILABLE);
        assertThat(unknown.message()).contains("failed").contains("timed out after sending");
        assertThat(memory.findForcedTicket(TX.hash().toBytes())).isEmpty();
    }

    @Test
    void anEntryForAnotherTx_isRefused() {
        ForcedTickets tickets = tickets();
        Tx other = new Tx(EngineFixture.CHAIN_ID, 2, "ivan", new byte[] {1});
        answer.set(CompletableFuture.completedFuture(new ForcedInboxEntry(0, 5, other.hash().toBytes(),
                other.encode())));

        ForceOutcome.Refused outcome = refused(tickets.force(TX));

        assertThat(outcome.reason()).isEqualTo(Reason.L1_REFUSED);
        assertThat(outcome.message()).contains("answered an entry for tx " + other.hash().toHex());
        assertThat(memory.findForcedTicket(TX.hash().toBytes())).isEmpty();
    }

    @Test
    void aTicketWriteThatMeetsAHigherTerm_fencesTheNode_andOneThatConflicts_isADuplicate() {
        ForcedTickets tickets = tickets();
        answer.set(CompletableFuture.completedFuture(new ForcedInboxEntry(0, 5, TX.hash().toBytes(), TX.encode())));
        saveAnswer.set(new Fenced(4));

        ForceOutcome.Refused fenced = refused(tickets.force(TX));
        assertThat(fenced.reason()).isEqualTo(Reason.NOT_LEADER);
        assertThat(fenced.message()).contains("the tx is in the L1 inbox all the same");
        assertThat(gate.fencedBy).isEqualTo(4);

        gate.fencedBy = -1;
        saveAnswer.set(new Conflict("a concurrent request stored it"));
        assertThat(refused(tickets.force(TX)).reason()).isEqualTo(Reason.DUPLICATE_TICKET);

        saveAnswer.set(null);
        ForceOutcome taken = tickets.force(TX);
        assertThat(taken).isInstanceOfSatisfying(ForceOutcome.Taken.class, t -> {
            assertThat(t.view().ticket().inboxIndex()).isZero();
            assertThat(t.view().ticket().inboxL1Height()).isEqualTo(5);
            assertThat(t.view().ticket().createdMs()).isEqualTo(EngineFixture.START_MS);
            assertThat(t.view().status()).isEqualTo(ForcedTicketStatus.QUEUED);
        });
    }
}
