package io.ha4neo.launcher.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the packaged artifacts of a built ha4neo checkout live. Every runner takes its jars and lib dirs from
 * here, so the launcher, the ITs and the benchmarks all run exactly what {@code mvn install} produced.
 *
 * <pre>{@code
 * ProjectLayout layout = ProjectLayout.discover(Path.of("."));
 * Path brokerLib = layout.kafkaLibDir();   // fails with the mvn command that builds it
 * }</pre>
 */
public final class ProjectLayout {
    /** System property the ITs set (it/pom.xml) to the project root. */
    public static final String PROJECT_DIR_PROPERTY = "ha4neo.project.dir";
    private static final String VERSION = "0.1.0-SNAPSHOT";

    private final Path projectDir;

    private ProjectLayout(Path projectDir) {
        this.projectDir = projectDir.toAbsolutePath().normalize();
    }

    /** The layout of the checkout rooted at {@code projectDir} (the directory holding the root pom.xml). */
    public static ProjectLayout at(Path projectDir) {
        return new ProjectLayout(projectDir);
    }

    /**
     * The layout named by the {@value #PROJECT_DIR_PROPERTY} system property, or else the nearest directory at or
     * above {@code start} that holds both a pom.xml and a runtimes/ directory.
     */
    public static ProjectLayout discover(Path start) {
        String fromProperty = System.getProperty(PROJECT_DIR_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return at(Path.of(fromProperty));
        }
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("runtimes"))) {
                return at(dir);
            }
        }
        throw new IllegalStateException("no ha4neo checkout (pom.xml + runtimes/) at or above " + start.toAbsolutePath()
                + "; run from the project directory or pass -D" + PROJECT_DIR_PROPERTY + "=<dir>");
    }

    /** The project root. */
    public Path projectDir() {
        return projectDir;
    }

    /** The default state directory of the local stack: {@code <project>/.ha4neo}. */
    public Path defaultStateDir() {
        return projectDir.resolve(".ha4neo");
    }

    /** The Kafka broker's jars ({@code runtimes/kafka-broker/target/lib}). */
    public Path kafkaLibDir() {
        return requireDir("runtimes/kafka-broker/target/lib", "runtimes/kafka-broker");
    }

    /** MirrorMaker 2's jars ({@code runtimes/mirror-maker/target/lib}). */
    public Path mirrorMakerLibDir() {
        return requireDir("runtimes/mirror-maker/target/lib", "runtimes/mirror-maker");
    }

    /** The Prometheus JMX exporter agent that exposes MirrorMaker's metrics ({@code runtimes/mirror-maker/target/agent}). */
    public Path mirrorMakerMetricsAgent() {
        return requireFile("runtimes/mirror-maker/target/agent/jmx_prometheus_javaagent.jar", "runtimes/mirror-maker");
    }

    /** The Neo4j Community server's jars ({@code runtimes/neo4j-server/target/lib}). */
    public Path neo4jLibDir() {
        return requireDir("runtimes/neo4j-server/target/lib", "runtimes/neo4j-server");
    }

    /**
     * APOC core's jar ({@code runtimes/neo4j-server/target/apoc}, the version pinned in the root pom), for servers
     * that run APOC beside the plugin.
     */
    public Path apocCoreJar() {
        Path dir = requireDir("runtimes/neo4j-server/target/apoc", "runtimes/neo4j-server");
        try (var jars = Files.list(dir)) {
            return jars.filter(p -> p.getFileName().toString().startsWith("apoc-core-")).findFirst()
                    .orElseThrow(() -> missing(dir.resolve("apoc-core-<version>-core.jar"), "runtimes/neo4j-server"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * The jars of the Neo4j Community calendar release ({@code runtimes/neo4j-server-2025/target/lib}, version
     * {@code neo4j.calendar.version} of the root pom), run by {@link Neo4jRelease#CALENDAR_2025} servers.
     */
    public Path neo4jCalendarLibDir() {
        return requireDir("runtimes/neo4j-server-2025/target/lib", "runtimes/neo4j-server-2025");
    }

    /** The packaged (shaded) capture plugin jar, the one a user drops into plugins/. */
    public Path pluginJar() {
        return requireFile("capture-plugin/target/capture-plugin-" + VERSION + ".jar", "capture-plugin");
    }

    /** The runnable sink applier jar. */
    public Path applierJar() {
        return requireFile("sink-applier/target/sink-applier-" + VERSION + "-all.jar", "sink-applier");
    }

    /** The runnable ops CLI jar ({@code ha4neo}: status, switchover, failover, rejoin, demote, verify, bootstrap). */
    public Path opsCliJar() {
        return requireFile("topology/target/topology-" + VERSION + "-all.jar", "topology");
    }

    /** The runnable launcher jar. */
    public Path launcherJar() {
        return requireFile("launcher/target/launcher-" + VERSION + "-all.jar", "launcher");
    }

    /** Checks that every artifact the local stack needs is built, naming the first missing one. */
    public void requireAll() {
        kafkaLibDir();
        neo4jLibDir();
        pluginJar();
        applierJar();
    }

    private Path requireDir(String relative, String module) {
        Path dir = projectDir.resolve(relative);
        if (!Files.isDirectory(dir) || isEmpty(dir)) {
            throw missing(dir, module);
        }
        return dir;
    }

    private Path requireFile(String relative, String module) {
        Path file = projectDir.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw missing(file, module);
        }
        return file;
    }

    private IllegalStateException missing(Path path, String module) {
        return new IllegalStateException(path + " is missing; build it with: cd " + projectDir
                + " && mvn -q -DskipTests install -pl " + module + " -am");
    }

    private static boolean isEmpty(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
