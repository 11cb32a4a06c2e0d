package io.ha4neo.it.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.Logs;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.LabelChange;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.PropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.topology.TopicSpec;
import io.ha4neo.schemas.value.IsoDuration;
import io.ha4neo.schemas.value.Point;
import io.ha4neo.schemas.value.Value;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;

/**
 * The applier's seeding mode (docs/bootstrap.md) on real processes: a broker, a standby and the packaged applier, with
 * a log of hand-made events (the primary's bootstrap procedures are not needed to test the standby side). A stale
 * standby (old data, an old index, a watermark that follows the log) is prepared for run R while its applier runs,
 * exactly as {@code ha4neo.bootstrap.prepare} writes the watermark; the log then holds an event the stale standby
 * could not apply, another run's begin, R's begin (an index and a constraint), a node created after the begin, a
 * change to a node not imaged yet, node chunks (one with every value type), a relationship to a node not imaged yet,
 * relationship chunks, R's end, and an ordinary change. The applier is killed with SIGKILL in the middle of the run and
 * started again. The standby must end with exactly the run's graph and schema, and a watermark without bootstrap
 * properties.
 */
class SeedingApplierIT {
    private static final String RUN = "run-r";
    private static final long EPOCH = 1;
    private static final String TOPIC = "seeding-it";
    private static final StoreContent TOTALS = new StoreContent(4, 3, 1, 1);
    private static final TransactionConfig TAGGED = TransactionConfig.builder()
            .withMetadata(Map.of(ReservedNames.APPLIER_METADATA_KEY, ReservedNames.APPLIER_TAG_VALUE)).build();

    @Test
    void aStaleStandbyPreparedUnderItsRunningApplierIsSeededByItsRunAndKeepsItAcrossAKill() throws Exception {
        try (TestStack stack = TestStack.builder("seeding-applier").withBroker().withStandby("standby")
                .withApplier("standby", a -> a.property("topic", TOPIC).property("batch.max.transactions", "2"))
                .start();
             Driver standby = stack.server("standby").driver();
             Driver applierUser = stack.server("standby").driver(stack.applierCredentials())) {
            ApplierProcess applier = stack.applier();
            applier.stop();
            createTopic(stack);
            staleStandby(applierUser);
            applier.start();

            send(stack, staleLog());
            awaitWatermark(applier, standby, "the stale standby followed commits 10 and 11",
                    w -> commitId(w) == 11 && !w.containsKey(WatermarkNode.BOOTSTRAP_RUN));
            prepare(applierUser); // ha4neo.bootstrap.prepare(run-r, epoch 1, offset 1), while the applier runs

            send(stack, runUntilFirstNodeChunk());
            awaitWatermark(applier, standby, "seeding, at the first node chunk", w -> commitId(w) == 17);
            assertThat(Replication.watermark(standby).orElseThrow()).containsEntry(WatermarkNode.BOOTSTRAP_RUN, RUN)
                    .containsEntry(WatermarkNode.BOOTSTRAP_STAGE, WatermarkNode.STAGE_SEEDING)
                    .containsEntry(WatermarkNode.EPOCH, EPOCH);
            String metrics = Replication.metrics(applier);
            assertThat(Replication.gauge(metrics, MetricNames.APPLIER_BOOTSTRAP_ACTIVE)).isEqualTo(1.0);
            assertThat(Replication.gauge(metrics, MetricNames.APPLIER_BOOTSTRAP_ENTITIES_APPLIED)).isEqualTo(2.0);
            assertThat(Replication.gauge(metrics, MetricNames.APPLIER_BOOTSTRAP_ENTITIES_TOTAL)).isEqualTo(7.0);
            String firstLog = Files.readString(applier.logFile());
            // The applier learns of the prepare either when idle (its idle check re-reads the watermark) or when its
            // next batch finds the watermark changed under it (rolled back); which one comes first is timing. Both
            // must re-position from the prepared watermark.
            assertThat(firstLog).contains("was prepared for bootstrap run " + RUN + " awaiting_begin")
                    .containsAnyOf("re-reading the watermark and re-positioning from it",
                            "while the applier was idle; re-reading it and re-positioning from it")
                    .doesNotContain("fatal error");
            applier.kill(); // SIGKILL in the middle of the run

            send(stack, restOfTheRun());
            applier.start();
            awaitWatermark(applier, standby, "the ordinary change after the end",
                    w -> commitId(w) == 23 && !w.containsKey(WatermarkNode.BOOTSTRAP_RUN));
            metrics = Replication.metrics(applier);
            assertThat(Replication.gauge(metrics, MetricNames.APPLIER_BOOTSTRAP_ACTIVE)).isEqualTo(0.0);
            assertThat(Replication.gauge(metrics, MetricNames.APPLIER_BOOTSTRAP_ENTITIES_APPLIED)).isEqualTo(7.0);
            applier.stop();

            assertThat(Replication.watermark(standby).orElseThrow()).doesNotContainKeys(WatermarkNode.BOOTSTRAP_RUN,
                    WatermarkNode.BOOTSTRAP_STAGE).containsEntry(WatermarkNode.OFFSET, 13L);
            assertSeeded(GraphSnapshot.of(standby, Identity.REPLICA));
        }
    }

    /** Exactly the run's graph, nothing of the stale standby's, nothing of the passed-over events. */
    private static void assertSeeded(GraphSnapshot g) {
        assertThat(g.problems()).as("entities applied twice").isEmpty();
        assertThat(g.nodes()).containsOnlyKeys("n1", "n2", "n3", "n-new");
        assertThat(g.nodes().get("n1")).isEqualTo(":Admin:Person {age: INTEGER 42, id: INTEGER 1, name: STRING \"ann\"}");
        assertThat(g.nodes().get("n3")).isEqualTo(":Person {id: INTEGER 3, name: STRING \"carl\"}");
        assertThat(g.nodes().get("n2")).as("the image with every value type, as the create event gave n-new")
                .isEqualTo(g.nodes().get("n-new"))
                .contains("BOOLEAN true", "INTEGER -9223372036854775808", "FLOAT NaN", "FLOAT -0.0", "BYTES 0x00ff7f",
                        "DATE 0001-01-01", "TIME 23:59:59.999999999-03:30", "LOCAL_TIME 00:00:00.000000001",
                        "DATE_TIME 2021-10-31T02:30+02:00[Europe/Berlin]", "LOCAL_DATE_TIME",
                        "DURATION months 14 days -3 seconds 59 nanos 1", "srid 9157", "srid 4326", "STRING \"😀\"",
                        "LIST [DURATION months 0 days 0 seconds 0 nanos 0]");
        assertThat(g.relationships()).containsOnlyKeys("r1", "r2", "r-early", "r3");
        assertThat(g.relationships().get("r1")).isEqualTo("(n1)-[:KNOWS {since: INTEGER 2020}]->(n2)");
        assertThat(g.relationships().get("r2")).isEqualTo("(n3)-[:KNOWS {w: FLOAT 0.5}]->(n1)");
        assertThat(g.relationships().get("r-early")).as("passed over, then imaged")
                .isEqualTo("(n-new)-[:LIKES {}]->(n3)");
        assertThat(g.relationships().get("r3")).isEqualTo("(n2)-[:KNOWS {}]->(n3)");
        assertThat(g.schema()).containsOnlyKeys("index person_name", "constraint person_id", "index person_id");
    }

    // ------------------------------------------------------------------------------------------ the log

    /** Offsets 0, 1: what the stale standby follows normally (commit 11 changes one of its stale nodes). */
    private static List<TransactionEvent> staleLog() {
        TransactionEvent.Builder c10 = tx(10, 9);
        c10.createdNodes.add(new NodeCreated("u1", List.of("Unrelated"), Map.of()));
        TransactionEvent.Builder c11 = tx(11, 10);
        c11.nodePropertyChanges.add(prop("stale1", "v", Value.of(2L)));
        return List.of(c10.build(), c11.build());
    }

    /**
     * Offsets 2..7: an event the stale standby cannot apply (its node does not exist: a divergence, were it applied),
     * another run's begin, R's begin, a node created after it, a change to a node not imaged yet, the first node chunk.
     */
    private static List<TransactionEvent> runUntilFirstNodeChunk() {
        TransactionEvent.Builder c12 = tx(12, 11);
        c12.nodePropertyChanges.add(prop("ghost", "v", Value.of(1L)));
        TransactionEvent.Builder c13 = tx(13, 12).bootstrap(mark("run-other", BootstrapPhase.BEGIN, 0, 0));
        c13.schemaChanges.add(new SchemaChange(SchemaChange.Operation.CREATE, SchemaChange.Kind.INDEX, "other_index",
                "CREATE INDEX other_index FOR (n:Other) ON (n.x)"));
        TransactionEvent.Builder c14 = tx(14, 13).bootstrap(mark(RUN, BootstrapPhase.BEGIN, 0, 0));
        c14.schemaChanges.add(new SchemaChange(SchemaChange.Operation.CREATE, SchemaChange.Kind.INDEX, "person_name",
                "CREATE INDEX person_name FOR (n:Person) ON (n.name)"));
        c14.schemaChanges.add(new SchemaChange(SchemaChange.Operation.CREATE, SchemaChange.Kind.CONSTRAINT,
                "person_id", "CREATE CONSTRAINT person_id FOR (n:Person) REQUIRE n.id IS UNIQUE"));
        TransactionEvent.Builder c15 = tx(15, 14);
        c15.createdNodes.add(new NodeCreated("n-new", List.of("Typed"), everyType()));
        TransactionEvent.Builder c16 = tx(16, 15);
        c16.nodePropertyChanges.add(prop("n1", "age", Value.of(41L)));
        c16.labelChanges.add(new LabelChange("n1", "Admin", true));
        TransactionEvent.Builder c17 = tx(17, 16).bootstrap(mark(RUN, BootstrapPhase.NODES, 2, 0));
        c17.bootstrapNodes.add(new NodeCreated("n1", List.of("Person", "Admin"),
                Map.of("name", Value.of("ann"), "id", Value.of(1L), "age", Value.of(41L))));
        c17.bootstrapNodes.add(new NodeCreated("n2", List.of("Typed"), everyType()));
        return List.of(c12.build(), c13.build(), c14.build(), c15.build(), c16.build(), c17.build());
    }

    /**
     * Offsets 8..13: a relationship to a node not imaged yet, the last node chunk (with the node created after the
     * begin, whose id the run's range may cover), two relationship chunks, the end, and an ordinary change.
     */
    private static List<TransactionEvent> restOfTheRun() {
        RelationshipRef early = new RelationshipRef("r-early", "LIKES", "n-new", "n3");
        TransactionEvent.Builder c18 = tx(18, 17);
        c18.createdRelationships.add(new RelationshipCreated(early, Map.of()));
        TransactionEvent.Builder c19 = tx(19, 18).bootstrap(mark(RUN, BootstrapPhase.NODES, 4, 0));
        c19.bootstrapNodes.add(new NodeCreated("n3", List.of("Person"), Map.of("name", Value.of("carl"),
                "id", Value.of(3L))));
        c19.bootstrapNodes.add(new NodeCreated("n-new", List.of("Typed"), everyType()));
        TransactionEvent.Builder c20 = tx(20, 19).bootstrap(mark(RUN, BootstrapPhase.RELATIONSHIPS, 4, 2));
        c20.bootstrapRelationships.add(new RelationshipCreated(new RelationshipRef("r1", "KNOWS", "n1", "n2"),
                Map.of("since", Value.of(2020L))));
        c20.bootstrapRelationships.add(new RelationshipCreated(early, Map.of()));
        TransactionEvent.Builder c21 = tx(21, 20).bootstrap(mark(RUN, BootstrapPhase.RELATIONSHIPS, 4, 3));
        c21.bootstrapRelationships.add(new RelationshipCreated(new RelationshipRef("r2", "KNOWS", "n3", "n1"),
                Map.of("w", Value.of(0.5))));
        TransactionEvent c22 = tx(22, 21).bootstrap(mark(RUN, BootstrapPhase.END, 4, 3)).build();
        TransactionEvent.Builder c23 = tx(23, 22); // strict again: every row must find its target
        c23.nodePropertyChanges.add(prop("n1", "age", Value.of(42L)));
        c23.createdRelationships.add(new RelationshipCreated(new RelationshipRef("r3", "KNOWS", "n2", "n3"),
                Map.of()));
        return List.of(c18.build(), c19.build(), c20.build(), c21.build(), c22, c23.build());
    }

    /** Every value type, with edge cases, and arrays. */
    private static Map<String, Value> everyType() {
        Map<String, Value> p = new LinkedHashMap<>();
        p.put("bool", Value.of(true));
        p.put("long", Value.of(Long.MIN_VALUE));
        p.put("nan", Value.of(Double.NaN));
        p.put("negZero", Value.of(-0.0));
        p.put("text", Value.of("😀 \"quoted\""));
        p.put("emoji", Value.of("😀"));
        p.put("bytes", Value.of(new byte[] {0, -1, 127}));
        p.put("date", Value.of(LocalDate.of(1, 1, 1)));
        p.put("time", Value.of(OffsetTime.of(23, 59, 59, 999_999_999, ZoneOffset.ofHoursMinutes(-3, -30))));
        p.put("localTime", Value.of(LocalTime.of(0, 0, 0, 1)));
        p.put("dateTime", Value.of(ZonedDateTime.of(2021, 10, 31, 2, 30, 0, 0, ZoneId.of("Europe/Berlin"))));
        p.put("localDateTime", Value.of(LocalDateTime.of(2024, 2, 29, 12, 0)));
        p.put("duration", Value.of(new IsoDuration(14, -3, 59, 1)));
        p.put("point3d", Value.of(new Point(Point.CARTESIAN_3D, new double[] {1, 2, 3})));
        p.put("geo", Value.of(new Point(Point.WGS84, new double[] {13.4, 52.5})));
        p.put("longs", Value.of(new long[] {1, -2}));
        p.put("strings", Value.of(new String[] {"a", ""}));
        p.put("durations", Value.of(new IsoDuration[] {new IsoDuration(0, 0, 0, 0)}));
        return p;
    }

    private static TransactionEvent.Builder tx(long commitId, long previous) {
        return TransactionEvent.builder(commitId, previous).commitTime(System.currentTimeMillis())
                .origin(TestStack.CLUSTER_ID, EPOCH).database(TestStack.DATABASE);
    }

    private static BootstrapMark mark(String run, BootstrapPhase phase, long nodesSent, long relationshipsSent) {
        return new BootstrapMark(run, "standby", phase, "primary", TOTALS, nodesSent, relationshipsSent);
    }

    private static NodePropertyChange prop(String key, String name, Value value) {
        return new NodePropertyChange(key, new PropertyChange(name, value, null));
    }

    // ------------------------------------------------------------------------------------------ the standby

    /** Old replicated data, an old index, and a watermark that follows this topic from before its first record. */
    private static void staleStandby(Driver applierUser) {
        asApplier(applierUser, "CREATE (:_ha4neo_Node:Stale {_ha4neo_id: 'stale1', v: 1})-[:OLD {_ha4neo_id: 'old-r'}]"
                + "->(:_ha4neo_Node:Stale {_ha4neo_id: 'stale2'})");
        asApplier(applierUser, "CREATE INDEX stale_index FOR (n:Stale) ON (n.v)");
        asApplier(applierUser, "MERGE (w:" + WatermarkNode.LABEL + " {database: 'neo4j'}) SET w.commitId = 9, "
                + "w.epoch = 1, w.topic = '" + TOPIC + "', w.partition = 0, w.offset = -1, "
                + "w.sourceCommitTimeMillis = 0, w.appliedAtMillis = timestamp()");
    }

    /** What {@code ha4neo.bootstrap.prepare(run-r, 1, 1, reseed)} writes: the log's last offset before the begin. */
    private static void prepare(Driver applierUser) {
        asApplier(applierUser, "MATCH (w:" + WatermarkNode.LABEL + " {database: 'neo4j'}) SET w.commitId = 0, "
                + "w.epoch = 1, w.topic = '" + TOPIC + "', w.partition = 0, w.offset = 1, "
                + "w.sourceCommitTimeMillis = 0, w.appliedAtMillis = timestamp(), w.bootstrapRun = '" + RUN
                + "', w.bootstrapStage = '" + WatermarkNode.STAGE_AWAITING_BEGIN + "'");
    }

    private static void asApplier(Driver applierUser, String cypher) {
        try (Session s = applierUser.session()) {
            s.executeWriteWithoutResult(tx -> tx.run(cypher).consume(), TAGGED);
        }
    }

    private static long commitId(Map<String, Object> w) {
        return ((Number) w.getOrDefault(WatermarkNode.COMMIT_ID, -1L)).longValue();
    }

    /** Polls the watermark until {@code done}; fails early, quoting the applier's log, when the applier exits. */
    private static void awaitWatermark(ApplierProcess applier, Driver standby, String what,
                                       Predicate<Map<String, Object>> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Map<String, Object> last = Map.of();
        while (System.nanoTime() < deadline) {
            if (!applier.isRunning()) {
                throw new AssertionError("the applier exited while waiting for " + what + "; last lines of its log:\n"
                        + Logs.tail(applier.logFile(), 60));
            }
            last = Replication.watermark(standby).orElse(Map.of());
            if (done.test(last)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not reached: " + what + "; watermark " + last + "; last lines of the applier log:\n"
                + Logs.tail(applier.logFile(), 60));
    }

    // ------------------------------------------------------------------------------------------ the topic

    private static void createTopic(TestStack stack) throws Exception {
        TopicSpec spec = TopicSpec.forReplicationFactor((short) 1);
        try (Admin admin = stack.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, spec.partitions(), spec.replicationFactor())
                    .configs(spec.topicConfigs()))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static void send(TestStack stack, List<TransactionEvent> events) throws Exception {
        EventCodec codec = EventCodecs.embedded();
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (TransactionEvent e : events) {
                byte[] key = Long.toString(e.commitId()).getBytes(StandardCharsets.UTF_8);
                for (byte[] value : codec.encode(e)) {
                    producer.send(new ProducerRecord<>(TOPIC, 0, key, value)).get();
                }
            }
        }
    }
}
