package org.ippan.l2.l1.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The immutable settings of an {@link HttpL1Poster}: where IPPAN CORE's HTTP API is (wire-format-v1 §6), how to
 * authenticate, and the per-call limits.
 *
 * <p>Built by {@link #builder()} (validated once, in {@link Builder#build()}, with an {@link HttpL1ConfigException}
 * naming the field) or read from the environment by {@link #fromEnvironment(Map)} (the same checks, with the
 * exception naming the variable). The endpoint paths have no defaults: CORE's paths are configuration, and a
 * missing one is an error.
 *
 * <table>
 *   <caption>Settings, their environment variables and defaults</caption>
 *   <tr><th>field</th><th>variable</th><th>default</th><th>rule</th></tr>
 *   <tr><td>{@code baseUrl}</td><td>{@code L1_BASE_URL}</td><td>required</td>
 *       <td>an absolute {@code http} or {@code https} URL with a host, without user info, query or fragment</td></tr>
 *   <tr><td>{@code chainStatusEndpoint}</td><td>{@code L1_ENDPOINT_CHAIN_STATUS}</td><td>required</td>
 *       <td>a path, appended to the base URL's path</td></tr>
 *   <tr><td>{@code submitBatchEndpoint}</td><td>{@code L1_ENDPOINT_SUBMIT_BATCH}</td><td>required</td>
 *       <td>a path</td></tr>
 *   <tr><td>{@code getInclusionEndpoint}</td><td>{@code L1_ENDPOINT_GET_INCLUSION}</td><td>required</td>
 *       <td>a path containing {@code {id}} (the base64url idempotency key)</td></tr>
 *   <tr><td>{@code getFinalityEndpoint}</td><td>{@code L1_ENDPOINT_GET_FINALITY}</td><td>required</td>
 *       <td>a path containing {@code {l1_tx_id}}</td></tr>
 *   <tr><td>{@code forcedSubmitEndpoint}</td><td>{@code L1_ENDPOINT_FORCED_SUBMIT}</td><td>none</td>
 *       <td>a path, may contain {@code {chain}}: where a tx is posted to the chain's forced-inclusion inbox
 *       ({@code POST {"tx": hex}}); set together with the next, or neither (then the L1 has no inbox)</td></tr>
 *   <tr><td>{@code forcedInboxEndpoint}</td><td>{@code L1_ENDPOINT_FORCED_INBOX}</td><td>none</td>
 *       <td>a path containing {@code {from}} and {@code {max}}, may contain {@code {chain}}: reads the inbox
 *       ({@code GET})</td></tr>
 *   <tr><td>{@code forcedChainId}</td><td>{@code L2_CHAIN_ID}</td><td>1</td>
 *       <td>unsigned 64-bit; the {@code {chain}} of the inbox endpoints</td></tr>
 *   <tr><td>{@code apiKey}</td><td>{@code L1_API_KEY}</td><td>none</td>
 *       <td>printable ASCII; sent verbatim as the {@code Authorization} header (include the scheme, e.g.
 *       {@code Bearer …}, if CORE wants one)</td></tr>
 *   <tr><td>{@code timeoutMs}</td><td>{@code L1_TIMEOUT_MS}</td><td>10000</td>
 *       <td>1 .. {@value #MAX_TIMEOUT_MS}</td></tr>
 *   <tr><td>{@code maxResponseBytes}</td><td>{@code L1_MAX_RESPONSE_BYTES}</td><td>1048576 (1 MiB)</td>
 *       <td>1 .. {@value #MAX_RESPONSE_BYTES_LIMIT}</td></tr>
 * </table>
 *
 * <p>An endpoint path may be written with or without its leading {@code /}; it is joined to the base URL's path
 * with exactly one {@code /} (base {@code https://core:8080/api} and endpoint {@code /v1/status} give
 * {@code https://core:8080/api/v1/status}). It may carry a query; placeholders may sit in the path or the query.
 * Placeholder values are percent-encoded (every byte except {@code A-Z a-z 0-9 - . _ ~}), so an id can never
 * add a path segment.
 *
 * <p>The API key is a secret: {@link #toString()} shows only whether one is set, and no error message echoes it.
 */
public final class HttpL1Config {

    /** The default {@code timeoutMs}: 10 s. */
    public static final long DEFAULT_TIMEOUT_MS = 10_000;

    /** The largest accepted {@code timeoutMs}: one day. */
    public static final long MAX_TIMEOUT_MS = 86_400_000;

    /** The default {@code maxResponseBytes}: 1 MiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;

    /** The largest accepted {@code maxResponseBytes}: 256 MiB. */
    public static final int MAX_RESPONSE_BYTES_LIMIT = 256 << 20;

    /** The placeholder of the forced-inbox endpoints: the L2 chain id, in decimal. */
    public static final String CHAIN_PLACEHOLDER = "{chain}";

    /** The placeholder of {@code forcedInboxEndpoint}: the first index to read. */
    public static final String FROM_PLACEHOLDER = "{from}";

    /** The placeholder of {@code forcedInboxEndpoint}: the most entries to read. */
    public static final String MAX_PLACEHOLDER = "{max}";

    /** The placeholder of {@code getInclusionEndpoint}: the base64url (unpadded) idempotency key. */
    public static final String ID_PLACEHOLDER = "{id}";

    /** The placeholder of {@code getFinalityEndpoint}: the L1 transaction id. */
    public static final String L1_TX_ID_PLACEHOLDER = "{l1_tx_id}";

    /** The settings, each with its builder field and environment variable. */
    private enum Setting {
        BASE_URL("baseUrl", "L1_BASE_URL"),
        CHAIN_STATUS("chainStatusEndpoint", "L1_ENDPOINT_CHAIN_STATUS"),
        SUBMIT_BATCH("submitBatchEndpoint", "L1_ENDPOINT_SUBMIT_BATCH"),
        GET_INCLUSION("getInclusionEndpoint", "L1_ENDPOINT_GET_INCLUSION"),
        GET_FINALITY("getFinalityEndpoint", "L1_ENDPOINT_GET_FINALITY"),
        FORCED_SUBMIT("forcedSubmitEndpoint", "L1_ENDPOINT_FORCED_SUBMIT"),
        FORCED_INBOX("forcedInboxEndpoint", "L1_ENDPOINT_FORCED_INBOX"),
        FORCED_CHAIN_ID("forcedChainId", "L2_CHAIN_ID"),
        API_KEY("apiKey", "L1_API_KEY"),
        TIMEOUT_MS("timeoutMs", "L1_TIMEOUT_MS"),
        MAX_RESPONSE_BYTES("maxResponseBytes", "L1_MAX_RESPONSE_BYTES");

        final String field;
        final String variable;

        Setting(String field, String variable) {
            this.field = field;
            this.variable = variable;
        }

        String name(boolean fromEnvironment) {
            return fromEnvironment ? variable : field;
        }
    }

    private final URI baseUrl;
    private final String chainStatusEndpoint;
    private final String submitBatchEndpoint;
    private final String getInclusionEndpoint;
    private final String getFinalityEndpoint;
    private final String forcedSubmitEndpoint;
    private final String forcedInboxEndpoint;
    private final long forcedChainId;
    private final String apiKey;
    private final long timeoutMs;
    private final int maxResponseBytes;

    /** The base URL as text without a trailing {@code /}, to which endpoint paths are appended. */
    private final String urlPrefix;
    private final URI chainStatusUri;
    private final URI submitBatchUri;

    private HttpL1Config(Builder builder, String urlPrefix, URI chainStatusUri, URI submitBatchUri) {
        this.baseUrl = URI.create(builder.baseUrl);
        this.chainStatusEndpoint = builder.chainStatusEndpoint;
        this.submitBatchEndpoint = builder.submitBatchEndpoint;
        this.getInclusionEndpoint = builder.getInclusionEndpoint;
        this.getFinalityEndpoint = builder.getFinalityEndpoint;
        this.forcedSubmitEndpoint = builder.forcedSubmitEndpoint;
        this.forcedInboxEndpoint = builder.forcedInboxEndpoint;
        this.forcedChainId = builder.forcedChainId;
        this.apiKey = builder.apiKey;
        this.timeoutMs = builder.timeoutMs;
        this.maxResponseBytes = builder.maxResponseBytes;
        this.urlPrefix = urlPrefix;
        this.chainStatusUri = chainStatusUri;
        this.submitBatchUri = submitBatchUri;
    }

    /**
     * Starts building a configuration; {@code timeoutMs} and {@code maxResponseBytes} have defaults, everything
     * else but {@code apiKey} must be set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the configuration from environment variables (see the table above). Values are trimmed; a missing or
     * blank variable counts as unset; variables this class does not know are ignored, so the whole process
     * environment can be passed. Numbers are decimal digits only.
     *
     * @param env the environment, e.g. {@link System#getenv()}
     * @return the validated configuration
     * @throws HttpL1ConfigException naming the first variable that is missing, malformed or out of range
     * @throws NullPointerException if {@code env} is null
     */
    public static HttpL1Config fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Builder builder = builder();
        text(env, Setting.BASE_URL).ifPresent(builder::baseUrl);
        text(env, Setting.CHAIN_STATUS).ifPresent(builder::chainStatusEndpoint);
        text(env, Setting.SUBMIT_BATCH).ifPresent(builder::submitBatchEndpoint);
        text(env, Setting.GET_INCLUSION).ifPresent(builder::getInclusionEndpoint);
        text(env, Setting.GET_FINALITY).ifPresent(builder::getFinalityEndpoint);
        text(env, Setting.FORCED_SUBMIT).ifPresent(builder::forcedSubmitEndpoint);
        text(env, Setting.FORCED_INBOX).ifPresent(builder::forcedInboxEndpoint);
        text(env, Setting.FORCED_CHAIN_ID).ifPresent(value -> {
            try {
                builder.forcedChainId(Long.parseUnsignedLong(value));
            } catch (NumberFormatException e) {
                throw new HttpL1ConfigException(Setting.FORCED_CHAIN_ID.variable, "not an unsigned 64-bit integer",
                        value);
            }
        });
        text(env, Setting.API_KEY).ifPresent(builder::apiKey);
        text(env, Setting.TIMEOUT_MS).ifPresent(value -> builder.timeoutMs(number(Setting.TIMEOUT_MS, value)));
        text(env, Setting.MAX_RESPONSE_BYTES).ifPresent(value -> {
            long bytes = number(Setting.MAX_RESPONSE_BYTES, value);
            if (bytes > MAX_RESPONSE_BYTES_LIMIT) {
                throw new HttpL1ConfigException(Setting.MAX_RESPONSE_BYTES.variable,
                        "must be within [1, " + MAX_RESPONSE_BYTES_LIMIT + "]", value);
            }
            builder.maxResponseBytes((int) bytes);
        });
        return builder.build(true);
    }

    /**
     * The base URL of IPPAN CORE's HTTP API.
     *
     * @return the URL as configured
     */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * The chain status endpoint.
     *
     * @return the path as configured
     */
    public String chainStatusEndpoint() {
        return chainStatusEndpoint;
    }

    /**
     * The submit batch endpoint.
     *
     * @return the path as configured
     */
    public String submitBatchEndpoint() {
        return submitBatchEndpoint;
    }

    /**
     * The get inclusion endpoint, with its {@value #ID_PLACEHOLDER} placeholder.
     *
     * @return the path as configured
     */
    public String getInclusionEndpoint() {
        return getInclusionEndpoint;
    }

    /**
     * The get finality endpoint, with its {@value #L1_TX_ID_PLACEHOLDER} placeholder.
     *
     * @return the path as configured
     */
    public String getFinalityEndpoint() {
        return getFinalityEndpoint;
    }

    /**
     * Whether an API key is configured (the key itself is not exposed).
     *
     * @return true if every request carries an {@code Authorization} header
     */
    public boolean hasApiKey() {
        return apiKey != null;
    }

    /**
     * The timeout of each request, from sending it to receiving the whole answer; also the connect timeout of an
     * {@code HttpClient} the poster creates itself.
     *
     * @return the timeout in ms; default {@value #DEFAULT_TIMEOUT_MS}
     */
    public long timeoutMs() {
        return timeoutMs;
    }

    /**
     * The largest answer body the poster reads; a success answer beyond it fails the call permanently.
     *
     * @return the limit in bytes; default {@value #DEFAULT_MAX_RESPONSE_BYTES}
     */
    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    /**
     * A one-line description; shows whether an API key is set, never the key.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return "HttpL1Config[baseUrl=" + baseUrl + ", chainStatusEndpoint=" + chainStatusEndpoint
                + ", submitBatchEndpoint=" + submitBatchEndpoint + ", getInclusionEndpoint=" + getInclusionEndpoint
                + ", getFinalityEndpoint=" + getFinalityEndpoint + ", forcedSubmitEndpoint=" + forcedSubmitEndpoint
                + ", forcedInboxEndpoint=" + forcedInboxEndpoint + ", forcedChainId="
                + Long.toUnsignedString(forcedChainId) + ", apiKey=" + (apiKey == null ? "<none>" : "<set>")
                + ", timeoutMs=" + timeoutMs + ", maxResponseBytes=" + maxResponseBytes + "]";
    }

    /** @return whether both forced-inclusion inbox endpoints are configured */
    public boolean hasForcedInbox() {
        return forcedSubmitEndpoint != null;
    }

    /** @return the forced-inbox submit endpoint, or null when the inbox is not configured */
    public String forcedSubmitEndpoint() {
        return forcedSubmitEndpoint;
    }

    /** @return the forced-inbox read endpoint with its placeholders, or null when the inbox is not configured */
    public String forcedInboxEndpoint() {
        return forcedInboxEndpoint;
    }

    /** @return the L2 chain id put in the inbox endpoints' {@value #CHAIN_PLACEHOLDER} */
    public long forcedChainId() {
        return forcedChainId;
    }

    // ---- for the poster --------------------------------------------------------------------------------------

    URI forcedSubmitUri() {
        return URI.create(urlPrefix + substitute(forcedSubmitEndpoint, CHAIN_PLACEHOLDER,
                Long.toUnsignedString(forcedChainId)));
    }

    URI forcedInboxUri(long fromIndex, int maxCount) {
        String path = substitute(forcedInboxEndpoint, CHAIN_PLACEHOLDER, Long.toUnsignedString(forcedChainId));
        path = path.replace(FROM_PLACEHOLDER, Long.toString(fromIndex)).replace(MAX_PLACEHOLDER,
                Integer.toString(maxCount));
        return URI.create(urlPrefix + path);
    }

    /** The API key, or null; package-private so that it cannot leak through the public API. */
    String apiKey() {
        return apiKey;
    }

    URI chainStatusUri() {
        return chainStatusUri;
    }

    URI submitBatchUri() {
        return submitBatchUri;
    }

    /** The inclusion URL of a key already encoded as base64url. */
    URI inclusionUri(String idBase64Url) {
        return URI.create(urlPrefix + substitute(getInclusionEndpoint, ID_PLACEHOLDER, idBase64Url));
    }

    URI finalityUri(String l1TxId) {
        return URI.create(urlPrefix + substitute(getFinalityEndpoint, L1_TX_ID_PLACEHOLDER, l1TxId));
    }

    /**
     * Percent-encodes {@code value} as UTF-8 for use in a path segment or a query: every byte except the URI's
     * unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) becomes {@code %XX}, so {@code /}, {@code ?}, {@code #},
     * {@code %}, {@code +} and spaces can never change the shape of the URL; a value of {@code .} or {@code ..}
     * is encoded as a whole so that it cannot act as a dot segment.
     */
    static String percentEncode(String value) {
        if (value.equals(".") || value.equals("..")) {
            return value.replace(".", "%2E"); // a dot segment would move up the path
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    private static String substitute(String endpoint, String placeholder, String value) {
        return normalizedPath(endpoint).replace(placeholder, percentEncode(value));
    }

    /** The endpoint with exactly one leading {@code /}. */
    private static String normalizedPath(String endpoint) {
        int start = 0;
        while (start < endpoint.length() && endpoint.charAt(start) == '/') {
            start++;
        }
        return "/" + endpoint.substring(start);
    }

    // ---- environment parsing ---------------------------------------------------------------------------------

    private static Optional<String> text(Map<String, String> env, Setting setting) {
        String value = env.get(setting.variable);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.strip());
    }

    private static long number(Setting setting, String value) {
        // The API key is not a number, so echoing the value here never leaks it.
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpL1ConfigException(setting.variable, "not a non-negative integer", value);
            }
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            throw new HttpL1ConfigException(setting.variable, "too large", value, tooLarge);
        }
    }

    /** Builds an {@link HttpL1Config}; not thread-safe. */
    public static final class Builder {

        private String baseUrl;
        private String chainStatusEndpoint;
        private String submitBatchEndpoint;
        private String getInclusionEndpoint;
        private String getFinalityEndpoint;
        private String forcedSubmitEndpoint;
        private String forcedInboxEndpoint;
        private long forcedChainId = 1;
        private String apiKey;
        private long timeoutMs = DEFAULT_TIMEOUT_MS;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

        private Builder() {
        }

        /**
         * Sets the base URL of IPPAN CORE's HTTP API ({@code L1_BASE_URL}); required.
         *
         * @param baseUrl e.g. {@code https://core.example:8080} or {@code http://127.0.0.1:8080/api}
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /**
         * Sets the chain status endpoint ({@code L1_ENDPOINT_CHAIN_STATUS}); required.
         *
         * @param path the path below the base URL
         * @return this builder
         */
        public Builder chainStatusEndpoint(String path) {
            this.chainStatusEndpoint = path;
            return this;
        }

        /**
         * Sets the submit batch endpoint ({@code L1_ENDPOINT_SUBMIT_BATCH}); required.
         *
         * @param path the path below the base URL
         * @return this builder
         */
        public Builder submitBatchEndpoint(String path) {
            this.submitBatchEndpoint = path;
            return this;
        }

        /**
         * Sets the get inclusion endpoint ({@code L1_ENDPOINT_GET_INCLUSION}); required.
         *
         * @param path the path below the base URL, containing {@value HttpL1Config#ID_PLACEHOLDER}
         * @return this builder
         */
        public Builder getInclusionEndpoint(String path) {
            this.getInclusionEndpoint = path;
            return this;
        }

        /**
         * Sets the forced-inclusion inbox's submit endpoint ({@code L1_ENDPOINT_FORCED_SUBMIT}); optional, with
         * {@link #forcedInboxEndpoint}.
         *
         * @param path the path, may contain {@value HttpL1Config#CHAIN_PLACEHOLDER}; null: none
         * @return this builder
         */
        public Builder forcedSubmitEndpoint(String path) {
            this.forcedSubmitEndpoint = path;
            return this;
        }

        /**
         * Sets the forced-inclusion inbox's read endpoint ({@code L1_ENDPOINT_FORCED_INBOX}); optional, with
         * {@link #forcedSubmitEndpoint}.
         *
         * @param path the path with {@value HttpL1Config#FROM_PLACEHOLDER} and {@value HttpL1Config#MAX_PLACEHOLDER},
         *     may contain {@value HttpL1Config#CHAIN_PLACEHOLDER}; null: none
         * @return this builder
         */
        public Builder forcedInboxEndpoint(String path) {
            this.forcedInboxEndpoint = path;
            return this;
        }

        /**
         * Sets the L2 chain id of the inbox endpoints ({@code L2_CHAIN_ID}); default 1.
         *
         * @param chainId the chain id (unsigned 64-bit)
         * @return this builder
         */
        public Builder forcedChainId(long chainId) {
            this.forcedChainId = chainId;
            return this;
        }

        /**
         * Sets the get finality endpoint ({@code L1_ENDPOINT_GET_FINALITY}); required.
         *
         * @param path the path below the base URL, containing {@value HttpL1Config#L1_TX_ID_PLACEHOLDER}
         * @return this builder
         */
        public Builder getFinalityEndpoint(String path) {
            this.getFinalityEndpoint = path;
            return this;
        }

        /**
         * Sets the API key ({@code L1_API_KEY}), sent verbatim as the {@code Authorization} header of every
         * request; null (the default) sends none.
         *
         * @param apiKey the key, or null
         * @return this builder
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /**
         * Sets the timeout of each request ({@code L1_TIMEOUT_MS}); default {@value HttpL1Config#DEFAULT_TIMEOUT_MS}.
         *
         * @param timeoutMs the timeout in ms
         * @return this builder
         */
        public Builder timeoutMs(long timeoutMs) {
            this.timeoutMs = timeoutMs;
            return this;
        }

        /**
         * Sets the largest answer body read ({@code L1_MAX_RESPONSE_BYTES}); default
         * {@value HttpL1Config#DEFAULT_MAX_RESPONSE_BYTES}.
         *
         * @param maxResponseBytes the limit in bytes
         * @return this builder
         */
        public Builder maxResponseBytes(int maxResponseBytes) {
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }

        /**
         * Validates the settings and builds the configuration.
         *
         * @return the configuration
         * @throws HttpL1ConfigException naming the first field that is missing, malformed or out of range
         */
        public HttpL1Config build() {
            return build(false);
        }

        private HttpL1Config build(boolean fromEnvironment) {
            String urlPrefix = checkBaseUrl(fromEnvironment);
            URI chainStatusUri = checkEndpoint(Setting.CHAIN_STATUS, chainStatusEndpoint, null, urlPrefix,
                    fromEnvironment);
            URI submitBatchUri = checkEndpoint(Setting.SUBMIT_BATCH, submitBatchEndpoint, null, urlPrefix,
                    fromEnvironment);
            checkEndpoint(Setting.GET_INCLUSION, getInclusionEndpoint, ID_PLACEHOLDER, urlPrefix, fromEnvironment);
            checkEndpoint(Setting.GET_FINALITY, getFinalityEndpoint, L1_TX_ID_PLACEHOLDER, urlPrefix,
                    fromEnvironment);
            checkForcedInbox(urlPrefix, fromEnvironment);
            if (apiKey != null) {
                checkApiKey(fromEnvironment);
            }
            if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
                throw new HttpL1ConfigException(Setting.TIMEOUT_MS.name(fromEnvironment),
                        "must be within [1, " + MAX_TIMEOUT_MS + "]", Long.toString(timeoutMs));
            }
            if (maxResponseBytes < 1 || maxResponseBytes > MAX_RESPONSE_BYTES_LIMIT) {
                throw new HttpL1ConfigException(Setting.MAX_RESPONSE_BYTES.name(fromEnvironment),
                        "must be within [1, " + MAX_RESPONSE_BYTES_LIMIT + "]", Integer.toString(maxResponseBytes));
            }
            return new HttpL1Config(this, urlPrefix, chainStatusUri, submitBatchUri);
        }

        /** Checks the base URL; returns it as text without trailing slashes. */
        private String checkBaseUrl(boolean fromEnvironment) {
            String name = Setting.BASE_URL.name(fromEnvironment);
            if (baseUrl == null || baseUrl.isBlank()) {
                throw new HttpL1ConfigException(name, "required: the URL of IPPAN CORE's HTTP API", null);
            }
            URI uri;
            try {
                uri = new URI(baseUrl);
            } catch (URISyntaxException e) {
                throw new HttpL1ConfigException(name, "not a valid URL", baseUrl, e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new HttpL1ConfigException(name, "must be an http:// or https:// URL", baseUrl);
            }
            if (uri.getHost() == null) {
                throw new HttpL1ConfigException(name, "must name a host", baseUrl);
            }
            if (uri.getRawUserInfo() != null) {
                // Refused without echoing the value: user info is a credential. L1_API_KEY carries credentials.
                throw new HttpL1ConfigException(name, "must not contain user info (credentials go in "
                        + Setting.API_KEY.name(fromEnvironment) + ")", null);
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new HttpL1ConfigException(name, "must not have a query or fragment", baseUrl);
            }
            String prefix = baseUrl;
            while (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            return prefix;
        }

        /** Checks an endpoint path and returns its URL (with the placeholder, if any, replaced by a sample). */
        private static URI checkEndpoint(Setting setting, String path, String placeholder, String urlPrefix,
                boolean fromEnvironment) {
            String name = setting.name(fromEnvironment);
            if (path == null || path.isBlank()) {
                throw new HttpL1ConfigException(name, "required: CORE's endpoint paths are configuration and no "
                        + "default is assumed", null);
            }
            if (placeholder != null && !path.contains(placeholder)) {
                throw new HttpL1ConfigException(name, "must contain the placeholder " + placeholder, path);
            }
            if (path.contains("://")) {
                throw new HttpL1ConfigException(name, "must be a path below the base URL, not a URL", path);
            }
            if (path.indexOf('#') >= 0) {
                throw new HttpL1ConfigException(name, "must not contain a fragment ('#')", path);
            }
            String sample = placeholder == null ? path : path.replace(placeholder, "x");
            try {
                return new URI(urlPrefix + normalizedPath(sample));
            } catch (URISyntaxException e) {
                throw new HttpL1ConfigException(name, "not a valid URL path (characters such as spaces, braces "
                        + "and '%' not followed by two hex digits must be percent-encoded)", path, e);
            }
        }

        /** Both forced-inbox endpoints or neither; the read endpoint with its placeholders. */
        private void checkForcedInbox(String urlPrefix, boolean fromEnvironment) {
            if (forcedSubmitEndpoint == null && forcedInboxEndpoint == null) {
                return;
            }
            if (forcedSubmitEndpoint == null || forcedInboxEndpoint == null) {
                Setting missing = forcedSubmitEndpoint == null ? Setting.FORCED_SUBMIT : Setting.FORCED_INBOX;
                Setting set = forcedSubmitEndpoint == null ? Setting.FORCED_INBOX : Setting.FORCED_SUBMIT;
                throw new HttpL1ConfigException(missing.name(fromEnvironment), "required when "
                        + set.name(fromEnvironment) + " is set: the forced-inclusion inbox needs both", null);
            }
            checkEndpoint(Setting.FORCED_SUBMIT, forcedSubmitEndpoint.replace(CHAIN_PLACEHOLDER, "1"), null,
                    urlPrefix, fromEnvironment);
            String read = forcedInboxEndpoint.replace(CHAIN_PLACEHOLDER, "1");
            if (!read.contains(MAX_PLACEHOLDER)) {
                throw new HttpL1ConfigException(Setting.FORCED_INBOX.name(fromEnvironment),
                        "must contain the placeholder " + MAX_PLACEHOLDER, forcedInboxEndpoint);
            }
            checkEndpoint(Setting.FORCED_INBOX, read.replace(MAX_PLACEHOLDER, "1"), FROM_PLACEHOLDER, urlPrefix,
                    fromEnvironment);
        }

        private void checkApiKey(boolean fromEnvironment) {
            String name = Setting.API_KEY.name(fromEnvironment);
            if (apiKey.isBlank()) {
                throw new HttpL1ConfigException(name, "must not be blank (leave it unset to send no "
                        + "Authorization header)", null);
            }
            for (int i = 0; i < apiKey.length(); i++) {
                char c = apiKey.charAt(i);
                if (c < 0x20 || c > 0x7E) {
                    // Never echo the key, not even a part of it.
                    throw new HttpL1ConfigException(name, "must be printable ASCII (character at index " + i
                            + " is not)", null);
                }
            }
        }
    }
}
