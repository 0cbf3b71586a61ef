package org.ippan.l2.core.internal;

/**
 * What {@link WireReader} throws on bytes that are not a valid canonical v1 encoding. Internal: every public
 * decoder catches it and throws the public {@code WireFormatException} with the same problem, offset and detail,
 * so that this package depends on nothing above it. No stack trace: it is replaced at once.
 */
public final class MalformedWireException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the input; the names are those of {@code WireFormatException.Problem}. */
    public enum Problem {
        /** The input does not start with the version prefix {@code 01 00}. */
        BAD_VERSION,
        /** The input ends before the value does. */
        TRUNCATED,
        /** Bytes remain after the value. */
        TRAILING_BYTES,
        /** A length or count prefix is larger than the rest of the input could hold. */
        LENGTH_EXCEEDS_INPUT,
        /** A string is not valid UTF-8. */
        INVALID_UTF8,
        /** A field holds a value the format does not allow. */
        INVALID_VALUE
    }

    private final Problem problem;
    private final long offset;
    private final String detail;

    /**
     * @param problem what is wrong
     * @param offset the byte offset in the input where it was found
     * @param detail a human-readable description naming the field
     */
    public MalformedWireException(Problem problem, long offset, String detail) {
        super(detail, null, false, false);
        this.problem = problem;
        this.offset = offset;
        this.detail = detail;
    }

    /** @return what is wrong with the input */
    public Problem problem() {
        return problem;
    }

    /** @return the byte offset in the input at which the problem was found */
    public long offset() {
        return offset;
    }

    /** @return the description naming the field */
    public String detail() {
        return detail;
    }
}
