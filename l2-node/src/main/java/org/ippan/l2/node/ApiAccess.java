package org.ippan.l2.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.ippan.l2.core.engine.ConfigException;

/**
 * Who may use the API: bearer tokens for writes and admin endpoints, and the {@code Host} names the node answers.
 *
 * <ul>
 *   <li><b>Tokens</b> ({@code L2_API_TOKENS_FILE}: one token per line, blank lines and {@code #} comments
 *       ignored). When configured, {@code POST /tx} and {@code POST /txs} need {@code Authorization: Bearer TOKEN};
 *       without the file writes are open, as before. An admin endpoint always needs a token
 *       ({@link #adminAllowed}): with no tokens configured, nobody is admitted. A presented token is compared
 *       with every configured one, always all of them, as SHA-256 hashes (equal lengths) with
 *       {@link MessageDigest#isEqual}, so the time taken says nothing about how much of a token matched.</li>
 *   <li><b>Hosts</b> ({@code L2_ALLOWED_HOSTS}: a comma list of host names, without ports). A node bound to a
 *       loopback address answers only {@code localhost}, {@code 127.0.0.1} and {@code [::1]} (with or without a port)
 *       unless the list says otherwise, so that a web page whose name an attacker points at 127.0.0.1 (DNS
 *       rebinding) cannot read the API from a browser. When the list is set it applies on any address.</li>
 * </ul>
 */
final class ApiAccess {
    /** {@code Authorization}. */
    static final String AUTHORIZATION = "Authorization";
    private static final String BEARER = "bearer ";
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "::1");

    /** Parses {@code L2_ALLOWED_HOSTS}: a comma list; each entry trimmed, lower-cased, brackets of IPv6 removed. */
    static List<String> parseHosts(String variable, String value) {
        List<String> hosts = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String host = part.trim().toLowerCase(Locale.ROOT);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty() || host.contains("/") || host.contains(" ")) {
                throw new ConfigException(variable, "expected a comma list of host names", value);
            }
            hosts.add(host);
        }
        return hosts;
    }

    private final List<byte[]> tokenHashes;
    /** The Host names answered, or null for any. */
    private final Set<String> allowedHosts;

    private ApiAccess(List<byte[]> tokenHashes, Set<String> allowedHosts) {
        this.tokenHashes = tokenHashes;
        this.allowedHosts = allowedHosts;
    }

    /**
     * Reads the tokens file (if any) and decides the host names answered on {@code listen}.
     *
     * @throws ConfigException naming {@code L2_API_TOKENS_FILE} when the file cannot be read or holds no token
     */
    static ApiAccess load(Optional<Path> tokensFile, List<String> allowedHosts, InetSocketAddress listen) {
        List<byte[]> hashes = new ArrayList<>();
        if (tokensFile.isPresent()) {
            Path file = tokensFile.get();
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException(NodeConfig.API_TOKENS_FILE, "cannot read it (" + e + ")", file.toString());
            }
            for (String line : lines) {
                String token = line.strip();
                if (!token.isEmpty() && !token.startsWith("#")) {
                    hashes.add(sha256(token));
                }
            }
            if (hashes.isEmpty()) {
                throw new ConfigException(NodeConfig.API_TOKENS_FILE, "holds no token", file.toString());
            }
        }
        Set<String> hosts;
        if (!allowedHosts.isEmpty()) {
            hosts = Set.copyOf(allowedHosts);
        } else if (isLoopback(listen)) {
            hosts = LOOPBACK_HOSTS;
        } else {
            hosts = null;
        }
        return new ApiAccess(List.copyOf(hashes), hosts);
    }

    /** @return whether the address is a loopback one */
    static boolean isLoopback(InetSocketAddress listen) {
        InetAddress address = listen.getAddress();
        return address != null && address.isLoopbackAddress();
    }

    /** @return whether tokens are configured (writes need one) */
    boolean tokensRequired() {
        return !tokenHashes.isEmpty();
    }

    /** @return whether the {@code Authorization} header admits a write: always when no tokens are configured */
    boolean writeAllowed(String authorization) {
        return tokenHashes.isEmpty() || tokenValid(authorization);
    }

    /** @return whether the {@code Authorization} header admits an admin request: only with a configured token */
    boolean adminAllowed(String authorization) {
        return !tokenHashes.isEmpty() && tokenValid(authorization);
    }

    /** Compares against every configured token, without an early exit, in time independent of the token's content. */
    private boolean tokenValid(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()).strip());
        boolean match = false;
        for (byte[] hash : tokenHashes) {
            match |= MessageDigest.isEqual(hash, presented);
        }
        return match;
    }

    /**
     * @param hostHeader the request's {@code Host} header, or null
     * @return whether the node answers that name; a request without one (HTTP/1.0; browsers always send it) is
     *     answered
     */
    boolean hostAllowed(String hostHeader) {
        if (allowedHosts == null || hostHeader == null) {
            return true;
        }
        String host = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || (close + 1 < host.length() && !validPort(host.substring(close + 1)))) {
                return false;
            }
            host = host.substring(1, close);
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0) {
                if (!validPort(host.substring(colon))) {
                    return false;
                }
                host = host.substring(0, colon);
            }
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return allowedHosts.contains(host);
    }

    /** @return whether {@code text} is {@code :} and 1 to 5 digits */
    private static boolean validPort(String text) {
        if (text.length() < 2 || text.length() > 6 || text.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * @param contentType a request's {@code Content-Type}, or null
     * @return whether it is {@code application/json} (any parameters, any case): a type a browser page cannot send
     *     cross-origin without a CORS preflight, which the node never grants
     */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return type.equalsIgnoreCase("application/json");
    }

    /** @return whether {@code contentType} is {@code application/octet-stream} (parameters allowed) */
    static boolean isOctetStream(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return type.equalsIgnoreCase("application/octet-stream");
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
