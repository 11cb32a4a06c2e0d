package io.ha4neo.topology.cluster;

import java.util.Objects;

/**
 * A value from the cluster file that must never be printed: a member's password, or a Kafka client property (SASL
 * and SSL settings carry credentials, so every pass-through value is treated as one). It keeps the text as written
 * in the file (for example {@code ${PRIMARY_PASSWORD}}) apart from the resolved value, so that writing a description
 * back never copies a secret out of the environment into a file. {@link #toString()} is always masked.
 */
public final class Secret {
    /** No value: authentication off for a member without a password. */
    public static final Secret NONE = new Secret("", "");

    private final String written;
    private final String value;

    private Secret(String written, String value) {
        this.written = written;
        this.value = value;
    }

    /** A secret as written in the file and as resolved from the environment. */
    public static Secret of(String written, String value) {
        return written.isEmpty() && value.isEmpty() ? NONE : new Secret(written, value);
    }

    /** A literal value (written and resolved are the same). */
    public static Secret literal(String value) {
        return of(value, value);
    }

    /** The resolved value, for the client that needs it. Never log it. */
    public String reveal() {
        return value;
    }

    /** The text as written in the cluster file: an environment reference or the literal. */
    public String written() {
        return written;
    }

    /** True when there is no value (a member without a password). */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.written.equals(written) && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(written, value);
    }

    @Override
    public String toString() {
        return isEmpty() ? "(none)" : "****";
    }
}
