package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.admission.AdmissionRules;
import org.ippan.l2.core.admission.Refusal;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader of {@code POST /tx} and {@code /txs} bodies against the Jackson-tree reader it replaced
 * ({@link TreeReference}, kept here verbatim as the oracle): same refusal code and message for every item, same
 * whole-body refusals, same txs; on hand-picked hostile bodies and on seeded random mutations of valid ones.
 */
class TxBodyReaderTest {
    private static final int LIMIT = 16 << 20;
    private static final int MAX_TX_SIZE = 1024;
    private static final long CHAIN_ID = 1;

    private final ObjectMapper json = mapper();
    private final TxBodyReader reader = new TxBodyReader(json.getFactory(), CHAIN_ID, MAX_TX_SIZE);
    private final TreeReference reference = new TreeReference(json, CHAIN_ID, MAX_TX_SIZE);

    /** The mapper NodeApi builds: the same read constraints and features. */
    private static ObjectMapper mapper() {
        StreamReadConstraints constraints = StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(64)
                .maxNameLength(1024).maxStringLength(LIMIT).maxDocumentLength(LIMIT).build();
        return new ObjectMapper(JsonFactory.builder().streamReadConstraints(constraints).build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    }

    private static String tx(String chain, String from, String nonce, String payload) {
        return "{\"chain_id\":" + chain + ",\"from\":" + from + ",\"nonce\":" + nonce + ",\"payload\":" + payload
                + "}";
    }

    /** Items each of which must be answered exactly as the tree reader answered it. */
    private static final List<String> ITEMS = List.of(
            tx("1", "\"alice\"", "1", "\"48656c6c6f\""),
            tx("1", "\"alice\"", "18446744073709551615", "\"\""),
            tx("1", "\"alice\"", "18446744073709551616", "\"00\""),
            tx("1", "\"alice\"", "-1", "\"00\""),
            tx("1", "\"alice\"", "-9223372036854775809", "\"00\""),
            tx("1", "\"alice\"", "9223372036854775808", "\"00\""),
            tx("1", "\"alice\"", "1.5", "\"00\""),
            tx("1", "\"alice\"", "1e3", "\"00\""),
            tx("1", "\"alice\"", "\"1\"", "\"00\""),
            tx("1", "\"alice\"", "true", "\"00\""),
            tx("1", "\"alice\"", "[1]", "\"00\""),
            tx("1", "\"alice\"", "{\"n\":1}", "\"00\""),
            tx("2", "\"alice\"", "1", "\"00\""),
            tx("-1", "\"alice\"", "1", "\"00\""),
            tx("18446744073709551616", "\"alice\"", "1", "\"00\""),
            tx("18446744073709551615", "\"alice\"", "1", "\"00\""),
            tx("1.0", "\"alice\"", "1", "\"00\""),
            tx("\"1\"", "\"alice\"", "1", "\"00\""),
            tx("null", "\"alice\"", "1", "\"00\""),
            tx("1", "null", "1", "\"00\""),
            tx("1", "\"alice\"", "null", "\"00\""),
            tx("1", "\"alice\"", "1", "null"),
            tx("1", "\"\"", "1", "\"00\""),
            tx("1", "\"" + "x".repeat(256) + "\"", "1", "\"00\""),
            tx("1", "\"" + "x".repeat(257) + "\"", "1", "\"00\""),
            tx("1", "\"" + "é".repeat(128) + "\"", "1", "\"00\""),
            tx("1", "\"" + "é".repeat(129) + "\"", "1", "\"00\""),
            tx("1", "\"\\ud800\"", "1", "\"00\""),
            tx("1", "\"a\\u0000b\"", "1", "\"00\""),
            tx("1", "7", "1", "\"00\""),
            tx("1", "[\"a\"]", "1", "\"00\""),
            tx("1", "\"alice\"", "1", "\"abc\""),
            tx("1", "\"alice\"", "1", "\"zz\""),
            tx("1", "\"alice\"", "1", "\"0g\""),
            tx("1", "\"alice\"", "1", "\"ABCDEF\""),
            tx("1", "\"alice\"", "1", "\"\\u0030\\u0030\""),
            tx("1", "\"alice\"", "1", "\"" + "00".repeat(MAX_TX_SIZE) + "\""),
            tx("1", "\"alice\"", "1", "\"" + "00".repeat(MAX_TX_SIZE + 1) + "\""),
            tx("1", "\"alice\"", "1", "\"" + "0".repeat(2 * MAX_TX_SIZE + 3) + "\""),
            tx("1", "\"alice\"", "1", "\"" + "zz".repeat(MAX_TX_SIZE + 1) + "\""),
            tx("1", "\"alice\"", "1", "12"),
            tx("1", "\"alice\"", "1", "{}"),
            "{\"chain_id\":1}",
            "{\"from\":\"a\",\"nonce\":1,\"payload\":\"00\"}",
            "{\"chain_id\":1,\"nonce\":1,\"payload\":\"00\"}",
            "{\"chain_id\":1,\"from\":\"a\",\"payload\":\"00\"}",
            "{\"chain_id\":1,\"from\":\"a\",\"nonce\":1}",
            "{}",
            "[]",
            "[1,2]",
            "null",
            "true",
            "3",
            "\"tx\"",
            // unknown fields are ignored, whatever they hold
            "{\"chain_id\":1,\"from\":\"a\",\"nonce\":1,\"payload\":\"00\",\"extra\":{\"deep\":[1,{\"x\":null}]}}",
            "{\"x\":[[[]]],\"chain_id\":1,\"from\":\"a\",\"nonce\":1,\"payload\":\"00\"}",
            // repeated fields: the last value counts, as in a tree
            "{\"chain_id\":1,\"from\":\"a\",\"nonce\":\"x\",\"nonce\":2,\"payload\":\"00\"}",
            "{\"chain_id\":1,\"from\":\"a\",\"nonce\":2,\"nonce\":\"x\",\"payload\":\"00\"}",
            "{\"chain_id\":1,\"from\":\"a\",\"nonce\":2,\"payload\":\"zz\",\"payload\":\"01\"}",
            "{\"chain_id\":1,\"from\":\"a\",\"nonce\":2,\"payload\":\"01\",\"payload\":\"abc\"}",
            "{\"chain_id\":1,\"from\":\"a\",\"nonce\":2,\"payload\":\"01\",\"payload\":null}",
            "{\"chain_id\":99999999999999999999,\"chain_id\":1,\"from\":\"a\",\"nonce\":2,\"payload\":\"01\"}",
            "{\"chain_id\":1,\"from\":[],\"from\":\"b\",\"nonce\":2,\"payload\":\"01\"}");

    /** Whole bodies each of which must be refused as a whole, as the tree reader refused it. */
    private static final List<String> BAD_BODIES = List.of("", " ", "{not json", "[", "[1,", "{\"a\":1} {}",
            "[] []", "[] x", "[1]]", "{\"a\":}", "[{\"chain_id\":01}]", "[NaN]", "[\"a\\x\"]",
            "[" + "[".repeat(20) + "]".repeat(20) + "]", "[1" + "0".repeat(80) + "]", "{}", "\"x\"", "null", "3",
            "[{\"chain_id\":1,\"from\":\"a\",\"nonce\":1,\"payload\":\"00",
            "[{\"chain_id\":1,\"from\":\"a\",\"nonce\":1,\"payload\":\"00\u0001\"}]",
            "[{\"chain_id\":1,\"from\":\"a\",\"nonce\":1,\"payload\":\"0\\q\"}]");

    @Test
    void items_areAnsweredAsTheTreeReaderAnsweredThem() throws Exception {
        for (String item : ITEMS) {
            assertSameOne(item);
            assertSameMany("[" + item + "]");
        }
        StringBuilder all = new StringBuilder("[");
        for (String item : ITEMS) {
            all.append(all.length() == 1 ? "" : ",").append(item);
        }
        assertSameMany(all.append(']').toString());
    }

    @Test
    void malformedBodies_areRefusedWhole_asTheTreeReaderRefusedThem() throws Exception {
        for (String body : BAD_BODIES) {
            assertSameMany(body);
            assertSameOne(body);
        }
        byte[] badUtf8 = "[{\"chain_id\":1,\"from\":\"a\",\"nonce\":1,\"payload\":\"00\",\"x\":\"\u00ff\"}]"
                .getBytes(StandardCharsets.ISO_8859_1);
        TxBodyReader.Many many = reader.readMany(badUtf8, badUtf8.length);
        assertThat(many.bodyRefusal()).as("invalid UTF-8 in an ignored field").isNotNull();
        assertThat(many.bodyRefusal().code()).isEqualTo(RefusalCode.INVALID_JSON);
        assertThat(reference.readMany(badUtf8).bodyRefusal()).isNotNull();
    }

    @Test
    void tooManyTxs_isRefusedWhole_andNamesTheCount() throws Exception {
        String item = tx("1", "\"a\"", "1", "\"00\"");
        for (int n : new int[] {NodeApi.MAX_BATCH_SUBMIT, NodeApi.MAX_BATCH_SUBMIT + 1, 2500}) {
            String body = "[" + String.join(",", java.util.Collections.nCopies(n, item)) + "]";
            assertSameMany(body);
            TxBodyReader.Many many = read(body);
            if (n > NodeApi.MAX_BATCH_SUBMIT) {
                assertThat(many.bodyRefusal().message()).isEqualTo("at most 1000 txs per request, got " + n);
            } else {
                assertThat(many.items()).hasSize(n);
            }
            // a syntax error after the 1,001st item still makes it "not JSON", as a tree parse did
            assertSameMany(body.substring(0, body.length() - 1) + ",}");
        }
    }

    @Test
    void randomMutationsOfValidBodies_areAnsweredAsTheTreeReaderAnsweredThem() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        String alphabet = "{}[]:,\"\\0123456789abcdefxyz-.eE nul";
        for (int run = 0; run < 4_000; run++) {
            StringBuilder body = new StringBuilder("[");
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                body.append(i == 0 ? "" : ",").append(ITEMS.get(random.nextInt(ITEMS.size())));
            }
            body.append(']');
            int mutations = random.nextInt(3);
            for (int m = 0; m < mutations && body.length() > 0; m++) {
                int at = random.nextInt(body.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> body.setCharAt(at, c);
                    case 1 -> body.insert(at, c);
                    default -> body.deleteCharAt(at);
                }
            }
            String text = body.toString();
            try {
                assertSameMany(text);
                assertSameOne(text);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", run " + run + ", body " + text, e);
            }
        }
    }

    @Test
    void largePayloads_areAnsweredAsTheTreeReaderAnsweredThem() throws Exception {
        int maxTxSize = 20_000;
        TxBodyReader large = new TxBodyReader(json.getFactory(), CHAIN_ID, maxTxSize);
        TreeReference largeReference = new TreeReference(json, CHAIN_ID, maxTxSize);
        SplittableRandom random = new SplittableRandom(7);
        for (int size : new int[] {8191, 8192, 8193, 12_345, maxTxSize, maxTxSize + 1}) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            String hex = Hex.encode(payload);
            for (String text : List.of(hex, hex.toUpperCase(java.util.Locale.ROOT), hex + "0", hex + "zz")) {
                String body = "[" + tx("1", "\"big\"", "1", "\"" + text + "\"") + "]";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                TxBodyReader.Many actual = large.readMany(bytes, bytes.length);
                TreeReference.Many expected = largeReference.readMany(bytes);
                assertSameItem(size + " bytes", actual.items().get(0), expected.items().get(0));
            }
        }
    }

    @Test
    void fromRefusals_areTheCoresAdmissionRefusals_wordForWord() {
        AdmissionRules rules = new AdmissionRules(CHAIN_ID, MAX_TX_SIZE, BatchLimits.DEFAULTS);
        int max = AdmissionRules.MAX_FROM_BYTES;
        List<String> froms = List.of("", "a", "x".repeat(max / 3), "x".repeat(max / 3 + 1), "x".repeat(max),
                "x".repeat(max + 1), "\u00e9".repeat(max / 2), "\u00e9".repeat(max / 2 + 1), "\u20ac".repeat(max / 3),
                "\u20ac".repeat(max / 3 + 1), "\ud83d\ude00".repeat(max / 4), "\ud83d\ude00".repeat(max / 4 + 1),
                "x".repeat(4 * max));
        for (String from : froms) {
            Refusal core = rules.check(new Tx(CHAIN_ID, 1, from, new byte[] {0})).orElse(null);
            assertThat(TxBodyReader.fromRefusal(from)).as("from of %d chars", from.length()).isEqualTo(core);
            byte[] body = tx("1", "\"" + from + "\"", "1", "\"00\"").getBytes(StandardCharsets.UTF_8);
            assertThat(reader.readOne(body, body.length).item().refusal()).as("from of %d chars", from.length())
                    .isEqualTo(core);
        }
    }

    @Test
    void decodeHex_acceptsAndRefusesExactlyWhatHexDecodeDoes() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        // hex digits of both cases, neighbours, and non-ASCII characters whose low 7 bits are hex digits
        String alphabet = "0123456789abcdefABCDEF/:@G`g\u00b0\u00e1\u0130\u0660\uff10\u0100";
        for (int run = 0; run < 20_000; run++) {
            char[] chars = new char[2 * random.nextInt(5) + 3];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = random.nextInt(4) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : "0123456789abcdefABCDEF".charAt(random.nextInt(22));
            }
            int length = chars.length - 3;
            byte[] expected;
            try {
                expected = Hex.decode(java.nio.CharBuffer.wrap(chars, 1, length));
            } catch (IllegalArgumentException e) {
                expected = null;
            }
            assertThat(TxBodyReader.decodeHex(chars, 1, length)).as("seed %d: %s", seed, new String(chars))
                    .isEqualTo(expected);
            byte[] utf8 = new String(chars).getBytes(StandardCharsets.UTF_8);
            if (utf8.length == chars.length) { // ASCII only: the byte variant reads the same digits
                assertThat(TxBodyReader.decodeHex(utf8, 1, length)).as("seed %d: %s", seed, new String(chars))
                        .isEqualTo(expected);
            }
        }
    }

    private TxBodyReader.Many read(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return reader.readMany(bytes, bytes.length);
    }

    private void assertSameMany(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] padded = java.util.Arrays.copyOf(bytes, bytes.length + 7); // the reader honours the length
        padded[bytes.length] = '"';
        padded[bytes.length + 1] = '}';
        TxBodyReader.Many actual = reader.readMany(padded, bytes.length);
        TreeReference.Many expected = reference.readMany(bytes);
        assertSameBodyRefusal(body, actual.bodyRefusal(), expected.bodyRefusal());
        if (expected.bodyRefusal() == null) {
            assertThat(actual.items()).as(body).hasSize(expected.items().size());
            for (int i = 0; i < expected.items().size(); i++) {
                assertSameItem(body + " [" + i + "]", actual.items().get(i), expected.items().get(i));
            }
        }
    }

    private void assertSameOne(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        TxBodyReader.One actual = reader.readOne(bytes, bytes.length);
        TreeReference.One expected = reference.readOne(bytes);
        assertSameBodyRefusal(body, actual.bodyRefusal(), expected.bodyRefusal());
        if (expected.bodyRefusal() == null) {
            assertSameItem(body, actual.item(), expected.item());
        }
    }

    private static void assertSameBodyRefusal(String body, Refusal actual, Refusal expected) {
        if (expected == null) {
            assertThat(actual).as("body accepted as JSON: %s", body).isNull();
            return;
        }
        assertThat(actual).as("body refused: %s", body).isNotNull();
        assertThat(actual.code()).as(body).isEqualTo(expected.code());
        if (expected.message().startsWith("the body is not valid JSON: ")) {
            // Jackson's own wording of the syntax error; the trailing-token one is worded by the reader
            assertThat(actual.message()).as(body).startsWith("the body is not valid JSON: ").hasSizeGreaterThan(30);
        } else {
            assertThat(actual.message()).as(body).isEqualTo(expected.message());
        }
    }

    private static void assertSameItem(String what, TxBodyReader.Item actual, TreeReference.Item expected) {
        if (expected.refusal() != null) {
            assertThat(actual.refusal()).as(what).isEqualTo(expected.refusal());
            assertThat(actual.tx()).as(what).isNull();
        } else {
            assertThat(actual.refusal()).as(what).isNull();
            assertThat(actual.tx()).as(what).isEqualTo(expected.tx());
            assertThat(actual.tx().hash()).as(what).isEqualTo(expected.tx().hash());
        }
    }

    /** The tree-based reader NodeApi used before the streaming one, unchanged but for its packaging. */
    static final class TreeReference {
        private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        private final ObjectMapper json;
        private final long chainId;
        private final int maxTxSize;

        TreeReference(ObjectMapper json, long chainId, int maxTxSize) {
            this.json = json;
            this.chainId = chainId;
            this.maxTxSize = maxTxSize;
        }

        record Item(Tx tx, Refusal refusal) {}

        record One(Item item, Refusal bodyRefusal) {}

        record Many(List<Item> items, Refusal bodyRefusal) {}

        private JsonNode tree(byte[] bytes) {
            try {
                JsonNode node = json.readTree(bytes);
                if (node == null || node.isMissingNode()) {
                    throw new IllegalArgumentException("empty body");
                }
                return node;
            } catch (IOException | IllegalArgumentException e) {
                return null; // JsonProcessingException is the IOException a byte array can give
            }
        }

        One readOne(byte[] bytes) {
            JsonNode node = tree(bytes);
            if (node == null) {
                return new One(null, Refusal.of(RefusalCode.INVALID_JSON, "the body is not valid JSON: …"));
            }
            return new One(parseTx(node), null);
        }

        Many readMany(byte[] bytes) {
            JsonNode node = tree(bytes);
            if (node == null) {
                return new Many(null, Refusal.of(RefusalCode.INVALID_JSON, "the body is not valid JSON: …"));
            }
            if (!node.isArray()) {
                return new Many(null, Refusal.of(RefusalCode.INVALID_JSON, "the body must be a JSON array of txs"));
            }
            if (node.size() > NodeApi.MAX_BATCH_SUBMIT) {
                return new Many(null, Refusal.of(RefusalCode.INVALID_JSON,
                        "at most " + NodeApi.MAX_BATCH_SUBMIT + " txs per request, got " + node.size()));
            }
            List<Item> items = new ArrayList<>();
            for (JsonNode item : node) {
                items.add(parseTx(item));
            }
            return new Many(items, null);
        }

        private Item parseTx(JsonNode node) {
            if (node == null || !node.isObject()) {
                return refused(RefusalCode.INVALID_JSON, "a tx must be a JSON object");
            }
            for (String field : List.of("chain_id", "from", "nonce", "payload")) {
                if (!node.hasNonNull(field)) {
                    return refused(RefusalCode.INVALID_JSON, "missing field " + field);
                }
            }
            JsonNode chainNode = node.get("chain_id");
            if (!chainNode.isIntegralNumber()) {
                return refused(RefusalCode.INVALID_JSON, "chain_id must be an unsigned integer");
            }
            BigInteger chain = chainNode.bigIntegerValue();
            if (chain.signum() < 0 || chain.compareTo(U64_MAX) > 0) {
                return refused(RefusalCode.CHAIN_ID_MISMATCH, "chain_id " + chain + " is not "
                        + Long.toUnsignedString(chainId));
            }
            JsonNode fromNode = node.get("from");
            if (!fromNode.isTextual()) {
                return refused(RefusalCode.INVALID_FIELD, "from must be a string");
            }
            String from = fromNode.textValue();
            int fromBytes = from.getBytes(StandardCharsets.UTF_8).length;
            if (from.isEmpty() || fromBytes > AdmissionRules.MAX_FROM_BYTES) {
                return refused(RefusalCode.INVALID_FIELD, from.isEmpty() ? "from must not be empty"
                        : "from is " + fromBytes + " UTF-8 bytes, at most " + AdmissionRules.MAX_FROM_BYTES + " allowed");
            }
            JsonNode nonceNode = node.get("nonce");
            if (!nonceNode.isIntegralNumber()) {
                return refused(RefusalCode.INVALID_FIELD, "nonce must be a non-negative integer");
            }
            BigInteger nonce = nonceNode.bigIntegerValue();
            if (nonce.signum() < 0 || nonce.compareTo(U64_MAX) > 0) {
                return refused(RefusalCode.INVALID_FIELD, "nonce must be in 0..2^64-1, got " + nonce);
            }
            JsonNode payloadNode = node.get("payload");
            if (!payloadNode.isTextual()) {
                return refused(RefusalCode.INVALID_PAYLOAD, "payload must be a hex string");
            }
            String payloadHex = payloadNode.textValue();
            if (payloadHex.length() % 2 != 0) {
                return refused(RefusalCode.INVALID_PAYLOAD, "payload hex has odd length " + payloadHex.length());
            }
            if (payloadHex.length() / 2 > maxTxSize) {
                return refused(RefusalCode.TX_TOO_LARGE, "payload is " + payloadHex.length() / 2
                        + " bytes, at most " + maxTxSize + " allowed");
            }
            byte[] payload;
            try {
                payload = Hex.decode(payloadHex);
            } catch (IllegalArgumentException e) {
                return refused(RefusalCode.INVALID_PAYLOAD, "payload is not hex: " + e.getMessage());
            }
            try {
                return new Item(new Tx(chain.longValue(), nonce.longValue(), from, payload), null);
            } catch (IllegalArgumentException e) {
                return refused(RefusalCode.INVALID_FIELD, e.getMessage());
            }
        }

        private static Item refused(RefusalCode code, String message) {
            return new Item(null, Refusal.of(code, message));
        }
    }
}
