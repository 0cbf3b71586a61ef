package org.ippan.l2.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {
    /** wire-format-v1.md §3. */
    static final String VECTOR_BATCH_HASH = "1f796b97c85e643d8f017aa862ddefe5a0e9dc9012655fd0a14506db4ecfb02d";

    static Batch vectorBatch() {
        return new Batch(1337, 7, List.of(new Tx(1337, 1, "sequencer", new byte[] {1, 2, 3, 4})), 1735000000000L);
    }

    @Test
    void hash_specVector_matches() {
        assertThat(vectorBatch().hash().toHex()).isEqualTo(VECTOR_BATCH_HASH);
    }

    @Test
    void encode_specVector_isPrefixHeaderTxBodiesAndCreatedMs() {
        Tx tx = new Tx(1337, 1, "sequencer", new byte[] {1, 2, 3, 4});
        String expected = "0100" + "3905000000000000" + "0700000000000000" + "0100000000000000"
                + Hex.encode(tx.encode()).substring(4) + Hex.encode(le64(1735000000000L));
        assertThat(Hex.encode(vectorBatch().encode())).isEqualTo(expected);
        assertThat(vectorBatch().encodedSize()).isEqualTo(Batch.OVERHEAD_BYTES + tx.bodySize());
        assertThat(Batch.encodedSize(List.of(tx))).isEqualTo(vectorBatch().encodedSize());
    }

    private static byte[] le64(long v) {
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    @Test
    void txRoot_isBlake3OfConcatenatedTxHashes() {
        Tx a = new Tx(1, 1, "a", new byte[] {1});
        Tx b = new Tx(1, 2, "b", new byte[] {2});
        byte[] concat = new byte[64];
        a.hash().copyTo(concat, 0);
        b.hash().copyTo(concat, 32);
        Batch batch = new Batch(1, 1, List.of(a, b), 5);
        assertThat(batch.txRoot()).isEqualTo(Hash.blake3(concat));
        assertThat(Batch.computeTxRoot(List.of(a))).isEqualTo(Hash.blake3(a.hash().toBytes()));
    }

    @Test
    void txRoot_ofNoTxs_isZero() {
        assertThat(new Batch(1, 1, List.of(), 0).txRoot()).isEqualTo(Hash.ZERO);
    }

    @Test
    void txBytes_isTheSumOfPayloadLengths() {
        Batch batch = new Batch(1, 1, List.of(new Tx(1, 1, "a", new byte[10]), new Tx(1, 2, "a", new byte[7])), 0);
        assertThat(batch.txBytes()).isEqualTo(17);
        assertThat(batch.txCount()).isEqualTo(2);
    }

    @Test
    void decode_roundTrip_keepsEveryFieldAndByte() {
        Batch batch = new Batch(-5L, 9, List.of(new Tx(-5L, 1, "ü", new byte[] {9}), new Tx(-5L, 2, "b", new byte[0])),
                42);
        Batch back = Batch.decode(batch.encode());
        assertThat(back).isEqualTo(batch);
        assertThat(back.hash()).isEqualTo(batch.hash());
        assertThat(back.txs()).isEqualTo(batch.txs());
        assertThat(back.chainId()).isEqualTo(-5L);
        assertThat(back.batchNumber()).isEqualTo(9);
        assertThat(back.createdMs()).isEqualTo(42);
        assertThat(back.txs().get(0).hash()).isEqualTo(batch.txs().get(0).hash());
    }

    @Test
    void batch_isImmutable() {
        List<Tx> txs = new ArrayList<>(List.of(new Tx(1, 1, "a", new byte[] {1})));
        Batch batch = new Batch(1, 1, txs, 0);
        txs.add(new Tx(1, 2, "a", new byte[] {2}));
        assertThat(batch.txCount()).isEqualTo(1);
        assertThatThrownBy(() -> batch.txs().add(txs.get(1))).isInstanceOf(UnsupportedOperationException.class);
        byte[] decodedFrom = batch.encode();
        Batch decoded = Batch.decode(decodedFrom);
        decodedFrom[decodedFrom.length - 1] = 7;
        assertThat(decoded).isEqualTo(batch);
        assertThatThrownBy(() -> decoded.txs().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void decode_truncatedAtEveryLength_isRefused() {
        byte[] full = vectorBatch().encode();
        for (int length = 0; length < full.length; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            assertThatThrownBy(() -> Batch.decode(cut)).as("prefix of %d bytes", length)
                    .isInstanceOf(WireFormatException.class);
        }
    }

    @Test
    void decode_trailingBytes_isRefused() {
        byte[] full = vectorBatch().encode();
        assertThatThrownBy(() -> Batch.decode(Arrays.copyOf(full, full.length + 3)))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.TRAILING_BYTES));
    }

    @Test
    void decode_badVersion_isRefused() {
        byte[] bytes = vectorBatch().encode();
        bytes[0] = 0;
        assertThatThrownBy(() -> Batch.decode(bytes))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.BAD_VERSION));
        assertThatThrownBy(() -> Batch.decode(new byte[0]))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.TRUNCATED));
    }

    @Test
    void decode_hugeTxCount_isRefusedBeforeAllocating() {
        for (String count : new String[] {"ffffffffffffffff", "0000000000010000", "0000000001000000"}) {
            byte[] bytes = Hex.decode("0100" + "0100000000000000" + "0100000000000000" + count + "0000000000000000");
            assertThatThrownBy(() -> Batch.decode(bytes)).as("count %s", count)
                    .isInstanceOfSatisfying(WireFormatException.class,
                            e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.LENGTH_EXCEEDS_INPUT));
        }
    }

    @Test
    void decode_hugeLengthInsideATx_isRefused() {
        byte[] bytes = vectorBatch().encode();
        // the payload length of the only tx sits after header (26), chain_id, nonce, from length and "sequencer"
        int payloadLengthAt = 2 + 8 + 8 + 8 + 8 + 8 + 8 + 9;
        Arrays.fill(bytes, payloadLengthAt, payloadLengthAt + 8, (byte) 0x7f);
        assertThatThrownBy(() -> Batch.decode(bytes))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.LENGTH_EXCEEDS_INPUT));
    }
}
