package org.ippan.l2.l1.http;

/**
 * A setting of {@link HttpL1Config} that is missing, malformed or out of range. The message is one line,
 * {@code SETTING: problem (got 'value')}, where the setting is the environment variable (when the value came from
 * the environment) or the builder field. The echoed value is shortened to about 64 characters with its control
 * characters escaped; the API key is never echoed.
 */
public final class HttpL1ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The most characters of a value that a message echoes. */
    private static final int MAX_ECHOED_CHARS = 64;

    /** The environment variable or builder field at fault. */
    private final String setting;

    /**
     * Creates the exception.
     *
     * @param setting the environment variable or builder field at fault
     * @param problem what is wrong, e.g. {@code must be >= 1}
     * @param value the offending value, echoed (shortened and escaped); {@code null} to echo nothing
     */
    public HttpL1ConfigException(String setting, String problem, String value) {
        this(setting, problem, value, null);
    }

    /**
     * Creates the exception.
     *
     * @param setting the environment variable or builder field at fault
     * @param problem what is wrong, e.g. {@code must be >= 1}
     * @param value the offending value, echoed (shortened and escaped); {@code null} to echo nothing
     * @param cause the underlying failure, or null
     */
    public HttpL1ConfigException(String setting, String problem, String value, Throwable cause) {
        super(message(setting, problem, value), cause);
        this.setting = setting;
    }

    /**
     * The setting at fault.
     *
     * @return the environment variable (e.g. {@code L1_BASE_URL}) or builder field (e.g. {@code baseUrl})
     */
    public String setting() {
        return setting;
    }

    private static String message(String setting, String problem, String value) {
        String line = setting + ": " + problem;
        return value == null ? line : line + " (got '" + echo(value) + "')";
    }

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
