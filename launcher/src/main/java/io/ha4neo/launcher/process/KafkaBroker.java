package io.ha4neo.launcher.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single Kafka broker in KRaft combined mode (broker and controller in one process), run from the broker lib dir
 * as its own JVM. Ports are chosen once, so {@link #start()} after {@link #stop()} or {@link #kill()} brings the
 * same broker back on the same ports with the same data.
 *
 * <pre>{@code
 * KafkaBroker broker = KafkaBroker.builder(layout.kafkaLibDir(), stateDir.resolve("kafka"), reaper).build();
 * broker.start();                       // formats storage on first start, waits for describeCluster()
 * String bootstrap = broker.bootstrapServers();
 * broker.stop();                        // SIGTERM, then SIGKILL after the grace period
 * }</pre>
 *
 * Layout of {@code workDir}: {@code server.properties}, {@code log4j2.properties}, {@code data/} (log.dirs),
 * {@code logs/kafka.log} (stdout and stderr of the broker and of the storage formatter).
 */
public final class KafkaBroker extends ManagedProcess {

    private final Path libDir;
    private final Path workDir;
    private final ProcessReaper reaper;
    private final Duration readinessTimeout;
    private final Map<String, String> extraSettings;
    private final List<String> jvmOptions;
    private final int brokerPort;
    private final int controllerPort;

    private KafkaBroker(Builder b) {
        super(Duration.ofSeconds(30));
        this.libDir = b.libDir;
        this.workDir = b.workDir.toAbsolutePath().normalize();
        this.reaper = b.reaper;
        this.readinessTimeout = b.readinessTimeout;
        this.extraSettings = Map.copyOf(b.settings);
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.brokerPort = FreePorts.next();
        this.controllerPort = FreePorts.next();
    }

    /** A builder with the broker's lib dir, its own work directory and the reaper that tracks its process. */
    public static Builder builder(Path libDir, Path workDir, ProcessReaper reaper) {
        return new Builder(libDir, workDir, reaper);
    }

    /**
     * Starts the broker and waits until it answers {@code describeCluster()}: writes the configuration, formats the
     * storage if it is new, launches the JVM and probes it with the Admin client.
     */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("Kafka broker in " + workDir + " is already running (pid " + pid() + ")");
        }
        writeConfiguration();
        formatStorageIfNew();
        process = ChildProcess.launch("kafka", ChildProcess.Phase.BROKER, brokerCommand(), workDir, logFile(),
                Map.of(), reaper);
        awaitReadyOrKill();
    }

    /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** The PLAINTEXT listener's port. */
    public int port() {
        return brokerPort;
    }

    /** The broker's stdout/stderr log. */
    public Path logFile() {
        return workDir.resolve("logs").resolve("kafka.log");
    }

    /** The broker's work directory. */
    public Path workDir() {
        return workDir;
    }

    /** An Admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    private void awaitReadyOrKill() {
        try (Admin admin = admin()) {
            Readiness.await("Kafka broker " + bootstrapServers(), process, logFile(), readinessTimeout,
                    () -> answersDescribeCluster(admin));
        } catch (RuntimeException e) {
            process.kill();
            throw e;
        }
    }

    private static boolean answersDescribeCluster(Admin admin) {
        try {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private void writeConfiguration() {
        ConfigFiles.writeProperties(workDir.resolve("server.properties"), serverProperties(), "KafkaBroker");
        ConfigFiles.writeProperties(workDir.resolve("log4j2.properties"), log4jProperties(), "KafkaBroker");
    }

    private Map<String, String> serverProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("log.dirs", workDir.resolve("data").toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.network.threads", "1");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.putAll(extraSettings);
        return p;
    }

    private static Map<String, String> log4jProperties() {
        Map<String, String> p = ConfigFiles.consoleLog4j();
        p.put("logger.state.name", "state.change.logger");
        p.put("logger.state.level", "WARN");
        return p;
    }

    private void formatStorageIfNew() {
        if (Files.exists(workDir.resolve("data").resolve("meta.properties"))) {
            return;
        }
        List<String> command = javaCommand(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of("kafka.tools.StorageTool", "format", "--standalone",
                "-t", Uuid.randomUuid().toString(), "-c", workDir.resolve("server.properties").toString()));
        ChildProcess formatter = ChildProcess.launch("kafka-format", ChildProcess.Phase.CLIENT, command, workDir,
                logFile(), Map.of(), reaper);
        awaitExit(formatter, Duration.ofSeconds(60));
    }

    private void awaitExit(ChildProcess formatter, Duration timeout) {
        try {
            boolean exited = formatter.handle().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS) != null;
            formatter.stop(Duration.ZERO);
            if (!exited || formatter.exitCode() != 0) {
                throw new IllegalStateException("formatting Kafka storage in " + workDir.resolve("data")
                        + " failed (exit " + formatter.exitCode() + "); the broker will not start; see " + logFile()
                        + ":\n" + Logs.tail(logFile(), 20));
            }
        } catch (Exception e) {
            formatter.kill();
            throw e instanceof RuntimeException r ? r
                    : new IllegalStateException("formatting Kafka storage in " + workDir + " did not finish", e);
        }
    }

    private List<String> brokerCommand() {
        List<String> command = javaCommand(jvmOptions);
        command.add("kafka.Kafka");
        command.add(workDir.resolve("server.properties").toString());
        return command;
    }

    private List<String> javaCommand(List<String> options) {
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.javaBinary());
        command.addAll(options);
        command.add("-Dlog4j2.configurationFile=" + workDir.resolve("log4j2.properties"));
        command.add("-cp");
        command.add(libDir.toAbsolutePath() + "/*");
        return command;
    }

    /** Configures a {@link KafkaBroker}. */
    public static final class Builder {
        private final Path libDir;
        private final Path workDir;
        private final ProcessReaper reaper;
        private Duration readinessTimeout = Duration.ofSeconds(90);
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>(
                List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));

        private Builder(Path libDir, Path workDir, ProcessReaper reaper) {
            this.libDir = libDir;
            this.workDir = workDir;
            this.reaper = reaper;
        }

        /** How long {@link #start()} waits for the broker to answer (default 90 s). */
        public Builder readinessTimeout(Duration timeout) {
            this.readinessTimeout = timeout;
            return this;
        }

        /** A server.properties entry, added to or overriding the lean defaults. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** Replaces the default JVM options ({@code -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}). */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.clear();
            jvmOptions.addAll(options);
            return this;
        }

        /** The broker; no process is started until {@link KafkaBroker#start()}. */
        public KafkaBroker build() {
            return new KafkaBroker(this);
        }
    }
}
