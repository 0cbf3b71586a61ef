package org.ippan.l2.storage;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sequencer's durable state: the leadership record, the admitted txs with their sequence numbers, the
 * batches cut from them and each batch's L1 state. See the package documentation for the design.
 *
 * <h2>Writes</h2>
 * Leader writes ({@link #claimTerm}, {@link #heartbeat}, {@link #appendTxs}, {@link #commitBatch},
 * {@link #updateL1State}, {@link #pruneConfirmed}) are each one atomic write: the condition is checked and the change applied together,
 * all or nothing, and the change is durable when the method returns. A write whose term differs from the stored
 * term answers {@link Fenced} and writes nothing. Implementations are thread-safe; writes are linearizable.
 *
 * <h2>Failures</h2>
 * A failing call throws {@link StorageException}, a {@link TransientStorageException} when a retry may succeed.
 * A failed write is never applied in part, and normally not at all. An adapter that cannot know whether its
 * commit landed (the store's acknowledgement was lost) also throws {@code StorageException}; every write is
 * safe to re-send and the answer tells: re-sent txs come back as duplicates with their sequence numbers, a
 * re-sent batch is a {@link Conflict} and {@link #findBatchByNumber} shows it, the other writes are idempotent.
 * Invalid arguments throw {@link NullPointerException} or {@link IllegalArgumentException} naming the parameter
 * (the checks of {@link StorageArguments}), before the store is touched.
 *
 * <h2>Lifecycle</h2>
 * After {@link #close()}, every call but {@code close} throws {@link StorageException} ("storage is closed").
 */
public interface Storage extends AutoCloseable {

    // ---- leadership ------------------------------------------------------------------------------------------

    /**
     * Claims {@code term} for {@code leaderId}, as one compare-and-set. Refused if the stored term is higher, or
     * equal and held by a different leader (the operator must bump the term). Otherwise the store then holds
     * {@code term}, {@code leaderId} and {@code nowMs} as last heartbeat; re-claiming one's own term succeeds
     * (the rule of {@link TermRules}).
     *
     * @param term     the term to claim, at least 0
     * @param leaderId the claiming leader
     * @param nowMs    wall-clock ms now, stored as the last heartbeat
     * @return {@link TermGranted} with the previously stored term and leader, or {@link TermRefused} with the
     *         stored term and leader (nothing written)
     */
    TermClaim claimTerm(long term, String leaderId, long nowMs);

    /**
     * Reads the leadership record.
     *
     * @return the stored term, leader and last heartbeat; term 0, null leader and heartbeat 0 on a fresh store
     */
    LeaderRecord readLeader();

    /**
     * Records a heartbeat of the leader holding {@code term}.
     *
     * @param term  the caller's term
     * @param nowMs wall-clock ms now, stored as the last heartbeat
     * @return {@link Written}, or {@link Fenced} if the stored term differs (never {@link Conflict})
     */
    WriteOutcome heartbeat(long term, long nowMs);

    // ---- admission -------------------------------------------------------------------------------------------

    /**
     * Admits txs in one atomic, all-or-nothing write conditional on the term (group commit). Each tx, in order,
     * gets the next sequence number, unless a tx with its hash is already stored or came earlier in the call: then
     * it is a duplicate, nothing is stored for it and its existing number is reported. The results are reported
     * into {@code txs} ({@link TxAppend#stored}, {@link TxAppend#duplicate}), one per tx, so a group makes no
     * object per tx. Once this returns {@link Appended}, the txs are durable and may be acknowledged.
     * The txs one call stores get consecutive sequence numbers. If {@code txs} carries a {@link GroupSeal} and the
     * call stores at least one tx, the seal is made inside the write ({@link TxAppend#sealStored}) and stored with
     * the group in the same atomic write; a seal that throws rolls the write back and its exception reaches the
     * caller.
     *
     * @param term the caller's term
     * @param txs  the txs to admit, which receive their results; may be empty
     * @return {@link Appended} with a result reported for every tx of {@code txs}, or {@link Fenced} if the
     *         stored term differs (nothing written)
     */
    AppendOutcome appendTxs(long term, TxAppend txs);

    /**
     * Finds an admitted tx by hash.
     *
     * @param txHash the tx hash, 32 bytes
     * @return the stored tx, or empty if none has that hash
     */
    Optional<StoredTx> findTx(byte[] txHash);

    /**
     * Reads admitted txs by sequence number: pending txs from {@link SequenceState#nextUnbatchedSeq()}, or a
     * batch's txs from its {@code firstSeq}.
     *
     * @param fromSeq  the first seq to read, at least 1
     * @param maxCount the most txs to return, at least 1
     * @return the txs with seq in {@code [fromSeq, fromSeq + maxCount)} that exist, ascending by seq; empty if
     *         {@code fromSeq} is past the last admitted tx
     */
    List<StoredTx> readTxs(long fromSeq, int maxCount);

    /**
     * Finds the seal stored with the group of txs that holds a tx (see {@link GroupSeal}).
     *
     * @param seq the tx's sequence number, at least 1
     * @return the sealed group whose range holds {@code seq}, or empty if the tx is not admitted or was admitted
     *         by a call without a seal
     */
    Optional<SealedGroup> findSealedGroup(long seq);

    /**
     * Reads where admission and batching stand.
     *
     * @return the next seq, the next unbatched seq, the next batch number and the head batch hash
     */
    SequenceState readSequenceState();

    // ---- batches ---------------------------------------------------------------------------------------------

    /**
     * Stores a newly cut batch with L1 status {@link L1Status#COMMITTED} (updated at its {@code createdMs}) and,
     * in the same atomic write, advances the next unbatched seq by {@code txCount}, the next batch number by 1 and
     * the head batch hash to the batch's hash. Applied only if the stored term equals {@code term} and the batch
     * extends the stored state exactly: its number is the next batch number, its first seq is the next unbatched
     * seq, its txs are all admitted ({@code firstSeq + txCount <= nextSeq}), its previous hash is the head
     * batch hash, and no stored batch has its hash: the rules of {@link BatchChainRules}, which every adapter
     * applies after the term check.
     *
     * @param term  the caller's term; must equal {@code batch.term()}
     * @param batch the batch
     * @return {@link Committed} with the new sequence state, {@link Fenced} if the stored term differs, or
     *         {@link Conflict} saying which expectation failed (nothing written in either refusal)
     * @throws IllegalArgumentException if {@code batch.term() != term}
     */
    CommitOutcome commitBatch(long term, NewBatch batch);

    /**
     * Replaces a batch's L1 state, conditional on the term. Storage does not judge the transition.
     *
     * @param term        the caller's term
     * @param batchNumber the batch's number, at least 1
     * @param state       its new L1 state
     * @return {@link Written}, {@link Fenced} if the stored term differs, or {@link Conflict} if no batch has
     *         that number ({@link BatchChainRules#l1UpdateConflict}; nothing written in either refusal)
     */
    WriteOutcome updateL1State(long term, long batchNumber, BatchL1State state);

    /**
     * Finds a batch by hash.
     *
     * @param batchHash the batch hash, 32 bytes
     * @return the batch, or empty if none has that hash
     */
    Optional<StoredBatch> findBatch(byte[] batchHash);

    /**
     * Finds a batch by number.
     *
     * @param batchNumber the batch number, at least 1
     * @return the batch, or empty if none has that number
     */
    Optional<StoredBatch> findBatchByNumber(long batchNumber);

    /**
     * Finds the batch that holds a tx.
     *
     * @param seq the tx's sequence number, at least 1
     * @return the batch whose range {@code [firstSeq, firstSeq + txCount)} holds {@code seq}, or empty if the tx
     *         is not batched (pending or not admitted)
     */
    Optional<StoredBatch> findBatchContaining(long seq);

    /**
     * Lists batches by number.
     *
     * @param fromNumber the first batch number to list, at least 1
     * @param maxCount   the most batches to return, at least 1
     * @return the batches numbered from {@code fromNumber} on, ascending, at most {@code maxCount}; empty past
     *         the last batch
     */
    List<StoredBatch> listBatches(long fromNumber, int maxCount);

    /**
     * Lists the batches in some L1 statuses, lowest numbers first (what the poster and reconciler work on).
     *
     * @param statuses the statuses to include; an empty set gives an empty list
     * @param maxCount the most batches to return, at least 1
     * @return the lowest-numbered batches whose status is in {@code statuses}, ascending by number, at most
     *         {@code maxCount}
     */
    List<StoredBatch> listBatchesInStatus(Set<L1Status> statuses, int maxCount);

    /**
     * Counts batches per L1 status.
     *
     * @return the number of batches in each status
     */
    BatchCounts countBatches();

    /**
     * Prunes the bulky data of confirmed batches (retention), as one atomic write conditional on the term: of the
     * batches in status {@link L1Status#CONFIRMED} numbered at most {@code throughBatchNumber} and not yet pruned,
     * the lowest-numbered, at most {@code maxBatches}, lose their L1 request body ({@link NewBatch#l1Envelope()}
     * reads as empty) and the canonical encodings of their txs ({@link StoredTx#canonicalTx()} reads as empty).
     * Everything else stays: each tx's seq, hash and admission time (so a re-sent tx is still a duplicate and
     * {@link #findTx} still finds it), each batch's hashes, number, range and L1 state. A batch in any other
     * status is never pruned; pruning cannot be undone. See {@link StoredBatch#pruned()} and
     * {@link StoredTx#bodyPruned()}.
     *
     * @param term               the caller's term
     * @param throughBatchNumber the highest batch number that may be pruned, at least 0 (0 prunes nothing)
     * @param maxBatches         the most batches to prune in this call, at least 1
     * @return {@link Pruned} with how many batches were pruned (0 when none was due), or {@link Fenced} if the
     *         stored term differs (nothing written)
     */
    PruneOutcome pruneConfirmed(long term, long throughBatchNumber, int maxBatches);

    /**
     * The cursor ({@link #readCursor}) holding the number of the last forgotten batch ({@link #forgetConfirmed}), 0
     * when none was; only {@code forgetConfirmed} writes it ({@link #saveCursor} refuses the name), in the same
     * atomic write that forgets the batches.
     */
    String FORGOTTEN_THROUGH_CURSOR = "retention.forgotten-through";

    /**
     * Forgets confirmed batches whole (the duplicate window of retention), as one atomic write conditional on the
     * term: the batches numbered from the one after {@link #FORGOTTEN_THROUGH_CURSOR} upwards, in order, at most
     * {@code maxBatches}, up to {@code throughBatchNumber} and stopping before the first one not in
     * {@link L1Status#CONFIRMED}, are removed with everything of theirs: the batch (no {@code findBatch*} or listing
     * returns it), its txs (no {@link #findTx} or {@link #readTxs} returns them, and a tx with the same hash is new
     * again to {@link #appendTxs}), and every group seal ({@link #findSealedGroup}) whose range starts in or below
     * them, even one reaching into a later batch. The cursor moves to the last forgotten batch in the same write.
     * The chain itself ({@link #readSequenceState}) is unchanged: the head, the next numbers and every later batch's
     * link stay as they are. Forgetting cannot be undone.
     *
     * @param term               the caller's term
     * @param throughBatchNumber the highest batch number that may be forgotten, at least 0 (0 forgets nothing)
     * @param maxBatches         the most batches to forget in this call, at least 1
     * @return {@link Pruned} with how many batches were forgotten (0 when none was due), or {@link Fenced} if the
     *         stored term differs (nothing written)
     */
    PruneOutcome forgetConfirmed(long term, long throughBatchNumber, int maxBatches);

    // ---- forced inclusion ------------------------------------------------------------------------------------

    /** The longest cursor name, in characters ({@link #saveCursor}). */
    int MAX_CURSOR_NAME_LENGTH = 64;

    /**
     * Records a named position (for example how far the leader has read the L1 forced-inclusion inbox, named
     * {@code "forced-inbox"}), as one write conditional on the term, so that a new leader resumes from it. The
     * value replaces the stored one, whatever it was.
     *
     * @param term  the caller's term
     * @param name  the cursor's name: 1 to {@value #MAX_CURSOR_NAME_LENGTH} characters of {@code [A-Za-z0-9._-]}
     * @param value the position, at least 0
     * @return {@link Written}, or {@link Fenced} if the stored term differs (nothing written; never
     *         {@link Conflict})
     */
    WriteOutcome saveCursor(long term, String name, long value);

    /**
     * Reads a named position.
     *
     * @param name the cursor's name (as for {@link #saveCursor})
     * @return the stored value, 0 when it was never written
     */
    long readCursor(String name);

    /** The longest setting value, in characters ({@link #saveSetting}). */
    int MAX_SETTING_VALUE_LENGTH = 4096;

    /**
     * Records a named setting (for example the run-time limits an operator set, so that a restarted or new leader
     * applies them), as one write conditional on the term. The value replaces the stored one, whatever it was; the
     * format of the value belongs to the caller.
     *
     * @param term  the caller's term
     * @param name  the setting's name: 1 to {@value #MAX_CURSOR_NAME_LENGTH} characters of {@code [A-Za-z0-9._-]}
     * @param value the value, at most {@value #MAX_SETTING_VALUE_LENGTH} characters
     * @return {@link Written}, or {@link Fenced} if the stored term differs (nothing written; never
     *         {@link Conflict})
     */
    WriteOutcome saveSetting(long term, String name, String value);

    /**
     * Reads a named setting.
     *
     * @param name the setting's name (as for {@link #saveSetting})
     * @return the stored value, empty when it was never written
     */
    Optional<String> readSetting(String name);

    /**
     * Stores a forced-inclusion ticket, as one write conditional on the term.
     *
     * @param term   the caller's term
     * @param ticket the ticket
     * @return {@link Written}; {@link Fenced} if the stored term differs; {@link Conflict} if a ticket for the
     *         same tx hash is stored (nothing written in either refusal)
     */
    WriteOutcome saveForcedTicket(long term, ForcedTicket ticket);

    /**
     * Finds a forced-inclusion ticket by its tx hash.
     *
     * @param txHash the tx hash, 32 bytes
     * @return the ticket as it was saved, or empty
     */
    Optional<ForcedTicket> findForcedTicket(byte[] txHash);

    /**
     * Lists an account's forced-inclusion tickets, <b>newest first</b> (by descending inbox index).
     *
     * @param account  the account (a ticket's {@link ForcedTicket#account()})
     * @param maxCount the most tickets to return, at least 1
     * @return the account's tickets with the highest inbox indexes, descending, at most {@code maxCount}
     */
    List<ForcedTicket> listForcedTickets(String account, int maxCount);

    // ---- lifecycle -------------------------------------------------------------------------------------------

    /**
     * Releases the store's resources. Idempotent. Later calls of any other method throw
     * {@link StorageException}.
     *
     * @throws StorageException if releasing failed
     */
    @Override
    void close();
}
