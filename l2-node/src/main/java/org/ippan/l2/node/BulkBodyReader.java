package org.ippan.l2.node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.core.wire.WireFormatException;

/**
 * Reads a binary bulk body ({@code POST /txs} with {@code Content-Type: application/octet-stream}, bulk binary v1,
 * {@code docs/spec/bulk-binary-v1.md}) straight from the request bytes into {@link Tx}s: no hex, no JSON, each tx
 * decoded in place by the core's strict decoder ({@link Tx#decode(byte[], int, int)}).
 *
 * <pre>
 * body  = magic "L2TX" (4 ASCII bytes) || u16le(version = 1) || u32le(count) || count * frame
 * frame = u32le(length) || canonical(Tx)   (wire format v1 §1–2: length bytes, version prefix 01 00 included)
 * </pre>
 *
 * <p>The framing is checked whole before any tx is decoded, so a body with broken framing is refused as a whole
 * ({@code INVALID_FRAME}) and nothing of it is submitted: a header shorter than {@value #HEADER_BYTES} bytes, another
 * magic, another version, a count of 0 or over {@link NodeApi#MAX_BATCH_SUBMIT}, a length prefix cut short, a length
 * beyond the body, bytes after the last frame. A frame whose bytes are not one canonical v1 tx is that tx's refusal
 * ({@code INVALID_ENCODING}), as a bad item of a JSON array is; the others go on to the engine, whose admission rules
 * (chain id, sizes, {@code from}) apply to them as to JSON txs.
 *
 * <p>Thread-safe: it holds nothing.
 */
final class BulkBodyReader {
    /** The first four bytes of every bulk body, ASCII {@code L2TX}. */
    static final byte[] MAGIC = "L2TX".getBytes(StandardCharsets.US_ASCII);
    /** The only version of the framing. */
    static final int VERSION = 1;
    /** Magic, version and count. */
    static final int HEADER_BYTES = 10;
    /** Bytes of each frame's length prefix. */
    static final int LENGTH_BYTES = 4;

    private BulkBodyReader() {
    }

    /**
     * Reads a bulk body: the txs in order, each decoded or refused {@code INVALID_ENCODING}; or the refusal of the
     * whole body ({@code INVALID_FRAME}).
     *
     * @param body the request bytes
     * @param length how many bytes of {@code body} the request holds
     */
    static TxBodyReader.Many read(byte[] body, int length) {
        if (length < HEADER_BYTES) {
            return frame("the body is " + length + " bytes, shorter than the " + HEADER_BYTES
                    + "-byte header (magic L2TX, u16 version, u32 count)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (body[i] != MAGIC[i]) {
                return frame("the body does not start with the magic L2TX (4c 32 54 58): not a bulk binary body");
            }
        }
        int version = u16(body, 4);
        if (version != VERSION) {
            return frame("unknown bulk version " + version + ", expected " + VERSION);
        }
        long count = u32(body, 6);
        if (count == 0) {
            return frame("the count is 0: a bulk body carries 1 to " + NodeApi.MAX_BATCH_SUBMIT + " txs");
        }
        if (count > NodeApi.MAX_BATCH_SUBMIT) {
            return frame("at most " + NodeApi.MAX_BATCH_SUBMIT + " txs per request, got " + count);
        }
        int n = (int) count;
        int[] starts = new int[n];
        int[] lengths = new int[n];
        int at = HEADER_BYTES;
        for (int i = 0; i < n; i++) {
            if (length - at < LENGTH_BYTES) {
                return frame("the body ends inside the length prefix of tx " + i + " (at byte " + at + ", "
                        + (length - at) + " of 4 bytes left)");
            }
            long txLength = u32(body, at);
            at += LENGTH_BYTES;
            if (txLength > length - at) {
                return frame("tx " + i + " has length " + txLength + " at byte " + (at - LENGTH_BYTES)
                        + ", beyond the " + (length - at) + " bytes left in the body");
            }
            starts[i] = at;
            lengths[i] = (int) txLength;
            at += (int) txLength;
        }
        if (at != length) {
            return frame((length - at) + " trailing bytes after the last of the " + n + " txs (at byte " + at + ")");
        }
        List<TxBodyReader.Item> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(decode(body, i, starts[i], lengths[i]));
        }
        return new TxBodyReader.Many(items, null);
    }

    private static TxBodyReader.Item decode(byte[] body, int index, int start, int length) {
        try {
            return new TxBodyReader.Item(Tx.decode(body, start, length), null);
        } catch (WireFormatException e) {
            return new TxBodyReader.Item(null, Refusal.of(RefusalCode.INVALID_ENCODING,
                    "tx " + index + " (" + length + " bytes at byte " + start + ") is not a canonical v1 tx: "
                            + e.getMessage()));
        }
    }

    private static TxBodyReader.Many frame(String message) {
        return new TxBodyReader.Many(null, Refusal.of(RefusalCode.INVALID_FRAME, message));
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
