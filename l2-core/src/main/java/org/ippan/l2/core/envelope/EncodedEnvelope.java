package org.ippan.l2.core.envelope;

/**
 * {@code canonical(BatchEnvelope)} as the L1 request body needs it: its length, and its base64url (no padding)
 * written into the caller's array, from the envelope's parts, never assembled first. Either an immutable
 * {@link BatchEnvelope} or the last envelope built in an {@link EnvelopeBuffer}.
 */
public sealed interface EncodedEnvelope permits BatchEnvelope, EnvelopeBuffer {
    /** @return the length of {@code canonical(BatchEnvelope)} */
    int encodedSize();

    /**
     * Writes the base64url (no padding) of {@code canonical(BatchEnvelope)} into {@code dst} at {@code at}; the
     * envelope's own bytes are only read.
     *
     * @return the offset just past what was written
     * @throws IndexOutOfBoundsException if it does not fit in {@code dst}
     */
    int encodeBase64Url(byte[] dst, int at);
}
