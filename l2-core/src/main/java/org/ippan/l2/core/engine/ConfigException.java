package org.ippan.l2.core.engine;

/**
 * A configuration value that is missing, malformed or out of range. The message is one line,
 * {@code SETTING: problem (got 'value')}, where the setting is the environment variable (when the value came from
 * the environment) or the builder field; the echoed value is shortened to about 64 characters and its control
 * characters are escaped, so a stray value cannot flood or split a log line.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The most characters of a value that a message echoes. */
    private static final int MAX_ECHOED_CHARS = 64;

    /** The environment variable or builder field at fault. */
    private final String setting;

    /**
     * @param setting the environment variable or builder field at fault
     * @param problem what is wrong, e.g. {@code must be >= 1}
     * @param value the offending value, echoed (shortened and escaped); {@code null} to echo nothing
     */
    public ConfigException(String setting, String problem, String value) {
        super(message(setting, problem, value));
        this.setting = setting;
    }

    /**
     * @param setting the environment variable or builder field at fault
     * @param problem what is wrong, e.g. {@code must be >= 1}
     * @param value the offending value, echoed (shortened and escaped); {@code null} to echo nothing
     * @param cause the underlying failure
     */
    public ConfigException(String setting, String problem, String value, Throwable cause) {
        super(message(setting, problem, value), cause);
        this.setting = setting;
    }

    /** @return the environment variable (e.g. {@code L2_MAX_WAIT_MS}) or builder field (e.g. {@code maxTxSize}) */
    public String setting() {
        return setting;
    }

    private static String message(String setting, String problem, String value) {
        String line = setting + ": " + problem;
        return value == null ? line : line + " (got '" + echo(value) + "')";
    }

    /** The value shortened to about {@link #MAX_ECHOED_CHARS} characters, with control characters escaped. */
    private static String echo(String value) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length() && out.length() < MAX_ECHOED_CHARS) {
            int codePoint = value.codePointAt(i);
            if (Character.isISOControl(codePoint) || codePoint == '\u2028' || codePoint == '\u2029') {
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
