package io.ha4neo.launcher.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The Neo4j Community distribution a {@link Neo4jServer} runs: which lib dir of the build holds its jars, which class
 * starts the server, and which JDK runs it. ha4neo ships one plugin jar for both (compiled for Java 17 against 5.26).
 *
 * <pre>{@code
 * Neo4jRelease release = Neo4jRelease.CALENDAR_2025;
 * Neo4jServer server = Neo4jServer.builder("primary", release.libDir(layout), home, reaper).release(release).build();
 * }</pre>
 *
 * A calendar release needs Java 21 or later, which the build itself (Java 17) need not run on. Its JDK is the one
 * {@value #JAVA21_HOME_ENV} names, else the running JVM when it is 21 or later, else {@link #DEFAULT_JAVA21_HOME}.
 */
public enum Neo4jRelease {
    /** 5.26, the long-term-support line, on Java 17: everything ha4neo does is built and tested on it. */
    LTS_5_26("5.26", "org.neo4j.server.CommunityEntryPoint", 17),
    /**
     * The calendar release (2025.x, pinned as {@code neo4j.calendar.version} in the root pom) on Java 21 or later.
     * Its entry point was renamed: there is no {@code CommunityEntryPoint}.
     */
    CALENDAR_2025("2025", "org.neo4j.server.Neo4jCommunity", 21);

    /** The environment variable naming the home of a JDK 21 or later that runs calendar-release servers. */
    public static final String JAVA21_HOME_ENV = "HA4NEO_JAVA21_HOME";
    /** Where a JDK for calendar-release servers is looked for when {@value #JAVA21_HOME_ENV} is not set. */
    public static final Path DEFAULT_JAVA21_HOME = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    private final String label;
    private final String mainClass;
    private final int minimumJava;

    Neo4jRelease(String label, String mainClass, int minimumJava) {
        this.label = label;
        this.mainClass = mainClass;
        this.minimumJava = minimumJava;
    }

    /** A short name for directories and messages: {@code 5.26} or {@code 2025}. */
    public String label() {
        return label;
    }

    /** The class whose {@code main} starts a Community server of this release. */
    public String mainClass() {
        return mainClass;
    }

    /** The oldest Java feature release this Neo4j release runs on. */
    public int minimumJava() {
        return minimumJava;
    }

    /** The lib dir of the build that holds this release's server jars. */
    public Path libDir(ProjectLayout layout) {
        return this == LTS_5_26 ? layout.neo4jLibDir() : layout.neo4jCalendarLibDir();
    }

    /**
     * The {@code java} binary to run this release's server and neo4j-admin with.
     *
     * @throws IllegalStateException when no JDK recent enough is found; the message names where it was looked for
     */
    public String javaBinary() {
        return javaBinary(System.getenv(), Runtime.version().feature(), ChildProcess.javaBinary(), DEFAULT_JAVA21_HOME);
    }

    /** {@link #javaBinary()} with the environment, the running JVM and the default JDK home given. */
    String javaBinary(Map<String, String> env, int runningFeature, String runningJava, Path defaultJava21Home) {
        String fromEnv = env.get(JAVA21_HOME_ENV);
        if (minimumJava <= 17) {
            return runningJava; // the build itself runs on Java 17 or later (root pom, requireJavaVersion)
        }
        if (fromEnv != null && !fromEnv.isBlank()) {
            return javaIn(Path.of(fromEnv)).orElseThrow(() -> new IllegalStateException(JAVA21_HOME_ENV + "="
                    + fromEnv + " holds no bin/java; point it at the home of a JDK " + minimumJava + " or later to "
                    + "run Neo4j " + label + " servers"));
        }
        if (runningFeature >= minimumJava) {
            return runningJava;
        }
        return javaIn(defaultJava21Home).orElseThrow(() -> new IllegalStateException("Neo4j " + label + " needs Java "
                + minimumJava + " or later, and this JVM is Java " + runningFeature + ": set " + JAVA21_HOME_ENV
                + " to the home of a JDK " + minimumJava + "+, or install one at " + defaultJava21Home
                + " (neither was found)"));
    }

    private static Optional<String> javaIn(Path home) {
        Path java = home.resolve("bin").resolve("java");
        return Files.isExecutable(java) ? Optional.of(java.toString()) : Optional.empty();
    }
}
