package org.ippan.l2.storage;

/**
 * The store is out of space (SQLite {@code SQLITE_FULL}, PostgreSQL SQLSTATE {@code 53100} disk_full): a write was
 * refused and not applied. It does not clear up on its own in the sense of {@link TransientStorageException} (someone
 * has to free space), but nothing is wrong with the data: the same write succeeds once space returns, so callers may
 * retry after a back-off and should tell their clients to do the same.
 */
public class StorageFullException extends StorageException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause   the underlying failure
     */
    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
