package io.ha4neo.it.support;

import io.ha4neo.launcher.process.ChildProcess;
import io.ha4neo.launcher.process.Neo4jServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged applier once, in the foreground, against a stack's standby and a topic, until it exits: for
 * tests of the records that must stop it (the exit code and the log are the result). It logs in as the stack's
 * applier user, with the password in its environment as {@code ./stack up} does.
 *
 * @param exitCode the applier's exit code
 * @param log everything it printed
 */
public record ApplierRun(int exitCode, String log) {

    /** Runs the applier with {@code extra} properties (e.g. skip.commit.id) until it exits, at most 90 s. */
    public static ApplierRun untilExit(TestStack stack, String standbyName, String topic, Map<String, String> extra)
            throws Exception {
        Path dir = stack.workDir().resolve("applier-run-" + topic + "-" + System.nanoTime());
        Files.createDirectories(dir);
        Properties p = new Properties();
        Neo4jServer target = stack.server(standbyName);
        p.setProperty("neo4j.uri", target.boltUri());
        if (target.authEnabled()) {
            p.setProperty("neo4j.user", stack.applierCredentials().user());
        } else {
            p.setProperty("neo4j.password", "");
        }
        p.setProperty("topic", topic);
        p.setProperty("kafka.bootstrap.servers", stack.broker().bootstrapServers());
        p.setProperty("metrics.port", "0");
        extra.forEach(p::setProperty);
        Path config = dir.resolve("applier.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "ApplierRun");
        }
        Path log = dir.resolve("applier.log");
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                "-jar", stack.layout().applierJar().toString(), "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (target.authEnabled()) {
            builder.environment().put("HA4NEO_NEO4J_PASSWORD", stack.applierCredentials().password());
        }
        Process process = builder.start();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                throw new AssertionError("the applier did not stop within 90 s on topic " + topic + "; log:\n"
                        + Files.readString(log));
            }
            return new ApplierRun(process.exitValue(), Files.readString(log));
        } finally {
            process.destroyForcibly();
        }
    }
}
