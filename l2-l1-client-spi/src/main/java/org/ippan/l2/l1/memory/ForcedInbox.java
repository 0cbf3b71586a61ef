package org.ippan.l2.l1.memory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.L1Poster;

/**
 * One chain's forced-inclusion inbox held in memory: entries numbered from 0 in the order they were recorded, each
 * tx at most once. {@link SimulatedL1} keeps one; a devnet L1 serving several chains keeps one per chain.
 *
 * <p>Thread-safe: every method synchronizes on this object.
 */
public final class ForcedInbox {
    private final List<ForcedInboxEntry> entries = new ArrayList<>();
    private final Map<ByteBuffer, ForcedInboxEntry> byHash = new HashMap<>();

    /** Creates an empty inbox. */
    public ForcedInbox() {
    }

    /**
     * Records a tx at the end of the inbox, unless the inbox holds it already.
     *
     * @param canonicalTx the tx's bytes (handed over)
     * @param txHash      its hash, 32 bytes (handed over)
     * @param l1Height    the L1 height it is recorded at
     * @return the new entry, or the existing one for this hash
     */
    public synchronized ForcedInboxEntry record(byte[] canonicalTx, byte[] txHash, long l1Height) {
        ForcedInboxEntry existing = byHash.get(ByteBuffer.wrap(Objects.requireNonNull(txHash, "txHash")));
        if (existing != null) {
            return existing;
        }
        ForcedInboxEntry entry = new ForcedInboxEntry(entries.size(), l1Height, txHash, canonicalTx);
        entries.add(entry);
        byHash.put(ByteBuffer.wrap(txHash), entry);
        return entry;
    }

    /**
     * Reads entries from an index on.
     *
     * @param fromIndex the first index, at least 0
     * @param maxCount  the most entries, at least 1
     * @param l1Height  the L1's current height, for the page
     * @return the page
     */
    public synchronized ForcedInboxPage read(long fromIndex, int maxCount, long l1Height) {
        L1Poster.checkInboxRead(fromIndex, maxCount);
        int from = (int) Math.min(fromIndex, entries.size());
        int to = (int) Math.min(entries.size(), (long) from + maxCount);
        return new ForcedInboxPage(List.copyOf(entries.subList(from, to)), l1Height);
    }

    /**
     * Finds the entry of a tx.
     *
     * @param txHash the tx hash
     * @return its entry, or empty
     */
    public synchronized Optional<ForcedInboxEntry> find(byte[] txHash) {
        return Optional.ofNullable(byHash.get(ByteBuffer.wrap(Objects.requireNonNull(txHash, "txHash"))));
    }

    /** @return every entry, in index order (a snapshot) */
    public synchronized List<ForcedInboxEntry> entries() {
        return List.copyOf(entries);
    }

    /** @return how many entries the inbox holds */
    public synchronized int size() {
        return entries.size();
    }
}
