package io.ha4neo.bench;

import io.ha4neo.launcher.process.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** What the run ran on: cores, memory, CPU model, kernel, JDK, component versions, load average. */
final class Machine {
    private Machine() {
    }

    static Map<String, String> describe(ProjectLayout layout) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("memory", procField("/proc/meminfo", "MemTotal:"));
        m.put("cpu", procField("/proc/cpuinfo", "model name"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        m.put("neo4j", jarVersion(layout.neo4jLibDir(), "neo4j-kernel-5"));
        m.put("kafka", jarVersion(layout.kafkaLibDir(), "kafka-clients-"));
        m.put("neo4jDriver", jarVersionOf(org.neo4j.driver.Driver.class, "neo4j-java-driver"));
        m.put("loadAverageAtStart", loadAverage());
        return m;
    }

    /** The 1, 5 and 15 minute load averages. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String procField(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String jarVersion(Path libDir, String prefix) {
        try (Stream<Path> jars = Files.list(libDir)) {
            return jars.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).findFirst()
                    .map(n -> n.substring(prefix.lastIndexOf('-') + 1, n.length() - ".jar".length())).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String jarVersionOf(Class<?> type, String name) {
        String v = type.getPackage().getImplementationVersion();
        return v == null ? "see pom.xml (" + name + ")" : v;
    }
}
