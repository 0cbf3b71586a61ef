package org.ippan.l2.core.engine;

import java.util.Objects;
import org.ippan.l2.core.admission.Refusal;

/** The answer to {@link Sequencer#forceInclusion}: the ticket taken, or why nothing was. */
public sealed interface ForceOutcome permits ForceOutcome.Taken, ForceOutcome.Refused {

    /**
     * The tx is in the chain's L1 forced-inclusion inbox and its ticket is stored.
     *
     * @param view the ticket with its status
     */
    record Taken(ForcedTicketView view) implements ForceOutcome {
        /** @throws NullPointerException if {@code view} is null */
        public Taken {
            Objects.requireNonNull(view, "view");
        }
    }

    /**
     * No ticket was stored.
     *
     * @param reason  why, as a stable code
     * @param message why, for people
     * @param refusal the tx rule's refusal when {@code reason} is {@link Reason#INVALID_TX}, else null
     */
    record Refused(Reason reason, String message, Refusal refusal) implements ForceOutcome {
        /** @throws NullPointerException if {@code reason} or {@code message} is null */
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Why a force request was refused. */
    enum Reason {
        /** This node does not lead: ask the leader. */
        NOT_LEADER,
        /** The tx breaks an admission rule (see the refusal). */
        INVALID_TX,
        /** A ticket for this tx exists. */
        DUPLICATE_TICKET,
        /** The account holds the most queued tickets allowed. */
        ACCOUNT_LIMIT,
        /** The L1 this node posts to has no forced-inclusion inbox. */
        NO_INBOX,
        /** The L1 inbox could not be reached or did not answer in time: retry. */
        L1_UNAVAILABLE,
        /** The L1 inbox refused the tx. */
        L1_REFUSED
    }
}
