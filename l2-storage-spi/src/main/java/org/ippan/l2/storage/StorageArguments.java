package org.ippan.l2.storage;

import java.util.Objects;

/**
 * Argument checks every {@link Storage} adapter applies, so that all adapters refuse the same inputs with the
 * same exception type and a message naming the parameter. A refused argument never reaches the store.
 */
public final class StorageArguments {

    /** Length in bytes of every hash the port handles (BLAKE3-256). */
    public static final int HASH_LENGTH = 32;

    private StorageArguments() {
    }

    /**
     * Checks that {@code value} is a hash.
     *
     * @param value the array to check
     * @param name  the parameter or field name used in the message
     * @return {@code value}
     * @throws NullPointerException     if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is not {@value #HASH_LENGTH} bytes long
     */
    public static byte[] requireHash(byte[] value, String name) {
        Objects.requireNonNull(value, name);
        if (value.length != HASH_LENGTH) {
            throw new IllegalArgumentException(
                    name + " must be " + HASH_LENGTH + " bytes, was " + value.length);
        }
        return value;
    }

    /**
     * Checks that a term is not negative (terms start at 0).
     *
     * @param term the term
     * @return {@code term}
     * @throws IllegalArgumentException if {@code term < 0}
     */
    public static long requireTerm(long term) {
        return requireAtLeast(term, 0, "term");
    }

    /**
     * Checks that a sequence or batch number is at least 1 (both start at 1).
     *
     * @param value the number
     * @param name  the parameter or field name used in the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value < 1}
     */
    public static long requirePositive(long value, String name) {
        return requireAtLeast(value, 1, name);
    }

    /**
     * Checks that a count is not negative.
     *
     * @param value the count
     * @param name  the parameter or field name used in the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value < 0}
     */
    public static long requireNonNegative(long value, String name) {
        return requireAtLeast(value, 0, name);
    }

    /**
     * Checks the {@code maxCount} of a read.
     *
     * @param maxCount the most items a read may return
     * @return {@code maxCount}
     * @throws IllegalArgumentException if {@code maxCount < 1}
     */
    public static int requireMaxCount(int maxCount) {
        return (int) requireAtLeast(maxCount, 1, "maxCount");
    }

    /**
     * Checks that a batch to commit was cut in the caller's term.
     *
     * @param batch the batch
     * @param term  the caller's term
     * @return {@code batch}
     * @throws IllegalArgumentException if {@code batch.term() != term} (the message names both)
     */
    public static NewBatch requireBatchOfTerm(NewBatch batch, long term) {
        if (batch.term() != term) {
            throw new IllegalArgumentException("batch.term (" + batch.term() + ") must equal term (" + term + ")");
        }
        return batch;
    }

    /**
     * Checks a cursor name ({@link Storage#saveCursor}).
     *
     * @param name the name
     * @return {@code name}
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if it is empty, longer than {@link Storage#MAX_CURSOR_NAME_LENGTH} or holds a
     *                                  character other than {@code [A-Za-z0-9._-]}
     */
    public static String requireCursorName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > Storage.MAX_CURSOR_NAME_LENGTH) {
            throw new IllegalArgumentException("name must be 1 to " + Storage.MAX_CURSOR_NAME_LENGTH
                    + " characters, was " + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("name may hold only [A-Za-z0-9._-], found '" + c
                        + "' at index " + i);
            }
        }
        return name;
    }

    /**
     * Checks the name of a cursor a caller writes ({@link Storage#saveCursor}): a valid name, not one the store
     * keeps itself ({@link Storage#FORGOTTEN_THROUGH_CURSOR}).
     *
     * @param name the name
     * @return {@code name}
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException as {@link #requireCursorName}, or if the store keeps that cursor itself
     */
    public static String requireWritableCursorName(String name) {
        requireCursorName(name);
        if (name.equals(Storage.FORGOTTEN_THROUGH_CURSOR)) {
            throw new IllegalArgumentException("the cursor " + name + " is written only by forgetConfirmed");
        }
        return name;
    }

    /**
     * Checks a setting value ({@link Storage#saveSetting}).
     *
     * @param value the value
     * @return {@code value}
     * @throws NullPointerException     if {@code value} is null
     * @throws IllegalArgumentException if it is longer than {@link Storage#MAX_SETTING_VALUE_LENGTH} characters
     */
    public static String requireSettingValue(String value) {
        Objects.requireNonNull(value, "value");
        if (value.length() > Storage.MAX_SETTING_VALUE_LENGTH) {
            throw new IllegalArgumentException("value must be at most " + Storage.MAX_SETTING_VALUE_LENGTH
                    + " characters, was " + value.length());
        }
        return value;
    }

    private static long requireAtLeast(long value, long min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
        return value;
    }
}
