package org.ippan.l2.benchmarks.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.OptionalDouble;

/**
 * The load generator's options, parsed from the command line ({@link #parse}) or built directly (tests).
 *
 * @param target where the node listens; always a loopback address
 * @param endpoint {@code /tx} (one tx per request) or {@code /txs} ({@code batch} txs per request)
 * @param batch txs per {@code POST /txs} request, 1..1000 (1 for {@code /tx})
 * @param body how {@code POST /txs} bodies are written: a JSON array, or bulk binary v1
 * @param rate offered tx/s for an open-loop run; empty for a closed-loop (saturation) run
 * @param connections keep-alive connections, one sending thread each
 * @param duration the measured part of the run
 * @param warmup the part before it, sent the same way but not measured
 * @param maxTxs most txs offered over the whole run
 * @param payloadBytes payload size of each tx
 * @param chainId the {@code chain_id} of each tx
 * @param fromPrefix the {@code from} of each tx is this prefix, a dash and the connection's number
 * @param timeout connect and read timeout of one request
 * @param json print the report as one JSON object instead of text
 * @param progress print one line per second to stderr while running
 */
record LoadOptions(InetSocketAddress target, Endpoint endpoint, int batch, Body body, OptionalDouble rate,
        int connections,
        Duration duration, Duration warmup, long maxTxs, int payloadBytes, long chainId, String fromPrefix,
        Duration timeout, boolean json, boolean progress) {

    /** The two write endpoints. */
    enum Endpoint {
        /** {@code POST /tx}: one tx per request. */
        TX("/tx"),
        /** {@code POST /txs}: a JSON array of txs per request. */
        TXS("/txs");

        final String path;

        Endpoint(String path) {
            this.path = path;
        }
    }

    /** How the txs of a {@code POST /txs} request are written. */
    enum Body {
        /** A JSON array of tx objects, {@code Content-Type: application/json}. */
        JSON,
        /**
         * Bulk binary v1 ({@code docs/spec/bulk-binary-v1.md}): {@code L2TX}, version, count and the txs' canonical
         * encodings, each after its u32 length; {@code Content-Type: application/octet-stream}.
         */
        BINARY
    }

    /** Most txs in one {@code POST /txs} (the node's limit). */
    static final int MAX_BATCH = 1000;
    /** Longest run (warm-up plus measurement). */
    static final Duration MAX_RUN = Duration.ofHours(1);
    /** Default bound on the txs of a run. */
    static final long DEFAULT_MAX_TXS = 100_000_000L;

    static final String USAGE = String.join("\n",
            "Usage: java -cp l2-benchmarks/target/benchmarks.jar org.ippan.l2.benchmarks.load.LoadGenerator [options]",
            "",
            "Drives a running L2 node over HTTP on loopback with POST /tx or POST /txs and reports accepted tx/s,",
            "latency percentiles, refusals by code and errors. Without --rate it runs closed-loop at saturation",
            "(each connection sends its next request when the previous one is answered); with --rate it runs",
            "open-loop: request i is due at start + i * batch / rate and its latency is measured from that due time,",
            "so a stalled node shows up in the percentiles instead of slowing the load down (no coordinated",
            "omission). Every tx is distinct (from = PREFIX-<connection>, nonce counting up from 0).",
            "",
            "Options (--name VALUE or --name=VALUE; durations as 500ms, 10s, 2m or plain seconds):",
            "  --url URL            node base URL, loopback only                    [http://127.0.0.1:3000]",
            "  --endpoint tx|txs    POST /tx (one tx per request) or POST /txs      [txs]",
            "  --batch N            txs per POST /txs request, 1.." + MAX_BATCH + "                [100; 1 for tx]",
            "  --body json|binary   POST /txs body: JSON array or bulk binary v1    [json]",
            "                       (application/octet-stream, docs/spec/bulk-binary-v1.md)",
            "  --rate TX_PER_S      open loop at this offered rate in tx/s          [closed loop, saturation]",
            "  --connections C      keep-alive connections, one thread each, 1..1024 [16]",
            "  --duration D         measured time                                    [10s]",
            "  --warmup D           load before the measured time, not measured      [0s]",
            "  --max-txs N          most txs offered over the whole run              [" + DEFAULT_MAX_TXS + "]",
            "  --payload-bytes N    payload size of each tx, 0..1048576              [256]",
            "  --chain-id N         chain_id of the txs                              [1]",
            "  --from-prefix S      prefix of the txs' from field                    [lg-<random>]",
            "  --timeout D          connect and read timeout per request             [30s]",
            "  --json               print the report as one JSON object",
            "  --progress           print accepted tx/s and refusals every second to stderr",
            "  --help               print this help",
            "",
            "Warm-up plus duration is at most 1h. The run stops by itself at the end of its time or at --max-txs,",
            "whichever comes first; an open-loop run still sends the requests already due, for at most 5 s more.",
            "Exit status: 0 after a run, 1 if the node cannot be reached, 2 for a bad option.");

    private static final Set<String> VALUED = Set.of("--url", "--endpoint", "--batch", "--body", "--rate",
            "--connections", "--duration", "--warmup", "--max-txs", "--payload-bytes", "--chain-id", "--from-prefix",
            "--timeout");

    /** A malformed command line; the message is one line. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    LoadOptions {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(body, "body");
        if (body == Body.BINARY && endpoint != Endpoint.TXS) {
            throw new IllegalArgumentException("a binary body needs the txs endpoint");
        }
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(fromPrefix, "fromPrefix");
        Objects.requireNonNull(timeout, "timeout");
        if (!target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("target " + target + " is not a loopback address");
        }
    }

    /** @return the txs of one request */
    int txsPerRequest() {
        return endpoint == Endpoint.TX ? 1 : batch;
    }

    /** @return true for a closed-loop (saturation) run */
    boolean closedLoop() {
        return rate.isEmpty();
    }

    /**
     * Parses a command line; {@code --help} is handled by the caller before.
     *
     * @throws UsageException naming the first bad option
     */
    static LoadOptions parse(String[] args) throws UsageException {
        String url = "http://127.0.0.1:3000";
        String endpointText = "txs";
        Integer batch = null;
        String bodyText = "json";
        OptionalDouble rate = OptionalDouble.empty();
        int connections = 16;
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ZERO;
        long maxTxs = DEFAULT_MAX_TXS;
        int payloadBytes = 256;
        long chainId = 1;
        String fromPrefix = null;
        Duration timeout = Duration.ofSeconds(30);
        boolean json = false;
        boolean progress = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--json") || name.equals("--progress")) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                if (name.equals("--json")) {
                    json = true;
                } else {
                    progress = true;
                }
                continue;
            }
            if (!VALUED.contains(name)) {
                throw new UsageException("unknown option " + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--url" -> url = value;
                case "--endpoint" -> endpointText = value;
                case "--batch" -> batch = (int) parseLong(name, value, 1, MAX_BATCH);
                case "--body" -> bodyText = value;
                case "--rate" -> rate = OptionalDouble.of(parseRate(name, value));
                case "--connections" -> connections = (int) parseLong(name, value, 1, 1024);
                case "--duration" -> duration = parseDuration(name, value, false);
                case "--warmup" -> warmup = parseDuration(name, value, true);
                case "--max-txs" -> maxTxs = parseLong(name, value, 1, Long.MAX_VALUE);
                case "--payload-bytes" -> payloadBytes = (int) parseLong(name, value, 0, 1 << 20);
                case "--chain-id" -> chainId = parseUnsigned(name, value);
                case "--from-prefix" -> {
                    if (value.isEmpty() || value.length() > 200 || !value.chars().allMatch(
                            c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
                        throw new UsageException(name + " must be 1..200 printable ASCII characters without "
                                + "quotes or backslashes, got '" + value + "'");
                    }
                    fromPrefix = value;
                }
                case "--timeout" -> timeout = parseDuration(name, value, false);
                default -> throw new UsageException("unknown option " + name);
            }
        }
        Endpoint endpoint = switch (endpointText.toLowerCase(Locale.ROOT)) {
            case "tx", "/tx" -> Endpoint.TX;
            case "txs", "/txs" -> Endpoint.TXS;
            default -> throw new UsageException("--endpoint must be tx or txs, got '" + endpointText + "'");
        };
        Body body = switch (bodyText.toLowerCase(Locale.ROOT)) {
            case "json" -> Body.JSON;
            case "binary" -> Body.BINARY;
            default -> throw new UsageException("--body must be json or binary, got '" + bodyText + "'");
        };
        if (endpoint == Endpoint.TX && body == Body.BINARY) {
            throw new UsageException("--body binary applies to --endpoint txs only");
        }
        if (endpoint == Endpoint.TX && batch != null && batch != 1) {
            throw new UsageException("--batch applies to --endpoint txs only");
        }
        int txsPerRequest = endpoint == Endpoint.TX ? 1 : (batch == null ? 100 : batch);
        if (duration.plus(warmup).compareTo(MAX_RUN) > 0) {
            throw new UsageException("--warmup plus --duration must be at most 1h");
        }
        if (timeout.toMillis() > Integer.MAX_VALUE) {
            throw new UsageException("--timeout is too long");
        }
        if (fromPrefix == null) {
            byte[] random = new byte[4];
            new SecureRandom().nextBytes(random);
            fromPrefix = "lg-" + HexFormat.of().formatHex(random);
        }
        InetSocketAddress target = loopbackTarget(url);
        return new LoadOptions(target, endpoint, txsPerRequest, body, rate, connections, duration, warmup, maxTxs,
                payloadBytes, chainId, fromPrefix, timeout, json, progress);
    }

    /** Resolves {@code http://HOST:PORT[/]} and refuses anything that is not a loopback address. */
    static InetSocketAddress loopbackTarget(String url) throws UsageException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UsageException("--url is not a URL: '" + url + "'");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new UsageException("--url must be http://HOST:PORT, got '" + url + "'");
        }
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()
                        || uri.getRawPath().equals("/"))) {
            throw new UsageException("--url must be http://HOST:PORT with an explicit port and no path, got '"
                    + url + "'");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new UsageException("--url host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!address.isLoopbackAddress()) {
                throw new UsageException("--url must name a loopback address (127.0.0.0/8, ::1, localhost); '"
                        + host + "' resolves to " + address.getHostAddress());
            }
        }
        return new InetSocketAddress(addresses[0], uri.getPort());
    }

    private static long parseLong(String name, String value, long min, long max) throws UsageException {
        long parsed;
        try {
            parsed = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be an integer, got '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new UsageException(name + " must be in " + min + ".." + max + ", got " + parsed);
        }
        return parsed;
    }

    private static long parseUnsigned(String name, String value) throws UsageException {
        try {
            return Long.parseUnsignedLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be an unsigned 64-bit integer, got '" + value + "'");
        }
    }

    private static double parseRate(String name, String value) throws UsageException {
        double parsed;
        try {
            parsed = Double.parseDouble(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number of tx/s, got '" + value + "'");
        }
        if (!(parsed > 0 && parsed <= 10_000_000)) {
            throw new UsageException(name + " must be in (0, 10000000] tx/s, got '" + value + "'");
        }
        return parsed;
    }

    static Duration parseDuration(String name, String value, boolean zeroAllowed) throws UsageException {
        String text = value.trim().toLowerCase(Locale.ROOT);
        long unitMs;
        String number;
        if (text.endsWith("ms")) {
            unitMs = 1;
            number = text.substring(0, text.length() - 2);
        } else if (text.endsWith("s")) {
            unitMs = 1000;
            number = text.substring(0, text.length() - 1);
        } else if (text.endsWith("m")) {
            unitMs = 60_000;
            number = text.substring(0, text.length() - 1);
        } else if (text.endsWith("h")) {
            unitMs = 3_600_000;
            number = text.substring(0, text.length() - 1);
        } else {
            unitMs = 1000;
            number = text;
        }
        double amount;
        try {
            amount = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a duration like 500ms, 10s or 2m, got '" + value + "'");
        }
        if (Double.isNaN(amount) || amount < 0 || amount * unitMs > MAX_RUN.toMillis()
                || (!zeroAllowed && amount * unitMs < 1)) {
            throw new UsageException(name + " must be " + (zeroAllowed ? "0" : "1ms") + " to 1h, got '"
                    + value + "'");
        }
        return Duration.ofMillis(Math.round(amount * unitMs));
    }
}
