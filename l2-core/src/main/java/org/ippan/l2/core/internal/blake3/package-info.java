/**
 * The seam for an optional BLAKE3 accelerator; not API, exported only to the accelerator module
 * ({@code org.ippan.l2.blake3.vector}, artifact {@code l2-blake3-vector}).
 *
 * <p><b>Design.</b> The core's scalar {@code Blake3Hasher} hashes everything unless an accelerator is found at
 * start. The core compiles with {@code --release 17} and never names {@code jdk.incubator.vector}'s types: the
 * accelerator is a separate module that depends on the core (on this package alone), is compiled against the
 * incubator module, and registers a {@link org.ippan.l2.core.internal.blake3.Blake3Accelerator} service (a
 * {@code provides} clause on the module path, a {@code META-INF/services} entry on the class path). The core's
 * {@code Blake3} facade looks for one only when {@code jdk.incubator.vector} is in the boot layer (a plain JVM
 * does not even try to link the accelerator's classes), checks it byte for byte against the scalar hasher before
 * using it, and routes to it only inputs of at least {@link org.ippan.l2.core.internal.blake3.Blake3Accelerator#minLength}
 * bytes. Nothing else changes: a JVM without the module or without the accelerator runs exactly the scalar code
 * it ran before.
 */
package org.ippan.l2.core.internal.blake3;
