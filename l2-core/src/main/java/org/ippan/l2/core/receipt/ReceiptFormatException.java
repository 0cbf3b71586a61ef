package org.ippan.l2.core.receipt;

/** Bytes or JSON that are not a well-formed receipt or proof of this version; the message names what is wrong. */
public final class ReceiptFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the field */
    public ReceiptFormatException(String message) {
        super(message);
    }
}
