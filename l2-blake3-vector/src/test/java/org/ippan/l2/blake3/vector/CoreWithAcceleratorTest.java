package org.ippan.l2.blake3.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.ippan.l2.core.internal.Blake3;
import org.junit.jupiter.api.Test;

/**
 * The core with this module present and {@code jdk.incubator.vector} in the boot layer (this module's surefire
 * argLine): it finds the accelerator, uses it from its {@code minLength} on, and every place that hashes large inputs
 * gives the bytes the scalar hasher gives (the same pinned summary as {@link PlainJvmFallbackTest}). On a CPU with
 * vectors narrower than 256 bits the core does not use it (the first test is then skipped), and the bytes must be
 * the same all the same.
 */
class CoreWithAcceleratorTest {
    @Test
    void core_withVectorModule_usesTheAccelerator() {
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
        assumeTrue(new VectorBlake3Accelerator().isUsable(), "vectors narrower than 256 bits: the core stays scalar");
        assertThat(Blake3.accelerator()).hasValueSatisfying(d -> assertThat(d).startsWith("Vector API"));
        assertThat(Blake3.acceleratedFrom()).isEqualTo(VectorBlake3Hasher.GROUP_LEN + 1);
        assertThat(Blake3.threadDigest(Blake3.acceleratedFrom())).isInstanceOf(VectorBlake3Hasher.class);
        assertThat(Blake3.threadDigest(Blake3.acceleratedFrom() - 1)).isNotInstanceOf(VectorBlake3Hasher.class);
    }

    @Test
    void facadeHash_eitherSideOfTheThreshold_matchesScalar() {
        byte[] data = new byte[1 << 20];
        new SplittableRandom(8).nextBytes(data);
        for (int length : new int[] {0, 300, Blake3.acceleratedFrom() - 1, Blake3.acceleratedFrom(), 300_000,
            data.length}) {
            assertThat(HexFormat.of().formatHex(Blake3.hash(data, 0, length))).as("length %d", length)
                    .isEqualTo(LargeHashingSites.scalarHex(java.util.Arrays.copyOf(data, length)));
        }
    }

    @Test
    void largeHashingSites_withAccelerator_matchPinnedSummary() {
        assertThat(LargeHashingSites.summary()).isEqualTo(LargeHashingSites.PINNED);
    }
}
