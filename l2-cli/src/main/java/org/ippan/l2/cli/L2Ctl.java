package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code l2-ctl}: the operator CLI. The root command holds the global options (inherited by every subcommand, so
 * they may be written before or after the subcommand's name) and the process environment the commands see.
 */
@Command(name = "l2-ctl", mixinStandardHelpOptions = true, version = "l2-ctl 0.1.0",
        description = "Operator CLI of the IPPAN L2 sequencer: node status and control, independent verification "
                + "of batches, receipts and proofs, replay of a node's storage, key generation.",
        subcommands = {
            StatusCommand.class,
            AdminCommands.Pause.class,
            AdminCommands.Resume.class,
            AdminCommands.Flush.class,
            AdminCommands.StepDown.class,
            AdminCommands.Limits.class,
            AdminCommands.SetLimits.class,
            VerifyBatchCommand.class,
            VerifyReceiptCommand.class,
            VerifyProofCommand.class,
            ReplayCommand.class,
            KeygenCommand.class,
            CommandLine.HelpCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok; every check passed",
            "1:a check failed (verification found a problem, replay mismatch)",
            "2:usage error (bad command, option or value; no token; file exists)",
            "3:node or storage unreachable, HTTP 5xx, or an unusable answer",
            "4:refused by the node (401/403/other 4xx, with its code)",
            "5:internal error of the CLI",
        })
public final class L2Ctl implements Callable<Integer> {
    /** The environment variable holding the admin bearer token, when neither option gives one. */
    static final String TOKEN_ENV = "L2_ADMIN_TOKEN";
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", scope = ScopeType.INHERIT, defaultValue = "http://127.0.0.1:3000",
            description = "Node base URL (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", scope = ScopeType.INHERIT, description = "Admin bearer token (else --token-file, "
            + "else env " + TOKEN_ENV + ").")
    String token;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, description = "File whose first line is the admin "
            + "bearer token.")
    Path tokenFile;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Machine output: one JSON document on "
            + "stdout.")
    boolean json;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, defaultValue = "10s",
            converter = DurationConverter.class,
            description = "HTTP timeout per request, e.g. 500ms, 10s, 1m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final InputStream stdin;
    private final LongSupplier clockMs;

    /** The CLI of this process: its environment, stdin and wall clock. */
    public L2Ctl() {
        this(System.getenv(), System.in, System::currentTimeMillis);
    }

    L2Ctl(Map<String, String> env, InputStream stdin, LongSupplier clockMs) {
        this.env = Map.copyOf(env);
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    }

    /** Without a subcommand: the usage, and exit code 2. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * Runs the CLI and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // the libraries log at INFO (e.g. storage opened); an operator tool shows their warnings only
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(new L2Ctl(), args, out, err));
    }

    /** Runs {@code root} on {@code args} with its output on {@code out} and {@code err}; returns the exit code. */
    static int run(L2Ctl root, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            if (exception instanceof CliException failure) {
                commandLine.getErr().println("l2-ctl: " + failure.getMessage());
                return failure.exitCode();
            }
            commandLine.getErr().println("l2-ctl: internal error: " + exception);
            return ExitCode.INTERNAL;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    // ---- what the commands share ------------------------------------------------------------------------------

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return json;
    }

    long nowMs() {
        return clockMs.getAsLong();
    }

    InputStream stdin() {
        return stdin;
    }

    /** The admin token from --token, --token-file or {@value #TOKEN_ENV}, in that order; empty if none. */
    Optional<String> token() {
        if (token != null && !token.isBlank()) {
            return Optional.of(token.strip());
        }
        if (tokenFile != null) {
            try {
                String first = Files.readString(tokenFile, StandardCharsets.UTF_8).lines().findFirst().orElse("")
                        .strip();
                if (first.isEmpty()) {
                    throw CliException.usage("the token file " + tokenFile + " is empty");
                }
                return Optional.of(first);
            } catch (IOException e) {
                throw CliException.usage("cannot read the token file " + tokenFile + ": " + e.getMessage());
            }
        }
        String fromEnv = env.get(TOKEN_ENV);
        return fromEnv == null || fromEnv.isBlank() ? Optional.empty() : Optional.of(fromEnv.strip());
    }

    /** A client of the node at {@code --url}, sending the token when there is one. */
    NodeClient node() {
        return new NodeClient(url, token(), timeout);
    }

    /** A client of the node for an admin command: a token is required. */
    NodeClient adminNode() {
        if (token().isEmpty()) {
            throw CliException.usage("admin commands need a token: --token, --token-file or " + TOKEN_ENV);
        }
        return node();
    }

    /** Prints {@code node} as one compact JSON line. */
    void printJson(JsonNode node) {
        try {
            out().println(JSON.writeValueAsString(node));
        } catch (IOException e) {
            throw new IllegalStateException("JSON output failed", e);
        }
    }

    /** Converts {@code 500ms}, {@code 10s}, {@code 2m} or a bare number of seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.strip().toLowerCase(java.util.Locale.ROOT);
            Duration duration;
            try {
                if (text.endsWith("ms")) {
                    duration = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
                } else if (text.endsWith("s")) {
                    duration = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
                } else if (text.endsWith("m")) {
                    duration = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
                } else {
                    duration = Duration.ofSeconds(Long.parseLong(text));
                }
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("not a duration (500ms, 10s, 1m): '" + value + "'");
            }
            if (duration.isZero() || duration.isNegative()) {
                throw new CommandLine.TypeConversionException("the timeout must be positive: '" + value + "'");
            }
            return duration;
        }
    }
}
