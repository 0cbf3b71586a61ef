package org.ippan.l2.cli;

/** A failure the CLI reports as one line on stderr and ends with its {@link ExitCode}. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }

    static CliException unavailable(String message) {
        return new CliException(ExitCode.UNAVAILABLE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
