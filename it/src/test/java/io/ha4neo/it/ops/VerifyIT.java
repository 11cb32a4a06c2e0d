package io.ha4neo.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ha4neo.it.applier.GraphSnapshot;
import io.ha4neo.it.applier.Replication;
import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.OpsCliRun;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.topology.cli.ExitCodes;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;

/**
 * {@code ha4neo verify} on real processes: a primary {@code a} and a standby {@code b} replicating through Kafka, a
 * graph with every kind of value, an index and a constraint, and a writer that keeps committing on the primary (new
 * nodes, relationships to older ones, updates of older ones) while verify runs. First the graphs are equal: exit 0.
 * Then four differences are planted on the standby, past the write guard with the applier's own identity (its user
 * and its transaction tag, the one path the guard lets through): one property value that keeps its number but
 * changes its type, one label more, one relationship less, one node more. Verify exits 1 and lists exactly those four
 * entities, with the same contents as the integration tests' typed comparison ({@link GraphSnapshot}) shows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TransactionConfig APPLIER_TAG = TransactionConfig.builder()
            .withMetadata(Map.of(ReservedNames.APPLIER_METADATA_KEY, ReservedNames.APPLIER_TAG_VALUE)).build();

    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("ops-verify").withBroker()
            .withPrimary("a").withStandby("b").withApplier("b").start());

    @TempDir
    static Path dir;

    private static Path cluster;
    private static Driver a;
    private static Driver b;
    private static final LoadWriter writer = new LoadWriter();

    @BeforeAll
    static void replicateAGraphAndStartAWriter() throws Exception {
        a = STACK.get().server("a").driver();
        b = STACK.get().server("b").driver();
        cluster = STACK.get().writeClusterFile(dir.resolve("cluster.json"), List.of("a", "b"));
        try (Session s = a.session()) {
            s.run("CREATE INDEX person_name FOR (p:Person) ON (p.name)").consume();
            s.run("CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE").consume();
            s.run("CREATE INDEX load_n FOR (l:Load) ON (l.n)").consume();
            s.run("UNWIND range(0, 199) AS i CREATE (:Person {id: i, name: 'p' + i, score: i})").consume();
            s.run("MATCH (x:Person), (y:Person) WHERE y.id = x.id + 1 CREATE (x)-[:KNOWS {since: 2000 + x.id}]->(y)")
                    .consume();
            s.run("CREATE (:Typed {i: 1, f: 1.0, negZero: -0.0, s: 'x\\ny', b: $bytes, longs: [1, 2], doubles: [1.0], "
                            + "d: $date, zoned: $zoned, p: point({x: 1, y: 2, z: 3}), dur: duration('P1M2DT3S')})",
                    Map.of("bytes", new byte[] {1, 2, (byte) 0xff}, "date", LocalDate.of(2024, 2, 29),
                            "zoned", ZonedDateTime.of(2024, 3, 31, 3, 30, 0, 0, ZoneId.of("Europe/Berlin")))).consume();
        }
        writer.start(a);
        awaitStandby();
    }

    @AfterAll
    static void stopWriterAndCloseDrivers() throws InterruptedException {
        writer.stop();
        a.close();
        b.close();
    }

    @Test
    @Order(1)
    void equalGraphsExitZeroWhileAWriterKeepsCommittingOnThePrimary() throws Exception {
        long before = writer.commits.get();

        OpsCliRun run = verify("--json");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.OK);
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("outcome").asText()).isEqualTo("EQUAL");
        assertThat(report.get("differences")).isEmpty();
        assertThat(report.get("unsettled")).isEmpty();
        assertThat(report.get("nodes").get("primary").asLong()).isGreaterThan(200);
        assertThat(report.get("relationships").get("primary").asLong()).isGreaterThanOrEqualTo(199);
        assertThat(report.get("schemaObjects").get("primary").asLong()).as("two indexes, the constraint and its index")
                .isEqualTo(4);
        assertThat(report.get("schemaObjects").get("standby").asLong()).isEqualTo(4);
        assertThat(writer.commits.get() - before).as("commits on the primary while verify ran").isPositive();
        assertThat(writer.failures).isEmpty();
        System.out.printf("verify, equal graphs under writes: %s; %d suspects, %d rounds, %d ms, %d commits "
                        + "meanwhile%n", report.get("summary").asText(), report.get("suspects").asInt(),
                report.get("rounds").asInt(), report.get("millis").asLong(), writer.commits.get() - before);
        System.out.print(run.err());
    }

    @Test
    @Order(2)
    void fourPlantedDifferencesAreListedExactlyWithBothMembersContents() throws Exception {
        Map<String, String> keys = plantFourDifferences();

        OpsCliRun run = verify("--json");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.UNHEALTHY);
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("outcome").asText()).isEqualTo("DIFFERENT");
        Map<String, JsonNode> byKey = new HashMap<>();
        report.get("differences").forEach(d -> byKey.put(d.get("key").asText(), d));
        assertThat(byKey.keySet()).as(run.out()).containsExactlyInAnyOrderElementsOf(keys.values());
        assertThat(report.get("unsettled")).isEmpty();

        GraphSnapshot onA = GraphSnapshot.of(a, Identity.KEY);
        GraphSnapshot onB = GraphSnapshot.of(b, Identity.KEY);
        JsonNode typeChange = byKey.get(keys.get("typeChange"));
        assertThat(typeChange.get("kind").asText()).isEqualTo("node");
        assertThat(typeChange.get("change").asText()).isEqualTo("CHANGED");
        assertThat(typeChange.get("primary").asText()).isEqualTo(onA.nodes().get(keys.get("typeChange")))
                .contains("score: INTEGER 41");
        assertThat(typeChange.get("standby").asText()).isEqualTo(onB.nodes().get(keys.get("typeChange")))
                .contains("score: FLOAT 41.0");
        JsonNode label = byKey.get(keys.get("label"));
        assertThat(label.get("change").asText()).isEqualTo("CHANGED");
        assertThat(label.get("standby").asText()).isEqualTo(onB.nodes().get(keys.get("label"))).startsWith(":Person:Vip");
        JsonNode missing = byKey.get(keys.get("missingRelationship"));
        assertThat(missing.get("kind").asText()).isEqualTo("relationship");
        assertThat(missing.get("change").asText()).isEqualTo("MISSING_ON_STANDBY");
        assertThat(missing.get("primary").asText()).isEqualTo(onA.relationships().get(keys.get("missingRelationship")));
        assertThat(missing.get("standby").isNull()).isTrue();
        JsonNode extra = byKey.get(keys.get("extraNode"));
        assertThat(extra.get("change").asText()).isEqualTo("ONLY_ON_STANDBY");
        assertThat(extra.get("primary").isNull()).isTrue();
        assertThat(extra.get("standby").asText()).isEqualTo(":Extra {planted: BOOLEAN true}");

        System.out.printf("verify, four planted differences under writes: %s; %d suspects, %d ms%n",
                report.get("summary").asText(), report.get("suspects").asInt(), report.get("millis").asLong());
        System.out.print(run.err());

        OpsCliRun text = verify("--rounds", "2");
        assertThat(text.code()).as(text.toString()).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(text.out()).contains("DIFFERENT: 4 entities differ between a and b (2 changed, 1 missing on b, 1 "
                + "only on b)").containsPattern("(?m)^KEY +KIND +CHANGE +PRIMARY a +STANDBY b$")
                .contains("score: INTEGER 41", "score: FLOAT 41.0", "labels :Person:Vip");
        keys.values().forEach(k -> assertThat(text.out()).contains(k));
        assertThat(writer.failures).isEmpty();
    }

    @Test
    @Order(3)
    void verifyExitsTwoWhenTheStandbyItIsGivenIsThePrimary() {
        OpsCliRun run = OpsCliRun.of("--cluster", cluster.toString(), "verify", "--standby", "a");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).containsPattern("ERROR: member 'a' \\(bolt://127.0.0.1:\\d+, zone z-a\\) is primary, not a "
                + "standby");
    }

    private static OpsCliRun verify(String... extra) {
        List<String> args = new ArrayList<>(List.of("--cluster", cluster.toString(), "verify", "--standby", "b",
                "--chunk-size", "100"));
        args.addAll(List.of(extra));
        return OpsCliRun.of(args.toArray(String[]::new));
    }

    /**
     * On the standby, as the applier (its user and tag): score 41 of person 41 becomes the float 41.0, person 42 gets
     * the label Vip, the relationship from person 43 is deleted, and a node is created. Returns each one's replication
     * key; the new node is native to the standby, so its key is its own elementId.
     */
    private static Map<String, String> plantFourDifferences() {
        Map<String, String> keys = new HashMap<>();
        try (Session s = a.session()) {
            keys.put("typeChange", s.run("MATCH (p:Person {id: 41}) RETURN elementId(p) AS k").single().get("k")
                    .asString());
            keys.put("label", s.run("MATCH (p:Person {id: 42}) RETURN elementId(p) AS k").single().get("k").asString());
            keys.put("missingRelationship", s.run("MATCH (:Person {id: 43})-[r:KNOWS]->() RETURN elementId(r) AS k")
                    .single().get("k").asString());
        }
        try (Driver applier = STACK.get().server("b").driver(STACK.get().applierCredentials());
             Session s = applier.session()) {
            s.executeWriteWithoutResult(tx -> {
                tx.run("MATCH (p:Person {id: 41}) SET p.score = toFloat(p.score)").consume();
                tx.run("MATCH (p:Person {id: 42}) SET p:Vip").consume();
                tx.run("MATCH (:Person {id: 43})-[r:KNOWS]->() DELETE r").consume();
            }, APPLIER_TAG);
            keys.put("extraNode", s.executeWrite(tx -> tx.run("CREATE (n:Extra {planted: true}) RETURN elementId(n) AS k")
                    .single().get("k").asString(), APPLIER_TAG));
        }
        return keys;
    }

    /** Waits until the standby has applied everything the primary committed so far. */
    private static void awaitStandby() {
        Replication.awaitApplied(a, b, java.time.Duration.ofSeconds(120));
    }

    /**
     * One client on the primary, committing without pause: a new :Load node, a relationship from it to an older one,
     * and an update of another older one, each transaction touching only :Load nodes (never the planted entities).
     */
    private static final class LoadWriter {
        final AtomicLong commits = new AtomicLong();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private Thread thread;

        void start(Driver primary) {
            thread = new Thread(() -> run(primary), "verify-it-writer");
            thread.start();
        }

        private void run(Driver primary) {
            Random random = new Random(42);
            try (Session s = primary.session()) {
                for (long n = 0; !stop.get(); n++) {
                    long id = n;
                    long older = n == 0 ? 0 : random.nextLong(n);
                    s.executeWriteWithoutResult(tx -> tx.run("CREATE (x:Load {n: $n, touched: 0}) WITH x "
                            + "MATCH (o:Load {n: $older}) CREATE (x)-[:AFTER {at: $n}]->(o) "
                            + "WITH o MATCH (u:Load {n: $update}) SET u.touched = u.touched + 1",
                            Map.of("n", id, "older", older, "update", older / 2)).consume());
                    commits.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            if (thread != null) {
                thread.join(30_000);
            }
        }
    }
}
