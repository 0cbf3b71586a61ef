package org.ippan.l2.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.ippan.l2.core.wire.Tx;

/**
 * The golden vectors of {@code src/test/resources/vectors/}, written by {@code scripts/vectors/receipts_proofs_v1.py}
 * (an implementation independent of this code: b3sum, Python's cryptography, openssl) and quoted by the specs.
 */
public final class ReceiptVectors {
    private static final HexFormat HEX = HexFormat.of();

    private ReceiptVectors() {}

    /** @return the vector file {@code vectors/<name>} */
    public static JsonNode load(String name) {
        try (InputStream in = ReceiptVectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource vectors/" + name);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return {@code node} (a hex string) as bytes */
    public static byte[] hex(JsonNode node) {
        return HEX.parseHex(node.asText());
    }

    /** @return the txs of a {@code txs} array of {chain_id, nonce, from, payload} */
    public static List<Tx> txs(JsonNode txs) {
        List<Tx> out = new ArrayList<>();
        for (JsonNode t : txs) {
            out.add(new Tx(t.get("chain_id").asLong(), t.get("nonce").asLong(), t.get("from").asText(),
                    hex(t.get("payload"))));
        }
        return out;
    }
}
