package org.ippan.l2.core.crypto;

import java.util.Objects;

/**
 * The sequencer key could not be loaded. Permanent: retrying without changing the key file does not help.
 *
 * <p>{@link #problem()} says what is wrong; the message names the key file (when there is one) and how to fix
 * it, and never contains key material.
 */
public final class KeyLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the key. */
    public enum Problem {
        /** The key file does not exist. */
        FILE_MISSING,
        /** The key file exists but cannot be read: permissions, a directory, an I/O error. */
        FILE_UNREADABLE,
        /** No PEM {@code PRIVATE KEY} block, more than one, or a block whose body is not valid base64. */
        NOT_PEM,
        /** An {@code ENCRYPTED PRIVATE KEY}: the sequencer needs it decrypted. */
        ENCRYPTED,
        /** A key of another algorithm (RSA, EC, Ed448, X25519, DSA…), another format, or a public key. */
        WRONG_ALGORITHM,
        /** The seed is not 32 bytes, or the hex seed is not 64 characters. */
        WRONG_LENGTH,
        /** DER that does not parse as an Ed25519 PKCS#8 key, a bad hex digit, or a carried public key mismatch. */
        MALFORMED
    }

    private final Problem problem;

    KeyLoadException(Problem problem, String message) {
        super(message);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    KeyLoadException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** @return what is wrong with the key */
    public Problem problem() {
        return problem;
    }
}
