package org.ippan.l2.storage;

/**
 * The store's data is damaged or is not ours: a failed integrity check, a corrupt page met by a read or a write
 * (SQLite {@code SQLITE_CORRUPT}, {@code SQLITE_NOTADB}), a file of another application. It never clears up on its
 * own and a retry does not help: the operator restores the store from a backup (see the README). The message names
 * the file or database.
 */
public class StorageCorruptException extends StorageException {

    private static final long serialVersionUID = 1L;

    /** The damaged file or database, as the adapter names it; null if unknown. */
    private final String location;

    /**
     * @param location the damaged file or database, null if unknown
     * @param message  what failed
     * @param cause    the underlying failure, null if none
     */
    public StorageCorruptException(String location, String message, Throwable cause) {
        super(message, cause);
        this.location = location;
    }

    /** @return the damaged file or database, as the adapter names it; null if unknown */
    public String location() {
        return location;
    }
}
