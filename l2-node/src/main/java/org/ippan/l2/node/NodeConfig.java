package org.ippan.l2.node;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ippan.l2.core.engine.ConfigException;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.l1.http.HttpL1Config;
import org.ippan.l2.node.devnet.DevnetL1Server;
import org.ippan.l2.storage.jdbc.JdbcStorage;

/**
 * The whole configuration of the node, read from environment variables: the node's own
 * ({@code L2_LISTEN_ADDR}, {@code L2_STORAGE_URL}, {@code L2_DEVNET_BLOCK_MS}, {@code L2_DEVNET_CHECK_CONTENTS},
 * {@code L2_LEASE_URL}, {@code L2_FORWARD_TO_LEADER}), the engine's ({@link SequencerConfig#fromEnvironment}) and,
 * when {@code L1_BASE_URL} is set, the L1 client's ({@link HttpL1Config#fromEnvironment}). Without
 * {@code L1_BASE_URL} the node runs an embedded devnet L1.
 *
 * <p>The node fills in one engine setting: without {@code L2_ADVERTISED_URL} the engine's advertised URL is
 * {@code http://} and the listen address (with port 0, the port the server gets), which a leader publishes in the
 * lease so that followers can point clients at it.
 *
 * @param listenAddress where the HTTP API listens
 * @param storageUrl the storage URL ({@code sqlite:PATH} or {@code jdbc:postgresql://…})
 * @param devnetBlockMs block interval of the embedded devnet L1, at least 1
 * @param devnetChecks how deep the embedded devnet L1 checks posted batches ({@link DevnetL1Server.Checks})
 * @param sequencer the engine configuration
 * @param l1 the L1 client configuration, empty to run the embedded devnet
 * @param leaseUrl lease mode: where the lease lives, empty for the storage database ({@link LeaseStores})
 * @param forwardToLeader lease mode: a follower relays {@code POST /tx} and {@code POST /txs} to the leader once
 *     instead of refusing them {@code NOT_LEADER}
 * @param apiTokensFile {@code L2_API_TOKENS_FILE}: the bearer tokens writes (and admin endpoints) need; empty for
 *     open writes
 * @param allowedHosts {@code L2_ALLOWED_HOSTS}: the {@code Host} names answered (lower case, no ports); empty for
 *     the default (loopback names on a loopback address, any name otherwise)
 */
public record NodeConfig(InetSocketAddress listenAddress, String storageUrl, long devnetBlockMs,
        DevnetL1Server.Checks devnetChecks, SequencerConfig sequencer, Optional<HttpL1Config> l1, String leaseUrl,
        boolean forwardToLeader, Optional<Path> apiTokensFile, List<String> allowedHosts) {
    /** {@code L2_LISTEN_ADDR}. */
    public static final String LISTEN_ADDR = "L2_LISTEN_ADDR";
    /** {@code L2_STORAGE_URL}. */
    public static final String STORAGE_URL = "L2_STORAGE_URL";
    /** {@code L2_DEVNET_BLOCK_MS}. */
    public static final String DEVNET_BLOCK_MS = "L2_DEVNET_BLOCK_MS";
    /** {@code L2_DEVNET_CHECK_CONTENTS}. */
    public static final String DEVNET_CHECK_CONTENTS = DevnetL1Server.CHECK_CONTENTS_VARIABLE;
    /** {@code L2_STORAGE_CHECK}: the SQLite integrity check at open, {@code quick} (default), {@code full} or {@code off}. */
    public static final String STORAGE_CHECK = "L2_STORAGE_CHECK";
    /** {@code L1_BASE_URL}. */
    public static final String L1_BASE_URL = "L1_BASE_URL";
    /** {@code L2_LEASE_URL}. */
    public static final String LEASE_URL = "L2_LEASE_URL";
    /** {@code L2_FORWARD_TO_LEADER}. */
    public static final String FORWARD_TO_LEADER = "L2_FORWARD_TO_LEADER";
    /** {@code L2_API_TOKENS_FILE}. */
    public static final String API_TOKENS_FILE = "L2_API_TOKENS_FILE";
    /** {@code L2_ALLOWED_HOSTS}. */
    public static final String ALLOWED_HOSTS = "L2_ALLOWED_HOSTS";
    /** {@code L2_ADVERTISED_URL} (an engine setting the node defaults). */
    public static final String ADVERTISED_URL = "L2_ADVERTISED_URL";

    /** The default listen address. */
    public static final String DEFAULT_LISTEN_ADDR = "127.0.0.1:3000";
    /** The default storage. */
    public static final String DEFAULT_STORAGE_URL = "sqlite:./data/l2.db";
    /** The default devnet block interval. */
    public static final long DEFAULT_DEVNET_BLOCK_MS = 1000;

    /** Validates the fields. */
    public NodeConfig {
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(storageUrl, "storageUrl");
        Objects.requireNonNull(devnetChecks, "devnetChecks");
        Objects.requireNonNull(sequencer, "sequencer");
        Objects.requireNonNull(l1, "l1");
        Objects.requireNonNull(leaseUrl, "leaseUrl");
        LeaseStores.check(leaseUrl);
        Objects.requireNonNull(apiTokensFile, "apiTokensFile");
        allowedHosts = List.copyOf(allowedHosts);
        if (devnetBlockMs < 1) {
            throw new ConfigException(DEVNET_BLOCK_MS, "must be >= 1", Long.toString(devnetBlockMs));
        }
    }

    /**
     * Reads the configuration. Missing and empty variables take their defaults; values are trimmed.
     *
     * @param env the environment, e.g. {@link System#getenv()}
     * @return the configuration
     * @throws IllegalArgumentException (a {@link ConfigException} or the L1 client's equivalent) whose one-line
     *     message names the first malformed variable and the problem
     */
    public static NodeConfig fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        InetSocketAddress listen = parseListenAddress(text(env, LISTEN_ADDR).orElse(DEFAULT_LISTEN_ADDR));
        String storage = text(env, STORAGE_URL).orElse(DEFAULT_STORAGE_URL);
        try {
            JdbcStorage.checkUrl(storage);
        } catch (IllegalArgumentException e) {
            // the message names the scheme only: the rest of the URL may hold a password
            throw new ConfigException(STORAGE_URL, e.getMessage(), null, e);
        }
        storageCheck(env);
        long blockMs = DEFAULT_DEVNET_BLOCK_MS;
        Optional<String> block = text(env, DEVNET_BLOCK_MS);
        if (block.isPresent()) {
            blockMs = parsePositive(DEVNET_BLOCK_MS, block.get());
        }
        Optional<String> checksText = text(env, DEVNET_CHECK_CONTENTS);
        DevnetL1Server.Checks checks;
        try {
            checks = DevnetL1Server.Checks.fromEnvironment(checksText.orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(DEVNET_CHECK_CONTENTS, "expected true or false", checksText.orElse(""));
        }
        SequencerConfig sequencer = SequencerConfig.fromEnvironment(env);
        if (sequencer.advertisedUrl().isEmpty()) {
            sequencer = sequencer.toBuilder().advertisedUrl(defaultAdvertisedUrl(listen)).build();
        }
        Optional<HttpL1Config> l1 = text(env, L1_BASE_URL).isPresent()
                ? Optional.of(HttpL1Config.fromEnvironment(env))
                : Optional.empty();
        String lease = text(env, LEASE_URL).orElse("");
        boolean forward = parseFlag(FORWARD_TO_LEADER, text(env, FORWARD_TO_LEADER).orElse("0"));
        Optional<Path> tokens = text(env, API_TOKENS_FILE).map(NodeConfig::parsePath);
        List<String> hosts = text(env, ALLOWED_HOSTS).map(v -> ApiAccess.parseHosts(ALLOWED_HOSTS, v))
                .orElse(List.of());
        return new NodeConfig(listen, storage, blockMs, checks, sequencer, l1, lease, forward, tokens, hosts);
    }

    /**
     * @param listen the listen address
     * @return {@code http://HOST:PORT} of the listen address ({@code [V6]} for an IPv6 literal)
     */
    static String defaultAdvertisedUrl(InetSocketAddress listen) {
        String host = listen.getHostString();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + listen.getPort();
    }

    private static boolean parseFlag(String variable, String value) {
        return switch (value) {
            case "0", "false" -> false;
            case "1", "true" -> true;
            default -> throw new ConfigException(variable, "expected 0 or 1", value);
        };
    }

    /**
     * Reads {@value #STORAGE_CHECK}.
     *
     * @return {@code quick}, {@code full} or {@code off}; {@code quick} when unset
     * @throws ConfigException naming the variable if it is something else
     */
    static String storageCheck(Map<String, String> env) {
        String value = text(env, STORAGE_CHECK).orElse("quick").toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("quick") && !value.equals("full") && !value.equals("off")) {
            throw new ConfigException(STORAGE_CHECK, "expected quick, full or off", env.get(STORAGE_CHECK));
        }
        return value;
    }

    private static Optional<String> text(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.trim());
    }

    private static Path parsePath(String value) {
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(API_TOKENS_FILE, "not a path", value);
        }
    }

    private static long parsePositive(String variable, String value) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ConfigException(variable, "not a positive integer", value);
        }
        long parsed = Long.parseLong(value);
        if (parsed < 1) {
            throw new ConfigException(variable, "must be >= 1", value);
        }
        return parsed;
    }

    /** Parses {@code HOST:PORT} ({@code [V6]:PORT} for an IPv6 literal); port 0 picks a free port. */
    static InetSocketAddress parseListenAddress(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ConfigException(LISTEN_ADDR, "expected HOST:PORT", value);
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String portText = value.substring(colon + 1);
        if (host.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ConfigException(LISTEN_ADDR, "expected HOST:PORT", value);
        }
        int port = Integer.parseInt(portText);
        if (port > 65_535) {
            throw new ConfigException(LISTEN_ADDR, "port must be 0..65535", value);
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new ConfigException(LISTEN_ADDR, "host does not resolve", value);
        }
        return address;
    }
}
