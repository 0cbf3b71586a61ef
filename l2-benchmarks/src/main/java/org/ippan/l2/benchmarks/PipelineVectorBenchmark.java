package org.ippan.l2.benchmarks;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link PipelineBenchmark}'s floor and pipeline in a JVM run with {@code --add-modules=jdk.incubator.vector}, so
 * that the library (and the floor, which hashes each input with the hasher the library picks for its length) uses
 * the Vector API BLAKE3 of {@code l2-blake3-vector} for large inputs: the batch, {@code tx_root}, the envelope and
 * the hub payload. Run with {@code PipelineBenchmark} in one command to compare the four figures. A run without
 * forks ({@code -f 0}) has no such module, so this class then measures the scalar path again (its setup prints which
 * BLAKE3 it has).
 */
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class PipelineVectorBenchmark extends PipelineBenchmark {
}
