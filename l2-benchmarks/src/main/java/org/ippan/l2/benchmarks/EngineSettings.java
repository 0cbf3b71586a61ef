package org.ippan.l2.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.ippan.l2.core.engine.SequencerConfig;

/**
 * Engine settings for a benchmark or a soak run, written as the node's environment variables ({@code L2_*=value})
 * and turned into a {@link SequencerConfig} by {@link SequencerConfig#fromEnvironment(Map)}: a setting the engine
 * learns later works here without a code change, and a malformed one fails with the engine's own message.
 *
 * <p>Text form: {@code NAME=VALUE} pairs separated by {@code ;} (a JMH {@code @Param} value cannot hold a comma),
 * e.g. {@code L2_RETAIN_CONFIRMED=100;L2_RECONCILE_MS=500}; blank text is no setting.
 */
public final class EngineSettings {
    private final Map<String, String> values;

    private EngineSettings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** @return no settings (every engine default) */
    public static EngineSettings none() {
        return new EngineSettings(Map.of());
    }

    /**
     * Parses the text form.
     *
     * @param text {@code NAME=VALUE} pairs separated by {@code ;}; blank or null for none
     * @return the settings, in the order given (a later pair of the same name wins)
     * @throws IllegalArgumentException if a pair has no {@code =} or an empty name
     */
    public static EngineSettings parse(String text) {
        EngineSettings settings = none();
        if (text == null || text.isBlank()) {
            return settings;
        }
        for (String pair : text.split(";")) {
            if (!pair.isBlank()) {
                settings = settings.with(pair);
            }
        }
        return settings;
    }

    /**
     * Adds one setting.
     *
     * @param pair {@code NAME=VALUE}
     * @return these settings with that one added (replacing a setting of the same name)
     * @throws IllegalArgumentException if the pair has no {@code =} or an empty name
     */
    public EngineSettings with(String pair) {
        Objects.requireNonNull(pair, "pair");
        int equals = pair.indexOf('=');
        String name = equals < 0 ? "" : pair.substring(0, equals).trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a setting is NAME=VALUE, got '" + pair + "'");
        }
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(name, pair.substring(equals + 1).trim());
        return new EngineSettings(copy);
    }

    /**
     * These settings over defaults: a name given here wins over the same name in {@code defaults}.
     *
     * @param defaults settings used where these name none
     * @return the merged environment
     */
    public Map<String, String> over(Map<String, String> defaults) {
        Map<String, String> merged = new TreeMap<>(defaults);
        merged.putAll(values);
        return merged;
    }

    /**
     * The engine's configuration from these settings over {@code defaults}.
     *
     * @param defaults settings used where these name none (e.g. the benchmark's own admission cap)
     * @return the validated configuration
     * @throws org.ippan.l2.core.engine.ConfigException naming a malformed setting
     */
    public SequencerConfig config(Map<String, String> defaults) {
        return SequencerConfig.fromEnvironment(over(defaults));
    }

    /** @return the settings given, sorted by name */
    public Map<String, String> values() {
        return new TreeMap<>(values);
    }

    /** @return the text form, sorted by name (stable: usable as part of a cache key) */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> entry : values().entrySet()) {
            if (!text.isEmpty()) {
                text.append(';');
            }
            text.append(entry.getKey()).append('=').append(entry.getValue());
        }
        return text.toString();
    }
}
