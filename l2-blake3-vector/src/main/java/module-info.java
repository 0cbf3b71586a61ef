/**
 * An optional BLAKE3 accelerator for the IPPAN L2 core: the Vector API ({@code jdk.incubator.vector}, an incubator
 * module in JDK 17) hashing many chunks in parallel lanes. The core uses it only when the JVM runs with
 * {@code jdk.incubator.vector} (e.g. {@code --add-modules jdk.incubator.vector} on the class path) and only after it
 * hashed a set of test inputs to the same bytes as the core's scalar hasher; see {@code Blake3} in the core.
 */
// "l2" and "blake3" end in digits, which -Xlint:module warns about; they are the names, so the warning is suppressed.
@SuppressWarnings("module")
module org.ippan.l2.blake3.vector {
    requires org.ippan.l2.core;
    requires jdk.incubator.vector;

    provides org.ippan.l2.core.internal.Blake3Accelerator
            with org.ippan.l2.blake3.vector.VectorBlake3Accelerator;
}
