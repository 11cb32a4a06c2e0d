package io.ha4neo.launcher.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The configuration files the Kafka-side processes (broker, MirrorMaker) are started with, rewritten on every start. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    /** Writes {@code entries} as a properties file, saying which runner wrote it. */
    static void writeProperties(Path file, Map<String, String> entries, String writer) {
        Properties properties = new Properties();
        properties.putAll(entries);
        try {
            Files.createDirectories(file.getParent());
            try (var out = Files.newBufferedWriter(file)) {
                properties.store(out, "written by ha4neo " + writer + "; rewritten on every start");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Writes {@code text} as it is. */
    static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A log4j2 configuration that prints everything at INFO and above to stdout (the runner's log file). */
    static Map<String, String> consoleLog4j() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("status", "warn");
        p.put("appender.out.type", "Console");
        p.put("appender.out.name", "OUT");
        p.put("appender.out.layout.type", "PatternLayout");
        p.put("appender.out.layout.pattern", "[%d] %p %m (%c)%n");
        p.put("rootLogger.level", "INFO");
        p.put("rootLogger.appenderRef.out.ref", "OUT");
        return p;
    }
}
