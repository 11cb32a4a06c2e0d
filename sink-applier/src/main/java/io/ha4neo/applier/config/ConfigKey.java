package io.ha4neo.applier.config;

import java.util.function.Function;

/**
 * One declared configuration key: its name, type, default, validator and documentation, in the manner of
 * Kafka's {@code ConfigDef}. Every key the applier understands is declared exactly once, in
 * {@link ApplierConfig#KEYS}; parsing, validation, the start-up log and the Markdown reference all read
 * these declarations, so code and docs cannot drift apart.
 *
 * @param name the property name, e.g. {@code neo4j.uri}
 * @param type how the raw string is parsed
 * @param defaultValue the raw default, or null when the key is required (or optional without a default)
 * @param required true when start-up fails without a value
 * @param secret true when the value must be masked in logs and reference output
 * @param validator checks the parsed value and returns an error message, or null when valid
 * @param doc one-sentence description for the reference table
 */
public record ConfigKey(String name, Type type, String defaultValue, boolean required, boolean secret,
                        Function<Object, String> validator, String doc) {

    /** Value types and their parsers. */
    public enum Type {
        STRING, INT, LONG, BOOLEAN;

        Object parse(String raw) {
            return switch (this) {
                case STRING -> raw;
                case INT -> Integer.parseInt(raw.trim());
                case LONG -> Long.parseLong(raw.trim());
                case BOOLEAN -> parseBoolean(raw.trim());
            };
        }

        private static Boolean parseBoolean(String raw) {
            if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
                return Boolean.valueOf(raw);
            }
            throw new IllegalArgumentException("not a boolean");
        }
    }

    /** A required key without default. */
    static ConfigKey required(String name, Type type, String doc) {
        return new ConfigKey(name, type, null, true, false, v -> null, doc);
    }

    /** An optional key with a default (null default = unset). */
    static ConfigKey optional(String name, Type type, String defaultValue, String doc) {
        return new ConfigKey(name, type, defaultValue, false, false, v -> null, doc);
    }

    ConfigKey validatedBy(Function<Object, String> check) {
        return new ConfigKey(name, type, defaultValue, required, secret, check, doc);
    }

    ConfigKey asSecret() {
        return new ConfigKey(name, type, defaultValue, required, true, validator, doc);
    }

    /** The environment variable that overrides this key: {@code HA4NEO_} + upper case, dots to underscores. */
    public String envName() {
        return ApplierConfig.ENV_PREFIX + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    }

    /** Validator: an integer/long at least {@code min}. */
    static Function<Object, String> atLeast(long min) {
        return v -> ((Number) v).longValue() >= min ? null : "must be >= " + min;
    }

    /** Validator: a TCP port or 0. */
    static Function<Object, String> portOrZero() {
        return v -> {
            int p = (Integer) v;
            return p >= 0 && p <= 65535 ? null : "must be a port number 1..65535, or 0 to turn it off";
        };
    }

    /** Validator: a non-blank string. */
    static Function<Object, String> nonBlank() {
        return v -> ((String) v).isBlank() ? "must not be blank" : null;
    }
}
