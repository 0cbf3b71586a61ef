/**
 * The runnable IPPAN L2 sequencer node: the library wired to JDBC storage and the HTTP L1 client (or an embedded
 * devnet L1) and served over HTTP. Most users run it as {@code java -jar l2-node.jar}; a host that wants the node
 * in-process, or a devnet L1 for its own tests, uses the two exported packages:
 * <ul>
 *   <li>{@code org.ippan.l2.node}: {@code L2Node} (start, base URL, engine, close, {@code main}) and
 *       {@code NodeConfig} (the node's environment variables). The HTTP API itself (routing, body reading,
 *       metrics) is package-private: its contract is the HTTP API, not Java types.</li>
 *   <li>{@code org.ippan.l2.node.devnet}: {@code DevnetL1Server}, a devnet IPPAN CORE over loopback HTTP; exported
 *       because {@code NodeConfig} names its check level and hosts test their L1 wiring against it.</li>
 * </ul>
 */
// "l2" ends in a digit, which -Xlint:module warns about; it is the project's name, so the warning is suppressed.
// micrometer.registry.prometheus is an automatic module (Automatic-Module-Name only), so -Xlint:requires-automatic
// warns about requiring it; it is the registry GET /metrics renders, so that warning is suppressed too.
@SuppressWarnings({"module", "requires-automatic"})
module org.ippan.l2.node {
    // transitive: L2Node and NodeConfig name the engine's types (Sequencer, SequencerConfig, CountingMetrics)
    // and the L1 client's configuration (HttpL1Config)
    requires transitive org.ippan.l2.core;
    requires transitive org.ippan.l2.l1.http;
    requires org.ippan.l2.storage.jdbc;
    requires org.ippan.l2.lease.etcd;
    requires org.ippan.l2.micrometer;
    requires micrometer.registry.prometheus;
    requires com.fasterxml.jackson.databind;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.io;
    requires org.eclipse.jetty.util;
    requires org.slf4j;

    exports org.ippan.l2.node;
    exports org.ippan.l2.node.devnet;
}
