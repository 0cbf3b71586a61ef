package org.ippan.l2.lease.etcd;

/**
 * An {@code etcd://host:port[,host:port...]} URL (the node's {@code L2_LEASE_URL} form) that cannot be used, with
 * the rule it breaks as a {@link Problem} and a message that names the problem, the offending endpoint and the URL.
 */
public final class EtcdUrlException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The most characters of the URL that a message echoes. */
    private static final int MAX_ECHOED_CHARS = 200;

    /** The rule a URL breaks. */
    public enum Problem {
        /** It does not start with {@code etcd://} (TLS, {@code http://} or a bare address are not accepted). */
        NOT_ETCD_SCHEME("must start with etcd://"),
        /** Nothing follows {@code etcd://}. */
        NO_ENDPOINT("names no endpoint after etcd://"),
        /** An entry of the comma-separated list is empty ({@code ,,}, or a leading or trailing comma). */
        EMPTY_ENDPOINT("has an empty endpoint in its list"),
        /** An endpoint carries a path, query, fragment or user info: only {@code host:port} is allowed. */
        UNEXPECTED_PART("has an endpoint with more than host:port (a path, query, fragment or user info)"),
        /** An endpoint has no {@code :port}. */
        MISSING_PORT("has an endpoint without :port"),
        /** A port is not a decimal number from 1 to 65535. */
        BAD_PORT("has a port that is not a number from 1 to 65535"),
        /** A host is empty or not a host name, an IPv4 address or a bracketed IPv6 address. */
        BAD_HOST("has a host that is not a host name, an IPv4 address or a bracketed IPv6 address"),
        /** The same {@code host:port} is listed twice. */
        DUPLICATE_ENDPOINT("lists the same endpoint twice");

        private final String text;

        Problem(String text) {
            this.text = text;
        }

        /** @return what the rule says, in words for a message */
        public String text() {
            return text;
        }
    }

    /** The rule the URL breaks. */
    private final Problem problem;
    /** The URL as given. */
    private final String url;

    /**
     * Creates the exception.
     *
     * @param problem  the rule the URL breaks
     * @param url      the URL as given
     * @param endpoint the offending endpoint as written, or null when the problem is with the whole URL
     */
    public EtcdUrlException(Problem problem, String url, String endpoint) {
        super(message(problem, url, endpoint));
        this.problem = problem;
        this.url = url;
    }

    /** @return the rule the URL breaks */
    public Problem problem() {
        return problem;
    }

    /** @return the URL as given */
    public String url() {
        return url;
    }

    private static String message(Problem problem, String url, String endpoint) {
        String line = "etcd URL " + problem.text();
        if (endpoint != null) {
            line += " ('" + echo(endpoint) + "')";
        }
        return line + ": '" + echo(url) + "' (expected etcd://host:port[,host:port...])";
    }

    private static String echo(String value) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length() && out.length() < MAX_ECHOED_CHARS) {
            int codePoint = value.codePointAt(i);
            if (Character.isISOControl(codePoint)) {
                out.append(String.format("\\u%04x", codePoint));
            } else {
                out.appendCodePoint(codePoint);
            }
            i += Character.charCount(codePoint);
        }
        if (i < value.length()) {
            out.append("...");
        }
        return out.toString();
    }
}
