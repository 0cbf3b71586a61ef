package org.ippan.l2.cli;

/** The exit codes of {@code l2-ctl}: stable, for scripts; listed in {@code --help} ({@link L2Ctl}) and the README. */
final class ExitCode {
    /** Done; every check passed. */
    static final int OK = 0;
    /** A check failed: a verification found a problem, or replay found a mismatch. */
    static final int CHECK_FAILED = 1;
    /** Usage error: an unknown command or option, a bad value, a missing token or input, a file that exists. */
    static final int USAGE = 2;
    /** The node (or its storage) could not be reached, or answered an HTTP error (5xx) or an unusable answer. */
    static final int UNAVAILABLE = 3;
    /** The node refused the request: 401, 403 or another 4xx, reported with its code. */
    static final int REFUSED = 4;
    /** An unexpected internal error of the CLI (a bug: please report it with the message). */
    static final int INTERNAL = 5;

    private ExitCode() {
    }
}
