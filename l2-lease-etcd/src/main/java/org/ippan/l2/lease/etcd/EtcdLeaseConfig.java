package org.ippan.l2.lease.etcd;

import java.util.List;
import java.util.Objects;
import org.ippan.l2.lease.LeaseArguments;

/**
 * The immutable settings of an {@link EtcdLeaseStore}: which etcd endpoints, which key, and the per-request time
 * limits. Built by {@link #builder()} and validated once, in {@link Builder#build()}, with an exception that names
 * the field ({@link EtcdUrlException} for the URL).
 *
 * <table>
 *   <caption>Settings and their defaults</caption>
 *   <tr><th>field</th><th>default</th><th>rule</th></tr>
 *   <tr><td>{@code url}</td><td>required</td><td>{@code etcd://host:port[,host:port...]} (see
 *       {@link EtcdEndpoint#parseUrl})</td></tr>
 *   <tr><td>{@code leaseName}</td><td>required</td><td>{@link LeaseArguments#requireLeaseName}</td></tr>
 *   <tr><td>{@code keyPrefix}</td><td>{@value #DEFAULT_KEY_PREFIX}</td><td>1 to {@value #MAX_KEY_PREFIX_CHARS}
 *       characters, no control characters</td></tr>
 *   <tr><td>{@code connectTimeoutMs}</td><td>{@value #DEFAULT_CONNECT_TIMEOUT_MS}</td><td>1 .. {@value #MAX_TIMEOUT_MS},
 *       and less than {@code requestTimeoutMs}</td></tr>
 *   <tr><td>{@code requestTimeoutMs}</td><td>{@value #DEFAULT_REQUEST_TIMEOUT_MS}</td><td>2 ..
 *       {@value #MAX_TIMEOUT_MS}</td></tr>
 * </table>
 *
 * <p>Keep both timeouts well below the lease's time to live (etcd's shortest is about 2 s with its default
 * settings): one {@link EtcdLeaseStore} call makes up to four requests (see its class comment).
 */
public final class EtcdLeaseConfig {

    /** The default {@code keyPrefix}; the lease's key is the prefix followed by the lease name. */
    public static final String DEFAULT_KEY_PREFIX = "/ippan-l2/lease/";
    /** The longest {@code keyPrefix}, in characters. */
    public static final int MAX_KEY_PREFIX_CHARS = 256;
    /** The default {@code connectTimeoutMs}. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 500;
    /** The default {@code requestTimeoutMs}. */
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 1_000;
    /** The longest accepted timeout, ms. */
    public static final long MAX_TIMEOUT_MS = 60_000;

    private final String url;
    private final List<EtcdEndpoint> endpoints;
    private final String leaseName;
    private final String keyPrefix;
    private final long connectTimeoutMs;
    private final long requestTimeoutMs;

    private EtcdLeaseConfig(Builder builder, List<EtcdEndpoint> endpoints) {
        this.url = builder.url;
        this.endpoints = endpoints;
        this.leaseName = builder.leaseName;
        this.keyPrefix = builder.keyPrefix;
        this.connectTimeoutMs = builder.connectTimeoutMs;
        this.requestTimeoutMs = builder.requestTimeoutMs;
    }

    /**
     * Starts building a configuration; {@code url} and {@code leaseName} must be set, the rest have defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the URL as configured */
    public String url() {
        return url;
    }

    /** @return the endpoints the URL names, in the order they are tried */
    public List<EtcdEndpoint> endpoints() {
        return endpoints;
    }

    /** @return the lease's name */
    public String leaseName() {
        return leaseName;
    }

    /** @return the prefix of the lease's key */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** @return the etcd key that holds the lease: {@link #keyPrefix()} followed by {@link #leaseName()} */
    public String key() {
        return keyPrefix + leaseName;
    }

    /** @return how long a connection to one endpoint may take before the next endpoint is tried, ms */
    public long connectTimeoutMs() {
        return connectTimeoutMs;
    }

    /** @return how long one request may take, from sending it to the last byte of its answer, ms */
    public long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    /** @return a one-line description */
    @Override
    public String toString() {
        return "EtcdLeaseConfig[endpoints=" + endpoints + ", key=" + key() + ", connectTimeoutMs="
                + connectTimeoutMs + ", requestTimeoutMs=" + requestTimeoutMs + "]";
    }

    /** Builds an {@link EtcdLeaseConfig}; not thread-safe. */
    public static final class Builder {

        private String url;
        private String leaseName;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
        private long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;

        private Builder() {
        }

        /**
         * Sets the endpoints; required.
         *
         * @param url {@code etcd://host:port[,host:port...]}, e.g. the node's {@code L2_LEASE_URL}
         * @return this builder
         */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /**
         * Sets the lease's name; required.
         *
         * @param leaseName the name, as {@link LeaseArguments#requireLeaseName} accepts it
         * @return this builder
         */
        public Builder leaseName(String leaseName) {
            this.leaseName = leaseName;
            return this;
        }

        /**
         * Sets the prefix of the lease's key.
         *
         * @param keyPrefix the prefix; default {@value #DEFAULT_KEY_PREFIX}
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Sets the connect timeout of each endpoint.
         *
         * @param connectTimeoutMs the timeout, ms; default {@value #DEFAULT_CONNECT_TIMEOUT_MS}
         * @return this builder
         */
        public Builder connectTimeoutMs(long connectTimeoutMs) {
            this.connectTimeoutMs = connectTimeoutMs;
            return this;
        }

        /**
         * Sets the timeout of each request.
         *
         * @param requestTimeoutMs the timeout, ms; default {@value #DEFAULT_REQUEST_TIMEOUT_MS}
         * @return this builder
         */
        public Builder requestTimeoutMs(long requestTimeoutMs) {
            this.requestTimeoutMs = requestTimeoutMs;
            return this;
        }

        /**
         * Validates the settings and builds the configuration.
         *
         * @return the configuration
         * @throws EtcdUrlException         if the URL is malformed
         * @throws IllegalArgumentException naming the first other field that is missing or out of range
         */
        public EtcdLeaseConfig build() {
            if (url == null) {
                throw new IllegalArgumentException("url must be set (etcd://host:port[,host:port...])");
            }
            List<EtcdEndpoint> endpoints = EtcdEndpoint.parseUrl(url);
            if (leaseName == null) {
                throw new IllegalArgumentException("leaseName must be set");
            }
            LeaseArguments.requireLeaseName(leaseName);
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isEmpty() || keyPrefix.length() > MAX_KEY_PREFIX_CHARS) {
                throw new IllegalArgumentException("keyPrefix must be 1 to " + MAX_KEY_PREFIX_CHARS
                        + " characters, got " + keyPrefix.length());
            }
            for (int i = 0; i < keyPrefix.length(); i++) {
                if (Character.isISOControl(keyPrefix.charAt(i))) {
                    throw new IllegalArgumentException("keyPrefix must not hold control characters (at index " + i
                            + ")");
                }
            }
            if (requestTimeoutMs < 2 || requestTimeoutMs > MAX_TIMEOUT_MS) {
                throw new IllegalArgumentException("requestTimeoutMs must be between 2 and " + MAX_TIMEOUT_MS
                        + ", got " + requestTimeoutMs);
            }
            if (connectTimeoutMs < 1 || connectTimeoutMs >= requestTimeoutMs) {
                throw new IllegalArgumentException("connectTimeoutMs must be at least 1 and less than "
                        + "requestTimeoutMs (" + requestTimeoutMs + "), got " + connectTimeoutMs);
            }
            return new EtcdLeaseConfig(this, endpoints);
        }
    }
}
