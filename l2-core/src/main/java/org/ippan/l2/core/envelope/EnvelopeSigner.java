package org.ippan.l2.core.envelope;

/**
 * Signs batch envelopes: the seam where a host plugs in a KMS or HSM. The default is
 * {@code org.ippan.l2.core.crypto.Ed25519Signer} (BouncyCastle, key in memory).
 *
 * <p>The v1 format signs with pure Ed25519 (RFC 8032): a 32-byte public key and a deterministic 64-byte
 * signature over {@link BatchPayload#signingBytes()}. Implementations must be thread-safe and must never log or
 * expose private key material (including in {@code toString}).
 */
public interface EnvelopeSigner {
    /** Length of an Ed25519 public key in bytes. */
    int PUBLIC_KEY_LENGTH = 32;
    /** Length of an Ed25519 signature in bytes. */
    int SIGNATURE_LENGTH = 64;

    /** @return the 32-byte Ed25519 public key, a copy the caller may keep */
    byte[] publicKey();

    /**
     * Signs {@code length} bytes of {@code message} from {@code offset}. The array is the caller's: the engine signs
     * from a buffer it reuses for the next batch, so an implementation reads the range during the call and keeps
     * neither the array nor a view of it afterwards.
     *
     * @return the 64-byte Ed25519 signature, a new array the caller may keep
     */
    byte[] sign(byte[] message, int offset, int length);
}
