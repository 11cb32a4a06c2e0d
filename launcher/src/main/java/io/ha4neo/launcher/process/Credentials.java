package io.ha4neo.launcher.process;

import java.security.SecureRandom;
import java.util.Objects;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;

/**
 * A Neo4j user and its password, as the launcher's stacks create them: the admin user {@code neo4j} of every server
 * and the sink applier's own user. {@link #toString()} masks the password, so a credentials object can appear in
 * a log line or an assertion message without leaking it.
 *
 * <pre>{@code
 * Credentials applier = Credentials.generated(Credentials.APPLIER_USER);
 * Neo4jServer standby = Neo4jServer.builder(...).user(applier).setting("ha4neo.applier.user", applier.user()).build();
 * try (Driver driver = standby.driver(applier)) { ... }
 * }</pre>
 *
 * @param user the user name
 * @param password the password (at least 8 characters, Neo4j 5's minimum)
 */
public record Credentials(String user, String password) {
    /** The user the launcher's stacks create for the sink applier on every member (roles move, the user stays). */
    public static final String APPLIER_USER = "ha4neo_applier";
    /** Length of a generated password: 20 of 62 symbols, about 119 bits. */
    public static final int GENERATED_LENGTH = 20;
    /** Neo4j 5 refuses shorter passwords ({@code dbms.security.auth_minimum_password_length}, default 8). */
    public static final int MINIMUM_LENGTH = 8;

    /**
     * Letters and digits only: such a password needs no quoting in a properties file, a JSON string, a shell
     * variable or a Cypher parameter, so every place the launcher hands it on stays simple.
     */
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public Credentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.isBlank()) {
            throw new IllegalArgumentException("a Neo4j user name must not be blank");
        }
        if (password.length() < MINIMUM_LENGTH) {
            throw new IllegalArgumentException("the password of Neo4j user '" + user + "' has " + password.length()
                    + " characters; Neo4j 5 requires at least " + MINIMUM_LENGTH);
        }
    }

    /** {@code user} with a freshly generated password. */
    public static Credentials generated(String user) {
        return new Credentials(user, generatePassword());
    }

    /** A random password of {@value #GENERATED_LENGTH} letters and digits from {@link SecureRandom}. */
    public static String generatePassword() {
        StringBuilder password = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    /** Basic auth for this user. */
    public AuthToken authToken() {
        return AuthTokens.basic(user, password);
    }

    @Override
    public String toString() {
        return user + "/****";
    }
}
