package org.ippan.l2.storage;

/**
 * A storage failure that may go away on its own (store busy, lock or network timeout): the same call may be
 * retried after a back-off. As for every {@link StorageException}, a failed write was not applied in part.
 */
public class TransientStorageException extends StorageException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     */
    public TransientStorageException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the underlying failure
     */
    public TransientStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
