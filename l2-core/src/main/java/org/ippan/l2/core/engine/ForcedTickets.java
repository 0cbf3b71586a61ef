package org.ippan.l2.core.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.ippan.l2.core.admission.AdmissionRules;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.engine.ForceOutcome.Reason;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1TransientException;
import org.ippan.l2.l1.L1UnknownResultException;
import org.ippan.l2.storage.Conflict;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.ForcedTicket;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.WriteOutcome;

/**
 * The forced-inclusion tickets of the upstream-compatible API ({@code POST /tx/force}, {@code GET /tx/force/{h}}):
 * the leader relays a client's tx to the chain's L1 inbox, where the L1 contract makes it due within
 * {@code forceInclusionBlocks} blocks, and keeps a ticket of it in storage, so any node can answer for it later. A
 * ticket's status is read, not stored: {@code included} once the tx is in a batch, {@code expired} once L1 has
 * passed the window without that, {@code queued} until then. An account may hold at most
 * {@code forceMaxPerAccount} queued tickets.
 *
 * <p>Thread-safe; a call blocks its caller for the L1 round trip (bounded) and one storage write.
 */
final class ForcedTickets {
    /** The longest wait for the L1 inbox's answer. */
    static final long L1_TIMEOUT_MS = 30_000;
    private final long l1TimeoutMs;

    private final Storage storage;
    private final L1Poster l1;
    private final LeaderGate leadership;
    private final EpochClock wallClock;
    private final AdmissionRules rules;
    private final LongSupplier l1Height;
    private final int windowBlocks;
    private final int maxPerAccount;

    ForcedTickets(SequencerConfig config, Storage storage, L1Poster l1, LeaderGate leadership, EpochClock wallClock,
            LongSupplier l1Height) {
        this(config, storage, l1, leadership, wallClock, l1Height, L1_TIMEOUT_MS);
    }

    /** As above, waiting at most {@code l1TimeoutMs} for the L1 inbox (tests). */
    ForcedTickets(SequencerConfig config, Storage storage, L1Poster l1, LeaderGate leadership, EpochClock wallClock,
            LongSupplier l1Height, long l1TimeoutMs) {
        this.l1TimeoutMs = l1TimeoutMs;
        this.storage = storage;
        this.l1 = l1;
        this.leadership = leadership;
        this.wallClock = wallClock;
        this.rules = new AdmissionRules(config.chainId(), config.maxTxSize(), config.batchLimits());
        this.l1Height = l1Height;
        this.windowBlocks = config.forceInclusionBlocks();
        this.maxPerAccount = config.forceMaxPerAccount();
    }

    /** {@code Sequencer.forceInclusion}. */
    ForceOutcome force(Tx tx) {
        Objects.requireNonNull(tx, "tx");
        if (!leadership.isLeader()) {
            return refused(Reason.NOT_LEADER, leadership.notLeaderMessage());
        }
        Optional<Refusal> broken = rules.check(tx);
        if (broken.isPresent()) {
            return new ForceOutcome.Refused(Reason.INVALID_TX, broken.get().message(), broken.get());
        }
        if (!l1.supportsForcedInbox()) {
            return refused(Reason.NO_INBOX, "the L1 this node posts to has no forced-inclusion inbox");
        }
        byte[] txHash = tx.hash().toBytes();
        if (storage.findForcedTicket(txHash).isPresent()) {
            return duplicate(tx);
        }
        List<ForcedTicket> recent = storage.listForcedTickets(tx.from(), 2 * maxPerAccount);
        long queued = recent.stream().filter(t -> view(t).status() == ForcedTicketStatus.QUEUED).count();
        if (queued >= maxPerAccount) {
            return refused(Reason.ACCOUNT_LIMIT, "account " + tx.from() + " has " + queued
                    + " queued forced txs, the most allowed (L2_FORCE_MAX_PER_ACCOUNT=" + maxPerAccount
                    + "); retry once one is included");
        }
        long term = leadership.term();
        ForcedInboxEntry entry;
        try {
            entry = l1.submitForced(tx.encode()).get(l1TimeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refused(Reason.L1_UNAVAILABLE, "interrupted while the L1 inbox answered");
        } catch (TimeoutException e) {
            return refused(Reason.L1_UNAVAILABLE, "the L1 inbox did not answer within " + l1TimeoutMs
                    + " ms; resubmit, the inbox records a tx once");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            boolean retry = cause instanceof L1TransientException || cause instanceof L1UnknownResultException;
            return refused(retry ? Reason.L1_UNAVAILABLE : Reason.L1_REFUSED, "the L1 inbox "
                    + (retry ? "failed" : "refused the tx") + ": " + cause.getMessage());
        }
        if (!Arrays.equals(entry.txHash(), txHash)) {
            return refused(Reason.L1_REFUSED, "the L1 inbox answered an entry for tx "
                    + Hash.of(entry.txHash()).toHex() + ", not " + tx.hash().toHex());
        }
        ForcedTicket ticket = new ForcedTicket(txHash, tx.from(), tx.encode(), wallClock.currentTimeMs(),
                entry.index(), entry.l1Height());
        WriteOutcome outcome = storage.saveForcedTicket(term, ticket);
        if (outcome instanceof Fenced fenced) {
            leadership.fenced(fenced.storedTerm(), "forced tickets");
            return refused(Reason.NOT_LEADER, leadership.notLeaderMessage()
                    + " (the tx is in the L1 inbox all the same: the leader must include it)");
        }
        if (outcome instanceof Conflict) {
            return duplicate(tx); // a concurrent request for the same tx stored it first
        }
        return new ForceOutcome.Taken(view(ticket));
    }

    private static ForceOutcome.Refused refused(Reason reason, String message) {
        return new ForceOutcome.Refused(reason, message, null);
    }

    private static ForceOutcome.Refused duplicate(Tx tx) {
        return refused(Reason.DUPLICATE_TICKET, "a forced ticket for tx " + tx.hash().toHex()
                + " exists: GET /tx/force/" + tx.hash().toHex());
    }

    /** {@code Sequencer.forcedTicket}: the ticket for a tx hash, with its status now. */
    Optional<ForcedTicketView> find(Hash txHash) {
        return storage.findForcedTicket(txHash.toBytes()).map(this::view);
    }

    private ForcedTicketView view(ForcedTicket ticket) {
        Optional<StoredTx> stored = storage.findTx(ticket.txHash());
        OptionalLong batch = stored.flatMap(s -> storage.findBatchContaining(s.seq()))
                .map(b -> OptionalLong.of(b.batchNumber())).orElse(OptionalLong.empty());
        ForcedTicketStatus status = batch.isPresent() ? ForcedTicketStatus.INCLUDED
                : l1Height.getAsLong() > ticket.inboxL1Height() + windowBlocks ? ForcedTicketStatus.EXPIRED
                : ForcedTicketStatus.QUEUED;
        return new ForcedTicketView(ticket, status, batch);
    }
}
