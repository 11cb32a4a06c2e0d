package io.ha4neo.launcher.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A class-data-sharing (CDS) archive of the Neo4j server's lib dir, for servers that are started many times from the
 * same jars (the test stacks of {@code it/}). A server started with {@link #jvmOptions(Path)} maps Neo4j's classes
 * from one file instead of loading and verifying them from some 200 jars. Measured on the 2-core CI machine type, one
 * server's start-up took 18 s of CPU as it was, 11 s with C1-only compilation and 8 s with both (README, Tests).
 *
 * <p>The archive is made once per lib dir, by a throwaway server without plugins that runs with
 * {@code -XX:ArchiveClassesAtExit}: its class path is the lib dir alone, which every server's class path (the lib
 * dir, then its own {@code plugins/}) extends, as CDS requires. It lives beside the lib dir
 * ({@code runtimes/neo4j-server/target/neo4j-server-classes.jsa}, and one for each other {@link Neo4jRelease}, made
 * by that release's JDK) and is made again when a jar of the lib dir is newer. A JVM that cannot map it (another JDK build, a changed jar) starts without it: {@code -Xshare:auto} is the
 * JVM's default, so the archive can make a start faster but never break one.
 */
public final class Neo4jClassArchive {
    /** The archive's name, beside the lib dir. */
    static final String FILE_NAME = "neo4j-server-classes.jsa";

    private Neo4jClassArchive() {
    }

    /**
     * The archive for {@code libDir}, made first if missing or older than a jar of the lib dir; empty when it could
     * not be made (the reason is printed, and servers then start without it).
     *
     * @param release the release whose jars {@code libDir} holds: the archive is made by that release's JDK, the one
     *                its servers run on
     * @param workDir where the throwaway server's home goes (wiped)
     */
    public static synchronized Optional<Path> ensure(Neo4jRelease release, Path libDir, Path workDir,
                                                     ProcessReaper reaper) {
        Path archive = libDir.toAbsolutePath().getParent().resolve(FILE_NAME);
        if (isCurrent(archive, libDir)) {
            return Optional.of(archive);
        }
        Path made = archive.resolveSibling(FILE_NAME + ".tmp-" + ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        try {
            Files.deleteIfExists(made);
            WorkDirs.deleteRecursively(workDir, "the class archive's throwaway server");
            Neo4jServer server = Neo4jServer.builder("class-archive", libDir, workDir, reaper).release(release)
                    .authDisabled()
                    .jvmOptions(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                            "-XX:ArchiveClassesAtExit=" + made))
                    .build();
            try {
                server.start();
            } finally {
                server.stop(); // a clean exit: the JVM writes the archive as it exits
            }
            if (!Files.isRegularFile(made) || Files.size(made) == 0) {
                System.out.println("Neo4jClassArchive: the throwaway server wrote no archive at " + made
                        + "; servers start without class data sharing");
                return Optional.empty();
            }
            Files.move(made, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.printf("Neo4jClassArchive: made %s (%d MiB) in %.1f s%n", archive, Files.size(archive) >> 20,
                    (System.nanoTime() - t0) / 1e9);
            return Optional.of(archive);
        } catch (IOException | RuntimeException e) {
            System.out.println("Neo4jClassArchive: cannot make " + archive + " (" + e + "); servers start without "
                    + "class data sharing");
            return Optional.empty();
        } finally {
            try {
                Files.deleteIfExists(made);
            } catch (IOException ignored) {
                // a leftover temp file beside the lib dir; the next run replaces it
            }
        }
    }

    /** The JVM options that make a server use {@code archive} (none without one). */
    public static List<String> jvmOptions(Optional<Path> archive) {
        return archive.map(a -> List.of("-XX:SharedArchiveFile=" + a)).orElse(List.of());
    }

    /** True when {@code archive} exists and no jar of {@code libDir} is newer. */
    static boolean isCurrent(Path archive, Path libDir) {
        if (!Files.isRegularFile(archive)) {
            return false;
        }
        try (Stream<Path> jars = Files.list(libDir)) {
            FileTime made = Files.getLastModifiedTime(archive);
            return jars.noneMatch(j -> newer(j, made));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean newer(Path jar, FileTime than) {
        try {
            return Files.getLastModifiedTime(jar).compareTo(than) > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
