/**
 * The etcd adapter of the lease port: {@link org.ippan.l2.lease.etcd.EtcdLeaseStore} holds one named lease as an
 * etcd key bound to an etcd lease, configured by {@link org.ippan.l2.lease.etcd.EtcdLeaseConfig} (or just an
 * {@code etcd://host:port[,host:port...]} URL, the node's {@code L2_LEASE_URL}, and a lease name).
 *
 * <h2>Why etcd's JSON gateway and not jetcd</h2>
 * etcd serves its v3 API both as gRPC and, on the same client port, as JSON over HTTP/1.1 through its documented
 * gRPC gateway ({@code /v3/kv/range}, {@code /v3/kv/txn}, {@code /v3/lease/grant}, {@code keepalive},
 * {@code revoke}, {@code timetolive}; keys and values in base64, int64 values as JSON strings; the {@code /v3/}
 * prefix works from etcd 3.4 on). A lease needs six unary calls of that API (keep-alive is a stream, but one
 * request and one answer are all a renewal needs), so this adapter speaks the gateway with the JDK's
 * {@code java.net.http.HttpClient} and Jackson, which the project already uses: <b>no new dependency</b>.
 * The alternative, jetcd 0.8.5 ({@code io.etcd:jetcd-core}; not in this workplace's list of known Maven packages,
 * but served), brings 40 jars, 17.7 MB (grpc-core and -netty, 13 Netty jars, protobuf, Guava, Vert.x core and
 * grpc, failsafe), an older {@code jackson-core} (2.16) that the build's dependency-convergence rule would refuse,
 * and threads of its own; it offers a watch API and gRPC's HTTP/2 multiplexing, which a lease renewed a few times
 * per second does not need. What the gateway path gives up: TLS and etcd authentication are not supported here
 * (an {@code etcd://} URL is plain HTTP on a private network; both could be added to the gateway calls), and a
 * renewal opens a short keep-alive stream per call instead of keeping one open.
 *
 * <h2>Failures</h2>
 * Every request has a connect timeout and a request timeout (from sending to the last byte of the answer); an I/O
 * error, a timeout, a non-2xx answer or an answer that is not the documented JSON is a
 * {@link org.ippan.l2.lease.LeaseException} naming the call and the endpoint. Endpoints are tried in order, moving
 * on only when one cannot be connected to (then nothing was sent); see {@link org.ippan.l2.lease.etcd.EtcdLeaseStore}
 * for the calls each operation makes.
 */
package org.ippan.l2.lease.etcd;
