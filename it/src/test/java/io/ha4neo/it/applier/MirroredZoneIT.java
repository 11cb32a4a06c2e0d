package io.ha4neo.it.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.applier.GraphSnapshot.Identity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ha4neo.it.support.OpsCliRun;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.launcher.process.MirrorMaker;
import io.ha4neo.topology.cli.ExitCodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/**
 * A standby in another zone, fed through a second Kafka cluster (issue 16): the primary publishes to zone A's
 * broker, MirrorMaker 2 (a real process from the Apache Kafka jars on Maven Central) copies the topic to zone B's
 * broker, and the standby's applier reads zone B's copy. Under the random workload MirrorMaker is killed with kill -9
 * and restarted, so it copies again what it had copied since its last offset commit (a redelivery): the applier
 * passes over those duplicates by (epoch, commit id), and the standby ends equal to the primary (full typed
 * comparison). Zone B's offsets differ from zone A's (the primary's transaction markers are not copied), which the
 * applier never relies on: it positions from its standby's watermark. Then the primary role moves within zone A
 * (switchover to a second member there) and the zone B standby follows the new epoch through MirrorMaker; and
 * {@code ha4neo status} shows zone B's copy and MirrorMaker's latency.
 */
class MirroredZoneIT {
    private static final long SEED = 16_016L;

    @Test
    void aStandbyReadingZoneBsCopyThroughMirrorMakerEndsEqualAfterMirrorMakerIsKilledUnderLoad() throws Exception {
        try (TestStack stack = TestStack.builder("mirrored-zone").withBroker().withMirroredZone(false)
                // MirrorMaker never commits its source offsets in this test: every restart copies the whole topic
                // again, so the last one redelivers across the epoch change of the switchover
                .mirrorMakerSetting("offset.flush.interval.ms", "600000")
                .withPrimary("primary").withStandby("local").withStandby("standby")
                .withApplier("primary").withApplier("local").withApplierInMirroredZone("standby", a -> { })
                .start();
             Driver primary = stack.server("primary").driver();
             Driver standby = stack.server("standby").driver()) {
            MirrorMaker mm2 = stack.mirrorMaker();
            String copy = mm2.targetTopic(stack.topic());
            assertThat(copy).isEqualTo(TestStack.ZONE_A + "." + stack.topic());

            RandomGraphWorkload load = new RandomGraphWorkload(primary, SEED, 2, 1_000_000, 10);
            Thread writers = load.startInBackground();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (endOffset(stack.mirrorBroker(), copy) < 100 && System.nanoTime() < deadline) {
                Thread.sleep(200); // until MirrorMaker has copied something
            }
            mm2.kill(); // before its first offset commit (60 s): everything it copied is copied again
            Thread.sleep(3_000);
            mm2.start();
            Thread.sleep(8_000);
            load.stop();
            writers.join();

            long caughtUp = Replication.awaitCaughtUp(stack.applier("standby"), primary, standby,
                    Duration.ofSeconds(180));
            GraphSnapshot expected = GraphSnapshot.of(primary, Identity.ORIGIN);
            GraphSnapshot actual = GraphSnapshot.of(standby, Identity.REPLICA);
            long zoneA = records(stack.broker(), stack.topic());
            long zoneB = records(stack.mirrorBroker(), copy);
            System.out.printf("mirrored zone: caught up at commit %d; %d workload commits; zone A %d records (end offset "
                    + "%d), zone B %d records (end offset %d); %s%n", caughtUp, load.committed(), zoneA,
                    endOffset(stack.broker(), stack.topic()), zoneB, endOffset(stack.mirrorBroker(), copy), expected);
            assertThat(load.committed()).as("workload commits (first failure %s)", load.firstFailure())
                    .isGreaterThan(100);
            assertThat(actual.problems()).as("entities applied twice").isEmpty();
            expected.assertSameAs(actual);
            assertThat(zoneB).as("MirrorMaker copied records again after its kill -9 (a redelivery)")
                    .isGreaterThan(zoneA);
            assertThat(endOffset(stack.mirrorBroker(), copy)).as("zone B's offsets are not zone A's")
                    .isNotEqualTo(endOffset(stack.broker(), stack.topic()));
            assertThat(replicationConsumerIsolation(mm2)).as("MirrorMaker copies only committed records")
                    .isEqualTo("read_committed");
            lagIsVisiblePerZone(stack, copy);
            java.nio.file.Path cluster = stack.writeClusterFile(java.nio.file.Files.createTempFile("zones", ".json"),
                    List.of("primary", "local", "standby"));
            long afterSwitchover = zoneBFollowsASwitchoverInZoneA(stack, cluster);
            statusShowsTheZone(stack, cluster, copy, afterSwitchover);
        }
    }

    /**
     * Roles move in zone A (switchover from primary to local) while the standby in zone B follows through
     * MirrorMaker: the new epoch's start and its commits reach zone B's copy like any record. Then MirrorMaker is
     * killed and restarted without committed offsets, so zone B's copy holds epoch 0 and epoch 1's start again, after
     * the standby's position: a redelivery across an epoch change, which the standby passes over by where it saw
     * epoch 0 end (docs/zones.md). The zone B standby ends equal to the new primary, as does the old primary, now a
     * standby of zone A.
     */
    private static long zoneBFollowsASwitchoverInZoneA(TestStack stack, java.nio.file.Path cluster) throws Exception {
        OpsCliRun run = OpsCliRun.of("--cluster", cluster.toString(), "--json", "switchover", "--to", "local");
        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.OK);
        try (Driver local = stack.server("local").driver(); Driver old = stack.server("primary").driver();
             Driver zoneB = stack.server("standby").driver()) {
            RandomGraphWorkload load = new RandomGraphWorkload(local, SEED + 2, 2, 50, 0);
            load.run();
            assertThat(load.committed()).as("commits on the new primary (first failure %s)", load.firstFailure())
                    .isGreaterThan(50);
            Replication.awaitCaughtUp(stack.applier("standby"), local, zoneB, Duration.ofSeconds(180));

            // MirrorMaker restarts without committed offsets: zone B's copy gets epoch 0's records and epoch 1's start
            // a second time, after the standby's position. It passes over them by where it saw epoch 0 end.
            String copy = stack.mirrorMaker().targetTopic(stack.topic());
            long copied = records(stack.mirrorBroker(), copy);
            long again = copied + records(stack.broker(), stack.topic()); // zone A's records, all of them once more
            stack.mirrorMaker().kill();
            stack.mirrorMaker().start();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (records(stack.mirrorBroker(), copy) < again && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(records(stack.mirrorBroker(), copy)).as("the whole topic copied again, both epochs")
                    .isGreaterThanOrEqualTo(again);
            RandomGraphWorkload more = new RandomGraphWorkload(local, SEED + 3, 1, 20, 0);
            more.run();
            long caughtUp = Replication.awaitCaughtUp(stack.applier("standby"), local, zoneB, Duration.ofSeconds(180));
            Replication.awaitCaughtUp(stack.applier("primary"), local, old, Duration.ofSeconds(180));
            GraphSnapshot expected = GraphSnapshot.of(local, Identity.KEY);
            GraphSnapshot inZoneB = GraphSnapshot.of(zoneB, Identity.KEY);
            assertThat(inZoneB.problems()).as("entities applied twice").isEmpty();
            expected.assertSameAs(inZoneB);
            expected.assertSameAs(GraphSnapshot.of(old, Identity.KEY));
            System.out.printf("mirrored zone: switchover primary -> local (%s); zone B caught up at commit %d of "
                    + "epoch 1%n", run.out().strip().replace('\n', ' '), caughtUp);
            return caughtUp;
        }
    }

    /**
     * {@code ha4neo status} on a cluster file that describes zone B (its broker, the copy's name, MirrorMaker's
     * endpoint): healthy; zone B's copy with its own end offset and MirrorMaker's latency; the standby, in zone B, at
     * the primary's last commit.
     */
    private static void statusShowsTheZone(TestStack stack, java.nio.file.Path file, String copy, long caughtUp)
            throws Exception {
        OpsCliRun json = OpsCliRun.of("--cluster", file.toString(), "--json", "status");
        assertThat(json.code()).as(json.toString()).isEqualTo(ExitCodes.OK);
        JsonNode status = new ObjectMapper().readTree(json.out());
        JsonNode zone = status.get("zones").get(0);
        assertThat(zone.get("name").asText()).isEqualTo(TestStack.ZONE_B);
        assertThat(zone.get("topic").asText()).isEqualTo(copy);
        assertThat(zone.get("bootstrapServers").asText()).isEqualTo(stack.mirrorBroker().bootstrapServers());
        assertThat(zone.get("topicEndOffset").asLong()).as(json.out())
                .isEqualTo(endOffset(stack.mirrorBroker(), copy));
        assertThat(zone.get("mirrorLatencyMs").isNumber()).as(json.out()).isTrue();
        JsonNode standby = status.get("members").get(2);
        assertThat(standby.get("name").asText()).isEqualTo("standby");
        assertThat(standby.get("zone").asText()).isEqualTo(TestStack.ZONE_B);
        assertThat(standby.get("appliedCommitId").asLong()).isEqualTo(caughtUp);
        assertThat(standby.get("lagCommits").asLong()).isZero();

        OpsCliRun text = OpsCliRun.of("--cluster", file.toString(), "status");
        assertThat(text.out()).as(text.toString()).containsPattern("zone " + TestStack.ZONE_B + ": copy "
                + java.util.regex.Pattern.quote(copy) + " end offset \\d+ \\(kafka [^)]+\\), MirrorMaker replication "
                + "latency \\d+ ms");
        System.out.println("mirrored zone, ha4neo status:\n" + text.out());

        stack.mirrorMaker().kill();
        OpsCliRun down = OpsCliRun.of("--cluster", file.toString(), "status");
        assertThat(down.code()).as(down.toString()).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(down.out()).contains("zone " + TestStack.ZONE_B + ": MirrorMaker at " + stack.mirrorMaker()
                .metricsUrl() + " unavailable");
    }

    /**
     * Zone B's lag has two parts, each on a Prometheus endpoint: MirrorMaker's replication latency of the copy (its
     * JMX metrics through the exporter agent), and the applier's lag behind zone B's copy.
     */
    private static void lagIsVisiblePerZone(TestStack stack, String copy) throws Exception {
        String mm2Metrics = Replication.metrics(java.net.URI.create(stack.mirrorMaker().metricsUrl()));
        String latency = mm2Metrics.lines().filter(l -> l.startsWith(MirrorMaker.REPLICATION_LATENCY + "{")
                && l.contains("topic=\"" + copy + "\"")).findFirst().orElse(null);
        assertThat(latency).as("MirrorMaker's replication latency of %s on %s:%n%s", copy,
                stack.mirrorMaker().metricsUrl(), mm2Metrics.lines().filter(l -> l.startsWith("kafka_connect_mirror")).limit(40)
                        .toList()).isNotNull();
        String applierMetrics = Replication.metrics(stack.applier("standby"));
        assertThat(applierMetrics).contains(io.ha4neo.schemas.contract.MetricNames.APPLIER_LAG_SECONDS);
        System.out.printf("mirrored zone: %s; applier %s%n", latency, applierMetrics.lines()
                .filter(l -> l.startsWith(io.ha4neo.schemas.contract.MetricNames.APPLIER_LAG_SECONDS)).findFirst()
                .orElse("?"));
    }

    /** Under MirrorMaker's identity policy zone B's copy keeps the topic's name, and the standby follows it too. */
    @Test
    void underTheIdentityPolicyZoneBsCopyKeepsTheNameAndTheStandbyEndsEqual() throws Exception {
        try (TestStack stack = TestStack.builder("mirrored-zone-identity").withBroker().withMirroredZone(true)
                .withPrimary("primary").withStandby("standby").withApplierInMirroredZone("standby", a -> { })
                .start();
             Driver primary = stack.server("primary").driver();
             Driver standby = stack.server("standby").driver()) {
            assertThat(stack.mirrorMaker().targetTopic(stack.topic())).isEqualTo(stack.topic());
            RandomGraphWorkload load = new RandomGraphWorkload(primary, SEED + 1, 2, 100, 0);
            load.run();

            Replication.awaitCaughtUp(stack, primary, standby, Duration.ofSeconds(180));
            GraphSnapshot expected = GraphSnapshot.of(primary, Identity.ORIGIN);
            GraphSnapshot actual = GraphSnapshot.of(standby, Identity.REPLICA);
            assertThat(load.committed()).as("workload commits (first failure %s)", load.firstFailure())
                    .isGreaterThan(150);
            expected.assertSameAs(actual);
            assertThat(records(stack.mirrorBroker(), stack.topic())).as("zone B's copy, under the same name")
                    .isGreaterThanOrEqualTo(records(stack.broker(), stack.topic()));
        }
    }

    /** The isolation level MirrorMaker's replication consumer logged when it started (the last start). */
    private static String replicationConsumerIsolation(MirrorMaker mm2) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(mm2.logFile());
        String level = null;
        boolean inReplicationConsumer = false;
        for (String line : lines) {
            if (line.contains("ConsumerConfig values")) {
                inReplicationConsumer = false;
            } else if (line.contains("client.id = ") && line.contains("replication-consumer")) {
                inReplicationConsumer = true;
            } else if (inReplicationConsumer && line.contains("isolation.level = ")) {
                level = line.substring(line.indexOf("= ") + 2).trim();
            }
        }
        return level;
    }

    /** How many records a read_committed consumer reads from partition 0 of {@code topic}. */
    static long records(KafkaBroker broker, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long count = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> ignored : consumer.poll(Duration.ofMillis(500))) {
                    count++;
                }
            }
            return count;
        }
    }

    static long endOffset(KafkaBroker broker, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaBroker broker) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "count-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
