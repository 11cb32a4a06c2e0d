package io.ha4neo.launcher.cli;

import io.ha4neo.launcher.process.WorkDirs;
import io.ha4neo.schemas.topology.TopicNames;
import io.ha4neo.schemas.topology.TopicSpec;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.FreePorts;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.ProcessReaper;
import io.ha4neo.launcher.process.ProjectLayout;
import io.ha4neo.launcher.status.ReplicationProbe;
import io.ha4neo.launcher.status.ReplicationStatus;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.ClusterFile;
import io.ha4neo.topology.cluster.KafkaCluster;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.cluster.Secret;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.neo4j.driver.Driver;

/**
 * The local replication stack behind {@code ha4neo up}: one Kafka broker, a primary and a standby Neo4j server
 * with the packaged capture plugin, and the sink applier, all as child processes under one state directory.
 * {@link #run()} starts everything, runs a demo workload, prints the endpoints and then a live replication line
 * until the JVM is asked to stop (Ctrl-C or {@code ha4neo stop}), when a shutdown hook stops every child.
 *
 * <p>Authentication is on: both servers share a generated password for {@code neo4j}, and the applier logs in as its
 * own user, created on both servers (roles move) and named by their {@code ha4neo.applier.user}. The passwords live
 * in {@link StackCredentials} ({@code <state-dir>/credentials}, mode 600) and nowhere else on disk.
 */
final class LocalStack {
    static final String CLUSTER_ID = "local";
    static final String DATABASE = "neo4j";
    /** The cluster description of the running stack, for the ops CLI ({@code ./stack ops status}). */
    static final String CLUSTER_FILE = "cluster.json";
    private static final String ZONE = "local";
    private static final String PLUGIN_STARTED_LINE = "ha4neo capture plugin started for database '" + DATABASE + "'";
    private static final List<String> STACK_DIRS = List.of("kafka", "primary", "standby", "applier");

    private final ProjectLayout layout;
    private final Path stateDir;
    private final PrintStream out;
    private final Duration statusInterval;
    private final long startNanos = System.nanoTime();
    private final String topic = TopicNames.topicFor(TopicNames.DEFAULT_PREFIX, CLUSTER_ID, DATABASE);
    private final StackState state = StackState.ownedByThisJvm();
    private StackCredentials credentials;
    private ProcessReaper reaper;
    private KafkaBroker broker;
    private Neo4jServer primary;
    private Neo4jServer standby;
    private ApplierProcess applier;

    LocalStack(ProjectLayout layout, Path stateDir, PrintStream out, Duration statusInterval) {
        this.layout = layout;
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.out = out;
        this.statusInterval = statusInterval;
    }

    /** Starts the stack and watches it until the JVM shuts down. Returns only on a start-up failure. */
    void run() {
        refuseIfAlreadyRunning();
        layout.requireAll();
        reaper = ProcessReaper.forStateRoot(stateDir);
        installShutdownHook();
        wipePreviousStack();
        credentials = StackCredentials.loadOrGenerate(stateDir);
        buildProcesses();
        writeClusterFile();
        recordState("starting", null);
        startBroker();
        createTopic();
        startServers();
        startApplier();
        double readySeconds = elapsedSeconds();
        recordState("running", readySeconds);
        runDemoWorkload();
        printSummary(readySeconds);
        watch();
    }

    private void refuseIfAlreadyRunning() {
        StackState.read(stateDir).flatMap(StackState::liveLauncher).ifPresent(launcher -> {
            throw new IllegalStateException("a stack is already running from " + stateDir + " (launcher pid "
                    + launcher.pid() + "); stop it with: ./stack stop" + stateDirOption());
        });
    }

    private String stateDirOption() {
        return stateDir.equals(layout.defaultStateDir()) ? "" : " --state-dir " + stateDir;
    }

    private void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println(now() + " stopping the stack (applier, servers, broker)...");
            reaper.stopAll(Duration.ofSeconds(45));
            StackState.delete(stateDir);
            out.println(now() + " stack stopped; data kept in " + stateDir + " until the next 'up'");
        }, "ha4neo-stack-shutdown"));
    }

    private void wipePreviousStack() {
        for (String dir : STACK_DIRS) {
            deleteRecursively(stateDir.resolve(dir));
        }
    }

    private void buildProcesses() {
        broker = KafkaBroker.builder(layout.kafkaLibDir(), stateDir.resolve("kafka"), reaper)
                .setting("auto.create.topics.enable", "false").build();
        primary = server("primary", "primary");
        standby = server("standby", "standby");
        applier = ApplierProcess.builder(layout.applierJar(), stateDir.resolve("applier"), reaper)
                .property("neo4j.uri", standby.boltUri())
                .neo4jCredentials(credentials.applier())
                .property("neo4j.database", DATABASE)
                .property("topic", topic)
                .property("kafka.bootstrap.servers", broker.bootstrapServers())
                .metricsPort(FreePorts.next())
                .build();
    }

    /**
     * Written before anything starts, so the ops CLI can watch the start-up too. The admin password appears as the
     * reference {@code ${NEO4J_PASSWORD}}, which {@code ./stack ops} sets from the credentials file.
     */
    private void writeClusterFile() {
        Secret password = Secret.of("${" + StackCredentials.PASSWORD_ENV + "}", credentials.admin().password());
        Member primaryMember = new Member("primary", ZONE, URI.create(primary.boltUri()), Neo4jServer.USER,
                password, null);
        Member standbyMember = new Member("standby", ZONE, URI.create(standby.boltUri()), Neo4jServer.USER,
                password, URI.create(applier.metricsBaseUrl() + "/metrics"));
        ClusterDescription cluster = new ClusterDescription(CLUSTER_ID, DATABASE, topic,
                new KafkaCluster(broker.bootstrapServers(), (short) 1, Map.of()), List.of(primaryMember, standbyMember));
        ClusterFile.write(cluster, stateDir.resolve(CLUSTER_FILE));
    }

    private Neo4jServer server(String name, String role) {
        return Neo4jServer.builder(name, layout.neo4jLibDir(), stateDir.resolve(name), reaper)
                .plugin(layout.pluginJar())
                .password(credentials.admin().password())
                .user(credentials.applier()) // on both members: ha4neo.setRole('standby') needs it as well
                .settings(Map.of("ha4neo.role", role, "ha4neo.cluster.id", CLUSTER_ID, "ha4neo.topic", topic,
                        "ha4neo.kafka.bootstrap.servers", broker.bootstrapServers(),
                        "ha4neo.metrics.port", Integer.toString(FreePorts.next()),
                        "ha4neo.applier.user", credentials.applier().user(),
                        "dbms.security.procedures.unrestricted", "ha4neo.*"))
                .build();
    }

    private void startBroker() {
        step("starting Kafka broker (KRaft) in " + broker.workDir());
        timed("Kafka broker ready at " + broker.bootstrapServers(), broker::start);
    }

    private void createTopic() {
        TopicSpec spec = TopicSpec.forReplicationFactor((short) 1);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, spec.partitions(), spec.replicationFactor())
                    .configs(spec.topicConfigs()))).all().get(30, TimeUnit.SECONDS);
            step("created topic " + topic + " " + spec.topicConfigs());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + " on " + broker.bootstrapServers()
                        + "; the stack will stop; see " + broker.logFile(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic + "; the stack will stop", e);
        }
    }

    /** Both servers start in parallel: on 2 cores that is about 30 % faster than one after the other. */
    private void startServers() {
        step("starting Neo4j primary and standby in " + stateDir);
        Thread standbyStarter = new Thread(() -> timed("standby ready at " + standby.boltUri(), standby::start));
        RuntimeException[] standbyFailure = new RuntimeException[1];
        standbyStarter.setUncaughtExceptionHandler((t, e) -> standbyFailure[0] = (RuntimeException) e);
        standbyStarter.start();
        timed("primary ready at " + primary.boltUri(), primary::start);
        join(standbyStarter);
        if (standbyFailure[0] != null) {
            throw standbyFailure[0];
        }
        reportPlugin(primary);
        reportPlugin(standby);
    }

    private void reportPlugin(Neo4jServer server) {
        boolean loaded = server.logContains(PLUGIN_STARTED_LINE);
        step(server.name() + ": capture plugin " + (loaded ? "loaded" : "NOT loaded (no start-up line in "
                + server.logFile() + ")"));
    }

    private void startApplier() {
        step("starting the sink applier for " + topic + " -> " + standby.boltUri());
        try {
            applier.start();
            boolean healthy = applier.awaitHealthy(Duration.ofSeconds(20));
            step("applier " + (healthy ? "healthy at " + applier.metricsBaseUrl() + "/health"
                    : "running (pid " + applier.pid() + ") but /health does not answer yet; see " + applier.logFile()));
        } catch (RuntimeException e) {
            step("applier NOT running; the rest of the stack keeps running. " + e.getMessage());
        }
    }

    private void recordState(String phase, Double readySeconds) {
        state.with("phase", phase)
                .with("primary.bolt", primary.boltUri())
                .with("standby.bolt", standby.boltUri())
                .with("kafka.bootstrap", broker.bootstrapServers())
                .with("topic", topic)
                .with("database", DATABASE)
                .with("metrics.primary", metricsUrl(primary))
                .with("metrics.standby", metricsUrl(standby))
                .with("metrics.applier", applier.metricsBaseUrl() + "/metrics")
                .with("cluster.file", stateDir.resolve(CLUSTER_FILE).toString())
                .with("credentials.file", StackCredentials.file(stateDir).toString())
                .with("startToReadySeconds", readySeconds == null ? null
                        : String.format(java.util.Locale.ROOT, "%.1f", readySeconds))
                .write(stateDir);
    }

    private static String metricsUrl(Neo4jServer server) {
        return "http://127.0.0.1:" + server.settings().get("ha4neo.metrics.port") + "/metrics";
    }

    private void runDemoWorkload() {
        try (Driver driver = primary.driver()) {
            int transactions = DemoWorkload.run(driver);
            step("demo workload: " + transactions + " transactions on the primary (The Matrix: 3 people, 1 movie, "
                    + "3 relationships)");
        } catch (RuntimeException e) {
            step("demo workload failed on the primary: " + e.getMessage() + "; the stack keeps running");
        }
    }

    private void printSummary(double readySeconds) {
        out.println();
        out.println("ha4neo local stack is up (start-to-ready " + String.format(java.util.Locale.ROOT, "%.1f",
                readySeconds) + " s)");
        StackReport.toLines(StackReport.collect(stateDir, state)).forEach(line -> out.println("  " + line));
        out.println();
        out.println("Authentication is on. Log in as " + credentials.admin().user() + " with password "
                + credentials.admin().password());
        out.println("  generated, kept in " + StackCredentials.file(stateDir) + " (mode 600); print it again with "
                + "./stack credentials" + stateDirOption());
        out.println("  the applier logs in as its own user " + credentials.applier().user());
        out.println("Ops CLI on this stack: ./stack ops" + stateDirOption() + " status (cluster file "
                + stateDir.resolve(CLUSTER_FILE) + ")");
        out.println("Live replication status every " + statusInterval.toSeconds() + " s. Stop with Ctrl-C or, from "
                + "another terminal, ./stack stop" + stateDirOption());
    }

    private void watch() {
        try (ReplicationProbe probe = StackReport.probe(stateDir, state)) {
            List<String> lastNotes = List.of();
            while (!Thread.currentThread().isInterrupted()) {
                ReplicationStatus status = probe.probe();
                out.println(now() + " " + status.toLine() + processHealth());
                if (!status.notes().equals(lastNotes)) {
                    status.notes().forEach(note -> out.println("           note: " + note));
                    lastNotes = status.notes();
                }
                sleep(statusInterval);
            }
        }
    }

    private String processHealth() {
        StringBuilder down = new StringBuilder();
        if (!broker.isRunning()) {
            down.append(" kafka");
        }
        if (!primary.isRunning()) {
            down.append(" primary");
        }
        if (!standby.isRunning()) {
            down.append(" standby");
        }
        if (!applier.isRunning()) {
            down.append(" applier");
        }
        return down.length() == 0 ? "" : " | NOT RUNNING:" + down;
    }

    private void timed(String doneMessage, Runnable action) {
        long t0 = System.nanoTime();
        action.run();
        step(doneMessage + String.format(java.util.Locale.ROOT, " (%.1f s)", (System.nanoTime() - t0) / 1e9));
    }

    private void step(String message) {
        out.println(now() + " " + message);
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String now() {
        return LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the servers", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        WorkDirs.deleteRecursively(dir, "the previous stack's files");
    }
}
