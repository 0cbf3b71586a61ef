package org.ippan.l2.blake3.vector;

import org.ippan.l2.core.internal.Blake3Accelerator;
import org.ippan.l2.core.internal.Blake3Stream;

/**
 * The {@link Blake3Accelerator} service of this module: {@link VectorBlake3Hasher} for inputs of more than one group
 * of {@link ChunkKernel#LANES} chunks (below that, the hasher would run only its scalar steps). Usable with at least
 * 8 lanes (256-bit vectors, AVX2 or better); narrower vectors were not measured to win, so they are left alone.
 *
 * <p>The core finds it with {@link java.util.ServiceLoader} only when {@code jdk.incubator.vector} is in the boot
 * layer, so constructing this class never touches the Vector API; {@link #isUsable()} and {@link #newHasher()} do.
 */
public final class VectorBlake3Accelerator implements Blake3Accelerator {
    /** Fewest lanes this accelerator is used with. */
    static final int MIN_LANES = 8;

    /** Made by {@link java.util.ServiceLoader}. */
    public VectorBlake3Accelerator() {}

    @Override
    public String description() {
        return "Vector API, " + ChunkKernel.LANES + " chunks in parallel (" + ChunkKernel.SPECIES + ")";
    }

    @Override
    public boolean isUsable() {
        return ChunkKernel.LANES >= MIN_LANES;
    }

    @Override
    public int minLength() {
        return VectorBlake3Hasher.GROUP_LEN + 1;
    }

    @Override
    public Blake3Stream newHasher() {
        return new VectorBlake3Hasher();
    }
}
