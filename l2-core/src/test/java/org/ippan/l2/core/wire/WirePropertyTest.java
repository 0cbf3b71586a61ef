package org.ippan.l2.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.ippan.l2.core.testing.RandomTxs;
import org.ippan.l2.core.testing.Seeds;
import org.junit.jupiter.api.Test;

/** Seeded property-style tests of the wire format: round-trips, and decoders that fail only in a typed way. */
class WirePropertyTest {
    private static final long SEED = Seeds.seed(0x5EED_0001L);

    @Test
    void tx_encodeDecode_roundTripsForRandomTxs() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 5_000; i++) {
            Tx tx = RandomTxs.tx(random, 40, 600);
            Tx back = Tx.decode(tx.encode());
            assertThat(back).as("seed %d, case %d", SEED, i).isEqualTo(tx);
            assertThat(back.from()).isEqualTo(tx.from());
            assertThat(back.payload()).isEqualTo(tx.payload());
            assertThat(back.chainId()).isEqualTo(tx.chainId());
            assertThat(back.nonce()).isEqualTo(tx.nonce());
            assertThat(back.hash()).isEqualTo(tx.hash());
            assertThat(back.encode()).isEqualTo(tx.encode());
        }
    }

    @Test
    void batch_encodeDecode_roundTripsForRandomBatches() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int i = 0; i < 500; i++) {
            List<Tx> txs = new ArrayList<>();
            int count = random.nextInt(40);
            for (int t = 0; t < count; t++) {
                txs.add(RandomTxs.tx(random, 12, 200));
            }
            Batch batch = new Batch(random.nextLong(), random.nextLong(), txs, random.nextLong());
            Batch back = Batch.decode(batch.encode());
            assertThat(back).as("seed %d, case %d", SEED + 1, i).isEqualTo(batch);
            assertThat(back.txs()).isEqualTo(txs);
            assertThat(back.hash()).isEqualTo(batch.hash());
            assertThat(back.txRoot()).isEqualTo(batch.txRoot());
            assertThat(back.createdMs()).isEqualTo(batch.createdMs());
            assertThat((long) batch.encodedSize()).isEqualTo(Batch.encodedSize(txs));
        }
    }

    @Test
    void batch_hashAndHexFromTheTxsBytes_equalThoseOfTheAssembledEncoding() {
        SplittableRandom random = new SplittableRandom(SEED + 4);
        for (int i = 0; i < 300; i++) {
            List<Tx> txs = new ArrayList<>();
            int count = random.nextInt(30);
            for (int t = 0; t < count; t++) {
                txs.add(RandomTxs.tx(random, 12, 300));
            }
            long chainId = random.nextLong();
            long number = random.nextLong();
            long createdMs = random.nextLong();
            byte[] assembled = new Batch(chainId, number, txs, createdMs).encode();
            Batch fresh = new Batch(chainId, number, txs, createdMs); // never assembled: hashed from the txs' bytes
            assertThat(fresh.hash()).as("seed %d, case %d", SEED + 4, i).isEqualTo(Hash.blake3(assembled));
            byte[] hex = new byte[2 * assembled.length + 2];
            new Batch(chainId, number, txs, createdMs).encodeHexTo(hex, 1);
            assertThat(new String(hex, 1, 2 * assembled.length, java.nio.charset.StandardCharsets.US_ASCII))
                    .as("seed %d, case %d", SEED + 4, i).isEqualTo(Hex.encode(assembled));
            assertThat(fresh.encodedSize()).isEqualTo(assembled.length);
            assertThat(fresh).isEqualTo(Batch.decode(assembled)).hasSameHashCodeAs(Batch.decode(assembled));
        }
    }

    @Test
    void txDecoder_randomGarbageAndMutations_failOnlyWithWireFormatException() {
        SplittableRandom random = new SplittableRandom(SEED + 2);
        List<byte[]> valid = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            valid.add(RandomTxs.tx(random, 8, 40).encode());
        }
        fuzz(random, valid, Tx::decode, Tx::encode);
    }

    @Test
    void batchDecoder_randomGarbageAndMutations_failOnlyWithWireFormatException() {
        SplittableRandom random = new SplittableRandom(SEED + 3);
        List<byte[]> valid = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            List<Tx> txs = new ArrayList<>();
            for (int t = random.nextInt(5); t > 0; t--) {
                txs.add(RandomTxs.tx(random, 8, 30));
            }
            valid.add(new Batch(random.nextLong(), random.nextLong(), txs, random.nextLong()).encode());
        }
        fuzz(random, valid, Batch::decode, Batch::encode);
    }

    /**
     * Feeds random bytes and single-field mutations of valid encodings (bit flips, length bytes set to large values,
     * truncation, extension) to a decoder. Anything it accepts must re-encode to the same bytes (strictness: one
     * value, one encoding); anything it refuses must be refused with {@link WireFormatException}.
     */
    private static <T> void fuzz(SplittableRandom random, List<byte[]> valid, Function<byte[], T> decoder,
            Function<T, byte[]> encoder) {
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            if (i % 4 == 0) {
                input = RandomTxs.bytes(random, 64);
                if (input.length >= 2 && random.nextBoolean()) {
                    input[0] = 1;
                    input[1] = 0;
                }
            } else {
                byte[] base = valid.get(random.nextInt(valid.size()));
                input = mutate(random, base);
            }
            try {
                T value = decoder.apply(input);
                assertThat(encoder.apply(value)).as("seed %d: accepted input re-encodes identically", SEED).isEqualTo(input);
                accepted++;
            } catch (WireFormatException expected) {
                refused++;
            } catch (RuntimeException | Error other) {
                fail("seed " + SEED + ": decoder threw " + other + " for input " + Hex.encode(input), other);
            }
        }
        assertThat(refused).as("the fuzzer exercised refusals").isGreaterThan(1000);
        assertThat(accepted).as("the fuzzer exercised acceptances").isGreaterThan(0);
    }

    private static byte[] mutate(SplittableRandom random, byte[] base) {
        byte[] out = base.clone();
        switch (random.nextInt(5)) {
            case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> {
                int at = random.nextInt(out.length);
                out[at] = (byte) 0xff;
                if (at + 1 < out.length) {
                    out[at + 1] = (byte) random.nextInt(256);
                }
            }
            case 2 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length));
            case 3 -> out = java.util.Arrays.copyOf(out, out.length + 1 + random.nextInt(8));
            default -> {
                // leave a valid encoding as it is
            }
        }
        return out;
    }
}
