package org.ippan.l2.blake3.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.ippan.l2.core.internal.Blake3Hasher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API hasher byte for byte against the core's scalar {@link Blake3Hasher}: every length up to three
 * chunks and from a chunk short of one lane group to two chunks past it, both sides of every chunk and block boundary
 * up to four groups, random lengths past 1 MB, random split points,
 * and the published test vectors. Random cases are seeded and name their seed when they fail. Runs with
 * {@code --add-modules jdk.incubator.vector} (this module's surefire argLine).
 */
class VectorBlake3HasherTest {
    private static final int GROUP = VectorBlake3Hasher.GROUP_LEN;

    private final VectorBlake3Hasher vector = new VectorBlake3Hasher(); // one instance throughout: doFinal resets it
    private final Blake3Hasher scalar = new Blake3Hasher();

    private byte[] vector(byte[] data, int offset, int length) {
        vector.update(data, offset, length);
        byte[] out = new byte[32];
        assertThat(vector.doFinal(out, 0)).isEqualTo(32);
        return out;
    }

    private byte[] scalar(byte[] data, int offset, int length) {
        scalar.update(data, offset, length);
        byte[] out = new byte[32];
        scalar.doFinal(out, 0);
        return out;
    }

    private static byte[] random(long seed, int length) {
        byte[] data = new byte[length];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    @Test
    void accelerator_isUsableExactlyWithEightLanesOrMore() {
        assertThat(GROUP).isEqualTo(ChunkKernel.LANES * 1024);
        assertThat(new VectorBlake3Accelerator().isUsable()).isEqualTo(ChunkKernel.LANES >= 8);
    }

    /** The input lengths and the first 32 bytes of the "hash" field of the published test_vectors.json. */
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
        byte[] input = new byte[length];
        for (int i = 0; i < length; i++) {
            input[i] = (byte) (i % 251);
        }
        assertThat(HexFormat.of().formatHex(vector(input, 0, length))).isEqualTo(expectedHex);
    }

    @Test
    void hash_everyLengthUpToThreeChunks_matchesScalar() {
        byte[] data = random(2, 3 * 1024 + 1);
        for (int length = 0; length <= data.length; length++) {
            assertThat(vector(data, 0, length)).as("length %d", length).isEqualTo(scalar(data, 0, length));
        }
    }

    /** From a chunk short of one group (all scalar) to two chunks past it (one kernel call, then a scalar tail). */
    @Test
    void hash_everyLengthAroundTheFirstGroup_matchesScalar() {
        byte[] data = random(12, GROUP + 2 * 1024 + 66);
        for (int length = GROUP - 1024 - 65; length <= data.length; length++) {
            assertThat(vector(data, 0, length)).as("length %d", length).isEqualTo(scalar(data, 0, length));
        }
    }

    @Test
    void hash_aroundEveryChunkBoundaryUpToFourGroups_matchesScalar() {
        byte[] data = random(3, 4 * GROUP + 1024 + 70);
        for (int chunks = 1; chunks <= 4 * ChunkKernel.LANES + 1; chunks++) {
            for (int delta : new int[] {-65, -64, -63, -2, -1, 0, 1, 2, 63, 64, 65}) {
                int length = chunks * 1024 + delta;
                assertThat(vector(data, 1, length)).as("length %d", length).isEqualTo(scalar(data, 1, length));
            }
        }
    }

    @Test
    void hash_randomLengthsPastOneMegabyte_matchScalar() {
        long seed = 0x7EC7L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = random(seed, 1_300_000);
        for (int round = 0; round < 40; round++) {
            int length = round < 20 ? random.nextInt(data.length + 1) : 1_048_576 + random.nextInt(200_000);
            int offset = random.nextInt(data.length - length + 1);
            assertThat(vector(data, offset, length)).as("seed %d round %d: %d bytes at %d", seed, round, length, offset)
                    .isEqualTo(scalar(data, offset, length));
        }
        // whole numbers of groups and chunks, where the tree is complete or one chunk off
        for (int chunks = 1; chunks <= 1024; chunks <<= 1) {
            for (int length : new int[] {chunks * 1024 - 1, chunks * 1024, chunks * 1024 + 1}) {
                assertThat(vector(data, 3, length)).as("%d bytes", length).isEqualTo(scalar(data, 3, length));
            }
        }
    }

    @Test
    void update_randomSplitPoints_matchesScalarOneShot() {
        long seed = 0x5B1175L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = random(seed, 400_000);
        for (int round = 0; round < 120; round++) {
            int length = round < 80 ? random.nextInt(5 * GROUP) : random.nextInt(data.length + 1);
            int maxPiece = 1 + random.nextInt(round % 3 == 0 ? 400 : 3 * GROUP);
            int at = 0;
            while (at < length) {
                int piece = Math.min(length - at, random.nextInt(maxPiece + 1)); // zero-length updates too
                vector.update(data, at, piece);
                at += piece;
            }
            byte[] out = new byte[32];
            vector.doFinal(out, 0);
            assertThat(out).as("seed %d round %d: %d bytes in pieces up to %d", seed, round, length, maxPiece)
                    .isEqualTo(scalar(data, 0, length));
        }
    }

    @Test
    void update_wholeGroupsThenTheRest_matchesScalar() {
        byte[] data = random(4, 3 * GROUP + 5);
        vector.update(data, 0, GROUP); // exactly one group: buffered, since it may be all
        vector.update(data, GROUP, GROUP);
        vector.update(data, 2 * GROUP, GROUP + 5);
        byte[] out = new byte[32];
        vector.doFinal(out, 0);
        assertThat(out).isEqualTo(scalar(data, 0, data.length));
    }

    @Test
    void reset_afterPartialInput_forgetsIt() {
        byte[] data = random(5, 3 * GROUP);
        vector.update(data, 0, 2 * GROUP + 100);
        vector.reset();
        assertThat(vector(data, 0, GROUP + 1025)).isEqualTo(scalar(data, 0, GROUP + 1025));
    }

    @Test
    void doFinal_atAnOffset_writesOnlyThe32Bytes() {
        byte[] data = random(6, 2 * GROUP + 9);
        byte[] out = new byte[40];
        out[3] = 0x55;
        out[36] = 0x66;
        vector.update(data, 0, data.length);
        vector.doFinal(out, 4);
        assertThat(out[3]).isEqualTo((byte) 0x55);
        assertThat(out[36]).isEqualTo((byte) 0x66);
        byte[] digest = new byte[32];
        System.arraycopy(out, 4, digest, 0, 32);
        assertThat(digest).isEqualTo(scalar(data, 0, data.length));
    }

    @Test
    void update_outOfBounds_isRefusedWithoutChangingState() {
        byte[] data = random(7, GROUP + 10);
        vector.update(data, 0, GROUP + 5);
        assertThatThrownBy(() -> vector.update(data, 6, GROUP + 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> vector.update(data, -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> vector.doFinal(new byte[31], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        byte[] out = new byte[32];
        vector.doFinal(out, 0);
        assertThat(out).isEqualTo(scalar(data, 0, GROUP + 5));
    }
}
