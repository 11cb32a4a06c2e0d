package io.ha4neo.it.applier;

import io.ha4neo.schemas.contract.WatermarkNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.support.ApplierRun;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.event.EpochStart;
import io.ha4neo.schemas.event.NodeCreated;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;

/**
 * Fatal records on real processes, in a stack without a primary: the test is the producer (valid events encoded
 * with the embedded codec, plus hand-made poison), and runs the packaged applier itself so it can read the exit
 * code. An undecodable record and a gap in the commit chain must both stop the applier with exit code 1 and a
 * message naming the record, after applying exactly the records before it.
 */
class PoisonRecordIT {
    private static TestStack stack;
    private static Driver standby;
    private final EventCodec codec = EventCodecs.embedded();

    @BeforeAll
    static void startStack() {
        stack = TestStack.builder("applier-poison").withBroker().withStandby("standby").start();
        standby = stack.server("standby").driver();
    }

    @AfterAll
    static void stopStack() {
        if (standby != null) {
            standby.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * Each test starts from an empty standby (the watermark names one topic, so it must go too): deleted as the
     * applier user, the only one whose tagged transactions the standby accepts.
     */
    @BeforeEach
    void emptyStandby() {
        try (Driver applier = stack.server("standby").driver(stack.applierCredentials());
             Session s = applier.session()) {
            s.executeWriteWithoutResult(tx -> tx.run("MATCH (n) DETACH DELETE n").consume(),
                    TransactionConfig.builder().withMetadata(Map.of(ReservedNames.APPLIER_METADATA_KEY,
                            ReservedNames.APPLIER_TAG_VALUE)).build());
        }
    }

    @Test
    void anUndecodableRecordStopsTheApplierWithExitCodeOneNamingItsOffsetAndLeavesTheStandbyAtThePreviousCommit()
            throws Exception {
        String topic = createTopic("poison-decode");
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, topic, event(10, 0));
            send(producer, topic, event(11, 10));
            send(producer, topic, event(12, 11));
            // magic byte and the embedded id of v2 are plausible; the body is not an Avro TransactionEvent
            byte[] garbage = {0, 0, 0, 0, 2, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x13, 0x37};
            producer.send(new ProducerRecord<>(topic, 0, key(13), garbage)).get();
            send(producer, topic, event(14, 13));
        }

        ApplierRun run = runApplier(topic);

        assertThat(run.exitCode()).as("exit code; log:\n%s", run.log()).isEqualTo(1);
        assertThat(run.log()).contains("cannot decode the record at topic " + topic + " partition 0 offset 3 (commit id 13)");
        Map<String, Object> watermark = Replication.watermark(standby).orElseThrow();
        assertThat(watermark).containsEntry(WatermarkNode.COMMIT_ID, 12L).containsEntry(WatermarkNode.OFFSET, 2L).containsEntry(WatermarkNode.TOPIC, topic);
        assertThat(nodeNames()).containsExactly("commit-10", "commit-11", "commit-12");
    }

    @Test
    void aGapInTheCommitChainStopsTheApplierWithExitCodeOneNamingTheExactMissingRange() throws Exception {
        String topic = createTopic("poison-gap");
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long id = 1; id <= 5; id++) {
                send(producer, topic, event(id, id - 1));
            }
            send(producer, topic, event(7, 6));
        }

        ApplierRun run = runApplier(topic);

        assertThat(run.exitCode()).as("exit code; log:\n%s", run.log()).isEqualTo(1);
        assertThat(run.log()).contains("gap in the commit chain at topic " + topic + " partition 0 offset 5, commit 7")
                .contains("missing commits (5, 6]");
        assertThat(Replication.watermark(standby).orElseThrow()).containsEntry(WatermarkNode.COMMIT_ID, 5L).containsEntry(WatermarkNode.OFFSET, 4L);
        assertThat(nodeNames()).containsExactly("commit-1", "commit-2", "commit-3", "commit-4", "commit-5");
    }

    /**
     * The regression of the epoch bug: after a promotion the new primary's commit ids come from another store and are
     * lower; a standby that compared them with its watermark as numbers dropped them as "already applied".
     */
    @Test
    void eventsOfANewEpochWithLowerCommitIdsAreAppliedAfterItsEpochStart() throws Exception {
        String topic = createTopic("epoch-follow");
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long id = 101; id <= 103; id++) {
                send(producer, topic, event(id, id == 101 ? 0 : id - 1, 1));
            }
            send(producer, topic, TransactionEvent.epochStartEvent(20, 103, System.currentTimeMillis(),
                    TestStack.CLUSTER_ID, 2, TestStack.DATABASE, new EpochStart(1, "member-b", "switchover")));
            send(producer, topic, event(21, 20, 2));
            send(producer, topic, event(22, 21, 2));
            // then an event of epoch 3 that no epoch start introduces: the applier must stop there
            send(producer, topic, event(23, 22, 3));
        }

        ApplierRun run = runApplier(topic);

        assertThat(run.exitCode()).as("exit code; log:\n%s", run.log()).isEqualTo(1);
        assertThat(nodeNames()).containsExactly("commit-101", "commit-102", "commit-103", "commit-21", "commit-22");
        assertThat(Replication.watermark(standby).orElseThrow()).containsEntry(WatermarkNode.COMMIT_ID, 22L)
                .containsEntry(WatermarkNode.EPOCH, 2L).containsEntry(WatermarkNode.OFFSET, 5L);
        assertThat(run.log()).contains("epoch_link").contains("(epoch 3, commit 23)").contains("(epoch 2, commit 22)");
    }

    @Test
    void anEpochStartThatDoesNotLinkToTheStandbysPositionStopsTheApplierNamingBothPositions() throws Exception {
        String topic = createTopic("epoch-link");
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long id = 1; id <= 3; id++) {
                send(producer, topic, event(id, id - 1, 1));
            }
            // the new primary had applied only up to commit 2 of epoch 1: commit 3 would be lost
            send(producer, topic, TransactionEvent.epochStartEvent(40, 2, System.currentTimeMillis(),
                    TestStack.CLUSTER_ID, 2, TestStack.DATABASE, new EpochStart(1, "member-b", "failover")));
            send(producer, topic, event(41, 40, 2));
        }

        ApplierRun run = runApplier(topic);

        assertThat(run.exitCode()).as("exit code; log:\n%s", run.log()).isEqualTo(1);
        assertThat(run.log()).contains("epoch_link").contains("(epoch 1, commit 2)").contains("(epoch 1, commit 3)");
        assertThat(Replication.watermark(standby).orElseThrow()).containsEntry(WatermarkNode.COMMIT_ID, 3L)
                .containsEntry(WatermarkNode.EPOCH, 1L);
        assertThat(nodeNames()).containsExactly("commit-1", "commit-2", "commit-3");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static String createTopic(String name) throws Exception {
        TopicSpec spec = TopicSpec.forReplicationFactor((short) 1);
        try (Admin admin = stack.broker().admin()) {
            admin.createTopics(List.of(new NewTopic(name, spec.partitions(), spec.replicationFactor())
                    .configs(spec.topicConfigs()))).all().get(30, TimeUnit.SECONDS);
        }
        return name;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void send(KafkaProducer<byte[], byte[]> producer, String topic, TransactionEvent e) throws Exception {
        for (byte[] value : codec.encode(e)) {
            producer.send(new ProducerRecord<>(topic, 0, key(e.commitId()), value)).get();
        }
    }

    private static byte[] key(long commitId) {
        return Long.toString(commitId).getBytes(StandardCharsets.UTF_8);
    }

    /** A data event creating one node {@code (:Poison {name: 'commit-<id>'})}. */
    private static TransactionEvent event(long commitId, long previous) {
        return event(commitId, previous, 1);
    }

    /** {@link #event(long, long)} of a primary of {@code epoch}. */
    private static TransactionEvent event(long commitId, long previous, long epoch) {
        TransactionEvent.Builder b = TransactionEvent.builder(commitId, previous)
                .commitTime(System.currentTimeMillis()).origin(TestStack.CLUSTER_ID, epoch).database(TestStack.DATABASE)
                .username("").metadata(Map.of());
        b.createdNodes.add(new NodeCreated("4:poison:" + commitId, List.of("Poison"),
                Map.of("name", Value.of("commit-" + commitId))));
        return b.build();
    }

    private static List<String> nodeNames() {
        try (Session s = standby.session()) {
            return s.run("MATCH (n:Poison) RETURN n.name AS name ORDER BY n.name").list(r -> r.get("name").asString());
        }
    }

    private static ApplierRun runApplier(String topic) throws Exception {
        return ApplierRun.untilExit(stack, "standby", topic, Map.of());
    }
}
