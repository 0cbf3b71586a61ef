package org.ippan.l2.core.engine;

import java.util.Objects;
import java.util.OptionalLong;
import org.ippan.l2.storage.ForcedTicket;

/**
 * A forced-inclusion ticket with its status, as read now.
 *
 * @param ticket      the stored ticket
 * @param status      queued, included or expired
 * @param batchNumber the batch holding the tx, when included
 */
public record ForcedTicketView(ForcedTicket ticket, ForcedTicketStatus status, OptionalLong batchNumber) {
    /** @throws NullPointerException if a component is null */
    public ForcedTicketView {
        Objects.requireNonNull(ticket, "ticket");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(batchNumber, "batchNumber");
    }
}
