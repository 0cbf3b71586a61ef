package org.ippan.l2.core.admission;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ippan.l2.core.internal.Unshared;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.TxAppend;

/**
 * Durable admission of a group of txs: the {@link AdmissionRules} first, then one atomic, term-conditional storage
 * write for every admissible tx of the group (group commit). Storage assigns the admission sequence numbers in
 * that write, in the group's order, and recognises duplicates by tx hash, so a tx is acknowledged only once it is
 * durable, with the number that fixes its place in the batches.
 *
 * <p>Failures are answers, not exceptions: a term superseded in storage refuses the group with
 * {@link RefusalCode#NOT_LEADER}, a failing store with {@link RefusalCode#UNAVAILABLE}; in both cases nothing of
 * the group was stored. Not thread-safe by itself: callers serialise calls (the engine batches concurrent
 * submissions into one call).
 */
public final class TxAdmission {
    private final AdmissionRules rules;
    private final Storage storage;

    /**
     * @param rules the admission rules
     * @param storage where admitted txs are stored
     */
    public TxAdmission(AdmissionRules rules, Storage storage) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    /**
     * Admits {@code txs} as one group.
     *
     * @param term the leader's term; the write is refused if storage holds another
     * @param txs the txs, in the order they are to be sequenced
     * @param nowMs wall-clock ms now, stored as every tx's admission time
     * @return one result per tx, in input order
     */
    public List<SubmitResult> admit(long term, List<Tx> txs, long nowMs) {
        SubmitResult[] results = new SubmitResult[txs.size()];
        TxAppend toStore = new TxAppend(txs.size());
        int[] storedIndex = new int[txs.size()];
        Unshared.Wire wire = Unshared.wire();
        for (int i = 0; i < txs.size(); i++) {
            Tx tx = txs.get(i);
            Optional<Refusal> refusal = rules.check(tx);
            if (refusal.isPresent()) {
                results[i] = new SubmitResult.Refused(refusal.get());
                continue;
            }
            storedIndex[toStore.size()] = i;
            // the tx's own arrays, not copies: storage hand-overs that nobody mutates
            toStore.add(wire.bytes(tx.hash()), wire.encoding(tx), nowMs);
        }
        if (!toStore.isEmpty()) {
            store(term, toStore, txs, storedIndex, results);
        }
        return List.of(results);
    }

    private void store(long term, TxAppend toStore, List<Tx> txs, int[] storedIndex, SubmitResult[] results) {
        AppendOutcome outcome;
        SubmitResult refused = null;
        try {
            outcome = storage.appendTxs(term, toStore);
            if (outcome instanceof Fenced fenced) {
                refused = SubmitResult.Refused.of(RefusalCode.NOT_LEADER, "term " + term
                        + " is superseded by term " + fenced.storedTerm() + " in storage; this node no longer leads");
            }
        } catch (StorageException e) {
            refused = SubmitResult.Refused.of(RefusalCode.UNAVAILABLE,
                    "storage failed, nothing was accepted: " + e.getMessage());
        }
        if (refused == null) {
            toStore.requireResults();
        }
        for (int j = 0; j < toStore.size(); j++) {
            int i = storedIndex[j];
            results[i] = refused != null ? refused
                    : new SubmitResult.Accepted(txs.get(i).hash(), toStore.seq(j), toStore.isDuplicate(j));
        }
    }
}
