package org.ippan.l2.core.receipt;

import java.util.Objects;

/**
 * Bytes or JSON that are not a well-formed receipt or proof of this version; the message names what is wrong and
 * {@link #field()} names the field by its JSON path ({@code group.root}, {@code path[2]}, {@code l1.height}), or is
 * empty when the document or the bytes as a whole are wrong.
 */
public final class ReceiptFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The field's JSON path, or "". */
    private final String field;

    /** @param message what is wrong, naming the field */
    public ReceiptFormatException(String message) {
        this("", message);
    }

    /**
     * @param field   the bad field's JSON path, or "" for the document or bytes as a whole
     * @param message what is wrong, naming the field
     */
    public ReceiptFormatException(String field, String message) {
        super(message);
        this.field = Objects.requireNonNull(field, "field");
    }

    /** @return the bad field's JSON path ({@code group.root}, {@code path[2]}), or "" for the whole document */
    public String field() {
        return field;
    }
}
