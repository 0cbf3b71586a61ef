/**
 * The etcd adapter of the lease port: {@link org.ippan.l2.lease.etcd.EtcdLeaseStore} holds one named lease as an
 * etcd key bound to an etcd lease, over etcd's JSON gRPC gateway with the JDK {@code HttpClient} and Jackson.
 */
// "l2" (layer 2) is the project's name, not a version number, so the lint's advice against terminal digits
// in module name components does not apply.
@SuppressWarnings("module")
module org.ippan.l2.lease.etcd {
    requires transitive org.ippan.l2.lease.spi;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports org.ippan.l2.lease.etcd;
}
