package org.ippan.l2.core.admission;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ippan.l2.core.internal.Unshared;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.AppendedTx;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.NewTx;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;

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
        List<NewTx> toStore = new ArrayList<>(txs.size());
        int[] storedIndex = new int[txs.size()];
        Hash[] hashes = new Hash[txs.size()];
        Unshared.Wire wire = Unshared.wire();
        for (int i = 0; i < txs.size(); i++) {
            Tx tx = txs.get(i);
            Optional<Refusal> refusal = rules.check(tx);
            if (refusal.isPresent()) {
                results[i] = new SubmitResult.Refused(refusal.get());
                continue;
            }
            hashes[toStore.size()] = tx.hash();
            storedIndex[toStore.size()] = i;
            // the tx's own arrays, not copies: storage records are hand-overs that nobody mutates
            toStore.add(new NewTx(wire.bytes(tx.hash()), wire.encoding(tx), nowMs));
        }
        if (!toStore.isEmpty()) {
            SubmitResult[] stored = store(term, toStore, hashes);
            for (int j = 0; j < stored.length; j++) {
                results[storedIndex[j]] = stored[j];
            }
        }
        return List.of(results);
    }

    private SubmitResult[] store(long term, List<NewTx> toStore, Hash[] hashes) {
        SubmitResult[] out = new SubmitResult[toStore.size()];
        AppendOutcome outcome;
        try {
            outcome = storage.appendTxs(term, toStore);
        } catch (StorageException e) {
            java.util.Arrays.fill(out, SubmitResult.Refused.of(RefusalCode.UNAVAILABLE,
                    "storage failed, nothing was accepted: " + e.getMessage()));
            return out;
        }
        if (outcome instanceof Fenced fenced) {
            java.util.Arrays.fill(out, SubmitResult.Refused.of(RefusalCode.NOT_LEADER, "term " + term
                    + " is superseded by term " + fenced.storedTerm() + " in storage; this node no longer leads"));
            return out;
        }
        List<AppendedTx> appended = ((Appended) outcome).txs();
        for (int j = 0; j < out.length; j++) {
            AppendedTx a = appended.get(j);
            out[j] = new SubmitResult.Accepted(hashes[j], a.seq(), a.duplicate());
        }
        return out;
    }
}
