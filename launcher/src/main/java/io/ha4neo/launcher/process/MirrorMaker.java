package io.ha4neo.launcher.process;

import io.ha4neo.schemas.contract.MetricNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Apache Kafka's MirrorMaker 2 in dedicated mode ({@code org.apache.kafka.connect.mirror.MirrorMaker}), run from the
 * MirrorMaker lib dir as its own JVM, copying the replication topics of one zone's Kafka cluster to another's, as an
 * operator runs it from a Kafka distribution ({@code connect-mirror-maker.sh mm2.properties}).
 *
 * <pre>{@code
 * MirrorMaker mm2 = MirrorMaker.builder(layout.mirrorMakerLibDir(), workDir, reaper)
 *         .source("zoneA", brokerA.bootstrapServers()).target("zoneB", brokerB.bootstrapServers()).build();
 * mm2.start();                                   // waits for "Kafka MirrorMaker started" in its log
 * String copy = mm2.targetTopic("ha4neo.dc1.neo4j");   // "zoneA.ha4neo.dc1.neo4j" under the default policy
 * }</pre>
 *
 * <p>What the configuration settles, and why (docs/zones.md):
 * <ul>
 *   <li>one flow, source to target; topics matching {@code ha4neo\..*};</li>
 *   <li>the source consumer reads {@code read_committed}: MirrorMaker's consumer reads uncommitted records by default
 *       and would copy a fenced primary's aborted sends as ordinary records, which no applier can tell apart;</li>
 *   <li>new topics are found within {@code refresh.topics.interval.seconds} (5 s here, 10 min by default);</li>
 *   <li>consumer-group offsets are not synced: appliers position by (epoch, commit id) from their standby's
 *       watermark, never by a translated offset;</li>
 *   <li>replication factor 1 for the copies and MirrorMaker's internal topics (single-broker clusters).</li>
 * </ul>
 * Layout of {@code workDir}: {@code mm2.properties}, {@code log4j2.properties}, {@code logs/mirror-maker.log}.
 */
public final class MirrorMaker extends ManagedProcess {
    /** MirrorMaker 2's dedicated-mode main class. */
    public static final String MAIN_CLASS = "org.apache.kafka.connect.mirror.MirrorMaker";
    /** The topics it copies: every ha4neo replication topic. */
    public static final String TOPICS = "ha4neo\\..*";
    private static final String STARTED = "Kafka MirrorMaker started";
    /** The Prometheus name of MirrorMaker's per-partition replication latency, in milliseconds. */
    public static final String REPLICATION_LATENCY = MetricNames.MIRROR_MAKER_REPLICATION_LATENCY_MS;
    /**
     * JMX exporter configuration: MirrorMaker's own MBeans only, under the exporter's default names (the MBean's keys
     * become labels: source, target, topic, partition).
     */
    private static final String METRICS_RULES = """
            lowercaseOutputName: true
            includeObjectNames: ["kafka.connect.mirror:*"]
            rules:
              - pattern: ".*"
            """;

    private final Path libDir;
    private final Path workDir;
    private final ProcessReaper reaper;
    private final String sourceAlias;
    private final String sourceBootstrap;
    private final String targetAlias;
    private final String targetBootstrap;
    private final boolean identityPolicy;
    private final Map<String, String> extraSettings;
    private final Duration readinessTimeout;
    private final Path metricsAgent;
    private final int metricsPort;

    private MirrorMaker(Builder b) {
        super(Duration.ofSeconds(20));
        if (b.sourceAlias == null || b.targetAlias == null) {
            throw new IllegalStateException("MirrorMaker in " + b.workDir + " needs a source and a target cluster");
        }
        this.libDir = b.libDir;
        this.workDir = b.workDir.toAbsolutePath().normalize();
        this.reaper = b.reaper;
        this.sourceAlias = b.sourceAlias;
        this.sourceBootstrap = b.sourceBootstrap;
        this.targetAlias = b.targetAlias;
        this.targetBootstrap = b.targetBootstrap;
        this.identityPolicy = b.identityPolicy;
        this.extraSettings = Map.copyOf(b.settings);
        this.readinessTimeout = b.readinessTimeout;
        this.metricsAgent = b.metricsAgent;
        this.metricsPort = b.metricsPort;
    }

    /** A builder with MirrorMaker's lib dir, its own work directory and the reaper that tracks its process. */
    public static Builder builder(Path libDir, Path workDir, ProcessReaper reaper) {
        return new Builder(libDir, workDir, reaper);
    }

    /** Writes mm2.properties, launches the JVM and waits until MirrorMaker logs that it started. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("MirrorMaker in " + workDir + " is already running (pid " + pid() + ")");
        }
        ConfigFiles.writeProperties(workDir.resolve("mm2.properties"), properties(), "MirrorMaker");
        ConfigFiles.writeProperties(workDir.resolve("log4j2.properties"), ConfigFiles.consoleLog4j(), "MirrorMaker");
        if (metricsAgent != null) {
            ConfigFiles.writeText(workDir.resolve("metrics.yaml"), METRICS_RULES);
        }
        long logLength = length(logFile());
        process = ChildProcess.launch("mirror-maker", ChildProcess.Phase.CLIENT, command(), workDir, logFile(),
                Map.of(), reaper);
        try {
            Readiness.await("MirrorMaker " + sourceAlias + "->" + targetAlias, process, logFile(), readinessTimeout,
                    () -> loggedSince(logLength, STARTED));
        } catch (RuntimeException e) {
            process.kill();
            throw e;
        }
    }

    /** The name the copy of {@code sourceTopic} has in the target cluster under this MirrorMaker's policy. */
    public String targetTopic(String sourceTopic) {
        return identityPolicy ? sourceTopic : sourceAlias + "." + sourceTopic;
    }

    /**
     * The Prometheus endpoint of MirrorMaker's replication metrics ({@code http://127.0.0.1:<port>/metrics}), or null
     * when it was built without {@link Builder#metrics}. Per copied partition: {@value #REPLICATION_LATENCY} (the
     * source record's timestamp to its copy's acknowledgement, in ms) with {@code _avg}/{@code _max}/{@code _min}
     * companions, and {@code record_age_ms}, {@code record_count}, {@code byte_rate}; labels {@code source}, {@code target},
     * {@code topic} (the copy's name) and {@code partition}.
     */
    public String metricsUrl() {
        return metricsAgent == null ? null : "http://127.0.0.1:" + metricsPort + "/metrics";
    }

    /** MirrorMaker's stdout/stderr log. */
    public Path logFile() {
        return workDir.resolve("logs").resolve("mirror-maker.log");
    }

    /** The alias of the source cluster. */
    public String sourceAlias() {
        return sourceAlias;
    }

    private Map<String, String> properties() {
        String flow = sourceAlias + "->" + targetAlias;
        Map<String, String> p = new LinkedHashMap<>();
        p.put("clusters", sourceAlias + ", " + targetAlias);
        p.put(sourceAlias + ".bootstrap.servers", sourceBootstrap);
        p.put(targetAlias + ".bootstrap.servers", targetBootstrap);
        p.put(flow + ".enabled", "true");
        p.put(targetAlias + "->" + sourceAlias + ".enabled", "false");
        p.put(flow + ".topics", TOPICS);
        p.put(flow + ".source.consumer.isolation.level", "read_committed");
        p.put("refresh.topics.interval.seconds", "5");
        p.put("sync.group.offsets.enabled", "false");
        p.put("emit.checkpoints.enabled", "false");
        p.put("sync.topic.acls.enabled", "false");
        p.put("tasks.max", "1");
        p.put("replication.factor", "1");
        for (String internal : List.of("checkpoints.topic", "heartbeats.topic", "offset-syncs.topic",
                "offset.storage", "status.storage", "config.storage")) {
            p.put(internal + ".replication.factor", "1");
        }
        p.put("dedicated.mode.enable.internal.rest", "false");
        if (identityPolicy) {
            p.put("replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy");
        }
        p.putAll(extraSettings);
        return p;
    }

    private List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.javaBinary());
        command.addAll(List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.add("-Dlog4j2.configurationFile=" + workDir.resolve("log4j2.properties"));
        if (metricsAgent != null) {
            command.add("-javaagent:" + metricsAgent.toAbsolutePath() + "=127.0.0.1:" + metricsPort + ":"
                    + workDir.resolve("metrics.yaml"));
        }
        command.add("-cp");
        command.add(libDir.toAbsolutePath() + "/*");
        command.add(MAIN_CLASS);
        command.add(workDir.resolve("mm2.properties").toString());
        return command;
    }

    private boolean loggedSince(long offset, String text) {
        try {
            if (!Files.exists(logFile())) {
                return false;
            }
            byte[] all = Files.readAllBytes(logFile());
            return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    java.nio.charset.StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static long length(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Configures a {@link MirrorMaker}. */
    public static final class Builder {
        private final Path libDir;
        private final Path workDir;
        private final ProcessReaper reaper;
        private String sourceAlias;
        private String sourceBootstrap;
        private String targetAlias;
        private String targetBootstrap;
        private boolean identityPolicy;
        private Duration readinessTimeout = Duration.ofSeconds(90);
        private final Map<String, String> settings = new LinkedHashMap<>();
        private Path metricsAgent;
        private int metricsPort;

        private Builder(Path libDir, Path workDir, ProcessReaper reaper) {
            this.libDir = libDir;
            this.workDir = workDir;
            this.reaper = reaper;
        }

        /** The cluster it copies from: its alias (the prefix of the copies' names) and bootstrap servers. */
        public Builder source(String alias, String bootstrapServers) {
            this.sourceAlias = alias;
            this.sourceBootstrap = bootstrapServers;
            return this;
        }

        /** The cluster it copies to. */
        public Builder target(String alias, String bootstrapServers) {
            this.targetAlias = alias;
            this.targetBootstrap = bootstrapServers;
            return this;
        }

        /** Copies keep their names ({@code IdentityReplicationPolicy}) instead of taking the source's alias. */
        public Builder identityPolicy(boolean identity) {
            this.identityPolicy = identity;
            return this;
        }

        /** An mm2.properties entry, added to or overriding the defaults. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /**
         * Exposes MirrorMaker's replication metrics for Prometheus on 127.0.0.1:{@code port}, through the JMX
         * exporter Java agent {@code agentJar} ({@code ProjectLayout.mirrorMakerMetricsAgent()}).
         */
        public Builder metrics(Path agentJar, int port) {
            this.metricsAgent = agentJar;
            this.metricsPort = port;
            return this;
        }

        /** How long {@link #start()} waits for MirrorMaker to start (default 90 s). */
        public Builder readinessTimeout(Duration timeout) {
            this.readinessTimeout = timeout;
            return this;
        }

        public MirrorMaker build() {
            return new MirrorMaker(this);
        }
    }
}
