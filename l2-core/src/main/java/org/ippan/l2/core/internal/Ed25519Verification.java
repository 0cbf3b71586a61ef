package org.ippan.l2.core.internal;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Pure Ed25519 (RFC 8032) signature checks, for the envelope verifier and the default signer alike, so that
 * neither of their packages needs the other's.
 */
public final class Ed25519Verification {
    /** Length of an Ed25519 public key in bytes. */
    public static final int PUBLIC_KEY_LENGTH = 32;
    /** Length of an Ed25519 signature in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    private Ed25519Verification() {}

    /**
     * Never throws: anything that is not a valid signature by that key over that message (null arrays, wrong
     * lengths, a range outside {@code message}, a public key that is not a curve point, a non-canonical signature)
     * gives {@code false}.
     *
     * @return whether {@code signature} is a valid signature by {@code publicKey} over {@code length} bytes of
     *     {@code message} from {@code offset}
     */
    public static boolean verify(byte[] publicKey, byte[] signature, byte[] message, int offset, int length) {
        if (publicKey == null || signature == null || message == null
                || publicKey.length != PUBLIC_KEY_LENGTH || signature.length != SIGNATURE_LENGTH
                || offset < 0 || length < 0 || offset > message.length - length) {
            return false;
        }
        try {
            return Ed25519.verify(signature, 0, publicKey, 0, message, offset, length);
        } catch (RuntimeException invalidInput) {
            return false;
        }
    }
}
