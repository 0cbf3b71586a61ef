package org.ippan.l2.storage;

/**
 * Storage failed to carry out an operation. A write that fails with this exception is never applied in part: it
 * was not applied at all, except when the store's commit acknowledgement itself was lost, where it may have been
 * applied entirely (see "Failures" in {@link Storage}). A {@link TransientStorageException} may be retried; any
 * other storage failure is not expected to clear up on its own.
 */
public class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     */
    public StorageException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the underlying failure
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
