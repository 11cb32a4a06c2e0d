package io.ha4neo.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ha4neo.launcher.cli.StackBootstrap;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.Credentials;
import io.ha4neo.launcher.process.FreePorts;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.ProcessReaper;
import io.ha4neo.launcher.process.ProjectLayout;
import io.ha4neo.launcher.process.WorkDirs;
import io.ha4neo.topology.cli.OpsCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import picocli.CommandLine;

/**
 * Step 6, seeding a standby from a primary that already holds a graph: {@code ha4neo bootstrap} (online, through the
 * log, while one client keeps committing on the primary) beside Community's only other way, an offline
 * {@code neo4j-admin database dump} of the stopped primary and a {@code database load} of the dump, of the same graph
 * in the same run. Then {@code ha4neo verify} of the seeded standby, which must say EQUAL. The client's commit rate
 * during the bootstrap and during the verify is compared with its rate in quiet windows before, between and after.
 *
 * <p>Its own processes, on the run's broker: {@code seed-primary} (the graph is loaded before its plugin first
 * starts, as on a database where ha4neo is installed late), {@code seed-standby} with its applier, and
 * {@code seed-copy}, the target of the load, which is never started. Both servers get a page cache of
 * {@value #PAGE_CACHE}, so that neither way is measured against a thrashing cache.
 */
final class StandbySeeding {
    static final String TOPIC = "ha4neo.bench.seed";
    static final String PAGE_CACHE = "1g";
    static final String HEAP = "1g";
    private static final String CLUSTER_ID = BenchStack.CLUSTER_ID + "-seed";
    private static final String PRIMARY = "seed-primary";
    private static final String STANDBY = "seed-standby";
    private static final String PRIMARY_PASSWORD_ENV = "HA4NEO_BENCH_SEED_PRIMARY_PASSWORD";
    private static final String STANDBY_PASSWORD_ENV = "HA4NEO_BENCH_SEED_STANDBY_PASSWORD";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ADMIN_TIMEOUT = Duration.ofMinutes(30);

    /**
     * What the step measured.
     *
     * @param nodes nodes of the graph
     * @param relationships relationships of the graph
     * @param loadSeconds writing the graph into the primary (not part of any comparison)
     * @param dumpSeconds {@code neo4j-admin database dump} of the stopped primary
     * @param restoreSeconds {@code neo4j-admin database load} of that dump into an empty server
     * @param dumpBytes the dump's size
     * @param bootstrapSeconds {@code ha4neo bootstrap}: from the command's start to its return, once the standby
     *                         applied the run's end (the applier's start, once the standby is prepared, included)
     * @param bootstrapReport the command's {@code --json} report
     * @param verifyRate {@code ha4neo verify --rate}: ids read per second from each member
     * @param verifySeconds {@code ha4neo verify} of the seeded standby (it said EQUAL, or the step failed)
     * @param commitRates the client's commit rate per window: quiet before, during bootstrap, quiet between, during
     *                    verify, quiet after
     */
    record Result(long nodes, long relationships, double loadSeconds, double dumpSeconds, double restoreSeconds,
                  long dumpBytes, double bootstrapSeconds, Map<String, Object> bootstrapReport, long verifyRate,
                  double verifySeconds, Map<String, CommitTimeline.Rate> commitRates) {

        double offlineSeconds() {
            return dumpSeconds + restoreSeconds;
        }

        double onlineOverOffline() {
            return bootstrapSeconds / offlineSeconds();
        }

        /** The quiet windows' mean rate: the client's rate with nothing else running. */
        double quietTxPerSecond() {
            return commitRates.entrySet().stream().filter(e -> e.getKey().startsWith(QUIET))
                    .mapToDouble(e -> e.getValue().txPerSecond()).average().orElse(Double.NaN);
        }

        double duringBootstrapRatio() {
            return commitRates.get(DURING_BOOTSTRAP).txPerSecond() / quietTxPerSecond();
        }

        double duringVerifyRatio() {
            return commitRates.get(DURING_VERIFY).txPerSecond() / quietTxPerSecond();
        }
    }

    static final String QUIET = "quiet";
    static final String DURING_BOOTSTRAP = "during bootstrap";
    static final String DURING_VERIFY = "during verify";

    private StandbySeeding() {
    }

    static Result run(Params p, ProjectLayout layout, Path workDir, KafkaBroker broker, ProcessReaper reaper,
                      List<String> jfr, Workload workload) throws Exception {
        WorkDirs.deleteRecursively(workDir, "the previous seeding step");
        Credentials applierUser = Credentials.generated(Credentials.APPLIER_USER);
        Neo4jServer primary = server(layout, workDir, reaper, PRIMARY, jfr).plugin(layout.pluginJar())
                .firstStartWithoutPlugins().settings(plugin(broker, applierUser, "primary")).user(applierUser).build();
        Neo4jServer standby = server(layout, workDir, reaper, STANDBY, jfr).plugin(layout.pluginJar())
                .settings(plugin(broker, applierUser, "standby")).user(applierUser).build();
        Neo4jServer copy = server(layout, workDir, reaper, "seed-copy", List.of()).build();
        ApplierProcess applier = applier(layout, workDir, reaper, broker, standby, applierUser,
                jfr.contains("applier"));
        try {
            primary.start();
            double loadSeconds = timed(() -> load(primary, p.seedNodes()));
            long[] counts = counts(primary);
            System.out.printf("  primary holds %d nodes, %d relationships (written in %.1f s)%n", counts[0], counts[1],
                    loadSeconds);
            primary.stop();
            Path dumps = Files.createDirectories(workDir.resolve("dumps"));
            double dumpSeconds = timed(() -> primary.admin(ADMIN_TIMEOUT, "database", "dump", "neo4j",
                    "--to-path=" + dumps));
            long dumpBytes = size(dumps);
            double restoreSeconds = timed(() -> copy.admin(ADMIN_TIMEOUT, "database", "load", "neo4j",
                    "--from-path=" + dumps, "--overwrite-destination=true"));
            System.out.printf("  offline: dump %.1f s (%d MiB), load %.1f s%n", dumpSeconds, dumpBytes >> 20,
                    restoreSeconds);
            WorkDirs.deleteRecursively(dumps, "the dump");
            WorkDirs.deleteRecursively(copy.homeDir(), "the loaded copy");
            primary.start(); // now with the plugin: capture starts on a database that holds a graph
            standby.start();
            Path cluster = clusterFile(workDir, broker, primary, standby);
            Map<String, String> env = Map.of(PRIMARY_PASSWORD_ENV, primary.password(),
                    STANDBY_PASSWORD_ENV, standby.password());
            try (Driver client = primary.driver(); CommitTimeline timeline = CommitTimeline.start(client, workload)) {
                timeline.quiet(QUIET + " before", p.seedQuietSeconds());
                StackBootstrap.Outcome bootstrap = timeline.window(DURING_BOOTSTRAP, () -> StackBootstrap.run(cluster,
                        env::get, List.of("--json"), STANDBY, standby, applier::start, line -> { }));
                if (bootstrap.exitCode() != 0) {
                    throw new IllegalStateException("ha4neo bootstrap exited " + bootstrap.exitCode() + ":\n"
                            + bootstrap.out());
                }
                System.out.printf("  online: ha4neo bootstrap %.1f s%n", bootstrap.seconds());
                timeline.quiet(QUIET + " between", p.seedQuietSeconds());
                double verifySeconds = timeline.window(DURING_VERIFY, () -> timed(() -> verify(cluster, env,
                        p.seedVerifyRate())));
                System.out.printf("  ha4neo verify --rate %d: EQUAL in %.1f s%n", p.seedVerifyRate(), verifySeconds);
                timeline.quiet(QUIET + " after", p.seedQuietSeconds());
                timeline.close();
                return new Result(counts[0], counts[1], loadSeconds, dumpSeconds, restoreSeconds, dumpBytes,
                        bootstrap.seconds(), JSON.readValue(bootstrap.out(), Map.class), p.seedVerifyRate(),
                        verifySeconds, timeline.rates());
            }
        } finally {
            applier.stop();
            Thread stopStandby = new Thread(standby::stop, "stop-" + STANDBY);
            stopStandby.start();
            primary.stop();
            stopStandby.join();
        }
    }

    private static Neo4jServer.Builder server(ProjectLayout layout, Path workDir, ProcessReaper reaper, String name,
                                              List<String> jfr) {
        Neo4jServer.Builder b = Neo4jServer.builder(name, layout.neo4jLibDir(), workDir.resolve(name), reaper)
                .heap(HEAP).pageCache(PAGE_CACHE).readinessTimeout(Duration.ofSeconds(300)).withoutBoltShutdownQuietPeriod();
        String role = name.substring("seed-".length());
        if (jfr.contains(role)) {
            b.jvmOption("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + workDir.resolve(name + ".jfr"));
        }
        return b;
    }

    private static Map<String, String> plugin(KafkaBroker broker, Credentials applierUser, String role) {
        return BenchPlugin.settings(role, CLUSTER_ID, TOPIC, broker, applierUser);
    }

    private static ApplierProcess applier(ProjectLayout layout, Path workDir, ProcessReaper reaper, KafkaBroker broker,
                                          Neo4jServer standby, Credentials applierUser, boolean jfr) {
        ApplierProcess.Builder b = ApplierProcess.builder(layout.applierJar(), workDir.resolve("applier"), reaper)
                .property("neo4j.uri", standby.boltUri())
                .neo4jCredentials(applierUser)
                .property("neo4j.database", "neo4j")
                .property("topic", TOPIC)
                .property("kafka.bootstrap.servers", broker.bootstrapServers())
                .property("kafka.group.id", "ha4neo-applier-" + TOPIC)
                .metricsPort(FreePorts.next());
        if (jfr) {
            b.jvmOptions(List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                            + workDir.resolve("seed-applier.jfr")));
        }
        return b.build();
    }

    /**
     * Writes {@code nodes} nodes under four labels and {@code 2 * nodes} relationships of three types, with a property
     * of every value type Neo4j stores (byte arrays and lists included), an index and a uniqueness constraint.
     */
    private static void load(Neo4jServer primary, long nodes) {
        byte[] bytes = new byte[] {0, 1, 2, -128, 127};
        try (Driver driver = primary.driver(); Session s = driver.session()) {
            s.run("CREATE CONSTRAINT seed_id IF NOT EXISTS FOR (n:Seed) REQUIRE n.id IS UNIQUE").consume();
            s.run("CREATE INDEX seed_name IF NOT EXISTS FOR (n:Seed) ON (n.name)").consume();
            s.run("CALL db.awaitIndexes(300)").consume();
            s.run("UNWIND range(0, $n - 1) AS i CALL (i) { CREATE (x:Seed:$(['Person', 'Item', 'Place', 'Ünïcödé'][i % 4])"
                    + " {id: i, name: 'seed ' + i, long: i * 7919, double: i / 3.0, flag: i % 2 = 0, bytes: $bytes,"
                    + " date: date({year: 1950 + i % 70, month: 1 + i % 12, day: 1 + i % 28}),"
                    + " time: time({hour: i % 24, minute: i % 60, timezone: '+02:00'}),"
                    + " localTime: localtime({hour: i % 24, minute: i % 60, second: i % 60}),"
                    + " dateTime: datetime({epochMillis: 1600000000000 + i, timezone: 'Europe/Berlin'}),"
                    + " localDateTime: localdatetime({year: 2020, month: 1 + i % 12, day: 1, hour: i % 24}),"
                    + " duration: duration({days: i % 400, seconds: i % 3600}),"
                    + " point: point({x: i * 0.5, y: -i}), geo: point({longitude: i % 180, latitude: i % 90, height: i}),"
                    + " tags: ['seed', 'n' + (i % 10)], scores: [i, i + 1, i + 2]}) } IN TRANSACTIONS OF 10000 ROWS",
                    Map.of("n", nodes, "bytes", bytes)).consume();
            s.run("UNWIND range(0, 2 * $n - 1) AS j CALL (j) { MATCH (x:Seed {id: j % $n}),"
                    + " (y:Seed {id: (j * 7919 + 1) % $n}) CREATE (x)-[:$(['KNOWS', 'OWNS', 'LINKS TO'][j % 3])"
                    + " {since: 1990 + j % 30, weight: j * 0.25, at: datetime({epochMillis: 1600000000000 + j}),"
                    + " labels: ['r' + (j % 7)]}]->(y) } IN TRANSACTIONS OF 10000 ROWS", Map.of("n", nodes)).consume();
        }
    }

    private static long[] counts(Neo4jServer primary) {
        try (Driver driver = primary.driver(); Session s = driver.session()) {
            return new long[] {s.run("MATCH (n) RETURN count(n) AS c").single().get("c").asLong(),
                    s.run("MATCH ()-[r]->() RETURN count(r) AS c").single().get("c").asLong()};
        }
    }

    private static void verify(Path cluster, Map<String, String> env, long rate) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new OpsCli(env::get));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("--cluster", cluster.toString(), "verify", "--standby", STANDBY,
                "--rate", Long.toString(rate));
        if (code != 0) {
            throw new IllegalStateException("ha4neo verify --standby " + STANDBY + " exited " + code
                    + " (0 is EQUAL) after the bootstrap:\n" + out + err);
        }
    }

    private static Path clusterFile(Path dir, KafkaBroker broker, Neo4jServer primary, Neo4jServer standby)
            throws Exception {
        String member = """
                {"name": "%s", "bolt": "%s", "user": "%s", "password": "${%s}"}""";
        String text = """
                {
                  "clusterId": "%s",
                  "database": "neo4j",
                  "topic": "%s",
                  "kafka": {"bootstrapServers": "%s", "replicationFactor": 1},
                  "members": [%s, %s]
                }
                """.formatted(CLUSTER_ID, TOPIC, broker.bootstrapServers(),
                member.formatted(PRIMARY, primary.boltUri(), Neo4jServer.USER, PRIMARY_PASSWORD_ENV),
                member.formatted(STANDBY, standby.boltUri(), Neo4jServer.USER, STANDBY_PASSWORD_ENV));
        return Files.writeString(dir.resolve("cluster.json"), text);
    }

    private static long size(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static double timed(Runnable action) {
        long t0 = System.nanoTime();
        action.run();
        return (System.nanoTime() - t0) / 1e9;
    }
}
