package org.ippan.l2.core.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;

import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.proof.InclusionProof.L1Position;
import org.ippan.l2.core.proof.InclusionProof.Predecessor;
import org.ippan.l2.core.proof.ProofVerification.Status;
import org.ippan.l2.core.receipt.ReceiptFormatException;
import org.ippan.l2.core.testing.RandomTxs;
import org.ippan.l2.core.testing.Seeds;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.Test;

/**
 * Every single-field change of a valid proof makes {@link InclusionProof#verify} fail with a sensible check (the
 * two documented exceptions are pinned: the L1 request's {@code fee} and the {@code l1} claims are not provable
 * offline), and every malformed JSON field makes {@link ProofJson#fromJson} fail naming it. Seeded
 * ({@code -Dl2.test.seed=N}); each message carries the seed.
 */
class InclusionProofTamperPropertyTest {
    private static final long SEED = Seeds.seed(20260316L);
    private static final int RUNS = 60;
    private static final Ed25519Signer SIGNER = ProofFixtures.SIGNER;
    private static final byte[] KEY = SIGNER.publicKey();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<Status> L1_REQUEST_SENSIBLE = EnumSet.of(Status.L1_REQUEST_MALFORMED,
            Status.ENVELOPE_MALFORMED, Status.ENVELOPE_HASH_MISMATCH, Status.UNSIGNED, Status.WRONG_KEY,
            Status.BAD_SIGNATURE, Status.CONTRACT_MISMATCH);

    /** A valid proof of a random tx of a random batch (1 to 6 txs, batch number 1 to 6). */
    static InclusionProof randomProof(SplittableRandom random) {
        long chainId = random.nextLong();
        long number = 1 + random.nextInt(6);
        BatchL1State state = randomState(random);
        Optional<StoredBatch> predecessor = Optional.empty();
        Hash prev = Hash.ZERO;
        long firstSeq = 1 + random.nextInt(1000);
        if (number > 1) {
            byte[] before = new byte[32];
            random.nextBytes(before);
            Batch previous = new Batch(chainId, number - 1, txs(random, chainId), random.nextLong(1L << 41));
            StoredBatch p = ProofFixtures.stored(previous, number == 2 ? Hash.ZERO : Hash.of(before),
                    firstSeq, SIGNER, state);
            predecessor = Optional.of(p);
            prev = previous.hash();
            firstSeq += previous.txCount();
        }
        Batch batch = new Batch(chainId, number, txs(random, chainId), random.nextLong(1L << 41));
        StoredBatch stored = ProofFixtures.stored(batch, prev, firstSeq, SIGNER, state);
        return InclusionProof.of(stored, firstSeq + random.nextInt(batch.txCount()), predecessor);
    }

    private static List<Tx> txs(SplittableRandom random, long chainId) {
        List<Tx> txs = new ArrayList<>();
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            txs.add(RandomTxs.txForChain(random, chainId, 40));
        }
        return txs;
    }

    private static BatchL1State randomState(SplittableRandom random) {
        L1Status status = L1Status.values()[random.nextInt(L1Status.values().length)];
        return new BatchL1State(status, status == L1Status.COMMITTED ? null : "l1-" + random.nextInt(1000),
                random.nextInt(1000), 1, null, 0);
    }

    private record Tamper(String field, InclusionProof proof, Set<Status> sensible) {}

    private static byte[] flip(SplittableRandom random, byte[] bytes) {
        byte[] out = bytes.clone();
        out[random.nextInt(out.length)] ^= (byte) (1 + random.nextInt(255));
        return out;
    }

    private static long plusMinusOne(SplittableRandom random, long v, long min) {
        return v <= min || (random.nextBoolean() && v < Long.MAX_VALUE) ? v + 1 : v - 1;
    }

    private static InclusionProof with(InclusionProof p, long chainId, byte[] txHash, int txIndex, long batchNumber,
            byte[] batchHash, byte[] prevBatchHash, Optional<Predecessor> predecessor, byte[] l1Request,
            byte[] idempotencyKey, L1Position l1) {
        return new InclusionProof(chainId, txHash, txIndex, batchNumber, batchHash, prevBatchHash, predecessor,
                l1Request, idempotencyKey, l1);
    }

    /** The span of the fee's digits in the request body: outside the signature and the v1 key (spec §7). */
    private static int[] feeSpan(byte[] body) {
        String text = new String(body, StandardCharsets.US_ASCII);
        int at = text.indexOf("\"fee\":") + 6;
        int end = at;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return new int[] {at, end};
    }

    static List<Tamper> tampers(SplittableRandom random, InclusionProof p) {
        List<Tamper> out = new ArrayList<>();
        out.add(new Tamper("chain_id", with(p, p.chainId() + (random.nextBoolean() ? 1 : -1), p.txHash(),
                p.txIndex(), p.batchNumber(), p.batchHash(), p.prevBatchHash(), p.predecessor(), p.l1Request(),
                p.idempotencyKey(), p.l1()), EnumSet.of(Status.CHAIN_MISMATCH)));
        out.add(new Tamper("tx_hash", with(p, p.chainId(), flip(random, p.txHash()), p.txIndex(), p.batchNumber(),
                p.batchHash(), p.prevBatchHash(), p.predecessor(), p.l1Request(), p.idempotencyKey(), p.l1()),
                EnumSet.of(Status.TX_NOT_AT_INDEX)));
        out.add(new Tamper("tx_index", with(p, p.chainId(), p.txHash(), (int) plusMinusOne(random, p.txIndex(), 0),
                p.batchNumber(), p.batchHash(), p.prevBatchHash(), p.predecessor(), p.l1Request(),
                p.idempotencyKey(), p.l1()), EnumSet.of(Status.TX_NOT_AT_INDEX)));
        out.add(new Tamper("batch_number", with(p, p.chainId(), p.txHash(), p.txIndex(),
                plusMinusOne(random, p.batchNumber(), 1), p.batchHash(), p.prevBatchHash(), p.predecessor(),
                p.l1Request(), p.idempotencyKey(), p.l1()), EnumSet.of(Status.BATCH_NUMBER_MISMATCH)));
        out.add(new Tamper("batch_hash", with(p, p.chainId(), p.txHash(), p.txIndex(), p.batchNumber(),
                flip(random, p.batchHash()), p.prevBatchHash(), p.predecessor(), p.l1Request(), p.idempotencyKey(),
                p.l1()), EnumSet.of(Status.BATCH_HASH_MISMATCH)));
        out.add(new Tamper("prev_batch_hash", with(p, p.chainId(), p.txHash(), p.txIndex(), p.batchNumber(),
                p.batchHash(), flip(random, p.prevBatchHash()), p.predecessor(), p.l1Request(), p.idempotencyKey(),
                p.l1()), EnumSet.of(Status.PREDECESSOR_MISMATCH)));
        if (p.predecessor().isPresent()) {
            Predecessor pre = p.predecessor().get();
            out.add(new Tamper("predecessor.batch_number", with(p, p.chainId(), p.txHash(), p.txIndex(),
                    p.batchNumber(), p.batchHash(), p.prevBatchHash(), Optional.of(new Predecessor(
                            plusMinusOne(random, pre.batchNumber(), 1), pre.batchHash())), p.l1Request(),
                    p.idempotencyKey(), p.l1()), EnumSet.of(Status.PREDECESSOR_MISMATCH)));
            out.add(new Tamper("predecessor.batch_hash", with(p, p.chainId(), p.txHash(), p.txIndex(),
                    p.batchNumber(), p.batchHash(), p.prevBatchHash(), Optional.of(new Predecessor(
                            pre.batchNumber(), flip(random, pre.batchHash()))), p.l1Request(), p.idempotencyKey(),
                    p.l1()), EnumSet.of(Status.PREDECESSOR_MISMATCH)));
            out.add(new Tamper("predecessor (removed)", with(p, p.chainId(), p.txHash(), p.txIndex(),
                    p.batchNumber(), p.batchHash(), p.prevBatchHash(), Optional.empty(), p.l1Request(),
                    p.idempotencyKey(), p.l1()), EnumSet.of(Status.PREDECESSOR_MISMATCH)));
        } else {
            out.add(new Tamper("predecessor (added)", with(p, p.chainId(), p.txHash(), p.txIndex(),
                    p.batchNumber(), p.batchHash(), p.prevBatchHash(), Optional.of(new Predecessor(1, new byte[32])),
                    p.l1Request(), p.idempotencyKey(), p.l1()), EnumSet.of(Status.PREDECESSOR_MISMATCH)));
        }
        out.add(new Tamper("idempotency_key", with(p, p.chainId(), p.txHash(), p.txIndex(), p.batchNumber(),
                p.batchHash(), p.prevBatchHash(), p.predecessor(), p.l1Request(), flip(random, p.idempotencyKey()),
                p.l1()), EnumSet.of(Status.IDEMPOTENCY_KEY_MISMATCH)));
        byte[] body = p.l1Request();
        int[] fee = feeSpan(body);
        for (int k = 0; k < 6; k++) {
            int at;
            do {
                at = random.nextInt(body.length);
            } while (at >= fee[0] && at < fee[1]);
            byte[] changed = body.clone();
            changed[at] ^= (byte) (1 + random.nextInt(255));
            out.add(new Tamper("l1_request[" + at + "]", with(p, p.chainId(), p.txHash(), p.txIndex(),
                    p.batchNumber(), p.batchHash(), p.prevBatchHash(), p.predecessor(), changed, p.idempotencyKey(),
                    p.l1()), L1_REQUEST_SENSIBLE));
        }
        out.add(new Tamper("l1_request (one byte less)", with(p, p.chainId(), p.txHash(), p.txIndex(),
                p.batchNumber(), p.batchHash(), p.prevBatchHash(), p.predecessor(),
                Arrays.copyOf(body, body.length - 1), p.idempotencyKey(), p.l1()), L1_REQUEST_SENSIBLE));
        L1Position l1 = p.l1();
        L1Position malformed = l1.stage().hasBlock()
                ? new L1Position(l1.stage(), l1.l1TxId(), OptionalLong.empty())
                : new L1Position(l1.stage(), l1.l1TxId(), OptionalLong.of(7));
        out.add(new Tamper("l1 (" + malformed + ")", with(p, p.chainId(), p.txHash(), p.txIndex(), p.batchNumber(),
                p.batchHash(), p.prevBatchHash(), p.predecessor(), p.l1Request(), p.idempotencyKey(), malformed),
                EnumSet.of(Status.L1_STATE_MALFORMED)));
        return out;
    }

    @Test
    void verify_everySingleFieldTamper_failsNamingASensibleCheck() {
        SplittableRandom random = new SplittableRandom(SEED);
        int tampers = 0;
        for (int run = 0; run < RUNS; run++) {
            InclusionProof proof = randomProof(random);
            assertThat(proof.verify(KEY)).as("seed %d, run %d: the untampered proof %s", SEED, run, proof)
                    .isEqualTo(ProofVerification.VALID);
            assertThat(ProofJson.fromJson(ProofJson.toJson(proof))).isEqualTo(proof);
            for (Tamper t : tampers(random, proof)) {
                ProofVerification v = t.proof().verify(KEY);
                assertThat(v.status()).as("seed %d, run %d, tampered %s: %s", SEED, run, t.field(), v.detail())
                        .isIn(t.sensible());
                assertThat(v.detail()).isNotEmpty();
                tampers++;
            }
            byte[] otherKey = new Ed25519Signer(new byte[32]).publicKey();
            assertThat(proof.verify(otherKey).status()).as("seed %d, another key", SEED).isEqualTo(Status.WRONG_KEY);
        }
        assertThat(tampers).isGreaterThanOrEqualTo(RUNS * 15);
    }

    @Test
    void verify_feeAndL1Claims_areNotProvableOffline_asTheSpecSays() {
        InclusionProof p = randomProof(new SplittableRandom(SEED + 2));
        byte[] body = p.l1Request();
        int[] fee = feeSpan(body);
        String text = new String(body, StandardCharsets.US_ASCII);
        byte[] otherFee = (text.substring(0, fee[0]) + "7" + text.substring(fee[1])).getBytes(StandardCharsets.US_ASCII);
        assertThat(with(p, p.chainId(), p.txHash(), p.txIndex(), p.batchNumber(), p.batchHash(), p.prevBatchHash(),
                p.predecessor(), otherFee, p.idempotencyKey(), p.l1()).verify(KEY).status()).isEqualTo(Status.VALID);
        L1Position claim = new L1Position(L1Stage.FINALIZED, Optional.of("some-other-id"), OptionalLong.of(99));
        assertThat(with(p, p.chainId(), p.txHash(), p.txIndex(), p.batchNumber(), p.batchHash(), p.prevBatchHash(),
                p.predecessor(), p.l1Request(), p.idempotencyKey(), claim).verify(KEY).status())
                .isEqualTo(Status.VALID);
    }

    @Test
    void of_refusesASeqOutsideTheBatchAndAWrongPredecessor() {
        StoredBatch batch = ProofFixtures.vectorBatch();
        StoredBatch before = ProofFixtures.vectorPredecessor();
        assertThatThrownBy(() -> InclusionProof.of(batch, 99, Optional.of(before)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 99");
        assertThatThrownBy(() -> InclusionProof.of(batch, 100, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs its predecessor");
        assertThatThrownBy(() -> InclusionProof.of(batch, 100, Optional.of(batch)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not the predecessor");
        assertThatThrownBy(() -> InclusionProof.of(before, 99, Optional.of(before)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch 1 has no predecessor");
    }

    @Test
    void l1Position_ofAStoredState_keepsOnlyWhatItsStageSays() {
        assertThat(L1Position.of(new BatchL1State(L1Status.COMMITTED, "old", 5, 2, null, 0)))
                .isEqualTo(new L1Position(L1Stage.COMMITTED, Optional.empty(), OptionalLong.empty()));
        assertThat(L1Position.of(new BatchL1State(L1Status.POSTED, "id", 0, 1, null, 0)))
                .isEqualTo(new L1Position(L1Stage.POSTED, Optional.of("id"), OptionalLong.empty()));
        assertThat(L1Position.of(new BatchL1State(L1Status.CONFIRMED, "id", 12, 1, null, 0)))
                .isEqualTo(new L1Position(L1Stage.FINALIZED, Optional.of("id"), OptionalLong.of(12)));
    }

    // ---- JSON ---------------------------------------------------------------------------------------------------

    private static void leaves(JsonNode node, String prefix, List<String> out) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            String path = prefix.isEmpty() ? n : prefix + "." + n;
            if (node.get(n).isObject()) {
                leaves(node.get(n), path, out);
            } else {
                out.add(path);
            }
        }
    }

    private static ObjectNode parent(ObjectNode root, String path) {
        int dot = path.indexOf('.');
        return dot < 0 ? root : (ObjectNode) root.get(path.substring(0, dot));
    }

    private static String last(String path) {
        return path.substring(path.indexOf('.') + 1);
    }

    private static List<JsonNode> badValues(String field, JsonNode good) {
        var f = MAPPER.getNodeFactory();
        List<JsonNode> bad = new ArrayList<>();
        if (good.isNumber()) {
            bad.addAll(List.of(f.textNode(good.asText()), f.numberNode(-1), f.numberNode(2.5),
                    f.numberNode(new java.math.BigInteger("18446744073709551616"))));
        } else if (field.equals("l1_request") || field.equals("idempotency_key")) {
            bad.addAll(List.of(f.numberNode(1), f.textNode("QUJD="), f.textNode("A"), f.textNode("a+b/")));
            if (field.equals("idempotency_key")) {
                bad.add(f.textNode(good.asText() + "AA"));
            }
        } else if (field.equals("l1.l1_tx_id")) {
            bad.add(f.numberNode(1));
        } else {
            String s = good.asText();
            bad.addAll(List.of(f.numberNode(1), f.textNode(s.toUpperCase(java.util.Locale.ROOT) + "A"),
                    f.textNode(s.substring(1)), f.textNode("zz" + s.substring(2))));
        }
        return bad;
    }

    @Test
    void fromJson_everyMalformedField_isAReceiptFormatExceptionNamingIt() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int run = 0; run < 12; run++) {
            ObjectNode good = (ObjectNode) MAPPER.readTree(ProofJson.toJson(randomProof(random)));
            List<String> fields = new ArrayList<>();
            leaves(good, "", fields);
            for (String field : fields) {
                JsonNode value = parent(good, field).get(last(field));
                for (JsonNode bad : badValues(field, value)) {
                    ObjectNode tampered = good.deepCopy();
                    parent(tampered, field).set(last(field), bad);
                    assertNamed(tampered, field, "seed " + SEED + ", " + field + " = " + bad);
                }
                boolean optional = field.startsWith("predecessor.") || field.equals("l1.l1_tx_id")
                        || field.equals("l1.height");
                if (!optional) {
                    ObjectNode missing = good.deepCopy();
                    parent(missing, field).remove(last(field));
                    assertNamed(missing, field, "seed " + SEED + ", " + field + " removed");
                }
            }
            for (String container : List.of("l1", "predecessor")) {
                ObjectNode tampered = good.deepCopy();
                tampered.put(container, 3);
                assertNamed(tampered, container, "seed " + SEED + ", " + container + " not an object");
                ObjectNode unknown = good.deepCopy();
                if (unknown.get(container) instanceof ObjectNode o) {
                    o.put("extra", 1);
                    assertNamed(unknown, container + ".extra", "unknown field in " + container);
                }
            }
            ObjectNode unknown = good.deepCopy();
            unknown.put("seq", 1);
            assertNamed(unknown, "seq", "unknown top-level field");
        }
    }

    private static void assertNamed(ObjectNode json, String field, String what) throws Exception {
        String text = MAPPER.writeValueAsString(json);
        ReceiptFormatException e = catchThrowableOfType(ReceiptFormatException.class, () -> ProofJson.fromJson(text));
        assertThat(e).as(what).isNotNull();
        assertThat(e.field()).as(what + ": " + e.getMessage()).isEqualTo(field);
    }
}
