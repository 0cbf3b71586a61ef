/**
 * The HTTP adapter of the L1 port: {@link org.ippan.l2.l1.http.HttpL1Poster} posts batches to IPPAN L1 (CORE)
 * over its HTTP API (wire-format-v1 §6) with the JDK {@code HttpClient} and Jackson, configured by
 * {@link org.ippan.l2.l1.http.HttpL1Config}.
 */
// "l2" and "l1" end in digits, which -Xlint:module warns about; they are the project's names (IPPAN Layer 2 /
// Layer 1), not versions, so the warning is suppressed here.
@SuppressWarnings("module")
module org.ippan.l2.l1.http {
    requires transitive org.ippan.l2.l1.spi;
    // transitive: HttpL1Poster's public constructor takes a java.net.http.HttpClient from the host.
    requires transitive java.net.http;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports org.ippan.l2.l1.http;
}
