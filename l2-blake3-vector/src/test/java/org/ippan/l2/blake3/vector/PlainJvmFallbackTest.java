package org.ippan.l2.blake3.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.ippan.l2.core.internal.Blake3;
import org.junit.jupiter.api.Test;

/**
 * This module on the class path of a JVM run without {@code --add-modules jdk.incubator.vector} (its own surefire
 * execution, {@code plain-jvm}): the core must not use the accelerator, must not fail for it, and hashes with the
 * scalar hasher, to the same bytes.
 */
class PlainJvmFallbackTest {
    @Test
    void core_withAcceleratorOnClassPathButNoVectorModule_usesScalar() {
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isEmpty();
        assertThat(getClass().getClassLoader().getResource(
                "META-INF/services/org.ippan.l2.core.internal.Blake3Accelerator")).isNotNull();
        assertThat(Blake3.accelerator()).isEmpty();
        assertThat(Blake3.acceleratedFrom()).isEqualTo(Integer.MAX_VALUE);
        byte[] data = new byte[1 << 20];
        new SplittableRandom(5).nextBytes(data);
        assertThat(java.util.HexFormat.of().formatHex(Blake3.hash(data))).isEqualTo(LargeHashingSites.scalarHex(data));
    }

    @Test
    void largeHashingSites_withoutAccelerator_matchPinnedSummary() {
        assertThat(LargeHashingSites.summary()).isEqualTo(LargeHashingSites.PINNED);
    }
}
