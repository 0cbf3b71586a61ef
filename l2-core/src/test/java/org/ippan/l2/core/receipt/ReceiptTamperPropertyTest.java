package org.ippan.l2.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.receipt.ReceiptVerification.Status;
import org.ippan.l2.core.testing.Seeds;
import org.junit.jupiter.api.Test;

/**
 * Every single-field change of a valid receipt makes {@link AdmissionReceipt#verify} fail with a sensible check, and
 * every malformed JSON field makes {@link ReceiptJson#fromJson} fail naming that field. Seeded
 * ({@code -Dl2.test.seed=N}); each message carries the seed.
 */
class ReceiptTamperPropertyTest {
    private static final long SEED = Seeds.seed(20260315L);
    private static final int RUNS = 150;
    private static final Ed25519Signer SIGNER = new Ed25519Signer(filled(0x42));
    private static final byte[] KEY = SIGNER.publicKey();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static byte[] filled(int b) {
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) b);
        return seed;
    }

    /** A valid receipt of a random group: 1 to 40 txs, random times and ids. */
    static AdmissionReceipt randomReceipt(SplittableRandom random) {
        int count = 1 + random.nextInt(40);
        long firstSeq = 1 + random.nextLong(1L << 40);
        byte[][] hashes = new byte[count][32];
        for (byte[] h : hashes) {
            random.nextBytes(h);
        }
        ReceiptTree tree = ReceiptTree.build(firstSeq, hashes, count);
        long accepted = random.nextLong(1L << 42);
        ReceiptGroup group = ReceiptGroup.sign(SIGNER, random.nextLong(), random.nextLong(1L << 20), firstSeq, count,
                accepted, accepted + random.nextLong(120_000), tree.root());
        int index = random.nextInt(count);
        return AdmissionReceipt.of(group, tree, index, hashes[index]);
    }

    private record Tamper(String field, AdmissionReceipt receipt, Set<Status> sensible) {}

    private static ReceiptGroup group(ReceiptGroup g, long chainId, long term, long firstSeq, int count,
            long acceptedMs, long deadlineMs, byte[] root, byte[] pubkey, byte[] signature) {
        return new ReceiptGroup(chainId, term, firstSeq, count, acceptedMs, deadlineMs, root, pubkey, signature);
    }

    private static byte[] flip(SplittableRandom random, byte[] bytes) {
        byte[] out = bytes.clone();
        out[random.nextInt(out.length)] ^= (byte) (1 + random.nextInt(255));
        return out;
    }

    private static long plusMinusOne(SplittableRandom random, long v, long min) {
        return v <= min || (random.nextBoolean() && v < Long.MAX_VALUE) ? v + 1 : v - 1;
    }

    /** One tamper of each field of {@code r}. */
    static List<Tamper> tampers(SplittableRandom random, AdmissionReceipt r) {
        ReceiptGroup g = r.group();
        List<Tamper> out = new ArrayList<>();
        Function<ReceiptGroup, AdmissionReceipt> with = ng -> new AdmissionReceipt(ng, r.seq(), r.txHash(), r.path());
        out.add(new Tamper("chain_id", with.apply(group(g, g.chainId() + (random.nextBoolean() ? 1 : -1), g.term(),
                g.firstSeq(), g.count(), g.acceptedMs(), g.deadlineMs(), g.root(), g.sequencerPubkey(),
                g.signature())), EnumSet.of(Status.BAD_SIGNATURE)));
        out.add(new Tamper("term", with.apply(group(g, g.chainId(), plusMinusOne(random, g.term(), 0), g.firstSeq(),
                g.count(), g.acceptedMs(), g.deadlineMs(), g.root(), g.sequencerPubkey(), g.signature())),
                EnumSet.of(Status.BAD_SIGNATURE)));
        out.add(new Tamper("group.first_seq", with.apply(group(g, g.chainId(), g.term(),
                plusMinusOne(random, g.firstSeq(), 1), g.count(), g.acceptedMs(), g.deadlineMs(), g.root(),
                g.sequencerPubkey(), g.signature())),
                EnumSet.of(Status.SEQ_OUTSIDE_GROUP, Status.BAD_PATH, Status.BAD_SIGNATURE)));
        out.add(new Tamper("group.count", with.apply(group(g, g.chainId(), g.term(), g.firstSeq(),
                (int) plusMinusOne(random, g.count(), 1), g.acceptedMs(), g.deadlineMs(), g.root(),
                g.sequencerPubkey(), g.signature())),
                // another count may accept the same path (leaf 0 of 5 and of 6): then the signature catches it
                EnumSet.of(Status.SEQ_OUTSIDE_GROUP, Status.BAD_PATH, Status.BAD_SIGNATURE)));
        out.add(new Tamper("group.accepted_ms", with.apply(group(g, g.chainId(), g.term(), g.firstSeq(), g.count(),
                plusMinusOne(random, g.acceptedMs(), 0), g.deadlineMs(), g.root(), g.sequencerPubkey(),
                g.signature())), EnumSet.of(Status.DEADLINE_BEFORE_ACCEPTANCE, Status.BAD_SIGNATURE)));
        out.add(new Tamper("group.deadline_ms", with.apply(group(g, g.chainId(), g.term(), g.firstSeq(), g.count(),
                g.acceptedMs(), plusMinusOne(random, g.deadlineMs(), 0), g.root(), g.sequencerPubkey(),
                g.signature())), EnumSet.of(Status.DEADLINE_BEFORE_ACCEPTANCE, Status.BAD_SIGNATURE)));
        out.add(new Tamper("group.root", with.apply(group(g, g.chainId(), g.term(), g.firstSeq(), g.count(),
                g.acceptedMs(), g.deadlineMs(), flip(random, g.root()), g.sequencerPubkey(), g.signature())),
                EnumSet.of(Status.BAD_PATH)));
        out.add(new Tamper("sequencer_pubkey", with.apply(group(g, g.chainId(), g.term(), g.firstSeq(), g.count(),
                g.acceptedMs(), g.deadlineMs(), g.root(), flip(random, g.sequencerPubkey()), g.signature())),
                EnumSet.of(Status.WRONG_KEY)));
        out.add(new Tamper("signature", with.apply(group(g, g.chainId(), g.term(), g.firstSeq(), g.count(),
                g.acceptedMs(), g.deadlineMs(), g.root(), g.sequencerPubkey(), flip(random, g.signature()))),
                EnumSet.of(Status.BAD_SIGNATURE)));
        out.add(new Tamper("seq", new AdmissionReceipt(g, plusMinusOne(random, r.seq(), 1), r.txHash(), r.path()),
                EnumSet.of(Status.SEQ_OUTSIDE_GROUP, Status.BAD_PATH)));
        out.add(new Tamper("tx_hash", new AdmissionReceipt(g, r.seq(), flip(random, r.txHash()), r.path()),
                EnumSet.of(Status.BAD_PATH)));
        List<byte[]> path = r.path();
        if (!path.isEmpty()) {
            int i = random.nextInt(path.size());
            List<byte[]> changed = new ArrayList<>(path);
            changed.set(i, flip(random, path.get(i)));
            out.add(new Tamper("path[" + i + "]", new AdmissionReceipt(g, r.seq(), r.txHash(), changed),
                    EnumSet.of(Status.BAD_PATH)));
            out.add(new Tamper("path (one less)", new AdmissionReceipt(g, r.seq(), r.txHash(),
                    path.subList(0, path.size() - 1)), EnumSet.of(Status.BAD_PATH)));
        }
        List<byte[]> longer = new ArrayList<>(path);
        byte[] extra = new byte[32];
        random.nextBytes(extra);
        longer.add(random.nextInt(longer.size() + 1), extra);
        out.add(new Tamper("path (one more)", new AdmissionReceipt(g, r.seq(), r.txHash(), longer),
                EnumSet.of(Status.BAD_PATH)));
        Ed25519Signer other = new Ed25519Signer(filled(1 + random.nextInt(0x41)));
        out.add(new Tamper("signed by another key", with.apply(ReceiptGroup.sign(other, g.chainId(), g.term(),
                g.firstSeq(), g.count(), g.acceptedMs(), g.deadlineMs(), g.root())), EnumSet.of(Status.WRONG_KEY)));
        return out;
    }

    @Test
    void verify_everySingleFieldTamper_failsNamingASensibleCheck() {
        SplittableRandom random = new SplittableRandom(SEED);
        int tampers = 0;
        for (int run = 0; run < RUNS; run++) {
            AdmissionReceipt receipt = randomReceipt(random);
            assertThat(receipt.verify(KEY)).as("seed %d, run %d: the untampered receipt", SEED, run)
                    .isEqualTo(ReceiptVerification.VALID);
            for (Tamper t : tampers(random, receipt)) {
                ReceiptVerification v = t.receipt().verify(KEY);
                assertThat(v.status()).as("seed %d, run %d, tampered %s: %s", SEED, run, t.field(), v.detail())
                        .isIn(t.sensible());
                assertThat(v.detail()).isNotEmpty();
                tampers++;
            }
        }
        assertThat(tampers).isGreaterThanOrEqualTo(RUNS * 13);
    }

    /** Every leaf (non-container) field of the JSON with its path, e.g. {@code group.root}, {@code path[1]}. */
    private static void leaves(JsonNode node, String prefix, List<String> out) {
        if (node.isObject()) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                leaves(node.get(n), prefix.isEmpty() ? n : prefix + "." + n, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                leaves(node.get(i), prefix + "[" + i + "]", out);
            }
        } else {
            out.add(prefix);
        }
    }

    /** Sets (or with null removes) the field at a path like {@code group.root} or {@code path[1]}. */
    static void set(ObjectNode root, String path, JsonNode value) {
        int dot = path.indexOf('.');
        int bracket = path.indexOf('[');
        if (dot > 0 && (bracket < 0 || dot < bracket)) {
            set((ObjectNode) root.get(path.substring(0, dot)), path.substring(dot + 1), value);
        } else if (bracket > 0) {
            ArrayNode array = (ArrayNode) root.get(path.substring(0, bracket));
            int i = Integer.parseInt(path.substring(bracket + 1, path.indexOf(']')));
            if (value == null) {
                array.remove(i);
            } else {
                array.set(i, value);
            }
        } else if (value == null) {
            root.remove(path);
        } else {
            root.set(path, value);
        }
    }

    static JsonNode get(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            node = bracket < 0 ? node.get(part) : node.get(part.substring(0, bracket))
                    .get(Integer.parseInt(part.substring(bracket + 1, part.length() - 1)));
        }
        return node;
    }

    /** The bad values of a field: the wrong type, and for strings bad hex, for numbers out of range. */
    static List<JsonNode> badValues(JsonNode good) {
        List<JsonNode> bad = new ArrayList<>();
        if (good.isTextual()) {
            String s = good.textValue();
            bad.add(MAPPER.getNodeFactory().numberNode(1));
            bad.add(MAPPER.getNodeFactory().textNode(s.toUpperCase(java.util.Locale.ROOT) + "A"));
            bad.add(MAPPER.getNodeFactory().textNode(s.isEmpty() ? "z" : s.substring(1)));
            bad.add(MAPPER.getNodeFactory().textNode(s.isEmpty() ? "zz" : "zz" + s.substring(2)));
        } else if (good.isNumber()) {
            bad.add(MAPPER.getNodeFactory().textNode(good.asText()));
            bad.add(MAPPER.getNodeFactory().numberNode(-1));
            bad.add(MAPPER.getNodeFactory().numberNode(1.5));
            bad.add(MAPPER.getNodeFactory().numberNode(new java.math.BigInteger("18446744073709551616")));
        }
        return bad;
    }

    @Test
    void fromJson_everyMalformedField_isAReceiptFormatExceptionNamingIt() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int run = 0; run < 20; run++) {
            String json = ReceiptJson.toJson(randomReceipt(random));
            ObjectNode good = (ObjectNode) MAPPER.readTree(json);
            List<String> fields = new ArrayList<>();
            leaves(good, "", fields);
            for (String field : fields) {
                for (JsonNode bad : badValues(get(good, field))) {
                    ObjectNode tampered = good.deepCopy();
                    set(tampered, field, bad);
                    assertNamed(tampered, field, "seed " + SEED + ", " + field + " = " + bad);
                }
                if (!field.startsWith("path[")) {
                    ObjectNode missing = good.deepCopy();
                    set(missing, field, null);
                    assertNamed(missing, field, "seed " + SEED + ", " + field + " removed");
                }
            }
            for (String container : List.of("group", "path")) {
                ObjectNode tampered = good.deepCopy();
                tampered.put(container, "x");
                assertNamed(tampered, container, "seed " + SEED + ", " + container + " not a container");
            }
            ObjectNode unknown = good.deepCopy();
            unknown.put("extra", 1);
            assertNamed(unknown, "extra", "unknown field");
            ObjectNode unknownInGroup = good.deepCopy();
            ((ObjectNode) unknownInGroup.get("group")).put("extra", 1);
            assertNamed(unknownInGroup, "group.extra", "unknown group field");
            assertThat(ReceiptJson.fromJson(MAPPER.writeValueAsString(good))).isEqualTo(ReceiptJson.fromJson(json));
        }
        for (String notAReceipt : List.of("", "[]", "{", "{} {}", "null", "{\"version\":\"receipt-v1\"} x")) {
            ReceiptFormatException e = catchThrowableOfType(ReceiptFormatException.class,
                    () -> ReceiptJson.fromJson(notAReceipt));
            assertThat(e).as("%s", notAReceipt).isNotNull();
        }
    }

    private static void assertNamed(ObjectNode json, String field, String what) throws Exception {
        String text = MAPPER.writeValueAsString(json);
        ReceiptFormatException e = catchThrowableOfType(ReceiptFormatException.class, () -> ReceiptJson.fromJson(text));
        assertThat(e).as(what).isNotNull();
        assertThat(e.field()).as(what + ": " + e.getMessage()).isEqualTo(field);
        assertThat(e.getMessage()).as(what).contains(field);
    }
}
