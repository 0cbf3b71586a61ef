package org.ippan.l2.node;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ippan.l2.core.wire.Tx;

/** Test helper: bulk binary v1 bodies ({@code docs/spec/bulk-binary-v1.md}) written from the spec. */
final class BulkBodies {
    static final String TYPE = "application/octet-stream";

    private BulkBodies() {
    }

    /** The body of these txs. */
    static byte[] of(List<Tx> txs) {
        List<byte[]> encodings = new ArrayList<>(txs.size());
        for (Tx tx : txs) {
            encodings.add(tx.encode());
        }
        return frames(encodings);
    }

    /** The body framing these byte strings as its txs, whatever they hold. */
    static byte[] frames(List<byte[]> encodings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("L2TX".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {1, 0});
        out.writeBytes(u32(encodings.size()));
        for (byte[] encoding : encodings) {
            out.writeBytes(u32(encoding.length));
            out.writeBytes(encoding);
        }
        return out.toByteArray();
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
