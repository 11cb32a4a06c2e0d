package io.ha4neo.capture.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code ha4neo.*} lines of neo4j.conf. Neo4j keeps undeclared settings out of its {@code Config}
 * object, so the plugin reads the file itself: {@code $NEO4J_CONF/neo4j.conf} when that variable is set (as
 * the official scripts and Docker image do), else {@code <home>/conf/neo4j.conf}. Environment variables
 * of the form {@code NEO4J_ha4neo_role} are applied on top, with the official image's rule: a single
 * underscore is a dot, a double underscore is an underscore.
 */
public final class Neo4jConfFile {
    private Neo4jConfFile() {
    }

    /** The conf file location for a server home. */
    public static Path locate(Path neo4jHome, Map<String, String> env) {
        String confDir = env.get("NEO4J_CONF");
        return (confDir == null || confDir.isBlank() ? neo4jHome.resolve("conf") : Path.of(confDir)).resolve("neo4j.conf");
    }

    /** All ha4neo.* settings from the file (if it exists) and the environment. */
    public static Map<String, String> read(Path confFile, Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        if (Files.isRegularFile(confFile)) {
            parseLines(readLines(confFile), out);
        }
        env.forEach((k, v) -> {
            if (k.startsWith("NEO4J_ha4neo_")) {
                out.put(envToKey(k.substring("NEO4J_".length())), v);
            }
        });
        return out;
    }

    static void parseLines(List<String> lines, Map<String, String> out) {
        for (String line : lines) {
            String t = line.trim();
            int eq = t.indexOf('=');
            if (t.startsWith("#") || eq <= 0) {
                continue;
            }
            String key = t.substring(0, eq).trim();
            if (key.startsWith(CaptureConfig.PREFIX)) {
                out.put(key, t.substring(eq + 1).trim());
            }
        }
    }

    static String envToKey(String name) {
        return name.replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " for ha4neo settings", e);
        }
    }
}
