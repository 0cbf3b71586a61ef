/**
 * Ed25519 envelope signing and loading of the sequencer key.
 *
 * <h2>Design note</h2>
 * {@link org.ippan.l2.core.crypto.Ed25519Signer} signs with BouncyCastle's low-level
 * {@code org.bouncycastle.math.ec.rfc8032.Ed25519}, never with the JDK's {@code Ed25519} provider (10–20 times
 * slower). It derives the public key once, when it is made, and passes it to every signature: re-deriving it per
 * call would double the cost of signing. The seed stays in one private array that is never logged, printed or
 * returned.
 *
 * <p>{@link org.ippan.l2.core.crypto.SequencerKeys} reads the key file named by {@code L2_SEQUENCER_KEY_PATH}: the
 * PKCS#8 PEM that {@code openssl genpkey -algorithm ed25519} writes (RFC 8410), or the PKCS#8 v2 form that also
 * carries the public key. Every failure is one {@link org.ippan.l2.core.crypto.KeyLoadException} whose
 * {@link org.ippan.l2.core.crypto.KeyLoadException.Problem} says what is wrong, and whose message names the file
 * but never contains key material.
 */
package org.ippan.l2.core.crypto;
