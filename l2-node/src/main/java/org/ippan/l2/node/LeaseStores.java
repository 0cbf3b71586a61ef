package org.ippan.l2.node;

import java.util.Objects;
import org.ippan.l2.core.engine.ConfigException;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.lease.etcd.EtcdLeaseStore;
import org.ippan.l2.storage.jdbc.JdbcLeaseStore;

/**
 * Opens the lease store a node in lease mode campaigns in, from {@code L2_LEASE_URL}:
 * <ul>
 *   <li>empty: the lease lives in the storage database ({@code L2_STORAGE_URL}, SQLite or PostgreSQL), so the
 *       nodes that share the storage share the lease and nothing else has to run;</li>
 *   <li>{@code etcd://HOST:PORT[,HOST:PORT…]}: an etcd cluster.</li>
 * </ul>
 * Every lease is named after the chain ({@link #leaseName}), so chains that share a database or an etcd cluster do
 * not share a leader.
 */
final class LeaseStores {
    /** The scheme of an etcd lease URL. */
    static final String ETCD_SCHEME = "etcd://";

    private LeaseStores() {}

    /**
     * @param chainId the chain id
     * @return the lease's name, {@code l2-leader-<chainId>} (unsigned decimal)
     */
    static String leaseName(long chainId) {
        return "l2-leader-" + Long.toUnsignedString(chainId);
    }

    /**
     * Checks the form of a lease URL without connecting.
     *
     * @param leaseUrl the value of {@code L2_LEASE_URL}, empty for the storage database
     * @throws ConfigException naming {@code L2_LEASE_URL} if the scheme is not supported or an etcd endpoint is not
     *     {@code HOST:PORT}
     */
    static void check(String leaseUrl) {
        Objects.requireNonNull(leaseUrl, "leaseUrl");
        if (leaseUrl.isEmpty()) {
            return;
        }
        if (!leaseUrl.startsWith(ETCD_SCHEME)) {
            throw new ConfigException(NodeConfig.LEASE_URL,
                    "unsupported scheme: expected empty (the storage database) or etcd://HOST:PORT[,HOST:PORT]",
                    leaseUrl);
        }
        String endpoints = leaseUrl.substring(ETCD_SCHEME.length());
        for (String endpoint : endpoints.split(",", -1)) {
            int colon = endpoint.lastIndexOf(':');
            String port = colon < 0 ? "" : endpoint.substring(colon + 1);
            if (colon <= 0 || port.isEmpty() || port.length() > 5
                    || !port.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(port) > 65_535) {
                throw new ConfigException(NodeConfig.LEASE_URL, "expected etcd://HOST:PORT[,HOST:PORT]", leaseUrl);
            }
        }
    }

    /**
     * Opens the lease store of a node in lease mode.
     *
     * @param leaseUrl the value of {@code L2_LEASE_URL}, empty for the storage database
     * @param storageUrl the storage URL, where the lease lives when {@code leaseUrl} is empty
     * @param chainId the chain id, which names the lease
     * @return the open store; the caller closes it after the engine
     * @throws ConfigException naming {@code L2_LEASE_URL} if the URL is malformed (nothing is sent to etcd yet: a
     *     store that cannot be reached fails the node's campaign, not its start)
     */
    static LeaseStore open(String leaseUrl, String storageUrl, long chainId) {
        check(leaseUrl);
        String name = leaseName(chainId);
        if (leaseUrl.isEmpty()) {
            return JdbcLeaseStore.open(storageUrl, name);
        }
        try {
            return EtcdLeaseStore.open(leaseUrl, name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(NodeConfig.LEASE_URL, e.getMessage(), leaseUrl, e);
        }
    }
}
