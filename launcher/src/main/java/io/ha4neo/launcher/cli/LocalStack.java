package io.ha4neo.launcher.cli;

import io.ha4neo.launcher.process.WorkDirs;
import io.ha4neo.schemas.topology.TopicNames;
import io.ha4neo.schemas.topology.TopicSpec;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.FreePorts;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.launcher.process.MirrorMaker;
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
import io.ha4neo.topology.cluster.Zone;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.neo4j.driver.Driver;

/**
 * The local replication stack behind {@code ha4neo up}: one Kafka broker and two members, {@code a} (starts as
 * primary) and {@code b} (starts as standby), each a Neo4j server with the packaged capture plugin and its own sink
 * applier, all as child processes under one state directory. Roles move ({@code ./stack switchover}), so both members
 * are set up alike: the applier of the member that is primary idles, the standby's applies the log.
 * {@link #run()} starts everything, runs a demo workload, prints the endpoints and then a live replication line
 * until the JVM is asked to stop (Ctrl-C or {@code ha4neo stop}), when a shutdown hook stops every child.
 *
 * <p>Authentication is on: both servers share a generated password for {@code neo4j}, and the appliers log in as
 * their own user, created on both servers and named by their {@code ha4neo.applier.user}. The passwords live in
 * {@link StackCredentials} ({@code <state-dir>/credentials}, mode 600) and nowhere else on disk.
 */
final class LocalStack {
    static final String CLUSTER_ID = "local";
    static final String DATABASE = "neo4j";
    /** The cluster description of the running stack, for the ops CLI ({@code ./stack ops status}). */
    static final String CLUSTER_FILE = "cluster.json";
    private static final String ZONE = "local";
    /** With {@code --zones 2}: the zone of the broker and of a and b, and the zone of MirrorMaker's copy and c. */
    static final String ZONE_A = "zoneA";
    static final String ZONE_B = "zoneB";
    /** The member in zone B, with {@code --zones 2}: a standby whose applier reads zone B's copy of the topic. */
    static final String ZONE_B_MEMBER = "c";
    private static final String PLUGIN_STARTED_LINE = "ha4neo capture plugin started for database '" + DATABASE + "'";
    /** What 'up' wipes: this layout's directories, and those of the stack before roles moved (primary, standby). */
    private static final List<String> STACK_DIRS = List.of("kafka", "a", "b", "a-applier", "b-applier", "primary",
            "standby", "applier", "kafka-" + ZONE_B, "mirror-maker", ZONE_B_MEMBER, ZONE_B_MEMBER + "-applier");

    private final ProjectLayout layout;
    private final Path stateDir;
    private final PrintStream out;
    private final Duration statusInterval;
    private final int seedNodes;
    /** {@code ha4neo.schema.registry.url} of the plugins and the appliers' {@code schema.registry.url}; "": embedded. */
    private final String schemaRegistryUrl;
    /** 1: one Kafka cluster; 2: also zone B, a second broker fed by MirrorMaker 2, with member c reading it. */
    private final int zones;
    private final long startNanos = System.nanoTime();
    private final String topic = TopicNames.topicFor(TopicNames.DEFAULT_PREFIX, CLUSTER_ID, DATABASE);
    private final StackState state = StackState.ownedByThisJvm();
    private StackCredentials credentials;
    private ProcessReaper reaper;
    private KafkaBroker broker;
    private KafkaBroker zoneBroker; // --zones 2
    private MirrorMaker mirrorMaker; // --zones 2
    private final List<String> memberNames;
    private List<StackMember> members;

    LocalStack(ProjectLayout layout, Path stateDir, PrintStream out, Duration statusInterval, int seedNodes,
               String schemaRegistryUrl) {
        this(layout, stateDir, out, statusInterval, seedNodes, schemaRegistryUrl, 1);
    }

    LocalStack(ProjectLayout layout, Path stateDir, PrintStream out, Duration statusInterval, int seedNodes,
               String schemaRegistryUrl, int zones) {
        this.schemaRegistryUrl = schemaRegistryUrl;
        if (seedNodes < 0) {
            throw new IllegalArgumentException("--seed must be 0 or more nodes, was " + seedNodes);
        }
        if (zones != 1 && zones != 2) {
            throw new IllegalArgumentException("--zones must be 1 (one Kafka cluster) or 2 (a second zone fed by "
                    + "MirrorMaker 2), was " + zones);
        }
        if (zones == 2 && seedNodes > 0) {
            throw new IllegalArgumentException("--zones 2 and --seed cannot be combined yet: bootstrap seeds the "
                    + "standbys of the primary's zone only");
        }
        this.zones = zones;
        this.memberNames = zones == 2 ? java.util.stream.Stream.concat(StackCluster.MEMBERS.stream(),
                java.util.stream.Stream.of(ZONE_B_MEMBER)).toList() : StackCluster.MEMBERS;
        this.seedNodes = seedNodes;
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
        if (zones == 2) {
            startZoneB();
        }
        startServers();
        if (seedNodes > 0) {
            seedPrimaryBeforeCapture();
            startApplier(members.get(0));
            bootstrapStandbys();
        } else {
            startAppliers();
        }
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
            out.println(now() + " stopping the stack (appliers, servers, broker)...");
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
        if (zones == 2) {
            zoneBroker = KafkaBroker.builder(layout.kafkaLibDir(), stateDir.resolve("kafka-" + ZONE_B), reaper)
                    .setting("auto.create.topics.enable", "false").build();
            mirrorMaker = MirrorMaker.builder(layout.mirrorMakerLibDir(), stateDir.resolve("mirror-maker"), reaper)
                    .source(ZONE_A, broker.bootstrapServers()).target(ZONE_B, zoneBroker.bootstrapServers())
                    .metrics(layout.mirrorMakerMetricsAgent(), FreePorts.next()).build();
        }
        members = memberNames.stream().map(this::member).toList();
    }

    /** A member: its server (the first of the stack starts as primary) and the applier that feeds it as a standby. */
    private StackMember member(String name) {
        Neo4jServer server = server(name, name.equals(StackCluster.MEMBERS.get(0)) ? "primary" : "standby");
        boolean inZoneB = name.equals(ZONE_B_MEMBER);
        String applierTopic = inZoneB ? mirrorMaker.targetTopic(topic) : topic;
        String group = StackCluster.applierGroup(applierTopic, name);
        ApplierProcess.Builder applier = ApplierProcess.builder(layout.applierJar(), stateDir.resolve(name + "-applier"),
                        reaper)
                .property("neo4j.uri", server.boltUri())
                .neo4jCredentials(credentials.applier())
                .property("neo4j.database", DATABASE)
                .property("topic", applierTopic) // in zone B: MirrorMaker's copy, in zone B's cluster
                .property("kafka.bootstrap.servers", (inZoneB ? zoneBroker : broker).bootstrapServers())
                .property("member.name", name) // its consumer group is then ha4neo-applier-<topic>-<name>
                .metricsPort(FreePorts.next());
        if (!schemaRegistryUrl.isEmpty()) {
            applier.property("schema.registry.url", schemaRegistryUrl);
        }
        return new StackMember(name, server, applier.build(), group);
    }

    /**
     * Written before anything starts, so the ops CLI can watch the start-up too. The admin password appears as the
     * reference {@code ${NEO4J_PASSWORD}}, which {@code ./stack ops} sets from the credentials file.
     */
    private void writeClusterFile() {
        Secret password = Secret.of("${" + StackCredentials.PASSWORD_ENV + "}", credentials.admin().password());
        List<Member> described = members.stream().map(m -> new Member(m.name(), zoneOf(m.name()),
                URI.create(m.server().boltUri()), Neo4jServer.USER, password,
                URI.create(m.applier().metricsBaseUrl() + "/metrics"))).toList();
        List<Zone> describedZones = zones == 1 ? List.of() : List.of(new Zone(ZONE_B,
                new KafkaCluster(zoneBroker.bootstrapServers(), (short) 1, Map.of()), mirrorMaker.targetTopic(topic),
                URI.create(mirrorMaker.metricsUrl())));
        ClusterDescription cluster = new ClusterDescription(CLUSTER_ID, DATABASE, topic,
                new KafkaCluster(broker.bootstrapServers(), (short) 1, Map.of()), described, describedZones);
        ClusterFile.write(cluster, stateDir.resolve(CLUSTER_FILE));
    }

    private String zoneOf(String member) {
        return zones == 1 ? ZONE : member.equals(ZONE_B_MEMBER) ? ZONE_B : ZONE_A;
    }

    /** --zones 2: zone B's broker, then MirrorMaker 2 copying the topic to it (it creates the copy). */
    private void startZoneB() {
        step("starting zone B's Kafka broker (KRaft) in " + zoneBroker.workDir());
        timed("zone B's Kafka broker ready at " + zoneBroker.bootstrapServers(), zoneBroker::start);
        step("starting MirrorMaker 2 (" + ZONE_A + " -> " + ZONE_B + "), log " + mirrorMaker.logFile());
        timed("MirrorMaker 2 copying " + topic + " to " + mirrorMaker.targetTopic(topic) + " on "
                + zoneBroker.bootstrapServers() + " (metrics " + mirrorMaker.metricsUrl() + ")", mirrorMaker::start);
    }

    private Neo4jServer server(String name, String role) {
        Neo4jServer.Builder b = Neo4jServer.builder(name, layout.neo4jLibDir(), stateDir.resolve(name), reaper);
        if (seedNodes > 0 && "primary".equals(role)) {
            b.firstStartWithoutPlugins(); // --seed: the data comes before capture, as in an existing database
        }
        if (!schemaRegistryUrl.isEmpty()) {
            b.setting("ha4neo.schema.registry.url", schemaRegistryUrl); // on both: either may be promoted
        }
        return b.plugin(layout.pluginJar())
                .password(credentials.admin().password())
                .user(credentials.applier()) // on both members: either may be the standby its applier writes to
                .settings(Map.of("ha4neo.role", role, "ha4neo.member.name", name, "ha4neo.cluster.id", CLUSTER_ID,
                        "ha4neo.topic", topic,
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
        step("starting Neo4j members " + String.join(", ", memberNames) + " in " + stateDir);
        List<Thread> starters = new ArrayList<>();
        List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (StackMember m : members.subList(1, members.size())) {
            Thread starter = new Thread(() -> timed(m.name() + " ready at " + m.server().boltUri(),
                    m.server()::start));
            starter.setUncaughtExceptionHandler((t, e) -> failures.add((RuntimeException) e));
            starter.start();
            starters.add(starter);
        }
        StackMember first = members.get(0);
        timed(first.name() + " ready at " + first.server().boltUri(), first.server()::start);
        starters.forEach(LocalStack::join);
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        for (StackMember m : members) {
            if (seedNodes > 0 && m == members.get(0)) {
                step(m.name() + ": first start without the capture plugin (--seed: its data comes first)");
            } else {
                reportPlugin(m.server());
            }
        }
    }

    private void reportPlugin(Neo4jServer server) {
        boolean loaded = server.logContains(PLUGIN_STARTED_LINE);
        step(server.name() + ": capture plugin " + (loaded ? "loaded" : "NOT loaded (no start-up line in "
                + server.logFile() + ")"));
    }

    /** One applier per member; the primary's idles until its member becomes a standby. */
    private void startAppliers() {
        members.forEach(this::startApplier);
    }

    private void startApplier(StackMember m) {
        step("starting the sink applier of " + m.name() + " for " + topic + " -> " + m.server().boltUri());
        try {
            m.applier().start();
            boolean healthy = m.applier().awaitHealthy(Duration.ofSeconds(20));
            step(m.name() + "'s applier " + (healthy ? "healthy at " + m.applier().metricsBaseUrl() + "/health"
                    : "running (pid " + m.applier().pid() + ") but /health does not answer yet; see "
                    + m.applier().logFile()));
        } catch (RuntimeException e) {
            step(m.name() + "'s applier NOT running; the rest of the stack keeps running. " + e.getMessage());
        }
    }

    /** --seed: the primary's first start was without the plugin; it gets the data, then restarts with capture. */
    private void seedPrimaryBeforeCapture() {
        StackMember primary = members.get(0);
        timed("--seed: " + seedNodes + " people and their KNOWS relationships written to " + primary.name()
                + " before capture started on it", () -> {
            try (Driver driver = primary.server().driver()) {
                StackSeed.load(driver, seedNodes);
            }
        });
        timed(primary.name() + " restarted with the capture plugin (the log's baseline records what it held)", () -> {
            primary.server().stop();
            primary.server().start();
        });
        reportPlugin(primary.server());
    }

    /**
     * --seed: each standby is seeded with {@code ha4neo bootstrap}, in this JVM, and its applier starts once the
     * standby is prepared (before that, it would refuse a standby the log cannot fill).
     */
    private void bootstrapStandbys() {
        for (StackMember standby : members.subList(1, members.size())) {
            StackBootstrap.run(stateDir.resolve(CLUSTER_FILE), credentials, standby.name(), standby.server(),
                    () -> startApplier(standby), this::step);
        }
    }

    private void recordState(String phase, Double readySeconds) {
        state.with("phase", phase)
                .with(StackCluster.MEMBERS_KEY, String.join(",", memberNames))
                .with("kafka.bootstrap", broker.bootstrapServers())
                .with("topic", topic)
                .with("database", DATABASE)
                .with("cluster.file", stateDir.resolve(CLUSTER_FILE).toString())
                .with("credentials.file", StackCredentials.file(stateDir).toString())
                .with("startToReadySeconds", readySeconds == null ? null
                        : String.format(java.util.Locale.ROOT, "%.1f", readySeconds));
        for (StackMember m : members) {
            state.with(StackCluster.key(m.name(), "bolt"), m.server().boltUri())
                    .with(StackCluster.key(m.name(), "metrics"), metricsUrl(m.server()))
                    .with(StackCluster.key(m.name(), "applierMetrics"), m.applier().metricsBaseUrl() + "/metrics")
                    .with(StackCluster.key(m.name(), "applierGroup"), m.applierGroup());
        }
        state.write(stateDir);
    }

    private static String metricsUrl(Neo4jServer server) {
        return "http://127.0.0.1:" + server.settings().get("ha4neo.metrics.port") + "/metrics";
    }

    private void runDemoWorkload() {
        StackMember primary = members.get(0);
        try (Driver driver = primary.server().driver()) {
            int transactions = DemoWorkload.seed(driver);
            step("demo workload: " + transactions + " transactions on " + primary.name() + ", the primary (The "
                    + "Matrix: 3 people, 1 movie, 3 relationships)");
        } catch (RuntimeException e) {
            step("demo workload failed on " + primary.name() + ": " + e.getMessage() + "; the stack keeps running");
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
        out.println("  the appliers log in as their own user " + credentials.applier().user());
        out.println(schemaRegistryUrl.isEmpty()
                ? "Schemas: embedded mode (records carry the schema id compiled into the jar; --schema-registry <url> "
                        + "for registry mode)"
                : "Schemas: registry mode, " + schemaRegistryUrl + ", subject " + TopicNames.valueSubject(topic)
                        + " (compatibility BACKWARD)");
        if (zones == 2) {
            out.println("Zones: a and b in " + ZONE_A + " (Kafka " + broker.bootstrapServers() + "); c in " + ZONE_B
                    + ", its applier reading MirrorMaker's copy " + mirrorMaker.targetTopic(topic) + " on "
                    + zoneBroker.bootstrapServers() + "; ./stack ops status shows the copy and MirrorMaker's latency");
        }
        out.println("Ops CLI on this stack: ./stack ops" + stateDirOption() + " status (cluster file "
                + stateDir.resolve(CLUSTER_FILE) + ")");
        out.println("Move the primary role to the standby and back, with writes running: ./stack switchover"
                + stateDirOption());
        out.println("Live replication status every " + statusInterval.toSeconds() + " s. Stop with Ctrl-C or, from "
                + "another terminal, ./stack stop" + stateDirOption());
    }

    /** Roles move, so the probe finds the primary and the standby again for every line. */
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
        if (zoneBroker != null && !zoneBroker.isRunning()) {
            down.append(" kafka-").append(ZONE_B);
        }
        if (mirrorMaker != null && !mirrorMaker.isRunning()) {
            down.append(" mirror-maker");
        }
        for (StackMember m : members) {
            if (!m.server().isRunning()) {
                down.append(' ').append(m.name());
            }
            if (!m.applier().isRunning()) {
                down.append(' ').append(m.name()).append("-applier");
            }
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

    /** One member: its Neo4j server with the plugin, and its applier with its own consumer group. */
    private record StackMember(String name, Neo4jServer server, ApplierProcess applier, String applierGroup) {
    }
}
