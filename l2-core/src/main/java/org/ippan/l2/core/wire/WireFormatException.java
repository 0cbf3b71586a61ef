package org.ippan.l2.core.wire;

import org.ippan.l2.core.internal.MalformedWireException;

/**
 * Bytes that are not a valid canonical v1 encoding. Thrown by every decoder of this package instead of any
 * lower-level exception, so hostile input can never surface as an {@code ArrayIndexOutOfBoundsException} or an
 * {@code OutOfMemoryError}.
 */
public final class WireFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the input. */
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
        /** A field holds a value the format does not allow (a hex string that is not lowercase hex, say). */
        INVALID_VALUE
    }

    private final Problem problem;
    private final long offset;

    /**
     * @param problem what is wrong
     * @param offset the byte offset in the input where it was found
     * @param detail a human-readable description naming the field
     */
    public WireFormatException(Problem problem, long offset, String detail) {
        super(detail + " (" + problem + " at byte " + offset + ")");
        this.problem = problem;
        this.offset = offset;
    }

    /** @return what is wrong with the input */
    public Problem problem() {
        return problem;
    }

    /** @return the byte offset in the input at which the problem was found */
    public long offset() {
        return offset;
    }

    /** The public form of a reader's failure: the same problem, offset and detail. */
    static WireFormatException of(MalformedWireException e) {
        return new WireFormatException(Problem.valueOf(e.problem().name()), e.offset(), e.detail());
    }
}
