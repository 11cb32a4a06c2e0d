package io.ha4neo.it.support;

import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.Credentials;
import io.ha4neo.launcher.process.FreePorts;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.launcher.process.MirrorMaker;
import io.ha4neo.launcher.process.Neo4jClassArchive;
import io.ha4neo.launcher.process.Neo4jRelease;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.ProcessReaper;
import io.ha4neo.launcher.process.ProjectLayout;
import io.ha4neo.launcher.process.WorkDirs;
import io.ha4neo.schemas.topology.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A set of real processes for one integration test class: an optional Kafka broker, any number of Neo4j servers
 * (with the packaged capture plugin in plugins/) and an optional sink applier, all from the artifacts that
 * {@code mvn install} built. {@link #close()} stops everything; the {@link ProcessReaper} also stops it when the
 * JVM exits and kills what a crashed earlier run left behind.
 *
 * <p>Authentication is on, as in {@code ./stack up} and as Neo4j does by default: every server has its own
 * generated password for {@code neo4j} ({@link Neo4jServer#driver()} logs in with it), every server with a role
 * also has the stack's applier user ({@link #applierCredentials()}, {@code ha4neo.applier.user}), and the applier
 * logs in as that user. So every IT that replicates goes through the guard's applier-user check.
 *
 * <pre>{@code
 * try (TestStack stack = TestStack.builder("capture")
 *         .withBroker()
 *         .withPrimary("primary")                       // ha4neo.role=primary, plugin pointed at the broker
 *         .withStandby("standby", s -> s.password("standby-pass"))
 *         .withApplier("standby")                       // applier for the standby and the stack's topic
 *         .start()) {
 *     try (Driver driver = stack.server("primary").driver()) { ... }                         // as neo4j
 *     try (Driver driver = stack.server("standby").driver(stack.applierCredentials())) { ... } // as the applier
 * }
 * }</pre>
 *
 * The servers run Neo4j 5.26 LTS; {@code TestStack.builder(name, Neo4jRelease.CALENDAR_2025)} runs them on the
 * calendar release instead (same plugin jar, Java 21 or later; {@link Neo4jRelease}).
 *
 * <p>Work directory: {@code <ha4neo.work.dir>/<name>/} (wiped at start), holding {@code kafka/}, one home per server
 * and {@code applier/}. PID files live in {@code <ha4neo.work.dir>/pids/}.
 */
public final class TestStack implements AutoCloseable {
    /** System property (set by it/pom.xml) of the directory under which every stack works. */
    public static final String WORK_DIR_PROPERTY = "ha4neo.work.dir";
    /** The alias of the stack's broker's cluster when a mirrored zone is added. */
    public static final String ZONE_A = "zoneA";
    /** The alias of the mirrored zone's cluster. */
    public static final String ZONE_B = "zoneB";
    /** The cluster id of every test stack. */
    public static final String CLUSTER_ID = "local";
    /** The database every test stack replicates. */
    public static final String DATABASE = "neo4j";
    /** The start-up line the capture plugin writes to neo4j.log for the default database. */
    public static final String PLUGIN_STARTED_LINE = "ha4neo capture plugin started for database '" + DATABASE + "'";
    /** How long each server may take to answer over Bolt (a customizer can change it). */
    private static final Duration SERVER_READINESS_TIMEOUT = Duration.ofSeconds(240);
    /**
     * Set to {@code false} to start the test servers as the bench and the local stack do: C2 compilation and no class
     * archive. By default they start with {@link #FAST_START_OPTIONS} and {@link Neo4jClassArchive}: short-lived
     * servers on a 2-core machine spend most of their start-up CPU loading classes and compiling with C2.
     */
    public static final String FAST_START_PROPERTY = "ha4neo.it.fast-start";
    /** C1 only: compiles much less at start-up; the tests measure correctness, never speed. */
    private static final List<String> FAST_START_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

    private final Path workDir;
    private final ProjectLayout layout;
    private final ProcessReaper reaper;
    private final KafkaBroker broker;
    private final Map<String, Neo4jServer> servers;
    private final Map<String, ApplierProcess> appliers;
    private final Map<String, String> appliersTargets; // applier name -> the server it writes to
    private final String topic;
    private final boolean parallelServerStart;
    private final Credentials applierCredentials;
    /** Zone B's broker and the MirrorMaker that copies zone A's (the stack's broker) to it; null without a mirror. */
    private final KafkaBroker mirrorBroker;
    private final MirrorMaker mirrorMaker;
    private final java.util.Set<String> mirroredMembers; // servers whose appliers read zone B's copy

    private TestStack(Builder b, KafkaBroker broker, Map<String, Neo4jServer> servers,
                      Map<String, ApplierProcess> appliers, KafkaBroker mirrorBroker, MirrorMaker mirrorMaker) {
        this.workDir = b.workDir;
        this.layout = b.layout;
        this.reaper = b.reaper;
        this.broker = broker;
        this.servers = servers;
        this.appliers = appliers;
        Map<String, String> targets = new LinkedHashMap<>();
        b.applierTargets.forEach((name, target) -> targets.put(name, target.getKey()));
        this.appliersTargets = targets;
        this.topic = b.topic;
        this.parallelServerStart = b.parallelServerStart;
        this.applierCredentials = b.applierCredentials;
        this.mirrorBroker = mirrorBroker;
        this.mirrorMaker = mirrorMaker;
        this.mirroredMembers = java.util.Set.copyOf(b.mirroredAppliers);
    }

    /** Zone B's broker, to which MirrorMaker 2 copies the stack's topic; fails without {@code withMirroredZone()}. */
    public KafkaBroker mirrorBroker() {
        if (mirrorBroker == null) {
            throw new IllegalStateException("this TestStack has no mirrored zone; build it with withMirroredZone()");
        }
        return mirrorBroker;
    }

    /** The MirrorMaker 2 process from zone A to zone B; fails without {@code withMirroredZone()}. */
    public MirrorMaker mirrorMaker() {
        mirrorBroker();
        return mirrorMaker;
    }

    /** A builder for a stack working in {@code <ha4neo.work.dir>/<name>}, its servers on Neo4j 5.26 LTS. */
    public static Builder builder(String name) {
        return new Builder(name, Neo4jRelease.LTS_5_26);
    }

    /**
     * A builder for a stack whose servers run {@code release}: its lib dir, main class and JDK. On the LTS it works in
     * {@code <ha4neo.work.dir>/<name>} like {@link #builder(String)}, on another release in
     * {@code <name>-<release label>} (e.g. {@code standby-guard-2025}), so one IT's body can run on both.
     */
    public static Builder builder(String name, Neo4jRelease release) {
        return new Builder(release == Neo4jRelease.LTS_5_26 ? name : name + "-" + release.label(), release);
    }

    /** The directory under which every stack of this JVM works ({@value #WORK_DIR_PROPERTY}). */
    public static Path workRoot() {
        return Path.of(System.getProperty(WORK_DIR_PROPERTY, "target/it-work")).toAbsolutePath().normalize();
    }

    /** The broker; fails when the stack was built without one. */
    public KafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("this TestStack has no broker; build it with withBroker()");
        }
        return broker;
    }

    /** The server called {@code name}; fails naming the servers that exist. */
    public Neo4jServer server(String name) {
        Neo4jServer server = servers.get(name);
        if (server == null) {
            throw new IllegalArgumentException("no server '" + name + "' in this TestStack; it has " + servers.keySet());
        }
        return server;
    }

    /**
     * The Neo4j version the server called {@code name} reports ({@code dbms.components()}), e.g. {@code 5.26.16}: an
     * IT that runs on a given release shows with it that its servers really run that release.
     */
    public String neo4jVersion(String name) {
        try (org.neo4j.driver.Driver driver = server(name).driver();
             org.neo4j.driver.Session session = driver.session()) {
            return session.run("CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' "
                    + "RETURN versions[0] AS version").single().get("version").asString();
        }
    }

    /** All servers by name, in the order they were added. */
    public Map<String, Neo4jServer> servers() {
        return servers;
    }

    /** The applier; fails when the stack was built without one, or with several. */
    public ApplierProcess applier() {
        if (appliers.size() != 1) {
            throw new IllegalStateException("this TestStack has " + appliers.size() + " appliers " + appliers.keySet()
                    + "; build it with one withApplier(...), or use applier(target)");
        }
        return appliers.values().iterator().next();
    }

    /**
     * Writes a cluster description of this stack, as an operator would, listing {@code members} (each with its
     * appliers' metrics endpoints, when it has appliers); the servers' generated admin passwords are written
     * literally, since the ops CLI runs in the test's JVM, whose environment a test cannot set for a {@code ${NAME}}
     * reference. Each member is in a zone of its own ({@code z-<name>}); with a mirrored zone, members whose appliers
     * read zone B's copy are in zone {@value #ZONE_B}, described with its broker, the copy's name and MirrorMaker's
     * metrics endpoint, and the others in zone {@value #ZONE_A}.
     */
    public Path writeClusterFile(Path file, List<String> members) throws java.io.IOException {
        StringBuilder entries = new StringBuilder();
        for (String m : members) {
            Neo4jServer server = server(m);
            if (entries.length() > 0) {
                entries.append(",\n");
            }
            List<String> urls = new ArrayList<>();
            appliers.forEach((name, a) -> {
                if (appliersTargets.get(name).equals(m)) {
                    urls.add("\"" + a.metricsBaseUrl() + "/metrics\"");
                }
            });
            String applier = urls.isEmpty() ? "" : urls.size() == 1 ? ", \"applierMetrics\": " + urls.get(0)
                    : ", \"applierMetrics\": [" + String.join(", ", urls) + "]";
            String zone = mirrorBroker == null ? "z-" + m : mirroredMembers.contains(m) ? ZONE_B : ZONE_A;
            entries.append("""
                    {"name": "%s", "zone": "%s", "bolt": "%s", "user": "%s", "password": "%s"%s}"""
                    .formatted(m, zone, server.boltUri(), Neo4jServer.USER, server.password(), applier));
        }
        String zones = mirrorBroker == null ? "" : """
                ,
                  "zones": [{"name": "%s", "kafka": {"bootstrapServers": "%s", "replicationFactor": 1},
                             "topic": "%s", "mirrorMakerMetrics": "%s"}]"""
                .formatted(ZONE_B, mirrorBroker.bootstrapServers(), mirrorMaker.targetTopic(topic),
                        mirrorMaker.metricsUrl());
        String text = """
                {
                  "clusterId": "%s",
                  "database": "%s",
                  "kafka": {"bootstrapServers": "%s", "replicationFactor": 1},
                  "members": [
                %s
                  ]%s
                }
                """.formatted(CLUSTER_ID, DATABASE, broker().bootstrapServers(), entries, zones);
        return java.nio.file.Files.writeString(file, text);
    }

    /** The applier named {@code target}: the (first) applier of that server, or one added by name. */
    public ApplierProcess applier(String target) {
        ApplierProcess a = appliers.get(target);
        if (a == null) {
            throw new IllegalArgumentException("no applier for server '" + target + "'; appliers: " + appliers.keySet());
        }
        return a;
    }

    /** Every applier by name (the server it writes to, or the name it was added with). */
    public Map<String, ApplierProcess> appliers() {
        return appliers;
    }

    /**
     * The user the applier logs in as ({@value Credentials#APPLIER_USER}, a password generated per stack): it exists
     * on every server with a role and is that server's {@code ha4neo.applier.user}, so a tagged transaction of this
     * user is what a standby accepts.
     */
    public Credentials applierCredentials() {
        return applierCredentials;
    }

    /** The replication topic of this stack ({@code ha4neo.local.neo4j} unless overridden). */
    public String topic() {
        return topic;
    }

    /** The project layout the artifacts come from. */
    public ProjectLayout layout() {
        return layout;
    }

    /** The reaper tracking this stack's processes. */
    public ProcessReaper reaper() {
        return reaper;
    }

    /** This stack's work directory. */
    public Path workDir() {
        return workDir;
    }

    /** The PIDs of every process of this stack that has been started (running or not). */
    public List<Long> startedPids() {
        List<Long> pids = new ArrayList<>();
        if (broker != null && broker.pid() > 0) {
            pids.add(broker.pid());
        }
        servers.values().stream().filter(s -> s.pid() > 0).forEach(s -> pids.add(s.pid()));
        appliers.values().stream().filter(a -> a.pid() > 0).forEach(a -> pids.add(a.pid()));
        if (mirrorBroker != null && mirrorBroker.pid() > 0) {
            pids.add(mirrorBroker.pid());
        }
        if (mirrorMaker != null && mirrorMaker.pid() > 0) {
            pids.add(mirrorMaker.pid());
        }
        return pids;
    }

    /** Stops the applier, then MirrorMaker, then the servers (in parallel), then the brokers. Safe to call twice. */
    @Override
    public void close() {
        appliers.values().forEach(ApplierProcess::stop);
        if (mirrorMaker != null) {
            mirrorMaker.stop();
        }
        inParallel(new ArrayList<>(servers.values()), Neo4jServer::stop);
        if (broker != null) {
            broker.stop();
        }
        if (mirrorBroker != null) {
            mirrorBroker.stop();
        }
    }

    private TestStack startAll() {
        try {
            long t0 = System.nanoTime();
            if (broker != null) {
                broker.start();
            }
            if (mirrorBroker != null) {
                mirrorBroker.start();
            }
            long t1 = System.nanoTime();
            startServers();
            if (mirrorMaker != null) {
                mirrorMaker.start();
            }
            long t2 = System.nanoTime();
            appliers.values().forEach(ApplierProcess::start);
            System.out.printf("TestStack %s started: broker %.1f s, %d server(s) %.1f s (%s), total %.1f s%n",
                    workDir.getFileName(), seconds(t1 - t0), servers.size(), seconds(t2 - t1),
                    parallelServerStart ? "parallel" : "sequential", seconds(System.nanoTime() - t0));
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private void startServers() {
        List<Neo4jServer> all = new ArrayList<>(servers.values());
        if (parallelServerStart) {
            inParallel(all, Neo4jServer::start);
        } else {
            all.forEach(Neo4jServer::start);
        }
    }

    /** Runs {@code action} on every server in its own thread and rethrows the first failure. */
    private static void inParallel(List<Neo4jServer> targets, Consumer<Neo4jServer> action) {
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (Neo4jServer server : targets) {
            Thread t = new Thread(() -> {
                try {
                    action.accept(server);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "stack-" + server.name());
            t.start();
            threads.add(t);
        }
        threads.forEach(TestStack::join);
        if (!failures.isEmpty()) {
            failures.subList(1, failures.size()).forEach(failures.get(0)::addSuppressed);
            throw failures.get(0);
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting or stopping servers", e);
        }
    }

    /** Configures a {@link TestStack}. */
    public static final class Builder {
        private final Path workDir;
        private final ProjectLayout layout;
        private final ProcessReaper reaper;
        private final Neo4jRelease release;
        private boolean withBroker;
        private final Map<String, Consumer<Neo4jServer.Builder>> serverCustomizers = new LinkedHashMap<>();
        private final Map<String, String> roles = new LinkedHashMap<>();
        /** Appliers by name: the server each writes to, and its customiser. */
        private final Map<String, Map.Entry<String, Consumer<ApplierProcess.Builder>>> applierTargets =
                new LinkedHashMap<>();
        private Consumer<KafkaBroker.Builder> brokerCustomizer = b -> { };
        private String topic = "ha4neo." + CLUSTER_ID + "." + DATABASE;
        private boolean parallelServerStart = true;
        private final Credentials applierCredentials = Credentials.generated(Credentials.APPLIER_USER);
        private boolean withMirror;
        private boolean mirrorIdentityPolicy;
        private final Map<String, String> mirrorSettings = new LinkedHashMap<>();
        private final java.util.Set<String> mirroredAppliers = new java.util.HashSet<>();

        private Builder(String name, Neo4jRelease release) {
            this.workDir = workRoot().resolve(name);
            this.release = release;
            this.layout = ProjectLayout.discover(Path.of(""));
            this.reaper = ProcessReaper.forStateRoot(workRoot());
        }

        /** Adds a Kafka broker with the lean defaults. */
        public Builder withBroker() {
            return withBroker(b -> { });
        }

        /** Adds a Kafka broker, customised (settings, JVM options, readiness timeout). */
        public Builder withBroker(Consumer<KafkaBroker.Builder> customizer) {
            this.withBroker = true;
            this.brokerCustomizer = customizer;
            return this;
        }

        /** Adds a Neo4j server with the packaged plugin and no ha4neo settings. */
        public Builder withServer(String name, Consumer<Neo4jServer.Builder> customizer) {
            serverCustomizers.put(name, customizer);
            return this;
        }

        /** Adds a server with {@code ha4neo.role=primary} whose plugin publishes to the stack's broker and topic. */
        public Builder withPrimary(String name) {
            return withPrimary(name, s -> { });
        }

        /** Adds a primary, customised further. */
        public Builder withPrimary(String name, Consumer<Neo4jServer.Builder> customizer) {
            roles.put(name, "primary");
            return withServer(name, customizer);
        }

        /** Adds a server with {@code ha4neo.role=standby}. */
        public Builder withStandby(String name) {
            return withStandby(name, s -> { });
        }

        /** Adds a standby, customised further. */
        public Builder withStandby(String name, Consumer<Neo4jServer.Builder> customizer) {
            roles.put(name, "standby");
            return withServer(name, customizer);
        }

        /** Adds an applier that reads the stack's topic and writes to the server {@code targetServer}. */
        public Builder withApplier(String targetServer) {
            return withApplier(targetServer, a -> { });
        }

        /**
         * Adds an applier, customised further (properties, metrics port, JVM options), named after its server. Its
         * {@code member.name} is the server's name, so each server's appliers have a consumer group of their own,
         * {@code ha4neo-applier-<topic>-<server>}.
         */
        public Builder withApplier(String targetServer, Consumer<ApplierProcess.Builder> customizer) {
            return withApplierNamed(targetServer, targetServer, customizer);
        }

        /**
         * Adds a further applier of a server that has one already ({@link #applier(String)} by {@code name}): the
         * same consumer group, a {@code kafka.group.instance.id} of its own (both run on this host). The group gives
         * the partition to one of them; the other is PASSIVE until that one stops.
         */
        public Builder withApplierNamed(String name, String targetServer, Consumer<ApplierProcess.Builder> customizer) {
            if (applierTargets.containsKey(name)) {
                throw new IllegalArgumentException("the stack has an applier named '" + name + "' already");
            }
            applierTargets.put(name, Map.entry(targetServer, customizer));
            return this;
        }

        /**
         * Adds zone B: a second Kafka broker, and MirrorMaker 2 copying the stack's topic from the stack's broker
         * (zone A, alias {@value #ZONE_A}) to it (alias {@value #ZONE_B}), under MirrorMaker's default replication
         * policy (the copy is called {@code zoneA.<topic>}) or, with {@code identityPolicy}, under the same name.
         */
        public Builder withMirroredZone(boolean identityPolicy) {
            this.withMirror = true;
            this.mirrorIdentityPolicy = identityPolicy;
            return this;
        }

        /** A setting of MirrorMaker's {@code mm2.properties}, over the launcher's (with {@code withMirroredZone}). */
        public Builder mirrorMakerSetting(String key, String value) {
            mirrorSettings.put(key, value);
            return this;
        }

        /** Adds an applier of {@code targetServer} that reads zone B's copy of the topic, from zone B's broker. */
        public Builder withApplierInMirroredZone(String targetServer, Consumer<ApplierProcess.Builder> customizer) {
            mirroredAppliers.add(targetServer);
            return withApplier(targetServer, customizer);
        }

        /** Overrides the replication topic (default {@code ha4neo.local.neo4j}). */
        public Builder topic(String name) {
            this.topic = name;
            return this;
        }

        /** Starts the servers one after the other instead of in parallel (default: parallel). */
        public Builder sequentialServerStart() {
            this.parallelServerStart = false;
            return this;
        }

        /**
         * Builds and starts the stack: wipes its work directory, starts the broker, then the servers, then the
         * applier. On failure everything already started is stopped before the exception propagates.
         */
        public TestStack start() {
            wipe(workDir);
            KafkaBroker broker = withBroker ? buildBroker() : null;
            KafkaBroker mirrorBroker = null;
            MirrorMaker mirrorMaker = null;
            if (withMirror) {
                if (broker == null) {
                    throw new IllegalStateException("withMirroredZone() needs withBroker(): zone A's broker");
                }
                mirrorBroker = KafkaBroker.builder(layout.kafkaLibDir(), workDir.resolve("kafka-" + ZONE_B), reaper)
                        .setting("auto.create.topics.enable", "false").build();
                MirrorMaker.Builder mm = MirrorMaker.builder(layout.mirrorMakerLibDir(), workDir.resolve("mirror-maker"), reaper)
                        .source(ZONE_A, broker.bootstrapServers()).target(ZONE_B, mirrorBroker.bootstrapServers())
                        .identityPolicy(mirrorIdentityPolicy)
                        .metrics(layout.mirrorMakerMetricsAgent(), FreePorts.next());
                mirrorSettings.forEach(mm::setting);
                mirrorMaker = mm.build();
            }
            Map<String, Neo4jServer> servers = new LinkedHashMap<>();
            serverCustomizers.forEach((name, customizer) -> servers.put(name, buildServer(name, customizer, broker)));
            Map<String, ApplierProcess> appliers = new LinkedHashMap<>();
            for (var entry : applierTargets.entrySet()) {
                String name = entry.getKey();
                boolean mirrored = mirroredAppliers.contains(entry.getValue().getKey());
                appliers.put(name, buildApplier(name, entry.getValue().getKey(), entry.getValue().getValue(), servers,
                        mirrored ? mirrorBroker : broker, mirrored ? mirrorMaker.targetTopic(topic) : topic,
                        appliers.isEmpty()));
            }
            return new TestStack(this, broker, Map.copyOf(servers), java.util.Collections.unmodifiableMap(appliers),
                    mirrorBroker, mirrorMaker).startAll();
        }

        private KafkaBroker buildBroker() {
            KafkaBroker.Builder b = KafkaBroker.builder(layout.kafkaLibDir(), workDir.resolve("kafka"), reaper)
                    .setting("auto.create.topics.enable", "false");
            brokerCustomizer.accept(b);
            return b.build();
        }

        private Neo4jServer buildServer(String name, Consumer<Neo4jServer.Builder> customizer, KafkaBroker broker) {
            // Several servers start at once on a shared 2-core machine, each after a neo4j-admin run of its own.
            Neo4jServer.Builder b = Neo4jServer.builder(name, release.libDir(layout), workDir.resolve(name), reaper)
                    .release(release).plugin(layout.pluginJar()).readinessTimeout(SERVER_READINESS_TIMEOUT);
            fastStartOptions().forEach(b::jvmOption);
            if (fastStart()) {
                // A graceful stop keeps Bolt's event loops for a quiet period of 5 s by default; every stack close and
                // every restart in a test paid it. A test's drivers are idle by then.
                b.withoutBoltShutdownQuietPeriod();
            }
            String role = roles.get(name);
            if (role != null) {
                // On every role, not only standbys: ha4neo.setRole('standby') requires the applier user too.
                b.settings(pluginSettings(name, role, broker)).user(applierCredentials);
            }
            customizer.accept(b);
            return b.build();
        }

        private Map<String, String> pluginSettings(String name, String role, KafkaBroker broker) {
            Map<String, String> s = new LinkedHashMap<>();
            s.put("ha4neo.role", role);
            s.put("ha4neo.member.name", name);
            s.put("ha4neo.applier.user", applierCredentials.user()); // the applier logs in as it (see buildApplier)
            s.put("ha4neo.cluster.id", CLUSTER_ID);
            s.put("ha4neo.topic", topic);
            s.put("dbms.security.procedures.unrestricted", "ha4neo.*");
            if (broker != null) {
                s.put("ha4neo.kafka.bootstrap.servers", broker.bootstrapServers());
            }
            return s;
        }

        private ApplierProcess buildApplier(String name, String applierTarget,
                                            Consumer<ApplierProcess.Builder> applierCustomizer,
                                            Map<String, Neo4jServer> servers, KafkaBroker broker,
                                            String applierTopic, boolean first) {
            Neo4jServer target = servers.get(applierTarget);
            if (target == null || broker == null) {
                throw new IllegalStateException("withApplier('" + applierTarget + "') needs a broker and a server "
                        + "of that name; servers: " + servers.keySet());
            }
            ApplierProcess.Builder b = ApplierProcess.builder(layout.applierJar(),
                            workDir.resolve(first ? "applier" : "applier-" + name), reaper)
                    .property("neo4j.uri", target.boltUri())
                    .property("neo4j.database", DATABASE)
                    .property("topic", applierTopic)
                    .property("kafka.bootstrap.servers", broker.bootstrapServers())
                    .metricsPort(FreePorts.next());
            if (target.authEnabled()) {
                b.neo4jCredentials(applierCredentials);
            } else {
                b.property("neo4j.password", ""); // a test that turned authentication off on purpose
            }
            b.property("member.name", applierTarget);
            if (!name.equals(applierTarget)) {
                b.property("kafka.group.instance.id", TopicNames.applierGroup(applierTopic, applierTarget) + "-" + name);
            }
            applierCustomizer.accept(b);
            return b.build();
        }

        private static boolean fastStart() {
            return Boolean.parseBoolean(System.getProperty(FAST_START_PROPERTY, "true"));
        }

        /** The JVM options of {@link #FAST_START_PROPERTY}, the class archive made first if needed. */
        private List<String> fastStartOptions() {
            if (!fastStart()) {
                return List.of();
            }
            List<String> options = new java.util.ArrayList<>(FAST_START_OPTIONS);
            options.addAll(Neo4jClassArchive.jvmOptions(Neo4jClassArchive.ensure(release, release.libDir(layout),
                    workRoot().resolve("class-archive-" + release.label()), reaper)));
            return options;
        }

        private static void wipe(Path dir) {
            WorkDirs.deleteRecursively(dir, "the previous test stack");
        }
    }
}
