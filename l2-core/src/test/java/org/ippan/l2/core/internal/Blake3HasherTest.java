package org.ippan.l2.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our BLAKE3 against the published test vectors and, differentially, against BouncyCastle's {@link Blake3Digest}
 * (the implementation it replaced on the hot path). Every random case is seeded and names its seed when it fails.
 */
class Blake3HasherTest {
    /** The input lengths of the official test_vectors.json; its input is byte {@code i % 251} at index {@code i}. */
    static final int[] VECTOR_LENGTHS = {0, 1, 1023, 1024, 1025, 2048, 2049, 3072, 3073, 4096, 4097, 5120, 5121, 6144,
        6145, 7168, 7169, 8192, 8193, 16384, 31744, 102400};

    static byte[] vectorInput(int length) {
        byte[] input = new byte[length];
        for (int i = 0; i < length; i++) {
            input[i] = (byte) (i % 251);
        }
        return input;
    }

    static byte[] reference(byte[] data, int offset, int length) {
        Blake3Digest digest = new Blake3Digest();
        digest.update(data, offset, length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    static byte[] ours(byte[] data, int offset, int length) {
        Blake3Hasher hasher = new Blake3Hasher();
        hasher.update(data, offset, length);
        byte[] out = new byte[32];
        assertThat(hasher.doFinal(out, 0)).isEqualTo(32);
        return out;
    }

    /** The first 32 bytes of the "hash" field of the published test_vectors.json, pinned literally. */
    @ParameterizedTest
    @CsvSource({
        "0,      af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
        "1,      2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213",
        "1023,   10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11",
        "1024,   42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7",
        "1025,   d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
        "2048,   e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a",
        "2049,   5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030",
        "3072,   b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2",
        "3073,   7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3",
        "4096,   015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969",
        "4097,   9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995",
        "5120,   9cadc15fed8b5d854562b26a9536d9707cadeda9b143978f319ab34230535833",
        "8192,   aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63",
        "102400, bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085",
    })
    void hash_publishedVector_matchesPinnedDigest(int length, String expectedHex) {
        byte[] input = vectorInput(length);
        assertThat(HexFormat.of().formatHex(ours(input, 0, length))).isEqualTo(expectedHex);
        assertThat(HexFormat.of().formatHex(Blake3.hash(input))).isEqualTo(expectedHex);
    }

    @Test
    void hash_everyPublishedVectorLength_matchesReference() {
        for (int length : VECTOR_LENGTHS) {
            byte[] input = vectorInput(length);
            assertThat(ours(input, 0, length)).as("length %d", length).isEqualTo(reference(input, 0, length));
        }
    }

    @Test
    void hash_everyLengthUpTo4200_matchesReference() {
        byte[] data = new byte[4200];
        new SplittableRandom(4200).nextBytes(data);
        Blake3Hasher hasher = new Blake3Hasher(); // one instance throughout: doFinal must leave it as new
        byte[] out = new byte[32];
        for (int length = 0; length <= data.length; length++) {
            hasher.update(data, 0, length);
            hasher.doFinal(out, 0);
            assertThat(out).as("length %d", length).isEqualTo(reference(data, 0, length));
        }
    }

    @Test
    void hash_randomLargeLengths_matchReference() {
        long seed = 0xB1A4E3L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[2 * 1024 * 1024 + 77];
        random.nextBytes(data);
        for (int round = 0; round < 24; round++) {
            int length = random.nextInt(data.length + 1);
            int offset = random.nextInt(data.length - length + 1);
            assertThat(ours(data, offset, length)).as("seed %d round %d: %d bytes at %d", seed, round, length, offset)
                    .isEqualTo(reference(data, offset, length));
        }
        // exact powers of two and their neighbours, where the chunk tree is complete or one chunk off
        for (int chunks = 1; chunks <= 2048; chunks <<= 1) {
            for (int length : new int[] {chunks * 1024 - 1, chunks * 1024, chunks * 1024 + 1}) {
                assertThat(ours(data, 3, length)).as("%d bytes", length).isEqualTo(reference(data, 3, length));
            }
        }
    }

    @Test
    void update_randomSplitPoints_matchesOneShot() {
        long seed = 0x5EED5L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[300_000];
        random.nextBytes(data);
        Blake3Hasher hasher = new Blake3Hasher();
        byte[] out = new byte[32];
        for (int round = 0; round < 200; round++) {
            int length = round < 150 ? random.nextInt(9000) : random.nextInt(data.length + 1);
            int maxPiece = 1 + random.nextInt(round % 3 == 0 ? 70 : 3000);
            int at = 0;
            while (at < length) {
                int piece = Math.min(length - at, random.nextInt(maxPiece + 1)); // zero-length updates too
                hasher.update(data, at, piece);
                at += piece;
            }
            hasher.doFinal(out, 0);
            assertThat(out).as("seed %d round %d: %d bytes in pieces up to %d", seed, round, length, maxPiece)
                    .isEqualTo(reference(data, 0, length));
        }
    }

    @Test
    void update_singleBytes_matchesOneShot() {
        byte[] data = vectorInput(5121);
        Blake3Hasher hasher = new Blake3Hasher();
        byte[] out = new byte[32];
        for (int length : new int[] {0, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 2049, 3072, 5121}) {
            for (int i = 0; i < length; i++) {
                hasher.update(data[i]);
            }
            hasher.doFinal(out, 0);
            assertThat(out).as("length %d", length).isEqualTo(reference(data, 0, length));
        }
    }

    @Test
    void update_singleBytesMixedWithArrays_matchesOneShot() {
        long seed = 77;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[20_000];
        random.nextBytes(data);
        Blake3Hasher hasher = new Blake3Hasher();
        byte[] out = new byte[32];
        for (int round = 0; round < 50; round++) {
            int length = random.nextInt(data.length + 1);
            int at = 0;
            while (at < length) {
                if (random.nextBoolean()) {
                    hasher.update(data[at++]);
                } else {
                    int piece = Math.min(length - at, random.nextInt(200));
                    hasher.update(data, at, piece);
                    at += piece;
                }
            }
            hasher.doFinal(out, 0);
            assertThat(out).as("seed %d round %d", seed, round).isEqualTo(reference(data, 0, length));
        }
    }

    @Test
    void reset_afterPartialInput_forgetsIt() {
        byte[] data = vectorInput(3000);
        Blake3Hasher hasher = new Blake3Hasher();
        hasher.update(data, 0, 2500);
        hasher.reset();
        hasher.update(data, 0, 1025);
        byte[] out = new byte[32];
        hasher.doFinal(out, 0);
        assertThat(out).isEqualTo(reference(data, 0, 1025));
    }

    @Test
    void doFinal_atAnOffset_writesOnlyThe32Bytes() {
        byte[] data = vectorInput(1500);
        byte[] out = new byte[40];
        out[3] = 0x55;
        out[36] = 0x66;
        Blake3Hasher hasher = new Blake3Hasher();
        hasher.update(data, 0, data.length);
        hasher.doFinal(out, 4);
        assertThat(out[3]).isEqualTo((byte) 0x55);
        assertThat(out[36]).isEqualTo((byte) 0x66);
        byte[] digest = new byte[32];
        System.arraycopy(out, 4, digest, 0, 32);
        assertThat(digest).isEqualTo(reference(data, 0, data.length));
    }

    @Test
    void facade_threadDigest_isResetAndMatchesHash() {
        byte[] data = vectorInput(2049);
        Blake3Hasher digest = Blake3.threadDigest();
        digest.update(data, 0, 100); // left unfinished: the next threadDigest() must not see it
        digest = Blake3.threadDigest();
        digest.update(data, 0, 1000);
        digest.update(data, 1000, 1049);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        assertThat(out).isEqualTo(Blake3.hash(data)).isEqualTo(reference(data, 0, data.length));
        assertThat(Blake3.hash(data, 7, 1500)).isEqualTo(reference(data, 7, 1500));
    }

    @Test
    void update_outOfBounds_isRefusedWithoutChangingState() {
        Blake3Hasher hasher = new Blake3Hasher();
        byte[] data = vectorInput(10);
        hasher.update(data, 0, 5);
        assertThatThrownBy(() -> hasher.update(data, 6, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> hasher.update(data, -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> hasher.doFinal(new byte[31], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        byte[] out = new byte[32];
        hasher.doFinal(out, 0);
        assertThat(out).isEqualTo(reference(data, 0, 5));
    }
}
