package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin's packages depend on each other without cycles: the root package wires the sub-packages, and
 * no sub-package reads the root except {@code procedures} (Neo4j instantiates the procedures outside the
 * extension's object graph, so they look members up in {@link CaptureRegistry}). Read from the import
 * statements of the sources, like Kafka's import-control checks.
 */
class PackageDependenciesTest {
    private static final String ROOT = "io.ha4neo.capture";
    private static final Path SOURCES = Path.of("src", "main", "java", "io", "ha4neo", "capture");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.ha4neo\\.capture(?:\\.[a-z]+)*)\\.[A-Z]",
            Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package ([a-z0-9.]+);", Pattern.MULTILINE);

    @Test
    void capturePackagesHaveNoDependencyCycle() {
        Map<String, Set<String>> deps = packageDependencies();
        for (String start : deps.keySet()) {
            assertThat(cycleFrom(start, deps)).as("package cycle through " + start).isEmpty();
        }
    }

    @Test
    void statusIsALeafAndMetricsReadsOnlyStatus() {
        Map<String, Set<String>> deps = packageDependencies();
        assertThat(deps).containsKeys(ROOT + ".status", ROOT + ".metrics", ROOT + ".procedures");
        assertThat(deps.get(ROOT + ".status")).isEmpty();
        assertThat(deps.get(ROOT + ".metrics")).containsExactly(ROOT + ".status");
    }

    @Test
    void onlyTheProceduresReadTheRootPackage() {
        Map<String, Set<String>> deps = packageDependencies();
        List<String> readers = deps.entrySet().stream().filter(e -> e.getValue().contains(ROOT))
                .map(Map.Entry::getKey).toList();
        assertThat(readers).containsExactly(ROOT + ".procedures");
    }

    /** A path start → … → start, or empty when there is none. */
    private static List<String> cycleFrom(String start, Map<String, Set<String>> deps) {
        List<String> path = new ArrayList<>(List.of(start));
        return search(start, start, deps, path, new TreeSet<>()) ? path : List.of();
    }

    private static boolean search(String start, String at, Map<String, Set<String>> deps, List<String> path,
                                  Set<String> visited) {
        for (String next : deps.getOrDefault(at, Set.of())) {
            path.add(next);
            if (next.equals(start) || (visited.add(next) && search(start, next, deps, path, visited))) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        return false;
    }

    /** Package → the other capture packages its classes import. */
    private static Map<String, Set<String>> packageDependencies() {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> addImports(read(f), deps));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(deps).as("sources found under " + SOURCES.toAbsolutePath()).containsKey(ROOT);
        return deps;
    }

    private static void addImports(String source, Map<String, Set<String>> deps) {
        Matcher p = PACKAGE.matcher(source);
        assertThat(p.find()).as("package statement").isTrue();
        Set<String> imported = deps.computeIfAbsent(p.group(1), k -> new TreeSet<>());
        Matcher m = IMPORT.matcher(source);
        while (m.find()) {
            if (!m.group(1).equals(p.group(1))) {
                imported.add(m.group(1));
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
