package org.ippan.l2.core.envelope;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.ippan.l2.core.internal.Base64Url;
import org.ippan.l2.core.internal.MalformedWireException;
import org.ippan.l2.core.internal.WireReader;
import org.ippan.l2.core.internal.WireWriter;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.WireFormatException;

/**
 * A batch envelope (wire format v1 §4):
 * <pre>
 * BatchEnvelope { version: string "v1", payload: BatchPayload,
 *                 sequencer_pubkey: hex string, sequencer_sig: hex string, envelope_hash: hex string }
 * canonical = 01 00 || str("v1") || body(BatchPayload) || str(hex(pubkey)) || str(hex(sig)) || str(hex(envelope_hash))
 * </pre>
 * An unsigned envelope has empty strings for the public key and the signature.
 *
 * <p>Immutable. An envelope made here ({@link #sign}, {@link #unsigned}) is consistent by construction; one that
 * was {@link #decode decoded} holds whatever its bytes said, so check it with {@link EnvelopeVerifier}.
 */
public final class BatchEnvelope implements EncodedEnvelope {
    /** The only version this library writes and reads. */
    public static final String VERSION = "v1";

    private static final byte[] EMPTY = new byte[0];
    /** What precedes {@code body(BatchPayload)}: the version prefix and the string "v1". Never mutated. */
    static final byte[] HEAD = WireWriter.ofSize(2 + 8 + VERSION.length()).versionPrefix()
            .string(VERSION.getBytes(StandardCharsets.US_ASCII)).finish();

    private final BatchPayload payload;
    private final byte[] sequencerPubkey;
    private final byte[] sequencerSig;
    private final Hash envelopeHash;
    /** What follows {@code body(BatchPayload)}: {@code str(hex(pubkey)) || str(hex(sig)) || str(hex(envelope_hash))}. */
    private final byte[] tail;
    /**
     * {@code canonical(BatchEnvelope)}, assembled on first use only: the engine never needs it whole (it base64-encodes
     * the envelope from its parts), so a 1 MiB batch is not copied once more. Volatile: it is published with its
     * contents; two threads may both assemble it, with the same bytes.
     */
    private volatile byte[] encoded;

    private BatchEnvelope(BatchPayload payload, byte[] sequencerPubkey, byte[] sequencerSig, Hash envelopeHash) {
        this.payload = payload;
        this.sequencerPubkey = sequencerPubkey;
        this.sequencerSig = sequencerSig;
        this.envelopeHash = envelopeHash;
        WireWriter w = WireWriter.ofSize(tailSize(sequencerPubkey.length, sequencerSig.length));
        writeTail(w, sequencerPubkey, sequencerSig, envelopeHash.toBytes());
        this.tail = w.finish();
    }

    /** @return the length of {@code str(hex(pubkey)) || str(hex(sig)) || str(hex(envelope_hash))} */
    static long tailSize(int pubkeyLength, int sigLength) {
        return 8 + 2L * pubkeyLength + 8 + 2L * sigLength + 8 + 2L * Hash.LENGTH;
    }

    /**
     * Writes what follows {@code body(BatchPayload)} in {@code canonical(BatchEnvelope)}:
     * {@code str(hex(pubkey)) || str(hex(sig)) || str(hex(envelope_hash))} ({@link #tailSize} bytes). Shared by the
     * constructor and {@link EnvelopeBuffer}, so the two give the same bytes.
     */
    static void writeTail(WireWriter w, byte[] pubkey, byte[] sig, byte[] envelopeHash) {
        w.hexString(pubkey, 0, pubkey.length)
                .hexString(sig, 0, sig.length)
                .hexString(envelopeHash, 0, Hash.LENGTH);
    }

    /**
     * Checks what a signer answered.
     *
     * @throws IllegalStateException if the public key or the signature has the wrong length for Ed25519
     */
    static void checkSignerOutput(EnvelopeSigner signer, byte[] publicKey, byte[] signature) {
        if (publicKey.length != EnvelopeSigner.PUBLIC_KEY_LENGTH
                || signature.length != EnvelopeSigner.SIGNATURE_LENGTH) {
            throw new IllegalStateException("signer " + signer.getClass().getName() + " answered a "
                    + publicKey.length + "-byte public key and a " + signature.length
                    + "-byte signature; Ed25519 needs 32 and 64");
        }
    }

    private byte[] encoded() {
        byte[] bytes = encoded;
        if (bytes == null) {
            WireWriter w = WireWriter.ofSize(encodedSize()).raw(HEAD);
            payload.copyBodyTo(w.array(), w.position());
            bytes = w.advance(payload.bodySize()).raw(tail).finish();
            encoded = bytes;
        }
        return bytes;
    }

    /**
     * Signs {@code payload}: {@code sequencer_sig = Ed25519(SIGNING_DOMAIN || canonical(payload))}.
     *
     * @throws IllegalStateException if the signer answers a public key or signature of the wrong length
     */
    public static BatchEnvelope sign(BatchPayload payload, EnvelopeSigner signer) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(signer, "signer");
        byte[] publicKey = signer.publicKey();
        byte[] signature = payload.signWith(signer);
        checkSignerOutput(signer, publicKey, signature);
        return new BatchEnvelope(payload, publicKey, signature, payload.envelopeHash());
    }

    /** @return the unsigned envelope of {@code payload} (empty public key and signature) */
    public static BatchEnvelope unsigned(BatchPayload payload) {
        Objects.requireNonNull(payload, "payload");
        return new BatchEnvelope(payload, EMPTY, EMPTY, payload.envelopeHash());
    }

    /**
     * Decodes {@code canonical(BatchEnvelope)} strictly: version prefix and the string "v1", lengths, lowercase hex
     * strings, a 32-byte {@code envelope_hash}, no trailing bytes. It does not check the hash or the signature:
     * that is {@link EnvelopeVerifier}'s job.
     *
     * @throws WireFormatException naming the problem; never another runtime exception
     */
    public static BatchEnvelope decode(byte[] canonical) {
        try {
            return decodeStrictly(canonical);
        } catch (MalformedWireException e) {
            throw BatchPayload.malformed(e);
        }
    }

    private static BatchEnvelope decodeStrictly(byte[] canonical) {
        WireReader r = new WireReader(canonical);
        r.readVersionPrefix("batch envelope");
        int versionAt = r.position();
        String version = r.string("envelope.version");
        if (!VERSION.equals(version)) {
            throw new WireFormatException(WireFormatException.Problem.BAD_VERSION, versionAt,
                    "envelope.version: \"" + printable(version) + "\", expected \"v1\"");
        }
        BatchPayload payload = BatchPayload.readBody(r);
        byte[] pubkey = r.hexString("envelope.sequencer_pubkey");
        byte[] sig = r.hexString("envelope.sequencer_sig");
        int hashAt = r.position();
        byte[] hash = r.hexString("envelope.envelope_hash");
        if (hash.length != Hash.LENGTH) {
            throw new WireFormatException(WireFormatException.Problem.INVALID_VALUE, hashAt,
                    "envelope.envelope_hash: " + hash.length + " bytes, expected 32");
        }
        r.expectEnd("batch envelope");
        BatchEnvelope envelope = new BatchEnvelope(payload, pubkey, sig, Hash.of(hash));
        return envelope;
    }

    private static String printable(String s) {
        String cut = s.length() > 16 ? s.substring(0, 16) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** @return {@value #VERSION} */
    public String version() {
        return VERSION;
    }

    /** @return the signed payload */
    public BatchPayload payload() {
        return payload;
    }

    /** @return true if the envelope carries a public key or a signature */
    public boolean isSigned() {
        return sequencerPubkey.length > 0 || sequencerSig.length > 0;
    }

    /** @return a copy of {@code sequencer_pubkey} (empty when unsigned) */
    public byte[] sequencerPubkey() {
        return sequencerPubkey.clone();
    }

    /** @return a copy of {@code sequencer_sig} (empty when unsigned) */
    public byte[] sequencerSig() {
        return sequencerSig.clone();
    }

    /** @return the lowercase hex of {@code sequencer_pubkey}, empty when unsigned */
    public String sequencerPubkeyHex() {
        return Hex.encode(sequencerPubkey);
    }

    /** @return the lowercase hex of {@code sequencer_sig}, empty when unsigned */
    public String sequencerSigHex() {
        return Hex.encode(sequencerSig);
    }

    /** @return {@code envelope_hash} as the envelope states it */
    public Hash envelopeHash() {
        return envelopeHash;
    }

    /** @return a copy of {@code canonical(BatchEnvelope)} */
    public byte[] encode() {
        return encoded().clone();
    }

    /** @return the length of {@code canonical(BatchEnvelope)} */
    @Override
    public int encodedSize() {
        return HEAD.length + payload.bodySize() + tail.length;
    }

    /**
     * Writes the base64url (no padding) of {@code canonical(BatchEnvelope)} into {@code dst} at {@code at}, from the
     * envelope's parts: the encoding is never assembled or copied first.
     *
     * @return the offset just past what was written
     * @throws IndexOutOfBoundsException if it does not fit in {@code dst}
     */
    @Override
    public int encodeBase64Url(byte[] dst, int at) {
        return new Base64Url.Encoder(dst, at)
                .update(HEAD, 0, HEAD.length)
                .update(payload.signedMessage(), payload.bodyOffset(), payload.bodySize())
                .update(tail, 0, tail.length)
                .finish();
    }

    byte[] rawPubkey() {
        return sequencerPubkey;
    }

    byte[] rawSig() {
        return sequencerSig;
    }

    /**
     * Two envelopes are equal when their canonical encodings are, i.e. when their payloads, public keys, signatures
     * and stated envelope hashes are (each part is length-prefixed in the encoding, and hex is one-to-one).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof BatchEnvelope other && payload.equals(other.payload)
                && Arrays.equals(sequencerPubkey, other.sequencerPubkey)
                && Arrays.equals(sequencerSig, other.sequencerSig) && envelopeHash.equals(other.envelopeHash);
    }

    @Override
    public int hashCode() {
        return envelopeHash.hashCode();
    }

    @Override
    public String toString() {
        return "BatchEnvelope{v1, envelope_hash=" + envelopeHash + ", batch_hash=" + payload.batchHash()
                + (isSigned() ? ", sequencer_pubkey=" + sequencerPubkeyHex() : ", unsigned") + "}";
    }
}
