package org.ippan.l2.core.crypto;

import java.util.HexFormat;
import java.util.Objects;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.internal.Ed25519Verification;

/**
 * The default {@link EnvelopeSigner}: pure Ed25519 (RFC 8032) with the private key in memory.
 *
 * <p>Made from a 32-byte seed (the RFC 8032 private key). The public key is derived once, here, and handed to
 * every signature, which makes signing about twice as fast as re-deriving it each call. Instances are immutable
 * and thread-safe. The seed is never logged, printed or returned; {@link #toString()} shows only the public key.
 * Load one from a key file with {@link SequencerKeys}.
 */
public final class Ed25519Signer implements EnvelopeSigner {
    private static final HexFormat LOWERCASE_HEX = HexFormat.of();

    private final byte[] seed;
    private final byte[] publicKey;
    private final String publicKeyHex;

    /**
     * Makes a signer from an RFC 8032 private key.
     *
     * @param seed the 32-byte Ed25519 private key (seed); copied, so the caller may wipe its array afterwards
     * @throws IllegalArgumentException if {@code seed} is not 32 bytes long
     */
    public Ed25519Signer(byte[] seed) {
        Objects.requireNonNull(seed, "seed");
        if (seed.length != Ed25519.SECRET_KEY_SIZE) {
            throw new IllegalArgumentException(
                    "an Ed25519 seed is " + Ed25519.SECRET_KEY_SIZE + " bytes, got " + seed.length);
        }
        this.seed = seed.clone();
        this.publicKey = new byte[PUBLIC_KEY_LENGTH];
        Ed25519.generatePublicKey(this.seed, 0, this.publicKey, 0);
        this.publicKeyHex = LOWERCASE_HEX.formatHex(publicKey);
    }

    /** @return the 32-byte Ed25519 public key, a fresh copy the caller may keep or change */
    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** @return the public key as 64 lowercase hex characters, as it appears in {@code sequencer_pubkey} */
    public String publicKeyHex() {
        return publicKeyHex;
    }

    /**
     * Signs {@code length} bytes of {@code message} from {@code offset} with pure Ed25519 (deterministic: the same
     * key and message always give the same signature).
     *
     * @return the 64-byte signature
     * @throws NullPointerException if {@code message} is null
     * @throws IndexOutOfBoundsException if the range lies outside {@code message}
     */
    @Override
    public byte[] sign(byte[] message, int offset, int length) {
        Objects.requireNonNull(message, "message");
        Objects.checkFromIndexSize(offset, length, message.length);
        byte[] signature = new byte[SIGNATURE_LENGTH];
        Ed25519.sign(seed, 0, publicKey, 0, message, offset, length, signature, 0);
        return signature;
    }

    /**
     * Checks a pure Ed25519 signature. Never throws: anything that is not a valid signature by that key over that
     * message (null arrays, wrong lengths, a range outside {@code message}, a public key that is not a curve
     * point, a non-canonical signature) gives {@code false}.
     *
     * @param publicKey the 32-byte public key
     * @param signature the 64-byte signature
     * @param message the array holding the signed bytes
     * @param offset where the signed bytes start in {@code message}
     * @param length how many bytes were signed
     * @return whether the signature is valid
     */
    public static boolean verify(byte[] publicKey, byte[] signature, byte[] message, int offset, int length) {
        return Ed25519Verification.verify(publicKey, signature, message, offset, length);
    }

    /** @return {@code Ed25519Signer[publicKey=<hex>]}; never any private key material */
    @Override
    public String toString() {
        return "Ed25519Signer[publicKey=" + publicKeyHex + "]";
    }
}
