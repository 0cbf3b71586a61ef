package org.ippan.l2.core.internal;

/**
 * A BLAKE3-256 implementation faster than the core's scalar one on large inputs, found with
 * {@link java.util.ServiceLoader}. It must give the same 32 bytes as the scalar hasher for every input; the core
 * checks that on a set of lengths before it uses one, and drops it (scalar for everything) if it does not.
 */
public interface Blake3Accelerator {
    /** @return a short description for the log, e.g. {@code "Vector API, 16 lanes of 32 bits"} */
    String description();

    /**
     * @return whether it is faster than the scalar hasher on this JVM and CPU (e.g. wide enough vectors); when not,
     *     the core does not use it
     */
    boolean isUsable();

    /** @return the smallest input, in bytes, worth handing to this accelerator; smaller ones stay scalar */
    int minLength();

    /** @return a new incremental hasher, ready for input; not thread-safe, the core keeps one per thread */
    Blake3Stream newHasher();
}
