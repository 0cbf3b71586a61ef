package org.ippan.l2.l1;

import java.util.List;
import java.util.Objects;

/**
 * A page of a chain's forced-inclusion inbox ({@link L1Poster#readForcedInbox}): the entries from the index asked
 * for on, in index order without gaps, and the L1's height when it answered, so the reader knows how far every
 * entry's window has run.
 *
 * @param entries  the entries, ascending by consecutive index; empty past the inbox's end
 * @param l1Height the L1's current height, at least every entry's {@code l1Height}
 */
public record ForcedInboxPage(List<ForcedInboxEntry> entries, long l1Height) {

    /**
     * Validates the components and copies the list.
     *
     * @throws NullPointerException if {@code entries} or one of them is null
     * @throws IllegalArgumentException if the indexes are not consecutive, {@code l1Height} is negative or below an
     *         entry's height (the message names the entry)
     */
    public ForcedInboxPage {
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
        if (l1Height < 0) {
            throw new IllegalArgumentException("l1Height must be >= 0, was " + l1Height);
        }
        for (int i = 0; i < entries.size(); i++) {
            ForcedInboxEntry entry = entries.get(i);
            if (i > 0 && entry.index() != entries.get(i - 1).index() + 1) {
                throw new IllegalArgumentException("entries must have consecutive indexes: entries[" + i
                        + "] has index " + entry.index() + " after " + entries.get(i - 1).index());
            }
            if (entry.l1Height() > l1Height) {
                throw new IllegalArgumentException("entries[" + i + "] was recorded at L1 height "
                        + entry.l1Height() + ", above the page's l1Height " + l1Height);
            }
        }
    }

    /** @return the index after the page's last entry, or {@code fromIndex} when the page is empty */
    public long nextIndex(long fromIndex) {
        return entries.isEmpty() ? fromIndex : entries.get(entries.size() - 1).index() + 1;
    }
}
