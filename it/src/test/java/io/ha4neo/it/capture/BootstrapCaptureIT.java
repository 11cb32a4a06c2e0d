package io.ha4neo.it.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.value.IsoDuration;
import io.ha4neo.schemas.value.Point;
import io.ha4neo.schemas.value.Value;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;

/**
 * The capture side of a bootstrap run (docs/bootstrap.md) on real processes: a primary whose data was there before
 * capture ever ran on it (its first start is without the plugin), holding every value type, an index and a
 * constraint; and a standby without applier. On the primary, {@code ha4neo.bootstrap.begin} and {@code next} put the
 * run in the log as ordinary commits in the chain: a begin with the totals and the schema, chunks whose images are
 * exactly the primary's user entities, an end. On the standby, {@code prepare} and {@code progress} write and read its
 * watermark.
 */
class BootstrapCaptureIT {
    /** Small, so that each range takes several chunks. */
    private static final int CHUNK = 7;
    /** 1 typed person, 20 items, 1 empty node. */
    private static final long NODES = 22;
    /** 19 NEXT, 1 OWNS, 1 SELF. */
    private static final long RELATIONSHIPS = 21;

    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("bootstrap-capture")
            .withBroker()
            .withPrimary("primary", Neo4jServer.Builder::firstStartWithoutPlugins)
            .withStandby("standby")
            .start());

    @BeforeAll
    static void thePrimaryHoldsEveryValueTypeAnIndexAndAConstraintBeforeCaptureFirstStarts() {
        Neo4jServer primary = STACK.get().server("primary");
        try (Driver driver = primary.driver(); Session s = driver.session()) {
            s.run("CREATE (:Gone), (:Gone), (:Gone)").consume();
            s.run(TYPED_PERSON, Map.of("bytes", new byte[] {0, -1, 42}, "nan", Double.NaN,
                    "inf", Double.NEGATIVE_INFINITY)).consume();
            s.run("MATCH (g:Gone) DELETE g").consume(); // holes in the id range
            s.run("UNWIND range(1, 20) AS i CREATE (:Item {i: i})").consume();
            s.run("MATCH (a:Item), (b:Item) WHERE b.i = a.i + 1 CREATE (a)-[:NEXT {w: a.i * 0.5}]->(b)").consume();
            s.run("MATCH (p:Person), (i:Item {i: 1}) CREATE (p)-[:OWNS {since: date('2020-02-02'), tags: ['x', 'y']}]->(i)")
                    .consume();
            s.run("MATCH (i:Item {i: 20}) CREATE (i)-[:SELF]->(i), ()").consume();
            s.run("CREATE INDEX person_name FOR (p:Person) ON (p.name)").consume();
            s.run("CREATE CONSTRAINT item_i FOR (n:Item) REQUIRE n.i IS UNIQUE").consume();
        }
        primary.stop();
        primary.start(); // with the plugin now: capture's first start, on a store with data
        assertThat(primary.logContains(TestStack.PLUGIN_STARTED_LINE)).isTrue();
    }

    private static final String TYPED_PERSON = """
            CREATE (:Person:Typed {name: 'ann', b: true, i: -42, big: 9223372036854775807, f: -0.0, nan: $nan,
              inf: $inf, s: 'héllo 😀 \\u0000 "q"', bytes: $bytes, d: date('2024-02-29'),
              t: time('12:34:56.123456789+02:00'), lt: localtime('23:59:59.999999999'),
              dtz: datetime('2024-03-31T02:30:00[Europe/Berlin]'), dto: datetime('2024-03-31T02:30:00+05:45'),
              ldt: localdatetime('1999-12-31T23:59:59'),
              dur: duration({months: 14, days: -3, seconds: 5, nanoseconds: 7}),
              p2: point({x: 1.5, y: -2.0}), p3: point({x: 1.0, y: 2.0, z: 3.0}),
              g2: point({longitude: 13.4, latitude: 52.5}), g3: point({longitude: 13.4, latitude: 52.5, height: 34.0}),
              ab: [true, false], ai: [1, 2, 3], af: [1.5, -0.0], as: ['a', 'b'], ad: [date('2020-01-01')],
              at: [time('10:00+01:00')], alt: [localtime('10:00')], adt: [datetime('2020-01-01T00:00Z')],
              aldt: [localdatetime('2020-01-01T00:00')], adur: [duration('P1DT2H')],
              ap: [point({x: 1.0, y: 2.0}), point({x: 3.0, y: 4.0})]})
            """;

    @Test
    void aRunPutsItsBeginEveryUserEntityInChunksAndItsEndInTheChainAndNothingAfterItsEnd() throws Exception {
        try (Driver driver = STACK.get().server("primary").driver(); Session s = driver.session()) {
            Record begin = s.run("CALL " + ProcedureNames.BOOTSTRAP_BEGIN + "('standby', $chunk)",
                    Map.of("chunk", CHUNK)).single();
            String run = begin.get(ProcedureNames.RUN_COLUMN).asString();
            assertThat(begin.get(ProcedureNames.TOTAL_NODES_COLUMN).asLong()).isEqualTo(NODES);
            assertThat(begin.get(ProcedureNames.TOTAL_RELATIONSHIPS_COLUMN).asLong()).isEqualTo(RELATIONSHIPS);
            assertThat(begin.get(ProcedureNames.EPOCH_COLUMN).asLong()).isZero();

            List<Record> rows = nextUntilEnd(s, run);
            Record end = rows.get(rows.size() - 1);
            assertThat(rows).extracting(r -> r.get(ProcedureNames.PHASE_COLUMN).asString())
                    .containsExactly("NODES", "NODES", "NODES", "NODES", "RELATIONSHIPS", "RELATIONSHIPS",
                            "RELATIONSHIPS", "END");
            assertThat(end.get(ProcedureNames.NODES_SENT_COLUMN).asLong()).isEqualTo(NODES);
            assertThat(end.get(ProcedureNames.RELATIONSHIPS_SENT_COLUMN).asLong()).isEqualTo(RELATIONSHIPS);

            long committedBefore = status(s).get(StatusColumns.LAST_COMMITTED_ID).asLong();
            Record again = next(s, run);
            assertThat(again.asMap()).as("next after the end: the end's row again").isEqualTo(end.asMap());
            assertThat(status(s).get(StatusColumns.LAST_COMMITTED_ID).asLong()).as("no commit after the end")
                    .isEqualTo(committedBefore);
            awaitPublished(s);

            List<TransactionEvent> log = TopicEvents.read(STACK.get().broker().bootstrapServers(), STACK.get().topic())
                    .assertOrderedUnbrokenChain().events();
            assertThat(log.get(log.size() - 1).commitId()).as("nothing published after the end")
                    .isEqualTo(end.get(ProcedureNames.COMMIT_ID_COLUMN).asLong());
            theLogHoldsTheRunInOrder(log, run, begin, rows);
            theImagesAreExactlyThePrimarysUserEntities(log, driver);
            noEventMentionsTheProgressRecord(log);
        }
    }

    private static void theLogHoldsTheRunInOrder(List<TransactionEvent> log, String run, Record begin, List<Record> rows) {
        assertThat(log.get(0).isBaseline()).isTrue();
        List<TransactionEvent> runEvents = log.stream().filter(TransactionEvent::isBootstrap).toList();
        assertThat(runEvents).as("every event after the baseline belongs to the run").hasSize(log.size() - 1);
        assertThat(runEvents).extracting(e -> e.bootstrap().run()).containsOnly(run);
        assertThat(runEvents).extracting(TransactionEvent::commitId).containsExactlyElementsOf(Stream.concat(
                Stream.of(begin), rows.stream()).map(r -> r.get(ProcedureNames.COMMIT_ID_COLUMN).asLong()).toList());
        TransactionEvent first = runEvents.get(0);
        StoreContent totals = new StoreContent(NODES, RELATIONSHIPS, 1, 1);
        assertThat(first.bootstrap()).isEqualTo(new BootstrapMark(run, "standby", BootstrapPhase.BEGIN, "primary",
                totals, 0, 0));
        assertThat(first.schemaChanges()).extracting(SchemaChange::operation, SchemaChange::kind, SchemaChange::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(SchemaChange.Operation.CREATE,
                                SchemaChange.Kind.INDEX, "person_name"),
                        org.assertj.core.groups.Tuple.tuple(SchemaChange.Operation.CREATE,
                                SchemaChange.Kind.CONSTRAINT, "item_i"));
        assertThat(first.schemaChanges().get(0).statement()).contains("person_name").contains("`Person`")
                .contains("`name`");
        assertThat(first.schemaChanges().get(1).statement()).contains("IS UNIQUE").contains("`Item`");
        TransactionEvent last = runEvents.get(runEvents.size() - 1);
        assertThat(last.bootstrap()).isEqualTo(new BootstrapMark(run, "standby", BootstrapPhase.END, "primary", totals,
                NODES, RELATIONSHIPS));
        assertThat(runEvents).allSatisfy(e -> assertThat(e.bootstrap().totals()).isEqualTo(totals));
        assertThat(runEvents).extracting(e -> e.bootstrap().phase()).containsExactly(BootstrapPhase.BEGIN,
                BootstrapPhase.NODES, BootstrapPhase.NODES, BootstrapPhase.NODES, BootstrapPhase.NODES,
                BootstrapPhase.RELATIONSHIPS, BootstrapPhase.RELATIONSHIPS, BootstrapPhase.RELATIONSHIPS,
                BootstrapPhase.END);
        assertThat(runEvents).allSatisfy(e -> assertThat(e.bootstrapNodes().size() + e.bootstrapRelationships().size())
                .isLessThanOrEqualTo(CHUNK));
    }

    private static void theImagesAreExactlyThePrimarysUserEntities(List<TransactionEvent> log, Driver driver) {
        List<NodeCreated> nodes = log.stream().flatMap(e -> e.bootstrapNodes().stream()).toList();
        List<RelationshipCreated> rels = log.stream().flatMap(e -> e.bootstrapRelationships().stream()).toList();
        try (Session s = driver.session()) {
            Map<String, NodeCreated> expectedNodes = new TreeMap<>();
            s.run("MATCH (n) WHERE NOT n:" + ReservedNames.BOOTSTRAP_LABEL + " RETURN elementId(n) AS key, "
                            + "labels(n) AS labels, properties(n) AS props")
                    .forEachRemaining(r -> expectedNodes.put(r.get("key").asString(), new NodeCreated(
                            r.get("key").asString(), r.get("labels").asList(v -> v.asString()).stream().sorted().toList(),
                            eventValues(r.get("props")))));
            Map<String, RelationshipCreated> expectedRels = new TreeMap<>();
            s.run("MATCH (a)-[r]->(b) RETURN elementId(r) AS key, type(r) AS type, elementId(a) AS a, "
                            + "elementId(b) AS b, properties(r) AS props")
                    .forEachRemaining(r -> expectedRels.put(r.get("key").asString(), new RelationshipCreated(
                            new RelationshipRef(r.get("key").asString(), r.get("type").asString(),
                                    r.get("a").asString(), r.get("b").asString()), eventValues(r.get("props")))));
            assertThat(expectedNodes).hasSize((int) NODES);
            assertThat(expectedRels).hasSize((int) RELATIONSHIPS);
            assertThat(nodes).extracting(NodeCreated::key).doesNotHaveDuplicates();
            assertThat(rels).extracting(r -> r.ref().key()).doesNotHaveDuplicates();
            assertThat(byKey(nodes)).isEqualTo(expectedNodes);
            assertThat(byRelKey(rels)).isEqualTo(expectedRels);
        }
        NodeCreated ann = nodes.stream().filter(n -> n.labels().contains("Typed")).findFirst().orElseThrow();
        assertThat(ann.properties()).hasSize(31);
        assertThat(ann.properties().get("dtz").raw().toString()).endsWith("[Europe/Berlin]");
        assertThat(ann.properties().get("nan")).isEqualTo(Value.of(Double.NaN));
    }

    private static void noEventMentionsTheProgressRecord(List<TransactionEvent> log) {
        for (TransactionEvent e : log) {
            assertThat(e.isGap()).as("gap event %s", e.gap()).isFalse();
            assertThat(e.createdNodes()).as("commit %d", e.commitId())
                    .noneMatch(n -> n.properties().containsKey("nextNodeId"));
            assertThat(e.nodePropertyChanges()).as("commit %d", e.commitId())
                    .noneMatch(c -> c.change().key().equals("nextNodeId") || c.change().key().equals("endCommitId"));
            assertThat(e.labelChanges()).noneMatch(c -> c.label().equals(ReservedNames.BOOTSTRAP_LABEL));
            assertThat(e.deletedNodes()).noneMatch(n -> n.properties().containsKey("nextNodeId"));
        }
    }

    @Test
    void nextOfAnUnknownRunIsRefusedNamingTheRun() {
        try (Driver driver = STACK.get().server("primary").driver(); Session s = driver.session()) {
            assertThatThrownBy(() -> next(s, "no-such-run"))
                    .hasMessageContaining("no bootstrap run 'no-such-run' on this primary");
        }
    }

    @Test
    void aRunForThePrimaryItselfOrWithAnInvalidChunkSizeIsRefused() {
        try (Driver driver = STACK.get().server("primary").driver(); Session s = driver.session()) {
            assertThatThrownBy(() -> s.run("CALL " + ProcedureNames.BOOTSTRAP_BEGIN + "('primary')").consume())
                    .hasMessageContaining("standby 'primary' is this primary itself");
            assertThatThrownBy(() -> s.run("CALL " + ProcedureNames.BOOTSTRAP_BEGIN + "('standby', 0)").consume())
                    .hasMessageContaining("chunkSize must be between 1 and");
        }
    }

    @Test
    void beginOnAStandbyIsRefusedNamingTheMemberAndItsRole() {
        try (Driver driver = STACK.get().server("standby").driver(); Session s = driver.session()) {
            assertThatThrownBy(() -> s.run("CALL " + ProcedureNames.BOOTSTRAP_BEGIN + "('standby')").consume())
                    .hasMessageContaining("member 'standby'").hasMessageContaining("is STANDBY, not a primary");
        }
    }

    @Test
    void prepareOnThePrimaryIsRefused() {
        try (Driver driver = STACK.get().server("primary").driver(); Session s = driver.session()) {
            assertThatThrownBy(() -> prepare(s, "some-run", false))
                    .hasMessageContaining("member 'primary'").hasMessageContaining("is PRIMARY, not a standby");
        }
    }

    @Test
    void prepareWritesTheWatermarkAwaitingTheRunsBeginAndRefusesAFollowingStandbyWithoutReseed() {
        try (Driver driver = STACK.get().server("standby").driver(); Session s = driver.session()) {
            assertThat(progress(s)).isEqualTo(Map.of("run", "", "stage", "none", "epoch", 0L, "commitId", 0L,
                    "applied", 0L));

            Record prepared = prepare(s, "run-1", false);
            assertThat(prepared.asMap()).isEqualTo(Map.of("run", "run-1", "stage", "awaiting_begin"));
            Map<String, Object> w = watermark(s);
            assertThat(w).containsEntry(WatermarkNode.DATABASE, TestStack.DATABASE)
                    .containsEntry(WatermarkNode.COMMIT_ID, 0L).containsEntry(WatermarkNode.EPOCH, 3L)
                    .containsEntry(WatermarkNode.TOPIC, STACK.get().topic()).containsEntry(WatermarkNode.PARTITION, 0L)
                    .containsEntry(WatermarkNode.OFFSET, 41L).containsEntry(WatermarkNode.SOURCE_COMMIT_TIME_MILLIS, 0L)
                    .containsEntry(WatermarkNode.BOOTSTRAP_RUN, "run-1")
                    .containsEntry(WatermarkNode.BOOTSTRAP_STAGE, WatermarkNode.STAGE_AWAITING_BEGIN);
            assertThat((Long) w.get(WatermarkNode.APPLIED_AT_MILLIS)).isPositive();
            assertThat(progress(s)).isEqualTo(Map.of("run", "run-1", "stage", "awaiting_begin", "epoch", 3L,
                    "commitId", 0L, "applied", 0L));
            assertThat(prepare(s, "run-1", false).asMap()).as("again: no change")
                    .isEqualTo(Map.of("run", "run-1", "stage", "awaiting_begin"));
            assertThat(watermark(s)).isEqualTo(w);

            followAsTheApplierDoesAtTheRunsEnd();
            assertThat(progress(s)).isEqualTo(Map.of("run", "", "stage", "following", "epoch", 3L, "commitId", 9L,
                    "applied", 0L));
            assertThatThrownBy(() -> prepare(s, "run-2", false)).hasMessageContaining("follows the log")
                    .hasMessageContaining("--reseed");
            assertThat(watermark(s)).doesNotContainKey(WatermarkNode.BOOTSTRAP_RUN);
            assertThat(prepare(s, "run-2", true).asMap()).isEqualTo(Map.of("run", "run-2", "stage", "awaiting_begin"));
            assertThat(progress(s)).containsEntry("run", "run-2").containsEntry("commitId", 0L);
            assertThat(s.run("MATCH (w:" + WatermarkNode.LABEL + ") RETURN count(w)").single().get(0).asLong())
                    .as("one watermark").isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static Record prepare(Session s, String run, boolean reseed) {
        return s.run("CALL " + ProcedureNames.BOOTSTRAP_PREPARE + "($run, 3, 41, $reseed)",
                Map.of("run", run, "reseed", reseed)).single();
    }

    private static Map<String, Object> progress(Session s) {
        return s.run("CALL " + ProcedureNames.BOOTSTRAP_PROGRESS + "()").single().asMap();
    }

    private static Map<String, Object> watermark(Session s) {
        return s.run("MATCH (w:" + WatermarkNode.LABEL + ") RETURN properties(w) AS p").single().get("p").asMap();
    }

    /** What the applier does at the run's end: the watermark moves and loses its bootstrap properties. */
    private static void followAsTheApplierDoesAtTheRunsEnd() {
        try (Driver applier = STACK.get().server("standby").driver(STACK.get().applierCredentials());
             Session s = applier.session()) {
            s.executeWriteWithoutResult(tx -> tx.run("MATCH (w:" + WatermarkNode.LABEL + ") SET w."
                    + WatermarkNode.COMMIT_ID + " = 9 REMOVE w." + WatermarkNode.BOOTSTRAP_RUN + ", w."
                    + WatermarkNode.BOOTSTRAP_STAGE).consume(), TransactionConfig.builder().withMetadata(
                    Map.of(ReservedNames.APPLIER_METADATA_KEY, ReservedNames.APPLIER_TAG_VALUE)).build());
        }
    }

    private static List<Record> nextUntilEnd(Session s, String run) {
        List<Record> rows = new ArrayList<>();
        while (rows.isEmpty() || !rows.get(rows.size() - 1).get(ProcedureNames.PHASE_COLUMN).asString().equals("END")) {
            assertThat(rows).as("a run of %d nodes and %d relationships in chunks of %d", NODES, RELATIONSHIPS, CHUNK)
                    .hasSizeLessThan(20);
            rows.add(next(s, run));
        }
        return rows;
    }

    private static Record next(Session s, String run) {
        return s.run("CALL " + ProcedureNames.BOOTSTRAP_NEXT + "($run)", Map.of("run", run)).single();
    }

    private static Record status(Session s) {
        return s.run(ProcedureNames.call(ProcedureNames.STATUS)).single();
    }

    /** Until the primary's publisher has everything it spooled in Kafka. */
    private static void awaitPublished(Session s) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            Record r = status(s);
            if (r.get(StatusColumns.LAST_PUBLISHED_ID).asLong() >= r.get(StatusColumns.LAST_SPOOLED_ID).asLong()
                    && PublisherState.PUBLISHING.name().equals(r.get(StatusColumns.PUBLISHER_STATE).asString())) {
                return;
            }
            assertThat(System.currentTimeMillis()).as("publisher caught up: %s", r).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static Map<String, NodeCreated> byKey(List<NodeCreated> nodes) {
        Map<String, NodeCreated> out = new TreeMap<>();
        nodes.forEach(n -> out.put(n.key(), new NodeCreated(n.key(), n.labels(), new TreeMap<>(n.properties()))));
        return out;
    }

    private static Map<String, RelationshipCreated> byRelKey(List<RelationshipCreated> rels) {
        Map<String, RelationshipCreated> out = new TreeMap<>();
        rels.forEach(r -> out.put(r.ref().key(), new RelationshipCreated(r.ref(), new TreeMap<>(r.properties()))));
        return out;
    }

    /** A property map as Bolt returns it, as the event model's exactly typed values. */
    private static Map<String, Value> eventValues(org.neo4j.driver.Value props) {
        Map<String, Value> out = new TreeMap<>();
        props.keys().forEach(k -> out.put(k, Value.of(raw(props.get(k)))));
        return out;
    }

    private static Object raw(org.neo4j.driver.Value v) {
        return switch (v.type().name()) {
            case "BOOLEAN" -> v.asBoolean();
            case "INTEGER" -> v.asLong();
            case "FLOAT" -> v.asDouble();
            case "STRING" -> v.asString();
            case "BYTES" -> v.asByteArray();
            case "DATE" -> v.asLocalDate();
            case "TIME" -> v.asOffsetTime();
            case "LOCAL_TIME" -> v.asLocalTime();
            case "DATE_TIME" -> v.asZonedDateTime();
            case "LOCAL_DATE_TIME" -> v.asLocalDateTime();
            case "DURATION" -> new IsoDuration(v.asIsoDuration().months(), v.asIsoDuration().days(),
                    v.asIsoDuration().seconds(), v.asIsoDuration().nanoseconds());
            case "POINT" -> point(v.asPoint());
            default -> array(v.asList(BootstrapCaptureIT::raw));
        };
    }

    private static Point point(org.neo4j.driver.types.Point p) {
        return Double.isNaN(p.z()) ? new Point(p.srid(), new double[] {p.x(), p.y()})
                : new Point(p.srid(), new double[] {p.x(), p.y(), p.z()});
    }

    /** A list of one element type as the event model's array of it. */
    private static Object array(List<Object> elements) {
        Object first = elements.get(0);
        if (first instanceof Long) {
            return elements.stream().mapToLong(e -> (Long) e).toArray();
        }
        if (first instanceof Double) {
            return elements.stream().mapToDouble(e -> (Double) e).toArray();
        }
        if (first instanceof Boolean) {
            boolean[] out = new boolean[elements.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (Boolean) elements.get(i);
            }
            return out;
        }
        Object out = Array.newInstance(first.getClass(), elements.size());
        for (int i = 0; i < elements.size(); i++) {
            Array.set(out, i, elements.get(i));
        }
        return out;
    }
}
