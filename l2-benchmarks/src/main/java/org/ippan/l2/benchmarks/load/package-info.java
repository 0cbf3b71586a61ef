/**
 * An HTTP load generator for a running L2 node ({@link org.ippan.l2.benchmarks.load.LoadGenerator}): not a JMH
 * benchmark (it has no {@code @Benchmark} method, so JMH never lists it), but a separate main class in the same
 * fat jar, run with {@code java -cp l2-benchmarks/target/benchmarks.jar
 * org.ippan.l2.benchmarks.load.LoadGenerator --help}. Loopback targets only.
 */
package org.ippan.l2.benchmarks.load;
