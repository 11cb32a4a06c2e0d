package io.ha4neo.bench;

import io.ha4neo.launcher.process.WorkDirs;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.Credentials;
import io.ha4neo.launcher.process.FreePorts;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.ProcessReaper;
import io.ha4neo.launcher.process.ProjectLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The processes of one benchmark run, all real and started from the artifacts {@code mvn install} built:
 * <ul>
 *   <li>{@code broker}: one Kafka broker;</li>
 *   <li>{@code off}: a Neo4j server without the ha4neo plugin jar (the capture baseline);</li>
 *   <li>{@code async} / {@code semi}: primaries with {@code ha4neo.durability=async} / {@code semi-sync}, each
 *       publishing to its own topic;</li>
 *   <li>{@code standby} and the applier, replicating the async primary's topic;</li>
 *   <li>{@code limit}: an empty server without the plugin, the target of the physical-limit writer (in a quick
 *       run the server {@code off} plays this part).</li>
 * </ul>
 * Every server has the same heap, page cache and GC, and authentication on (the launcher's default, a generated
 * password each); the applier logs in as its own user, as in {@code ./stack up}. Work dir
 * {@code bench/target/bench-work/run} (wiped at start); the {@link ProcessReaper} stops everything on exit and kills
 * leftovers of a crashed earlier run.
 */
final class BenchStack implements AutoCloseable {
    /**
     * Cluster id prefix. Each primary gets its own cluster id, because the plugin's Kafka transactional.id is
     * {@code ha4neo-<cluster.id>-<database>}: two primaries of one cluster id on one broker would fence each other.
     */
    static final String CLUSTER_ID = "bench";
    static final String ASYNC_TOPIC = "ha4neo.bench.async";
    static final String SEMI_TOPIC = "ha4neo.bench.semi";

    final Path workDir;
    final ProcessReaper reaper;
    final KafkaBroker broker;
    final Neo4jServer off;
    final Neo4jServer async;
    final Neo4jServer semi;
    final Neo4jServer standby;
    final Neo4jServer limit;
    final ApplierProcess applier;
    /** The async primary's own applier: idle while it is primary, it follows the standby after a switchover. */
    final ApplierProcess asyncApplier;
    private final Credentials applierCredentials = Credentials.generated(Credentials.APPLIER_USER);

    private BenchStack(ProjectLayout layout, Path workDir, ProcessReaper reaper, List<String> jfrDirs,
                       boolean withLimit) {
        this.workDir = workDir;
        this.reaper = reaper;
        this.broker = KafkaBroker.builder(layout.kafkaLibDir(), workDir.resolve("kafka"), reaper)
                .setting("auto.create.topics.enable", "false").readinessTimeout(Duration.ofSeconds(240)).build();
        this.off = server(layout, reaper, "off", null, jfrDirs).build();
        this.async = server(layout, reaper, "async", "async", jfrDirs).build();
        this.semi = server(layout, reaper, "semi", "semi-sync", jfrDirs).build();
        this.standby = server(layout, reaper, "standby", "standby", jfrDirs).build();
        this.limit = withLimit ? server(layout, reaper, "limit", null, jfrDirs).build() : off;
        this.applier = applier(layout, reaper, jfrDirs.contains("applier"));
        this.asyncApplier = ApplierProcess.builder(layout.applierJar(), workDir.resolve("applier-async"), reaper)
                .property("neo4j.uri", async.boltUri())
                .neo4jCredentials(applierCredentials)
                .property("neo4j.database", "neo4j")
                .property("topic", ASYNC_TOPIC)
                .property("kafka.bootstrap.servers", broker.bootstrapServers())
                .property("kafka.group.id", "ha4neo-applier-" + ASYNC_TOPIC + "-async")
                .metricsPort(FreePorts.next())
                .build();
    }

    /**
     * Builds the stack in {@code <workRoot>/run} and starts the broker and, unless {@code brokerOnly}, every server
     * (not the applier).
     *
     * @param jfrTargets names of the processes to record with Java Flight Recorder ("async", "standby", "applier")
     */
    static BenchStack start(ProjectLayout layout, Path workRoot, List<String> jfrTargets, boolean withLimit,
                            boolean brokerOnly) {
        ProcessReaper reaper = ProcessReaper.forStateRoot(workRoot);
        Path workDir = workRoot.resolve("run");
        wipe(workDir);
        BenchStack stack = new BenchStack(layout, workDir, reaper, jfrTargets, withLimit);
        try {
            stack.broker.start();
            if (!brokerOnly) {
                inParallel(stack.servers());
            }
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private Neo4jServer.Builder server(ProjectLayout layout, ProcessReaper reaper, String name, String mode,
                                       List<String> jfrTargets) {
        Neo4jServer.Builder b = Neo4jServer.builder(name, layout.neo4jLibDir(), workDir.resolve(name), reaper)
                .readinessTimeout(Duration.ofSeconds(300)).withoutBoltShutdownQuietPeriod();
        if (jfrTargets.contains(name)) {
            b.jvmOption(jfrOption(name));
        }
        if (mode == null) {
            return b; // no plugin jar at all: the honest baseline
        }
        b.plugin(layout.pluginJar());
        return b.settings(pluginSettings(mode)).user(applierCredentials);
    }

    private Map<String, String> pluginSettings(String mode) {
        boolean standbyRole = "standby".equals(mode);
        Map<String, String> s = BenchPlugin.settings(standbyRole ? "standby" : "primary",
                CLUSTER_ID + ("semi-sync".equals(mode) ? "-semi" : "-async"),
                "semi-sync".equals(mode) ? SEMI_TOPIC : ASYNC_TOPIC, broker, applierCredentials);
        if (!standbyRole) {
            s.put("ha4neo.durability", mode);
        }
        return s;
    }

    private ApplierProcess applier(ProjectLayout layout, ProcessReaper reaper, boolean jfr) {
        ApplierProcess.Builder b = ApplierProcess.builder(layout.applierJar(), workDir.resolve("applier"), reaper)
                .property("neo4j.uri", standby.boltUri())
                .neo4jCredentials(applierCredentials)
                .property("neo4j.database", "neo4j")
                .property("topic", ASYNC_TOPIC)
                .property("kafka.bootstrap.servers", broker.bootstrapServers())
                .metricsPort(FreePorts.next());
        if (jfr) {
            b.jvmOptions(List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", jfrOption("applier")));
        }
        return b.build();
    }

    private String jfrOption(String name) {
        return "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                + workDir.resolve(name + ".jfr");
    }

    /** PIDs of the running processes by name, for CPU and memory readings. */
    Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("broker", broker.pid());
        for (Neo4jServer s : servers()) {
            pids.put(s.name(), s.pid());
        }
        pids.put("applier", applier.pid());
        return pids;
    }

    /** The distinct servers (the limit server may be the one without plugin). */
    List<Neo4jServer> servers() {
        return limit == off ? List.of(off, async, semi, standby) : List.of(off, async, semi, standby, limit);
    }

    /** Stops the appliers, then the servers in parallel, then the broker. */
    @Override
    public void close() {
        stopAllButBroker();
        broker.stop();
    }

    /** Stops the appliers, then the servers in parallel; the broker keeps running for the steps that follow. */
    void stopAllButBroker() {
        asyncApplier.stop();
        applier.stop();
        List<Thread> stoppers = new ArrayList<>();
        for (Neo4jServer s : servers()) {
            Thread t = new Thread(s::stop, "stop-" + s.name());
            t.start();
            stoppers.add(t);
        }
        stoppers.forEach(BenchStack::join);
    }

    private static void inParallel(List<Neo4jServer> servers) {
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Neo4jServer s : servers) {
            Thread t = new Thread(() -> {
                try {
                    s.start();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "start-" + s.name());
            t.start();
            threads.add(t);
        }
        threads.forEach(BenchStack::join);
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void wipe(Path dir) {
        WorkDirs.deleteRecursively(dir, "the previous benchmark run");
    }
}
