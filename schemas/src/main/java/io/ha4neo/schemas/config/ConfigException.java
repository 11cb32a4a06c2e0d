package io.ha4neo.schemas.config;

/** A configuration value is missing, unknown or invalid. The message names the key and the fix. */
public class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(key == null ? message : key + ": " + message);
        this.key = key;
    }

    /** The offending key, or null for a rule that spans several keys. */
    public String key() {
        return key;
    }
}
