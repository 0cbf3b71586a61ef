package org.ippan.l2.core.engine;

import java.util.Objects;
import java.util.Optional;
import org.ippan.l2.core.admission.AdmissionRules;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.core.wire.WireFormatException;
import org.ippan.l2.l1.ForcedTxCheck;

/**
 * What an L1 forced-inclusion inbox must check before it records a tx for a chain, so that the leader can always
 * admit what the inbox holds: the bytes decode as a v1 tx ({@link Tx#decode}) and the tx passes the chain's
 * {@link AdmissionRules} (chain id, payload size, {@code from}, fits a batch). A devnet L1 or a
 * {@link org.ippan.l2.l1.memory.SimulatedL1} applies it through the L1 port's {@link ForcedTxCheck}.
 */
public final class ForcedInboxRules implements ForcedTxCheck {
    private final AdmissionRules rules;

    /**
     * @param rules the chain's admission rules
     */
    public ForcedInboxRules(AdmissionRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /**
     * The rules of the chain a sequencer configuration describes.
     *
     * @param config the configuration
     * @return its inbox rules
     */
    public static ForcedInboxRules of(SequencerConfig config) {
        return new ForcedInboxRules(new AdmissionRules(config.chainId(), config.maxTxSize(), config.batchLimits()));
    }

    /**
     * Decodes and checks a tx.
     *
     * @param canonicalTx the tx's bytes
     * @return the decoded tx
     * @throws IllegalArgumentException naming the problem: not a v1 tx (with the wire rule broken), or the
     *         admission refusal's code and message
     */
    public Tx decode(byte[] canonicalTx) {
        Objects.requireNonNull(canonicalTx, "canonicalTx");
        Tx tx;
        try {
            tx = Tx.decode(canonicalTx);
        } catch (WireFormatException e) {
            throw new IllegalArgumentException("not a v1 tx: " + e.getMessage(), e);
        }
        Optional<Refusal> refusal = rules.check(tx);
        if (refusal.isPresent()) {
            throw new IllegalArgumentException(refusal.get().code() + ": " + refusal.get().message());
        }
        return tx;
    }

    /**
     * @return the tx's hash, once {@link #decode} found it admissible
     * @throws IllegalArgumentException as {@link #decode}
     */
    @Override
    public byte[] check(byte[] canonicalTx) {
        return decode(canonicalTx).hash().toBytes();
    }

    /** @return the admission rules applied */
    public AdmissionRules rules() {
        return rules;
    }
}
