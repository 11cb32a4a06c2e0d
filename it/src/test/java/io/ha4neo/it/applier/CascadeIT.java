package io.ha4neo.it.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.schemas.contract.RecordHeaders;
import io.ha4neo.schemas.contract.WatermarkNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/**
 * Cascading (issue 16, docs/cascading.md): primary {@code a} → standby {@code b} → standby {@code c}. {@code b}'s
 * applier copies what it has applied to a topic of its own ({@code cascade.topic}); {@code c}'s applier reads that copy
 * like a primary's log. Under the random workload (every value type) {@code b}'s applier is killed with kill -9 and
 * started again: its relay resumes after the last copy it committed. Both standbys end equal to the primary, and the
 * copy holds every record of the primary's topic exactly once, in order.
 */
class CascadeIT {
    private static final long SEED = 16_216L;

    @Test
    void aStandbyFollowingAnotherStandbysCopyEndsEqualAfterTheUpstreamApplierIsKilledUnderLoad() throws Exception {
        String copy = "ha4neo.local.neo4j.via-b";
        try (TestStack stack = TestStack.builder("cascade").withBroker()
                .withPrimary("a").withStandby("b").withStandby("c")
                .withApplier("b", x -> x.property("cascade.topic", copy))
                .withApplier("c", x -> x.property("topic", copy))
                .start();
             Driver a = stack.server("a").driver();
             Driver b = stack.server("b").driver();
             Driver c = stack.server("c").driver()) {
            ApplierProcess upstream = stack.applier("b");
            RandomGraphWorkload load = new RandomGraphWorkload(a, SEED, 2, 1_000_000, 10);
            Thread writers = load.startInBackground();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records(stack.broker(), copy).size() < 50 && System.nanoTime() < deadline) {
                Thread.sleep(200); // until b's relay has copied something
            }
            upstream.kill(); // kill -9, in the middle of copying
            Thread.sleep(2_000);
            upstream.start();
            Thread.sleep(6_000);
            load.stop();
            writers.join();

            long atB = Replication.awaitCaughtUp(upstream, a, b, Duration.ofSeconds(120));
            long atC = Replication.awaitCaughtUp(stack.applier("c"), a, c, Duration.ofSeconds(120));
            GraphSnapshot expected = GraphSnapshot.of(a, Identity.ORIGIN);
            System.out.printf("cascade: b caught up at commit %d, c at %d; %d workload commits; %s%n", atB, atC,
                    load.committed(), expected);
            assertThat(load.committed()).as("workload commits (first failure %s)", load.firstFailure())
                    .isGreaterThan(100);
            GraphSnapshot onB = GraphSnapshot.of(b, Identity.REPLICA);
            GraphSnapshot onC = GraphSnapshot.of(c, Identity.REPLICA);
            assertThat(onC.problems()).as("entities applied twice on c").isEmpty();
            expected.assertSameAs(onB);
            expected.assertSameAs(onC);
            assertThat(Replication.watermark(c).orElseThrow()).containsEntry(WatermarkNode.TOPIC, copy);

            theCopyHoldsEveryRecordOfTheLogExactlyOnceInOrder(stack.broker(), stack.topic(), copy);
        }
    }

    /** The source offsets the copies name are exactly the log's record offsets; keys and values byte for byte. */
    private static void theCopyHoldsEveryRecordOfTheLogExactlyOnceInOrder(KafkaBroker broker, String log,
                                                                         String copy) {
        List<ConsumerRecord<byte[], byte[]>> original = records(broker, log);
        List<ConsumerRecord<byte[], byte[]>> copies = records(broker, copy);
        List<Long> sourceOffsets = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : copies) {
            Header from = r.headers().lastHeader(RecordHeaders.RELAY_TOPIC);
            assertThat(from).as("relay header of copy at offset %d", r.offset()).isNotNull();
            assertThat(RecordHeaders.text(from.value())).isEqualTo(log);
            OptionalLong offset = RecordHeaders.parseNumber(r.headers().lastHeader(RecordHeaders.RELAY_OFFSET).value());
            sourceOffsets.add(offset.orElseThrow());
        }
        assertThat(sourceOffsets).as("source offsets of the copies, after a kill -9 of the relay")
                .containsExactlyElementsOf(original.stream().map(ConsumerRecord::offset).toList());
        for (int i = 0; i < original.size(); i++) {
            assertThat(copies.get(i).key()).isEqualTo(original.get(i).key());
            assertThat(copies.get(i).value()).isEqualTo(original.get(i).value());
        }
        System.out.printf("cascade: %d records in %s, %d copies in %s%n", original.size(), log, copies.size(), copy);
    }

    /** Every committed record of {@code topic}'s partition 0, in order. */
    private static List<ConsumerRecord<byte[], byte[]>> records(KafkaBroker broker, String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "cascade-it-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            if (consumer.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty()) {
                return all;
            }
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return all; // the topic does not exist yet
        }
        return all;
    }
}
