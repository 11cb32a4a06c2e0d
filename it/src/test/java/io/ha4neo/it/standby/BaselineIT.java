package io.ha4neo.it.standby;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.capture.TopicEvents;
import io.ha4neo.it.support.ApplierRun;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.contract.BootstrapRefusal;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.event.CaptureBaseline;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.topology.TopicSpec;
import io.ha4neo.schemas.value.Value;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;

/**
 * The log's baseline and the applier's refusal (issue #14), on real processes: a primary whose store got its data
 * before capture ever ran on it (its first start is without the plugin, as an existing database's when ha4neo is
 * installed), then the packaged applier, run until it exits, against a standby that does not hold that data. It must
 * refuse with the documented error, naming {@code ha4neo bootstrap}, and write nothing at all: no entity, no
 * watermark, not even its own constraints. A standby that holds data of its own without a watermark is refused too.
 */
class BaselineIT {
    /** What the primary's store holds when capture first starts: 3 nodes, 1 relationship, 1 index, 1 constraint. */
    private static final StoreContent PRIMARY_HELD = new StoreContent(3, 1, 1, 1);

    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("baseline")
            .withBroker()
            .withPrimary("primary", Neo4jServer.Builder::firstStartWithoutPlugins)
            .withStandby("standby")
            .start());

    @BeforeAll
    static void thePrimaryHoldsDataBeforeCaptureFirstStartsOnIt() throws Exception {
        Neo4jServer primary = STACK.get().server("primary");
        assertThat(primary.logContains(TestStack.PLUGIN_STARTED_LINE)).as("first start without the plugin").isFalse();
        try (Driver driver = primary.driver(); Session s = driver.session()) {
            s.run("CREATE (:Person {name: 'ann'})-[:KNOWS]->(:Person {name: 'bob'}), (:Person {name: 'carl'})")
                    .consume();
            s.run("CREATE INDEX person_name FOR (p:Person) ON (p.name)").consume();
            s.run("CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE").consume();
        }
        primary.stop();
        primary.start(); // with the plugin now: capture's first start on this database, on a store with data
        assertThat(primary.logContains(TestStack.PLUGIN_STARTED_LINE)).isTrue();
        try (Driver driver = primary.driver(); Session s = driver.session()) {
            s.run("CREATE (:Person {name: 'dora'})").consume(); // captured: it follows the baseline
            awaitPublished(driver);
        }
    }

    @Test
    void theLogBeginsWithTheBaselineOfWhatTheStoreHeldWhenCaptureFirstStarted() throws Exception {
        List<TransactionEvent> log = topic().assertOrderedUnbrokenChain().events();

        assertThat(log).hasSize(2);
        TransactionEvent baseline = log.get(0);
        assertThat(baseline.isBaseline()).isTrue();
        assertThat(baseline.epoch()).isZero();
        assertThat(baseline.baseline()).isEqualTo(new CaptureBaseline("primary", PRIMARY_HELD));
        assertThat(log.get(1).createdNodes()).extracting(n -> n.properties().get("name"))
                .containsExactly(Value.of("dora"));
        assertThat(log.get(1).previousCommitId()).isEqualTo(baseline.commitId());
    }

    @Test
    void anEmptyStandbyIsRefusedNamingBootstrapAndTheBaselineAndNothingIsWrittenToIt() throws Exception {
        TransactionEvent baseline = topic().events().get(0);
        assertThat(standbyContent()).as("before").isEqualTo(new Content(0, 0, 0, 0, 0));

        ApplierRun run = ApplierRun.untilExit(STACK.get(), "standby", STACK.get().topic(), Map.of());

        assertThat(run.exitCode()).as("exit code; log:\n%s", run.log()).isEqualTo(1);
        assertThat(run.log()).contains("fatal error (" + BootstrapRefusal.KIND + ")")
                .contains("standby database 'neo4j' at " + STACK.get().server("standby").boltUri()
                        + " has no watermark, and the log begins at its baseline (epoch 0, commit "
                        + baseline.commitId() + ") at topic " + STACK.get().topic() + " partition 0 offset 0")
                .contains("on a store that already held 3 nodes, 1 relationship, 1 index and 1 constraint")
                .contains("Nothing was written")
                .contains(BootstrapRefusal.FIX);
        assertThat(standbyContent()).as("no entity, no index, no constraint, no watermark")
                .isEqualTo(new Content(0, 0, 0, 0, 0));
    }

    @Test
    void aStandbyThatHoldsDataWithoutAWatermarkIsRefusedAndKeepsExactlyThatData() throws Exception {
        // a log whose baseline says its store was empty: the standby's own data is the only reason to refuse
        String topic = createTopic("baseline-empty-store");
        TransactionEvent baseline = TransactionEvent.baselineEvent(5, System.currentTimeMillis(), TestStack.CLUSTER_ID,
                0, TestStack.DATABASE, new CaptureBaseline("primary", StoreContent.EMPTY));
        send(topic, baseline, nodeCreated(6, 5, "erin"));
        writeOnStandby("CREATE (:Stray {name: 'written outside the applier'})");
        try {
            ApplierRun run = ApplierRun.untilExit(STACK.get(), "standby", topic, Map.of());

            assertThat(run.exitCode()).as("exit code; log:\n%s", run.log()).isEqualTo(1);
            assertThat(run.log()).contains("fatal error (" + BootstrapRefusal.KIND + ")")
                    .contains("has no watermark but already holds 1 node, 0 relationships, 0 indexes and 0 "
                            + "constraints that this applier did not write")
                    .contains("the log begins at its baseline (epoch 0, commit 5)")
                    .contains(BootstrapRefusal.FIX);
            assertThat(standbyContent()).as("the stray node, nothing else").isEqualTo(new Content(1, 0, 0, 0, 0));
        } finally {
            writeOnStandby("MATCH (n) DETACH DELETE n");
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** What a standby holds: nodes, relationships, indexes (not token lookup), constraints, watermark nodes. */
    private record Content(long nodes, long relationships, long indexes, long constraints, long watermarks) {
    }

    private static Content standbyContent() {
        try (Driver driver = STACK.get().server("standby").driver(); Session s = driver.session()) {
            return new Content(count(s, "MATCH (n) RETURN count(n)"), count(s, "MATCH ()-[r]->() RETURN count(r)"),
                    count(s, "SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN count(*)"),
                    count(s, "SHOW CONSTRAINTS YIELD name RETURN count(*)"),
                    count(s, "MATCH (w:" + ReservedNames.WATERMARK_LABEL + ") RETURN count(w)"));
        }
    }

    private static long count(Session s, String cypher) {
        return s.run(cypher).single().get(0).asLong();
    }

    /** A write on the standby as its applier user, the only one whose tagged transactions a standby accepts. */
    private static void writeOnStandby(String cypher) {
        try (Driver applier = STACK.get().server("standby").driver(STACK.get().applierCredentials());
             Session s = applier.session()) {
            s.executeWriteWithoutResult(tx -> tx.run(cypher).consume(), TransactionConfig.builder()
                    .withMetadata(Map.of(ReservedNames.APPLIER_METADATA_KEY, ReservedNames.APPLIER_TAG_VALUE)).build());
        }
    }

    private static TopicEvents topic() throws Exception {
        return TopicEvents.read(STACK.get().broker().bootstrapServers(), STACK.get().topic());
    }

    /** Until the primary's publisher has everything it spooled in Kafka. */
    private static void awaitPublished(Driver driver) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            Record s;
            try (Session session = driver.session()) {
                s = session.run(ProcedureNames.call(ProcedureNames.STATUS)).single();
            }
            if (s.get(StatusColumns.LAST_PUBLISHED_ID).asLong() >= s.get(StatusColumns.LAST_SPOOLED_ID).asLong()
                    && PublisherState.PUBLISHING.name().equals(s.get(StatusColumns.PUBLISHER_STATE).asString())) {
                return;
            }
            assertThat(System.currentTimeMillis()).as("publisher caught up: %s", s).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String createTopic(String name) throws Exception {
        TopicSpec spec = TopicSpec.forReplicationFactor((short) 1);
        try (Admin admin = STACK.get().broker().admin()) {
            admin.createTopics(List.of(new NewTopic(name, spec.partitions(), spec.replicationFactor())
                    .configs(spec.topicConfigs()))).all().get(30, TimeUnit.SECONDS);
        }
        return name;
    }

    private static void send(String topic, TransactionEvent... events) throws Exception {
        EventCodec codec = EventCodecs.embedded();
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                STACK.get().broker().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (TransactionEvent e : events) {
                byte[] key = Long.toString(e.commitId()).getBytes(StandardCharsets.UTF_8);
                for (byte[] value : codec.encode(e)) {
                    producer.send(new ProducerRecord<>(topic, 0, key, value)).get();
                }
            }
        }
    }

    private static TransactionEvent nodeCreated(long commitId, long previous, String name) {
        TransactionEvent.Builder b = TransactionEvent.builder(commitId, previous)
                .commitTime(System.currentTimeMillis()).origin(TestStack.CLUSTER_ID, 0).database(TestStack.DATABASE);
        b.createdNodes.add(new NodeCreated("4:baseline-it:" + commitId, List.of("Person"),
                Map.of("name", Value.of(name))));
        return b.build();
    }
}
