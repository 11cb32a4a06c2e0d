package io.ha4neo.bench;

import io.ha4neo.launcher.process.WorkDirs;
import io.ha4neo.launcher.process.ProjectLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * A private copy of the built artifacts (broker and server lib dirs, plugin jar, applier jar; for the zones step
 * also MirrorMaker's lib dir and its metrics agent) under
 * {@code bench/target/artifacts}, laid out like a checkout so that {@link ProjectLayout#at} finds them. A build
 * running in the same checkout while the benchmark starts (other work on a shared machine) then cannot hand a
 * half-written jar to a server. The plugin jar is checked to be the shaded one before it is used.
 */
final class ArtifactSnapshot {
    private static final String PLUGIN = "capture-plugin/target/capture-plugin-0.1.0-SNAPSHOT.jar";
    private static final String APPLIER = "sink-applier/target/sink-applier-0.1.0-SNAPSHOT-all.jar";
    private static final String KAFKA_LIB = "runtimes/kafka-broker/target/lib";
    private static final String NEO4J_LIB = "runtimes/neo4j-server/target/lib";
    private static final String MIRROR_MAKER_LIB = "runtimes/mirror-maker/target/lib";
    private static final String MIRROR_MAKER_AGENT = "runtimes/mirror-maker/target/agent/jmx_prometheus_javaagent.jar";

    private ArtifactSnapshot() {
    }

    /** Copies the artifacts of {@code source} into {@code dir} (replacing an earlier copy) and returns its layout. */
    static ProjectLayout take(ProjectLayout source, Path dir) throws InterruptedException {
        return take(source, dir, false);
    }

    /**
     * The same, and with {@code mirrorMaker} also MirrorMaker's lib dir and metrics agent (failing with the build
     * command when they are not built).
     */
    static ProjectLayout take(ProjectLayout source, Path dir, boolean mirrorMaker) throws InterruptedException {
        source.requireAll();
        if (mirrorMaker) {
            source.mirrorMakerLibDir();
            source.mirrorMakerMetricsAgent();
        }
        for (int attempt = 1; ; attempt++) {
            wipe(dir);
            copyAll(source.projectDir(), dir, mirrorMaker);
            if (isShadedPlugin(dir.resolve(PLUGIN))) {
                return ProjectLayout.at(dir);
            }
            if (attempt == 30) {
                throw new IllegalStateException(source.pluginJar() + " does not contain the io.ha4neo.schemas "
                        + "classes (a build is rewriting it, or it is not the shaded plugin); rebuild with mvn -q "
                        + "-DskipTests install -pl capture-plugin -am and run again");
            }
            System.out.println("  the plugin jar is being rebuilt by another build; retrying in 5 s");
            Thread.sleep(5_000);
        }
    }

    private static void copyAll(Path from, Path to, boolean mirrorMaker) {
        String[] files = mirrorMaker ? new String[] {PLUGIN, APPLIER, MIRROR_MAKER_AGENT} : new String[] {PLUGIN, APPLIER};
        for (String file : files) {
            copy(from.resolve(file), to.resolve(file));
        }
        for (String lib : mirrorMaker ? new String[] {KAFKA_LIB, NEO4J_LIB, MIRROR_MAKER_LIB}
                : new String[] {KAFKA_LIB, NEO4J_LIB}) {
            try (Stream<Path> jars = Files.list(from.resolve(lib))) {
                jars.forEach(jar -> copy(jar, to.resolve(lib).resolve(jar.getFileName())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + from.resolve(lib), e);
            }
        }
    }

    private static boolean isShadedPlugin(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(e -> e.getName().startsWith("io/ha4neo/schemas/"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    private static void wipe(Path dir) {
        WorkDirs.deleteRecursively(dir, "the previous artifact snapshot");
    }
}
