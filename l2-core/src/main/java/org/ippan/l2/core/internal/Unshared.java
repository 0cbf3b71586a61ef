package org.ippan.l2.core.internal;

import java.lang.invoke.MethodHandles;
import java.util.List;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;

/**
 * Read access, for core code in other packages, to the arrays and parts that the immutable core types keep private,
 * so that the hot path can hash, encode and hand them over without copying them first (the JDK's {@code SharedSecrets}
 * pattern: each type registers its accessor from its static initializer). Not exported.
 *
 * <p>Whoever takes an array here never mutates it, and hands it on only to a receiver bound by the same promise:
 * the storage records ({@code NewTx}, {@code NewBatch}) and the L1 submission say "the arrays are not copied: after
 * handing them over, neither side mutates them".
 */
public final class Unshared {
    /** The wire types' arrays. */
    public interface Wire {
        /** @return the array holding {@code canonical(Tx)} */
        byte[] encoding(Tx tx);

        /**
         * Writes the lowercase ASCII hex of {@code canonical(Batch)} into {@code out} at {@code offset}, from the
         * txs' own bytes when the batch has not assembled its encoding.
         */
        void encodeHexTo(Batch batch, byte[] out, int offset);

        /** @return the array holding the hash's 32 bytes */
        byte[] bytes(Hash hash);

        /** @return a batch of {@code txs}, which it keeps without a copy: the array is handed over for good */
        Batch batchOfOwnedArray(long chainId, long batchNumber, Tx[] txs, long createdMs);
    }

    /** The envelope types' parts. */
    public interface Envelopes {
        /** @return the length of {@code canonical(BatchEnvelope)} */
        int encodedSize(BatchEnvelope envelope);

        /**
         * Writes the base64url (no padding) of {@code canonical(BatchEnvelope)} into {@code dst} at {@code at}, from
         * the envelope's parts, without assembling the encoding.
         *
         * @return the offset just past what was written
         */
        int encodeBase64Url(BatchEnvelope envelope, byte[] dst, int at);
    }

    /** Write access to {@code SubmitResults}, for the engine that answers a bulk submission. */
    public interface Admission {
        /** Empties {@code results} and sizes it for {@code txs}, every answer pending. */
        void reset(SubmitResults results, List<Tx> txs);

        /** @return true if tx {@code i} has no answer yet */
        boolean isPending(SubmitResults results, int i);

        /** Answers tx {@code i}: accepted with {@code seq}, as a duplicate or not. */
        void accept(SubmitResults results, int i, long seq, boolean duplicate);

        /** Answers tx {@code i}: refused. */
        void refuse(SubmitResults results, int i, Refusal refusal);
    }

    private static volatile Wire wire;
    private static volatile Envelopes envelopes;
    private static volatile Admission admission;

    private Unshared() {}

    /** Called once, by the wire types' static initializer. */
    public static void register(Wire access) {
        wire = access;
    }

    /** Called once, by the envelope types' static initializer. */
    public static void register(Envelopes access) {
        envelopes = access;
    }

    /** Called once, by {@code SubmitResults}' static initializer. */
    public static void register(Admission access) {
        admission = access;
    }

    /** @return the write accessor of {@code SubmitResults} */
    public static Admission admission() {
        Admission access = admission;
        if (access == null) {
            initialize(SubmitResults.class);
            access = admission;
        }
        return access;
    }

    /** @return the wire types' accessor */
    public static Wire wire() {
        Wire access = wire;
        if (access == null) {
            initialize(Tx.class);
            access = wire;
        }
        return access;
    }

    /** @return the envelope types' accessor */
    public static Envelopes envelopes() {
        Envelopes access = envelopes;
        if (access == null) {
            initialize(BatchEnvelope.class);
            access = envelopes;
        }
        return access;
    }

    private static void initialize(Class<?> type) {
        try {
            MethodHandles.lookup().ensureInitialized(type);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot initialize " + type.getName(), e);
        }
    }
}
