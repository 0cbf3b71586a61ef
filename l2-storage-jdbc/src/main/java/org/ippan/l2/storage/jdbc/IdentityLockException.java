package org.ippan.l2.storage.jdbc;

import org.ippan.l2.storage.StorageException;

/**
 * Another process runs with the same identity on the same store: {@link IdentityLock#acquire} was refused. The
 * message names the lock (the lock file, or the PostgreSQL advisory lock) and, where known, the holder.
 */
public final class IdentityLockException extends StorageException {

    private static final long serialVersionUID = 1L;

    IdentityLockException(String message, Throwable cause) {
        super(message, cause);
    }
}
