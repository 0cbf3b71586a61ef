package org.ippan.l2.core.contract;

/** A value that is not a valid L1 contract v1 document or field; the message names the field. */
public final class ContractException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the field */
    public ContractException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the field
     * @param cause the underlying failure
     */
    public ContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
