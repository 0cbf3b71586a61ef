package org.ippan.l2.core.envelope;

/**
 * {@code canonical(BatchEnvelope)} as the L1 request body needs it: its length, and its base64url (no padding)
 * written into the caller's array, from the envelope's parts, never assembled first. Implemented by the immutable
 * {@link BatchEnvelope} and by {@link EnvelopeBuffer} (the last envelope built in it); the L1 request of a batch is
 * written from either. It only writes into the caller's array, so implementing it grants nothing.
 */
public interface EncodedEnvelope {
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
