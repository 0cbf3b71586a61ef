package org.ippan.l2.core.internal;

import java.lang.invoke.MethodHandles;
import java.util.List;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.EnvelopeSigner;
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
 *
 * <p>It also gives the engine a few internal twins of public operations that work in state the caller owns and
 * reuses ({@link EnvelopeBuffer} with {@link Contract}, {@link Admission}): they are borrowed, single-threaded
 * objects that must never escape the step that uses them.
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
        /** @return {@code canonical(envelope)} as the L1 request writes it, from the envelope's parts */
        EnvelopeBytes bytes(BatchEnvelope envelope);

        /** @return a new, empty {@link EnvelopeBuffer}, for one batcher to reuse for every batch it cuts */
        EnvelopeBuffer newBuffer();
    }

    /**
     * {@code canonical(BatchEnvelope)} as the L1 request body needs it: its length, and its base64url written in
     * place, never assembled first.
     */
    public interface EnvelopeBytes {
        /** @return the length of {@code canonical(BatchEnvelope)} */
        int encodedSize();

        /**
         * Writes the base64url (no padding) of {@code canonical(BatchEnvelope)} into {@code dst} at {@code at}.
         *
         * @return the offset just past what was written
         */
        int encodeBase64Url(byte[] dst, int at);
    }

    /**
     * The batch envelope of one batch at a time, built in a byte buffer that this object owns and reuses for the
     * next batch (growing it when a larger batch needs it): the batcher's way to sign, hash and base64-encode a
     * batch without allocating its signed message, {@code SIGNING_DOMAIN || canonical(BatchPayload)}, per batch.
     * It gives the same bytes as {@code BatchPayload.of}, {@code BatchEnvelope.sign} / {@code unsigned} and
     * {@code L2BatchEnvelopeV1.requestForBatch}.
     *
     * <p><b>Borrowed, single-threaded.</b> What it holds is valid only until the next {@link #build}; its buffer is
     * never handed out, and it must not be shared between threads or kept by anything that outlives the one batch
     * being recorded. The arrays its accessors return are the caller's to keep: the buffer never writes them again.
     */
    public interface EnvelopeBuffer extends EnvelopeBytes {
        /**
         * Builds the envelope of {@code batch} into the buffer: the signed message, {@code envelope_hash}, the
         * signature (when {@code signer} is not null), and the rest of {@code canonical(BatchEnvelope)}.
         *
         * @param prevBatchHash the previous batch's {@code batch_hash}, {@code Hash.ZERO} for batch 1
         * @param signer the signer, or null for an unsigned envelope
         * @throws IllegalStateException if the signer answers a public key or signature of the wrong length; the
         *     buffer then holds no envelope until the next successful build
         */
        void build(Batch batch, Hash prevBatchHash, EnvelopeSigner signer);

        /** @return the {@code batch_hash} of the batch built */
        Hash batchHash();

        /** @return {@code envelope_hash} (32 bytes), an array the caller may keep */
        byte[] envelopeHash();

        /** @return {@code sequencer_pubkey} (empty when unsigned), an array the caller may keep */
        byte[] sequencerPubkey();

        /** @return {@code sequencer_sig} (empty when unsigned), an array the caller may keep */
        byte[] sequencerSig();
    }

    /** The L1 contract's request for a batch whose envelope is in an {@link EnvelopeBuffer}. */
    public interface Contract {
        /**
         * The same body and key as {@code L2BatchEnvelopeV1.requestForBatch(batch, envelope, hub, fee)} for the
         * envelope held by {@code envelope}; the body is a new array, the buffer's bytes are only read.
         *
         * @throws IllegalArgumentException if the envelope is not the batch's
         */
        L2BatchEnvelopeV1.Request request(Batch batch, EnvelopeBuffer envelope, Hub hub, long fee);
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
    private static volatile Contract contract;

    private Unshared() {}

    /** Called once, by the wire types' static initializer. */
    public static void register(Wire access) {
        wire = access;
    }

    /** Called once, by the envelope types' static initializer. */
    public static void register(Envelopes access) {
        envelopes = access;
    }

    /** Called once, by {@code L2BatchEnvelopeV1}'s static initializer. */
    public static void register(Contract access) {
        contract = access;
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

    /** @return the L1 contract's accessor */
    public static Contract contract() {
        Contract access = contract;
        if (access == null) {
            initialize(L2BatchEnvelopeV1.class);
            access = contract;
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
