package org.ippan.l2.lease.etcd;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.ippan.l2.lease.etcd.EtcdUrlException.Problem;

/**
 * One etcd client endpoint, reached over plain HTTP (etcd's gRPC gateway shares the client port).
 *
 * @param host a host name, an IPv4 address, or an IPv6 address without brackets
 * @param port the client port, 1 to 65535
 */
public record EtcdEndpoint(String host, int port) {

    private static final String SCHEME = "etcd://";

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code host} is null
     * @throws IllegalArgumentException if {@code host} is empty or {@code port} is out of range
     */
    public EtcdEndpoint {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
        }
    }

    /**
     * Parses an {@code etcd://host:port[,host:port...]} URL, the node's {@code L2_LEASE_URL} form: one or more
     * comma-separated endpoints, each a host name, an IPv4 address or a bracketed IPv6 address ({@code [::1]}) and a
     * port; nothing else (no path, query, user info or spaces). The scheme is matched without regard to case.
     *
     * @param url the URL
     * @return the endpoints, in the order given (the order in which they are tried)
     * @throws NullPointerException if {@code url} is null
     * @throws EtcdUrlException     naming the rule the URL breaks and the offending endpoint
     */
    public static List<EtcdEndpoint> parseUrl(String url) {
        Objects.requireNonNull(url, "url");
        if (!url.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new EtcdUrlException(Problem.NOT_ETCD_SCHEME, url, null);
        }
        String list = url.substring(SCHEME.length());
        if (list.isEmpty()) {
            throw new EtcdUrlException(Problem.NO_ENDPOINT, url, null);
        }
        List<EtcdEndpoint> endpoints = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String entry : list.split(",", -1)) {
            EtcdEndpoint endpoint = parseEndpoint(url, entry);
            if (!seen.add(endpoint.host().toLowerCase(Locale.ROOT) + ":" + endpoint.port())) {
                throw new EtcdUrlException(Problem.DUPLICATE_ENDPOINT, url, entry);
            }
            endpoints.add(endpoint);
        }
        return List.copyOf(endpoints);
    }

    /** @return the base URI of etcd's gateway on this endpoint, {@code http://host:port} */
    public URI baseUri() {
        return URI.create("http://" + this);
    }

    /** @return {@code host:port}, the host in brackets if it is an IPv6 address */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static EtcdEndpoint parseEndpoint(String url, String entry) {
        if (entry.isEmpty()) {
            throw new EtcdUrlException(Problem.EMPTY_ENDPOINT, url, entry);
        }
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c == '/' || c == '?' || c == '#' || c == '@') {
                throw new EtcdUrlException(Problem.UNEXPECTED_PART, url, entry);
            }
        }
        String host;
        String rest;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new EtcdUrlException(Problem.BAD_HOST, url, entry);
            }
            host = entry.substring(1, close);
            rest = entry.substring(close + 1);
            if (!isIpv6(host)) {
                throw new EtcdUrlException(Problem.BAD_HOST, url, entry);
            }
        } else {
            int colon = entry.indexOf(':');
            if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) {
                throw new EtcdUrlException(Problem.BAD_HOST, url, entry); // an IPv6 address without brackets
            }
            host = colon < 0 ? entry : entry.substring(0, colon);
            rest = colon < 0 ? "" : entry.substring(colon);
            if (!isHostName(host)) {
                throw new EtcdUrlException(Problem.BAD_HOST, url, entry);
            }
        }
        if (rest.isEmpty()) {
            throw new EtcdUrlException(Problem.MISSING_PORT, url, entry);
        }
        if (rest.charAt(0) != ':') {
            throw new EtcdUrlException(Problem.BAD_HOST, url, entry);
        }
        return new EtcdEndpoint(host, port(url, entry, rest.substring(1)));
    }

    private static int port(String url, String entry, String digits) {
        if (digits.isEmpty() || digits.length() > 5) {
            throw new EtcdUrlException(Problem.BAD_PORT, url, entry);
        }
        int port = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new EtcdUrlException(Problem.BAD_PORT, url, entry);
            }
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) {
            throw new EtcdUrlException(Problem.BAD_PORT, url, entry);
        }
        return port;
    }

    /** Letters, digits, {@code -}, {@code _} and dots, in labels that do not start or end with {@code -}. */
    private static boolean isHostName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                        || c == '_';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Hex digits, colons and (for an embedded IPv4 tail) dots, with at least two colons; no zone id. */
    private static boolean isIpv6(String host) {
        int colons = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == ':') {
                colons++;
            } else if (Character.digit(c, 16) < 0 && c != '.') {
                return false;
            }
        }
        return colons >= 2 && colons <= 7;
    }
}
