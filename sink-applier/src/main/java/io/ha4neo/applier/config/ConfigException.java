package io.ha4neo.applier.config;

/** The configuration is invalid; the message names the key and the fix. The applier exits non-zero. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
