package io.ha4neo.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.applier.GraphSnapshot;
import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.OpsCliRun;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.ChildProcess;
import io.ha4neo.launcher.process.Logs;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.topology.cli.ExitCodes;
import io.ha4neo.topology.cli.OpsCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * {@code ha4neo bootstrap} on real processes (issue #14, acceptance "seeding under load" and "crash mid-bootstrap"):
 * a primary {@code a} whose store got {@value #DEFAULT_NODES} nodes and twice as many relationships, with every value
 * type, an index and a constraint, before capture first ran on it (its first start is without the plugin, as an
 * existing database's when ha4neo is installed). A writer keeps changing that graph on the primary all along: property
 * and label changes, deletes, new nodes, and new relationships between old nodes (most of them before their endpoints
 * are seeded). The ops CLI seeds standby {@code b} from it, as a separate process, paced so that the seed lasts long
 * enough to be interrupted: its applier is killed with SIGKILL twice during the seed, and the CLI once, after which a
 * rerun resumes the run. After catch-up, the standby's graph equals the primary's ({@link GraphSnapshot}: every label,
 * typed property, endpoint, index and constraint), and {@code ha4neo verify} says so too.
 *
 * <p>{@code -Dha4neo.it.bootstrapNodes=N} changes the size (relationships are 2 N).
 */
class BootstrapIT {
    static final int DEFAULT_NODES = 200_000;
    private static final int NODES = Integer.getInteger("ha4neo.it.bootstrapNodes", DEFAULT_NODES);
    private static final int RELATIONSHIPS = 2 * NODES;
    /** Entities per second the CLI sends: the seed lasts about 30 s, long enough for the kills below. */
    private static final long RATE = Math.max(2_000, (NODES + RELATIONSHIPS) / 30);
    private static final List<String> LABELS = List.of("Person", "Item", "Ünïcödé", "with space");
    private static final List<String> TYPES = List.of("KNOWS", "OWNS", "LINKS TO", "Ρεлация");

    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("bootstrap")
            .withBroker()
            .withPrimary("a", Neo4jServer.Builder::firstStartWithoutPlugins)
            .withStandby("b")
            .withApplier("b")
            .start());

    @TempDir
    static Path dir;

    private static Path cluster;
    /** Every CLI process started, killed at the end whatever happened. */
    private static final List<Process> CLIS = new CopyOnWriteArrayList<>();
    private static Driver a;
    private static Driver b;

    @BeforeAll
    static void thePrimaryHoldsABigGraphBeforeCaptureFirstStartsOnIt() throws Exception {
        STACK.get().applier().stop(); // it starts with the stack; this test starts it once the standby is prepared
        Neo4jServer primary = STACK.get().server("a");
        long t0 = System.nanoTime();
        try (Driver driver = primary.driver()) {
            load(driver);
        }
        System.out.printf("bootstrap: loaded %d nodes and %d relationships in %.1f s%n", NODES, RELATIONSHIPS,
                (System.nanoTime() - t0) / 1e9);
        primary.stop();
        primary.start(); // with the plugin: capture's first start, on a store with data (the log's baseline says so)
        assertThat(primary.logContains(TestStack.PLUGIN_STARTED_LINE)).isTrue();
        a = primary.driver();
        b = STACK.get().server("b").driver();
        cluster = STACK.get().writeClusterFile(dir.resolve("cluster.json"), List.of("a", "b"));
    }

    @AfterAll
    static void closeDrivers() {
        CLIS.forEach(Process::destroyForcibly);
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void aStandbySeededUnderLoadWithTheApplierKilledTwiceAndTheCliOnceEqualsThePrimary() throws Exception {
        Churn churn = new Churn(a);
        churn.start();
        ApplierProcess applier = STACK.get().applier();

        long t0 = System.nanoTime();
        Process cli = startCli("first");
        Map<String, Object> stage = awaitStandby(s -> WatermarkNode.STAGE_AWAITING_BEGIN.equals(s.get("stage")),
                "prepared by the CLI", cli, "first");
        String run = (String) stage.get("run");
        applier.start();

        long begin = awaitSeeding(run, 0, cli, "first");
        killApplier(applier, run, "first");
        long killedAt = awaitSeeding(run, begin + 20, cli, "first");
        cli.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9 of the CLI mid-run
        assertThat(standbyStage().get("stage")).as("the CLI was killed mid-seed").isEqualTo(WatermarkNode.STAGE_SEEDING);

        Process rerun = startCli("rerun");
        awaitSeeding(run, killedAt + 20, rerun, "rerun");
        killApplier(applier, run, "second");

        assertThat(rerun.waitFor(10, TimeUnit.MINUTES)).as("the rerun ended").isTrue();
        String out = Files.readString(cliLog("rerun"));
        System.out.println("bootstrap CLI, first run (killed):\n" + Files.readString(cliLog("first")) + "rerun:\n" + out);
        assertThat(rerun.exitValue()).as("rerun's exit code; output:\n%s", out).isEqualTo(ExitCodes.OK);
        assertThat(out).contains("is in stage seeding of run " + run + ": resuming it")
                .contains("is seeded from member 'a'");

        long seeded = System.nanoTime();
        churn.stop();
        assertThat(churn.commits.get()).as("writer commits (failures %s)", churn.failures).isGreaterThan(100);
        awaitCaughtUp();
        long caughtUp = System.nanoTime();
        GraphSnapshot expected = GraphSnapshot.of(a, Identity.ORIGIN);
        GraphSnapshot actual = GraphSnapshot.of(b, Identity.REPLICA);
        System.out.printf("bootstrap: primary %s, standby %s, %d writer commits%n", expected, actual,
                churn.commits.get());
        assertThat(expected.nodeCount()).isGreaterThan(NODES / 2);
        assertThat(actual.problems()).as("entities applied twice").isEmpty();
        expected.assertSameAs(actual);
        assertThat(standbyStage()).containsEntry("stage", ProcedureNames.STAGE_FOLLOWING);

        long compared = System.nanoTime();
        OpsCliRun verify = OpsCliRun.of("--cluster", cluster.toString(), "verify", "--standby", "b", "--rate",
                "0");
        assertThat(verify.code()).as(verify.toString()).isEqualTo(ExitCodes.OK);
        System.out.printf("bootstrap: seeded in %.1f s, caught up %.1f s later, compared in %.1f s, verified in %.1f s%n",
                (seeded - t0) / 1e9, (caughtUp - seeded) / 1e9, (compared - caughtUp) / 1e9,
                (System.nanoTime() - compared) / 1e9);
    }

    // ------------------------------------------------------------------------------------------ the graph

    /** {@link #NODES} nodes and {@link #RELATIONSHIPS} relationships with every value type, an index, a constraint. */
    private static void load(Driver driver) {
        try (Session s = driver.session()) {
            s.run("CREATE CONSTRAINT seed_sid FOR (n:Seed) REQUIRE n.sid IS UNIQUE").consume();
            s.run("CREATE INDEX seed_name FOR (n:Seed) ON (n.name)").consume();
            s.run("CALL db.awaitIndexes(300)").consume();
            List<byte[]> bytes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                bytes.add(new byte[] {(byte) i, (byte) (255 - i), 0, 127});
            }
            for (int l = 0; l < LABELS.size(); l++) {
                s.run("UNWIND range(0, $n - 1) AS i WITH i WHERE i % 4 = $l CALL (i) { CREATE (n:Seed:`"
                        + LABELS.get(l) + "` {sid: i, name: 'n' + i}) SET n += CASE i % 3 "
                        + "WHEN 0 THEN {i: i, f: i * 0.5, b: i % 2 = 0, s: 'héllo ' + i, bytes: $bytes[i % 16], "
                        + "  longs: [i, -i], doubles: [1.5, i * 0.25], strings: ['a', 'ü' + i], bools: [true, false]} "
                        + "WHEN 1 THEN {d: date({year: 2000 + i % 25, month: 1 + i % 12, day: 1 + i % 28}), "
                        + "  lt: localtime({hour: i % 24, minute: i % 60, second: i % 60, nanosecond: i}), "
                        + "  t: time({hour: i % 24, minute: 1, timezone: '+05:30'}), "
                        + "  ldt: localdatetime({year: 2020, month: 2, day: 29, hour: i % 24}), "
                        + "  zdt: datetime({year: 2024, month: 3, day: 31, hour: 2 + i % 3, minute: 30, "
                        + "    timezone: 'Europe/Berlin'}), odt: datetime({year: 2024, month: 1, day: 1, "
                        + "    timezone: '-03:00'}), dur: duration({months: i % 13, days: i % 31, seconds: i, "
                        + "    nanoseconds: i % 1000}), dates: [date('2024-02-29'), date({year: 1900 + i % 200})]} "
                        + "ELSE {p2: point({x: i, y: -i}), p3: point({x: i, y: 0.5, z: -1.25}), "
                        + "  geo: point({longitude: (i % 360) - 180, latitude: (i % 180) - 90}), "
                        + "  geo3: point({longitude: 13.4, latitude: 52.5, height: i}), negZero: -0.0, "
                        + "  big: 9007199254740993, empty: ''} END "
                        + "} IN TRANSACTIONS OF 10000 ROWS", Map.of("n", NODES, "l", l, "bytes", bytes)).consume();
            }
            for (int t = 0; t < TYPES.size(); t++) {
                s.run("UNWIND range(0, $r - 1) AS j WITH j WHERE j % 4 = $t CALL (j) { "
                        + "MATCH (x:Seed {sid: j % $n}), (y:Seed {sid: (j * 7919 + 13) % $n}) "
                        + "CREATE (x)-[:`" + TYPES.get(t) + "` {rid: j, w: j * 0.25, at: date({year: 2000 + j % 20}), "
                        + "tags: ['r' + j]}]->(y) } IN TRANSACTIONS OF 10000 ROWS",
                        Map.of("r", RELATIONSHIPS, "n", NODES, "t", t)).consume();
            }
            s.run("MATCH (x:Seed {sid: 1}) CREATE (x)-[:KNOWS {rid: -1, self: true}]->(x)").consume();
        }
    }

    /**
     * One writer on the primary's seeded graph, all through the run: it changes, deletes and links old entities
     * (found by {@code sid}), most of them before the bootstrap has sent them, and creates new ones.
     */
    private static final class Churn {
        final AtomicLong commits = new AtomicLong();
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final Driver driver;
        private final AtomicBoolean stop = new AtomicBoolean();
        private Thread thread;

        Churn(Driver driver) {
            this.driver = driver;
        }

        void start() {
            thread = new Thread(this::run, "bootstrap-it-churn");
            thread.start();
        }

        private void run() {
            Random random = new Random(20_261_202L);
            try (Session s = driver.session()) {
                for (long k = 0; !stop.get(); k++) {
                    String cypher = statement(random.nextInt(9));
                    Map<String, Object> p = Map.of("sid", (long) random.nextInt(NODES), "other",
                            (long) random.nextInt(NODES), "k", k, "new", NODES + k);
                    try {
                        s.executeWriteWithoutResult(tx -> tx.run(cypher, p).consume());
                        commits.incrementAndGet();
                    } catch (RuntimeException e) {
                        if (failures.size() < 5) {
                            failures.add(e.toString());
                        }
                    }
                }
            }
        }

        private static String statement(int op) {
            return switch (op) {
                case 0 -> "MATCH (n:Seed {sid: $sid}) SET n.name = 'changed ' + $k, n.f = $k * 1.5";
                case 1 -> "MATCH (n:Seed {sid: $sid}) REMOVE n.i, n.d, n.p2";
                case 2 -> "MATCH (n:Seed {sid: $sid}) SET n:Extra REMOVE n:Person";
                case 3 -> "MATCH (n:Seed {sid: $sid}) DETACH DELETE n";
                case 4 -> "CREATE (:Seed:Fresh {sid: $new, name: 'fresh ' + $k, at: datetime()})";
                case 5 -> "MATCH (x:Seed {sid: $sid}), (y:Seed {sid: $other}) CREATE (x)-[:LATE {k: $k}]->(y)";
                case 6 -> "MATCH (:Seed {sid: $sid})-[r]->() WITH r LIMIT 1 SET r.w = $k, r.touched = true";
                case 7 -> "MATCH (:Seed {sid: $sid})-[r]->() WITH r LIMIT 1 DELETE r";
                default -> "MATCH (n:Seed {sid: $sid}) SET n.s = 'ü' + $k, n.longs = [$k]";
            };
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(60_000);
        }
    }

    // ------------------------------------------------------------------------------------------ the CLI and the run

    /** {@code ha4neo bootstrap --standby b}, as a process of its own (so that it can be killed with SIGKILL). */
    private static Process startCli(String name) throws Exception {
        List<String> command = List.of(ChildProcess.javaBinary(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), OpsCli.class.getName(), "--cluster", cluster.toString(),
                "bootstrap", "--standby", "b", "--rate", Long.toString(RATE));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(cliLog(name).toFile()).start();
        CLIS.add(p);
        return p;
    }

    private static Path cliLog(String name) {
        return dir.resolve("bootstrap-cli-" + name + ".log");
    }

    /** Kills the applier with SIGKILL while the standby is seeding, then starts it again. */
    private static void killApplier(ApplierProcess applier, String run, String which) throws Exception {
        applier.kill();
        Map<String, Object> stage = standbyStage();
        assertThat(stage).as("the %s kill of the applier fell in the seed", which)
                .containsEntry("stage", WatermarkNode.STAGE_SEEDING).containsEntry("run", run);
        Thread.sleep(1_000);
        applier.start();
    }

    /** Waits until the standby seeds {@code run} past commit {@code after}; returns its commit id. */
    private static long awaitSeeding(String run, long after, Process cli, String cliName) throws Exception {
        Map<String, Object> s = awaitStandby(m -> WatermarkNode.STAGE_SEEDING.equals(m.get("stage"))
                && run.equals(m.get("run")) && ((Number) m.get("commitId")).longValue() > after, "seeding past commit "
                + after, cli, cliName);
        return ((Number) s.get("commitId")).longValue();
    }

    private static Map<String, Object> awaitStandby(Predicate<Map<String, Object>> condition, String what, Process cli,
                                                    String cliName) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        Map<String, Object> last = Map.of();
        while (System.nanoTime() < deadline) {
            last = standbyStage();
            if (condition.test(last)) {
                return last;
            }
            if (!cli.isAlive() && cli.exitValue() != 0) {
                throw new AssertionError("the CLI exited with " + cli.exitValue() + " before the standby was " + what
                        + "; its output:\n" + Logs.tail(cliLog(cliName), 40));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("standby not " + what + " within 5 min; last: " + last + "; applier log:\n"
                + Logs.tail(STACK.get().applier().logFile(), 40));
    }

    /** The standby's {@code ha4neo.bootstrap.progress()} row. */
    private static Map<String, Object> standbyStage() {
        try (Session s = b.session()) {
            return s.run(ProcedureNames.call(ProcedureNames.BOOTSTRAP_PROGRESS)).single().asMap();
        }
    }

    /** Until the primary published everything and the standby's watermark names its last published commit. */
    private static void awaitCaughtUp() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Record st;
            try (Session s = a.session()) {
                st = s.run(ProcedureNames.call(ProcedureNames.STATUS)).single();
            }
            long published = st.get(StatusColumns.LAST_PUBLISHED_ID).asLong();
            Map<String, Object> standby = standbyStage();
            last = "published " + published + ", standby " + standby;
            if (published >= st.get(StatusColumns.LAST_SPOOLED_ID).asLong()
                    && PublisherState.PUBLISHING.name().equals(st.get(StatusColumns.PUBLISHER_STATE).asString())
                    && ((Number) standby.get("commitId")).longValue() == published) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("standby did not catch up within 5 min: " + last);
    }
}
