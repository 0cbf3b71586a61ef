package org.ippan.l2.storage.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.BatchChainRules;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.Committed;
import org.ippan.l2.storage.Conflict;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.ForcedTicket;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.PruneOutcome;
import org.ippan.l2.storage.Pruned;
import org.ippan.l2.storage.SealedGroup;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageArguments;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TermClaim;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TermRules;
import org.ippan.l2.storage.TransientStorageException;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.WriteOutcome;
import org.ippan.l2.storage.Written;

/**
 * Thread-safe in-memory {@link Storage}: the reference semantics of the contract. One lock guards all state, so
 * every call is atomic and linearizable; "durable" means "stored in this object" (nothing survives the JVM).
 * Each write computes its full result before changing anything, so a refused write changes nothing.
 *
 * <p>Admitted txs are kept column by column (their hashes, encodings and admission times in arrays indexed by
 * seq - 1) and found by hash through an open-addressing table of seq numbers, so that admitting a tx creates no
 * object: only the arrays grow, by doubling. Reads build their {@link StoredTx} records as they answer.
 *
 * <p>Test hooks: {@link #injectWriteFaults} makes the next writes fail, to test callers' crash and retry paths.
 */
public final class InMemoryStorage implements Storage {

    /** How an injected write fault behaves (test hook, see {@link #injectWriteFaults}). */
    public enum WriteFault {
        /** The write throws {@link StorageException} and applies nothing. */
        FAIL,
        /** The write throws {@link TransientStorageException} and applies nothing. */
        FAIL_TRANSIENT,
        /**
         * The write is applied in full, then throws {@link StorageException}: a lost commit acknowledgement, the
         * caller cannot know the write landed.
         */
        APPLY_THEN_FAIL
    }

    /** Room for this many txs in a new store; the columns and the index double as they fill. */
    private static final int INITIAL_TX_CAPACITY = 16;
    /**
     * The most txs a store holds: the index, twice as long, must stay a Java array ({@code 1 << 30} ints, 4 GiB).
     * The txs themselves, with their arrays, would fill tens of GiB before that.
     */
    private static final int MAX_TXS = 1 << 29;
    /** Reads a tx hash as four little-endian longs, for {@link #indexHash}. */
    private static final VarHandle HASH_WORDS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Object lock = new Object();

    // All fields guarded by lock.
    private boolean closed;
    private WriteFault injectedFault = WriteFault.FAIL;
    private int injectedFaultsLeft;

    private long term;
    private String leaderId;
    private long lastHeartbeatMs;

    // The admitted txs, column by column: index i of each column holds the tx with seq i + 1, for i < txCount.
    // The arrays are the ones handed over in the TxAppend (hand-over rule), kept as they are.
    private byte[][] txHashes = new byte[INITIAL_TX_CAPACITY][];
    private byte[][] canonicalTxs = new byte[INITIAL_TX_CAPACITY][];
    private long[] admittedMs = new long[INITIAL_TX_CAPACITY];
    private int txCount;
    /**
     * The txs by hash: an open-addressing table with linear probing (see {@link #txSlot}) whose slots hold seq
     * numbers, 0 for an empty slot. Its length is a power of two and it is at most half full, so a probe always
     * ends at an empty slot, after few steps. A slot is never emptied again (but by taking back the txs of a failed
     * write, newest first): a forgotten tx keeps its slot, reads as absent, and passes it to a later tx with its hash.
     */
    private int[] txIndex = new int[2 * INITIAL_TX_CAPACITY];

    private long nextUnbatchedSeq = 1;
    private byte[] headBatchHash = SequenceState.initial().headBatchHash();
    /** Index i holds batch number i + 1. */
    private final List<StoredBatch> batches = new ArrayList<>();
    private final Map<HashKey, Long> batchNumbersByHash = new HashMap<>();
    private final TreeMap<Long, Long> batchNumbersByFirstSeq = new TreeMap<>();
    /** The seals of the groups admitted with one, by the group's first seq. */
    private final TreeMap<Long, SealedGroup> sealedGroups = new TreeMap<>();
    private final Map<L1Status, NavigableSet<Long>> batchNumbersByStatus = new EnumMap<>(L1Status.class);
    /** The numbers of the batches not pruned ({@link #pruneConfirmed}), so pruning starts at the lowest. */
    private final TreeSet<Long> unprunedBatchNumbers = new TreeSet<>();
    private static final byte[] PRUNED = new byte[0];
    /** The last forgotten batch ({@link #forgetConfirmed}), 0 if none: batches up to it read as absent. */
    private long forgottenThroughBatch;
    /**
     * The lowest seq not forgotten: a tx below it reads as absent, and its index slot, which stays in the table so
     * that probes still pass it, is taken over by a later tx with the same hash.
     */
    private int firstKeptSeq = 1;
    /** The named positions ({@link #saveCursor}). */
    private final Map<String, Long> cursors = new HashMap<>();
    /** The named settings ({@link #saveSetting}). */
    private final Map<String, String> settings = new HashMap<>();
    /** The forced-inclusion tickets by tx hash. */
    private final Map<HashKey, ForcedTicket> forcedTickets = new HashMap<>();

    /** Creates an empty store. */
    public InMemoryStorage() {
        for (L1Status status : L1Status.values()) {
            batchNumbersByStatus.put(status, new TreeSet<>());
        }
    }

    /**
     * Test hook: the next {@code count} writes (claim, heartbeat, append, commit, L1 update, prune, cursor, forced ticket) fail with
     * {@link StorageException} and apply nothing. Replaces any faults still pending; 0 clears them.
     *
     * @param count how many writes fail, at least 0
     */
    public void failNextWrites(int count) {
        injectWriteFaults(WriteFault.FAIL, count);
    }

    /**
     * Test hook: the next {@code count} writes (claim, heartbeat, append, commit, L1 update, prune, cursor, forced ticket) fail as
     * {@code fault} says, whatever their outcome would have been. Reads are not affected. Replaces any faults
     * still pending; a count of 0 clears them.
     *
     * @param fault how the writes fail
     * @param count how many writes fail, at least 0
     */
    public void injectWriteFaults(WriteFault fault, int count) {
        Objects.requireNonNull(fault, "fault");
        StorageArguments.requireNonNegative(count, "count");
        synchronized (lock) {
            injectedFault = fault;
            injectedFaultsLeft = count;
        }
    }

    // ---- leadership ------------------------------------------------------------------------------------------

    @Override
    public TermClaim claimTerm(long claimedTerm, String claimingLeaderId, long nowMs) {
        StorageArguments.requireTerm(claimedTerm);
        Objects.requireNonNull(claimingLeaderId, "leaderId");
        synchronized (lock) {
            WriteFault fault = beginWrite();
            TermClaim outcome = TermRules.claim(term, leaderId, claimedTerm, claimingLeaderId);
            if (outcome instanceof TermGranted) {
                term = claimedTerm;
                leaderId = claimingLeaderId;
                lastHeartbeatMs = nowMs;
            }
            return endWrite(fault, outcome);
        }
    }

    @Override
    public LeaderRecord readLeader() {
        synchronized (lock) {
            ensureOpen();
            return new LeaderRecord(term, leaderId, lastHeartbeatMs);
        }
    }

    @Override
    public WriteOutcome heartbeat(long callerTerm, long nowMs) {
        StorageArguments.requireTerm(callerTerm);
        synchronized (lock) {
            WriteFault fault = beginWrite();
            WriteOutcome outcome;
            if (term != callerTerm) {
                outcome = new Fenced(term);
            } else {
                lastHeartbeatMs = nowMs;
                outcome = new Written();
            }
            return endWrite(fault, outcome);
        }
    }

    // ---- admission -------------------------------------------------------------------------------------------

    @Override
    public AppendOutcome appendTxs(long callerTerm, TxAppend newTxs) {
        StorageArguments.requireTerm(callerTerm);
        Objects.requireNonNull(newTxs, "txs");
        synchronized (lock) {
            WriteFault fault = beginWrite();
            if (term != callerTerm) {
                return endWrite(fault, new Fenced(term));
            }
            // room for every tx of the call first, as if none were a duplicate: growing is the only step that can
            // fail (out of memory, or full), and it changes nothing the contract can see
            reserveTxs(newTxs.size());
            // past this point only the seal can fail, so the txs are stored as they are checked, and a duplicate
            // within the call finds the copy stored a moment before: it reports the seq of the first occurrence
            int before = txCount;
            List<int[]> takenOver = null;
            for (int i = 0; i < newTxs.size(); i++) {
                byte[] txHash = newTxs.txHash(i);
                int slot = txSlot(txHash);
                int existing = txIndex[slot];
                if (existing >= firstKeptSeq) {
                    newTxs.duplicate(i, existing);
                } else {
                    if (existing != 0) { // a forgotten tx's hash: new again, and its slot passes to the new tx
                        takenOver = takenOver == null ? new ArrayList<>() : takenOver;
                        takenOver.add(new int[] {slot, existing});
                    }
                    txHashes[txCount] = txHash;
                    canonicalTxs[txCount] = newTxs.canonicalTx(i);
                    admittedMs[txCount] = newTxs.admittedMs(i);
                    txCount++;
                    txIndex[slot] = txCount;
                    newTxs.stored(i, txCount);
                }
            }
            if (txCount > before) {
                byte[] seal;
                try {
                    seal = newTxs.sealStored(before + 1L, txCount - before);
                } catch (RuntimeException e) {
                    unstoreFrom(before);
                    for (int k = takenOver == null ? -1 : takenOver.size() - 1; k >= 0; k--) {
                        txIndex[takenOver.get(k)[0]] = takenOver.get(k)[1];
                    }
                    throw e;
                }
                if (seal != null) {
                    sealedGroups.put(before + 1L, new SealedGroup(before + 1L, txCount - before, seal));
                }
            }
            return endWrite(fault, new Appended());
        }
    }

    /**
     * Takes back the txs stored from index {@code from} on (a seal failed), newest first: with linear probing and
     * no removals, the slot of the newest tx is one no later tx probed past, so clearing it restores the table.
     */
    private void unstoreFrom(int from) {
        while (txCount > from) {
            txCount--;
            txIndex[txSlot(txHashes[txCount])] = 0;
            txHashes[txCount] = null;
            canonicalTxs[txCount] = null;
        }
    }

    @Override
    public Optional<SealedGroup> findSealedGroup(long seq) {
        StorageArguments.requirePositive(seq, "seq");
        synchronized (lock) {
            ensureOpen();
            // the seals of forgotten groups are removed with them, so a floor below the kept seqs finds none
            Map.Entry<Long, SealedGroup> entry = sealedGroups.floorEntry(seq);
            return entry == null || !entry.getValue().contains(seq) ? Optional.empty()
                    : Optional.of(entry.getValue());
        }
    }

    @Override
    public Optional<StoredTx> findTx(byte[] txHash) {
        StorageArguments.requireHash(txHash, "txHash");
        synchronized (lock) {
            ensureOpen();
            int seq = txIndex[txSlot(txHash)];
            return seq < firstKeptSeq ? Optional.empty() : Optional.of(storedTx(seq));
        }
    }

    @Override
    public List<StoredTx> readTxs(long fromSeq, int maxCount) {
        StorageArguments.requirePositive(fromSeq, "fromSeq");
        StorageArguments.requireMaxCount(maxCount);
        synchronized (lock) {
            ensureOpen();
            long from = Math.max(fromSeq, firstKeptSeq);
            if (from > txCount) {
                return List.of();
            }
            int start = (int) from;
            int end = (int) Math.min(txCount, from + maxCount - 1);
            StoredTx[] read = new StoredTx[end - start + 1];
            for (int seq = start; seq <= end; seq++) {
                read[seq - start] = storedTx(seq);
            }
            return List.of(read);
        }
    }

    @Override
    public SequenceState readSequenceState() {
        synchronized (lock) {
            ensureOpen();
            return sequenceState();
        }
    }

    // ---- batches ---------------------------------------------------------------------------------------------

    @Override
    public CommitOutcome commitBatch(long callerTerm, NewBatch batch) {
        StorageArguments.requireTerm(callerTerm);
        Objects.requireNonNull(batch, "batch");
        StorageArguments.requireBatchOfTerm(batch, callerTerm);
        synchronized (lock) {
            WriteFault fault = beginWrite();
            if (term != callerTerm) {
                return endWrite(fault, new Fenced(term));
            }
            SequenceState state = sequenceState();
            Optional<Conflict> conflict = BatchChainRules.commitConflict(state, batch, this::storedBatchNumber);
            if (conflict.isPresent()) {
                return endWrite(fault, conflict.get());
            }
            SequenceState next = BatchChainRules.afterCommit(state, batch);
            StoredBatch stored = new StoredBatch(batch, BatchL1State.committed(batch.createdMs()));
            batches.add(stored);
            batchNumbersByHash.put(new HashKey(batch.batchHash()), batch.batchNumber());
            batchNumbersByFirstSeq.put(batch.firstSeq(), batch.batchNumber());
            batchNumbersByStatus.get(L1Status.COMMITTED).add(batch.batchNumber());
            unprunedBatchNumbers.add(batch.batchNumber());
            nextUnbatchedSeq = next.nextUnbatchedSeq();
            headBatchHash = next.headBatchHash();
            return endWrite(fault, new Committed(next));
        }
    }

    /** The number of the stored batch with hash {@code batchHash}, if any. Holds lock. */
    private OptionalLong storedBatchNumber(byte[] batchHash) {
        Long number = batchNumbersByHash.get(new HashKey(batchHash));
        return number == null ? OptionalLong.empty() : OptionalLong.of(number);
    }

    @Override
    public WriteOutcome updateL1State(long callerTerm, long batchNumber, BatchL1State state) {
        StorageArguments.requireTerm(callerTerm);
        StorageArguments.requirePositive(batchNumber, "batchNumber");
        Objects.requireNonNull(state, "state");
        synchronized (lock) {
            WriteFault fault = beginWrite();
            if (term != callerTerm) {
                return endWrite(fault, new Fenced(term));
            }
            Optional<Conflict> conflict = BatchChainRules.l1UpdateConflict(batches.size() + 1L, batchNumber);
            if (conflict.isPresent()) {
                return endWrite(fault, conflict.get());
            }
            int index = (int) (batchNumber - 1);
            StoredBatch old = batches.get(index);
            batchNumbersByStatus.get(old.status()).remove(batchNumber);
            batchNumbersByStatus.get(state.status()).add(batchNumber);
            batches.set(index, old.withL1State(state));
            return endWrite(fault, new Written());
        }
    }

    @Override
    public PruneOutcome pruneConfirmed(long callerTerm, long throughBatchNumber, int maxBatches) {
        StorageArguments.requireTerm(callerTerm);
        StorageArguments.requireNonNegative(throughBatchNumber, "throughBatchNumber");
        StorageArguments.requirePositive(maxBatches, "maxBatches");
        synchronized (lock) {
            WriteFault fault = beginWrite();
            if (term != callerTerm) {
                return endWrite(fault, new Fenced(term));
            }
            List<Long> due = new ArrayList<>();
            for (long number : unprunedBatchNumbers.headSet(throughBatchNumber, true)) {
                if (due.size() == maxBatches) {
                    break;
                }
                if (batches.get((int) (number - 1)).status() == L1Status.CONFIRMED) {
                    due.add(number);
                }
            }
            for (long number : due) {
                int index = (int) (number - 1);
                StoredBatch old = batches.get(index);
                NewBatch b = old.batch();
                batches.set(index, new StoredBatch(new NewBatch(b.batchNumber(), b.batchHash(), b.prevBatchHash(),
                        b.firstSeq(), b.txCount(), b.createdMs(), b.term(), b.txRoot(), b.txBytes(),
                        b.envelopeHash(), b.sequencerPubkey(), b.sequencerSig(), b.idempotencyKey(), PRUNED),
                        old.l1State()));
                for (long seq = b.firstSeq(); seq < b.endSeq(); seq++) {
                    canonicalTxs[(int) (seq - 1)] = PRUNED;
                }
                unprunedBatchNumbers.remove(number);
            }
            return endWrite(fault, new Pruned(due.size()));
        }
    }

    @Override
    public PruneOutcome forgetConfirmed(long callerTerm, long throughBatchNumber, int maxBatches) {
        StorageArguments.requireTerm(callerTerm);
        StorageArguments.requireNonNegative(throughBatchNumber, "throughBatchNumber");
        StorageArguments.requirePositive(maxBatches, "maxBatches");
        synchronized (lock) {
            WriteFault fault = beginWrite();
            if (term != callerTerm) {
                return endWrite(fault, new Fenced(term));
            }
            int count = 0;
            long last = forgottenThroughBatch;
            while (count < maxBatches && last < Math.min(throughBatchNumber, batches.size())
                    && batches.get((int) last).status() == L1Status.CONFIRMED) {
                StoredBatch batch = batches.set((int) last, null);
                last++;
                count++;
                batchNumbersByHash.remove(new HashKey(batch.batch().batchHash()));
                batchNumbersByFirstSeq.remove(batch.batch().firstSeq());
                batchNumbersByStatus.get(L1Status.CONFIRMED).remove(last);
                unprunedBatchNumbers.remove(last);
                int endSeq = (int) batch.batch().endSeq();
                for (int seq = firstKeptSeq; seq < endSeq; seq++) {
                    canonicalTxs[seq - 1] = PRUNED; // the hash stays, for the index's probes
                }
                firstKeptSeq = endSeq;
            }
            sealedGroups.headMap((long) firstKeptSeq).clear();
            forgottenThroughBatch = last;
            cursors.put(FORGOTTEN_THROUGH_CURSOR, last);
            return endWrite(fault, new Pruned(count));
        }
    }

    @Override
    public Optional<StoredBatch> findBatch(byte[] batchHash) {
        StorageArguments.requireHash(batchHash, "batchHash");
        synchronized (lock) {
            ensureOpen();
            Long number = batchNumbersByHash.get(new HashKey(batchHash));
            return number == null ? Optional.empty() : Optional.of(batches.get((int) (number - 1)));
        }
    }

    @Override
    public Optional<StoredBatch> findBatchByNumber(long batchNumber) {
        StorageArguments.requirePositive(batchNumber, "batchNumber");
        synchronized (lock) {
            ensureOpen();
            return batchNumber > batches.size()
                    ? Optional.empty()
                    : Optional.ofNullable(batches.get((int) (batchNumber - 1))); // null: forgotten
        }
    }

    @Override
    public Optional<StoredBatch> findBatchContaining(long seq) {
        StorageArguments.requirePositive(seq, "seq");
        synchronized (lock) {
            ensureOpen();
            Map.Entry<Long, Long> floor = batchNumbersByFirstSeq.floorEntry(seq);
            if (floor == null) {
                return Optional.empty();
            }
            StoredBatch candidate = batches.get((int) (floor.getValue() - 1));
            return candidate.batch().containsSeq(seq) ? Optional.of(candidate) : Optional.empty();
        }
    }

    @Override
    public List<StoredBatch> listBatches(long fromNumber, int maxCount) {
        StorageArguments.requirePositive(fromNumber, "fromNumber");
        StorageArguments.requireMaxCount(maxCount);
        synchronized (lock) {
            ensureOpen();
            return List.copyOf(slice(batches, Math.max(fromNumber, forgottenThroughBatch + 1), maxCount));
        }
    }

    @Override
    public List<StoredBatch> listBatchesInStatus(Set<L1Status> statuses, int maxCount) {
        Objects.requireNonNull(statuses, "statuses");
        StorageArguments.requireMaxCount(maxCount);
        synchronized (lock) {
            ensureOpen();
            TreeSet<Long> numbers = new TreeSet<>();
            for (L1Status status : statuses) {
                for (long number : batchNumbersByStatus.get(Objects.requireNonNull(status, "statuses element"))) {
                    if (numbers.size() >= maxCount && number > numbers.last()) {
                        break;
                    }
                    numbers.add(number);
                    if (numbers.size() > maxCount) {
                        numbers.pollLast();
                    }
                }
            }
            List<StoredBatch> result = new ArrayList<>(numbers.size());
            for (long number : numbers) {
                result.add(batches.get((int) (number - 1)));
            }
            return List.copyOf(result);
        }
    }

    @Override
    public BatchCounts countBatches() {
        synchronized (lock) {
            ensureOpen();
            return new BatchCounts(
                    batchNumbersByStatus.get(L1Status.COMMITTED).size(),
                    batchNumbersByStatus.get(L1Status.POSTED).size(),
                    batchNumbersByStatus.get(L1Status.INCLUDED).size(),
                    batchNumbersByStatus.get(L1Status.CONFIRMED).size(),
                    batchNumbersByStatus.get(L1Status.FAILED).size());
        }
    }

    // ---- forced inclusion ------------------------------------------------------------------------------------

    @Override
    public WriteOutcome saveCursor(long callerTerm, String name, long value) {
        StorageArguments.requireTerm(callerTerm);
        StorageArguments.requireWritableCursorName(name);
        StorageArguments.requireNonNegative(value, "value");
        synchronized (lock) {
            WriteFault fault = beginWrite();
            if (term != callerTerm) {
                return endWrite(fault, new Fenced(term));
            }
            cursors.put(name, value);
            return endWrite(fault, new Written());
        }
    }

    @Override
    public long readCursor(String name) {
        StorageArguments.requireCursorName(name);
        synchronized (lock) {
            ensureOpen();
            return cursors.getOrDefault(name, 0L);
        }
    }

    @Override
    public WriteOutcome saveSetting(long callerTerm, String name, String value) {
        StorageArguments.requireTerm(callerTerm);
        StorageArguments.requireCursorName(name);
        StorageArguments.requireSettingValue(value);
        synchronized (lock) {
            WriteFault fault = beginWrite();
            if (term != callerTerm) {
                return endWrite(fault, new Fenced(term));
            }
            settings.put(name, value);
            return endWrite(fault, new Written());
        }
    }

    @Override
    public Optional<String> readSetting(String name) {
        StorageArguments.requireCursorName(name);
        synchronized (lock) {
            ensureOpen();
            return Optional.ofNullable(settings.get(name));
        }
    }

    @Override
    public WriteOutcome saveForcedTicket(long callerTerm, ForcedTicket ticket) {
        StorageArguments.requireTerm(callerTerm);
        Objects.requireNonNull(ticket, "ticket");
        synchronized (lock) {
            WriteFault fault = beginWrite();
            if (term != callerTerm) {
                return endWrite(fault, new Fenced(term));
            }
            HashKey key = new HashKey(ticket.txHash());
            if (forcedTickets.containsKey(key)) {
                return endWrite(fault, ForcedTicket.duplicateConflict(ticket.txHash()));
            }
            forcedTickets.put(key, ticket);
            return endWrite(fault, new Written());
        }
    }

    @Override
    public Optional<ForcedTicket> findForcedTicket(byte[] txHash) {
        StorageArguments.requireHash(txHash, "txHash");
        synchronized (lock) {
            ensureOpen();
            return Optional.ofNullable(forcedTickets.get(new HashKey(txHash)));
        }
    }

    @Override
    public List<ForcedTicket> listForcedTickets(String account, int maxCount) {
        Objects.requireNonNull(account, "account");
        StorageArguments.requireMaxCount(maxCount);
        synchronized (lock) {
            ensureOpen();
            return forcedTickets.values().stream()
                    .filter(ticket -> ticket.account().equals(account))
                    .sorted((a, b) -> Long.compare(b.inboxIndex(), a.inboxIndex()))
                    .limit(maxCount)
                    .toList();
        }
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    // ---- internals -------------------------------------------------------------------------------------------

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("storage is closed");
        }
    }

    /** Opens a write: checks the store is open and takes the next injected fault, if any. Holds lock. */
    private WriteFault beginWrite() {
        ensureOpen();
        if (injectedFaultsLeft == 0) {
            return null;
        }
        injectedFaultsLeft--;
        switch (injectedFault) {
            case FAIL:
                throw new StorageException("injected write failure (nothing applied)");
            case FAIL_TRANSIENT:
                throw new TransientStorageException("injected transient write failure (nothing applied)");
            default:
                return injectedFault;
        }
    }

    /** Closes a write: returns its outcome, or throws if an apply-then-fail fault was taken. Holds lock. */
    private static <T> T endWrite(WriteFault fault, T outcome) {
        if (fault == WriteFault.APPLY_THEN_FAIL) {
            throw new StorageException("injected failure after the write was applied (acknowledgement lost)");
        }
        return outcome;
    }

    private SequenceState sequenceState() {
        return new SequenceState(txCount + 1L, nextUnbatchedSeq, batches.size() + 1, headBatchHash);
    }

    /** The stored tx with sequence number {@code seq}, {@code 1 .. txCount}, as a new record. Holds lock. */
    private StoredTx storedTx(int seq) {
        int i = seq - 1;
        return new StoredTx(seq, txHashes[i], canonicalTxs[i], admittedMs[i]);
    }

    /**
     * Makes room for {@code more} txs beyond the stored ones, in the columns and in the index, growing them by
     * doubling (at least), so that storing them allocates nothing. Holds lock.
     *
     * @throws StorageException if the store would then hold more than {@link #MAX_TXS} txs (nothing changed)
     */
    private void reserveTxs(int more) {
        long needed = (long) txCount + more;
        if (needed > MAX_TXS) {
            throw new StorageException("in-memory storage holds at most " + MAX_TXS + " txs: " + txCount
                    + " are stored and the append has " + more);
        }
        if (needed > txHashes.length) {
            int capacity = (int) Math.min(MAX_TXS, Math.max(needed, 2L * txHashes.length));
            txHashes = Arrays.copyOf(txHashes, capacity);
            canonicalTxs = Arrays.copyOf(canonicalTxs, capacity);
            admittedMs = Arrays.copyOf(admittedMs, capacity);
        }
        if (needed > txIndex.length / 2) {
            int length = txIndex.length;
            while (length / 2 < needed) {
                length *= 2; // at most 2 * MAX_TXS = 1 << 30: no overflow
            }
            rebuildIndex(length);
        }
    }

    /** Replaces the index by one of {@code length} slots (a power of two) holding every stored tx. Holds lock. */
    private void rebuildIndex(int length) {
        int[] index = new int[length];
        int mask = length - 1;
        for (int seq = 1; seq <= txCount; seq++) {
            // the stored hashes are distinct: each goes to the first empty slot of its probe sequence
            int slot = indexHash(txHashes[seq - 1]) & mask;
            while (index[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            index[slot] = seq;
        }
        txIndex = index;
    }

    /**
     * The slot of the index that holds the tx with hash {@code txHash}, or else the empty slot where it would go:
     * linear probing from its {@link #indexHash}, comparing stored hashes by content (an equal index hash proves
     * nothing). Ends because the index is never more than half full. Holds lock.
     */
    private int txSlot(byte[] txHash) {
        int mask = txIndex.length - 1;
        int slot = indexHash(txHash) & mask;
        while (true) {
            int seq = txIndex[slot];
            if (seq == 0 || Arrays.equals(txHashes[seq - 1], txHash)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Where a 32-byte tx hash starts probing in the index (its low bits are used). Real tx hashes are uniform, but
     * tests and tools use structured ones (a counter in a few bytes, zeros elsewhere, often the same first 8
     * bytes), so all 32 bytes are read and mixed with MurmurHash3's 64-bit finaliser: every input bit reaches the
     * low bits, and txs numbered in sequence do not pile up in one cluster.
     */
    static int indexHash(byte[] txHash) {
        long h = (long) HASH_WORDS.get(txHash, 0);
        h = h * 0x9e3779b97f4a7c15L + (long) HASH_WORDS.get(txHash, 8);
        h = h * 0x9e3779b97f4a7c15L + (long) HASH_WORDS.get(txHash, 16);
        h = h * 0x9e3779b97f4a7c15L + (long) HASH_WORDS.get(txHash, 24);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }

    /** The elements numbered {@code [from, from + maxCount)} of a list whose index i holds number i + 1. */
    private static <T> List<T> slice(List<T> numbered, long from, int maxCount) {
        if (from > numbered.size()) {
            return List.of();
        }
        int start = (int) (from - 1);
        int end = (int) Math.min(numbered.size(), (long) start + maxCount);
        return numbered.subList(start, end);
    }

    /** A batch hash as a map key, compared by content. The array is never mutated (hand-over rule). */
    private static final class HashKey {
        private final byte[] bytes;
        private final int hash;

        HashKey(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HashKey other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
