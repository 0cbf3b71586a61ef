package org.ippan.l2.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

class L1ContractTest {
    /** wire-format-v1.md §5. */
    static final String HUB_PAYLOAD_VECTOR = "{\"content_type\":\"application/json\",\"contract_version\":\"v1\","
            + "\"hub\":\"Fin\",\"payload\":\"eyJ0eHMiOlt7InR4X2lkIjoidHgtMDAxIiwia2luZCI6ImRlbW8ifV19\","
            + "\"schema_version\":\"hub-fin.payload.v1\"}";

    static final Ed25519Signer SIGNER = signer();

    static Ed25519Signer signer() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x42);
        return new Ed25519Signer(seed);
    }

    static Batch batch() {
        return new Batch(1, 12, List.of(new Tx(1, 1, "alice", "Hello".getBytes(StandardCharsets.UTF_8))),
                1_735_000_000_000L);
    }

    static L2BatchEnvelopeV1 l1Envelope() {
        Batch batch = batch();
        BatchEnvelope envelope = BatchEnvelope.sign(BatchPayload.of(batch, Hash.ZERO), SIGNER);
        return L2BatchEnvelopeV1.forBatch(batch, envelope, Hub.Fin, 0);
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Test
    void hubPayloadVector_canonicalHash_matches() {
        byte[] json = HUB_PAYLOAD_VECTOR.getBytes(StandardCharsets.UTF_8);
        assertThat(CanonicalJson.canonicalize(json)).isEqualTo(json);
        assertThat(b64(Hash.blake3(CanonicalJson.canonicalize(json)).toBytes()))
                .isEqualTo("FlLO2xghHuOMJ7ooEJAZYvTM5xSmqZF-m9evahhQr30");
        HubPayloadEnvelopeV1 parsed = HubPayloadEnvelopeV1.fromJson(json);
        assertThat(parsed.canonicalJson()).isEqualTo(json);
        assertThat(b64(parsed.canonicalHash().toBytes())).isEqualTo("FlLO2xghHuOMJ7ooEJAZYvTM5xSmqZF-m9evahhQr30");
        assertThat(parsed.hub()).isEqualTo(Hub.Fin);
        assertThat(new String(parsed.payload(), StandardCharsets.UTF_8)).contains("tx-001");
    }

    @Test
    void canonicalize_sortsKeysRecursively_compacts_andKeepsIntegers() {
        String messy = "{ \"b\" : [ {\"z\":1, \"a\":-2} , true, null ],\n \"a\": \"x\\u0001\\/é\", \"aa\": 18446744073709551615 }";
        assertThat(new String(CanonicalJson.canonicalize(messy.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":\"x\\u0001/é\",\"aa\":18446744073709551615,\"b\":[{\"a\":-2,\"z\":1},true,null]}");
    }

    @Test
    void canonicalize_sortsByUtf8Bytes_notUtf16Units() {
        // U+FF5E (3 UTF-8 bytes EF BD 9E) sorts before U+1F600 (F0 ...) bytewise, but after it in UTF-16 units
        String json = "{\"\ud83d\ude00\":1,\"\uff5e\":2}";
        assertThat(new String(CanonicalJson.canonicalize(json.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8)).isEqualTo("{\"\uff5e\":2,\"\ud83d\ude00\":1}");
    }

    @Test
    void canonicalize_refusesFloatsAndBadJson() {
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"a\":1.5}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("floating-point");
        assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"a\":1} x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.canonicalize(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forBatch_fillsEveryFieldFromTheBatch() {
        Batch batch = batch();
        L2BatchEnvelopeV1 l1 = l1Envelope();
        assertThat(l1.hub()).isEqualTo(Hub.Fin);
        assertThat(l1.batchId()).isEqualTo(batch.hash().toHex());
        assertThat(l1.sequence()).isEqualTo(12);
        assertThat(l1.txCount()).isEqualTo(1);
        assertThat(l1.commitment()).isEqualTo(batch.txRoot().toHex());
        assertThat(l1.fee()).isZero();
        assertThat(l1.payload().schemaVersion()).isEqualTo("batch-envelope-v1");
        assertThat(l1.payload().contentType()).isEqualTo("application/octet-stream");
        assertThat(BatchEnvelope.decode(l1.payload().payload()))
                .isEqualTo(BatchEnvelope.sign(BatchPayload.of(batch, Hash.ZERO), SIGNER));
        assertThat(l1.keyMatches()).isTrue();
    }

    @Test
    void idempotencyKey_isBlake3OfTheConcatenatedPiecesWithBigEndianSequence() {
        L2BatchEnvelopeV1 l1 = l1Envelope();
        byte[] payloadHash = Hash.blake3(l1.payload().canonicalJson()).toBytes();
        byte[] pieces = concat("ippan-l1l2".getBytes(StandardCharsets.US_ASCII),
                "v1".getBytes(StandardCharsets.US_ASCII), "Fin".getBytes(StandardCharsets.US_ASCII),
                l1.batchId().getBytes(StandardCharsets.US_ASCII), new byte[] {0, 0, 0, 0, 0, 0, 0, 12}, payloadHash);
        assertThat(l1.idempotencyKey()).isEqualTo(Hash.blake3(pieces).toBytes());
        assertThat(l1.idempotencyKeyBase64Url()).isEqualTo(b64(l1.idempotencyKey())).hasSize(43);
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void buildingTwice_givesTheSameBytesAndTheSameKey() {
        assertThat(l1Envelope().canonicalJson()).isEqualTo(l1Envelope().canonicalJson());
        assertThat(l1Envelope().idempotencyKey()).isEqualTo(l1Envelope().idempotencyKey());
        assertThat(l1Envelope()).isEqualTo(l1Envelope());
    }

    @Test
    void idempotencyKey_changesWithEveryInput() {
        Batch batch = batch();
        BatchEnvelope envelope = BatchEnvelope.sign(BatchPayload.of(batch, Hash.ZERO), SIGNER);
        byte[] base = L2BatchEnvelopeV1.forBatch(batch, envelope, Hub.Fin, 0).idempotencyKey();
        assertThat(L2BatchEnvelopeV1.forBatch(batch, envelope, Hub.Data, 0).idempotencyKey()).isNotEqualTo(base);
        assertThat(L2BatchEnvelopeV1.forBatch(batch, envelope, Hub.Fin, 5).idempotencyKey())
                .as("the fee is not part of the key").isEqualTo(base);
        Hash payloadHash = Hash.blake3(new byte[] {1});
        assertThat(L2BatchEnvelopeV1.deriveIdempotencyKey(Hub.Fin, batch.hash().toHex(), 1, payloadHash))
                .isNotEqualTo(L2BatchEnvelopeV1.deriveIdempotencyKey(Hub.Fin, batch.hash().toHex(), 256, payloadHash));
    }

    @Test
    void canonicalJson_isSortedCompactAndOmitsAbsentCommitment() {
        L2BatchEnvelopeV1 l1 = l1Envelope();
        String json = new String(l1.canonicalJson(), StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"batch_id\":\"" + l1.batchId() + "\",\"commitment\":\"")
                .contains(",\"contract_version\":\"v1\",\"fee\":0,\"hub\":\"Fin\",\"idempotency_key\":\""
                        + l1.idempotencyKeyBase64Url() + "\",\"payload\":{\"content_type\":\"application/octet-stream\","
                        + "\"contract_version\":\"v1\",\"hub\":\"Fin\",\"payload\":\"")
                .endsWith("\",\"schema_version\":\"batch-envelope-v1\"},\"sequence\":12,\"tx_count\":1}")
                .doesNotContain(" ", "\n", "null");
        L2BatchEnvelopeV1 noCommitment = new L2BatchEnvelopeV1(l1.hub(), l1.batchId(), l1.sequence(), l1.txCount(),
                null, 0, l1.payload(), l1.idempotencyKey());
        assertThat(new String(noCommitment.canonicalJson(), StandardCharsets.UTF_8)).doesNotContain("commitment");
    }

    @Test
    void fromJson_roundTrips_andChecksTheKey() {
        L2BatchEnvelopeV1 l1 = l1Envelope();
        L2BatchEnvelopeV1 back = L2BatchEnvelopeV1.fromJson(l1.canonicalJson());
        assertThat(back).isEqualTo(l1);
        assertThat(back.canonicalJson()).isEqualTo(l1.canonicalJson());
        String json = new String(l1.canonicalJson(), StandardCharsets.UTF_8);
        String otherSequence = json.replace("\"sequence\":12", "\"sequence\":13");
        assertThatThrownBy(() -> L2BatchEnvelopeV1.fromJson(otherSequence.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ContractException.class).hasMessageContaining("idempotency_key does not match");
    }

    @Test
    void fromJson_badDocuments_nameTheField() {
        String json = new String(l1Envelope().canonicalJson(), StandardCharsets.UTF_8);
        assertRefused(json.replace("\"hub\":\"Fin\",\"idem", "\"hub\":\"Nope\",\"idem"), "hub must be one of");
        assertRefused(json.replace("\"contract_version\":\"v1\",\"fee\"", "\"contract_version\":\"v2\",\"fee\""),
                "contract_version");
        assertRefused(json.replace("\"sequence\":12", "\"sequence\":-1"), "sequence");
        assertRefused(json.replace("\"sequence\":12", "\"sequence\":\"12\""), "sequence");
        assertRefused(json.replace("{\"batch_id\"", "{\"extra\":1,\"batch_id\""), "unknown field \"extra\"");
        assertRefused(json.replace("\"fee\":0", "\"fee\":0.5"), "fee");
        assertRefused("[]", "must be a JSON object");
        assertRefused("{", "not valid JSON");
        String key = l1Envelope().idempotencyKeyBase64Url();
        assertRefused(json.replace(key, key + "="), "without padding");
        assertRefused(json.replace(key, key.substring(0, 40)), "idempotency_key");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> L2BatchEnvelopeV1.fromJson(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ContractException.class).hasMessageContaining(message);
    }

    @Test
    void forBatch_envelopeOfAnotherBatch_isRefused() {
        BatchEnvelope other = BatchEnvelope.unsigned(BatchPayload.of(
                new Batch(1, 13, List.of(new Tx(1, 9, "x", new byte[0])), 5), Hash.ZERO));
        assertThatThrownBy(() -> L2BatchEnvelopeV1.forBatch(batch(), other, Hub.Fin, 0))
                .hasMessageContaining("not of batch");
    }

    @Test
    void values_invalidFields_areRefusedNamingThem() {
        L2BatchEnvelopeV1 l1 = l1Envelope();
        assertThatThrownBy(() -> new L2BatchEnvelopeV1(Hub.Fin, "", 1, 1, null, 0, l1.payload(), l1.idempotencyKey()))
                .hasMessageContaining("batch_id");
        assertThatThrownBy(() -> new L2BatchEnvelopeV1(Hub.Fin, "x", 1, 1, null, -1, l1.payload(),
                l1.idempotencyKey())).hasMessageContaining("fee");
        assertThatThrownBy(() -> new L2BatchEnvelopeV1(Hub.Fin, "x", 1, 1, null, 0, l1.payload(), new byte[3]))
                .hasMessageContaining("idempotency_key");
        assertThatThrownBy(() -> new HubPayloadEnvelopeV1(Hub.Fin, " ", "a", new byte[0]))
                .hasMessageContaining("schema_version");
        assertThat(Hub.parse("M2m")).isEqualTo(Hub.M2m);
        assertThatThrownBy(() -> Hub.parse("fin")).hasMessageContaining("Fin, Data, M2m, World, Bridge");
    }
}
