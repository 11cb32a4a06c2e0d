package io.ha4neo.applier.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.contract.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's thread against Kafka's mock clients: it copies only what the standby has committed (never ahead), in
 * transactions, each copy naming its source offset; it resumes after the target's last copy; and it refuses a target
 * that is a primary's log without writing anything.
 */
class CascadeRelayTest {
    private static final String LOG = "ha4neo.c.neo4j";
    private static final String COPY = "ha4neo.c.neo4j.via-b";
    private static final TopicPartition SOURCE = new TopicPartition(LOG, 0);
    private static final TopicPartition TARGET = new TopicPartition(COPY, 0);

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final List<String> ensured = new ArrayList<>();
    private final AtomicReference<CascadeRefusedException> refused = new AtomicReference<>();
    private CascadeRelay relay;

    private CascadeRelay relay() {
        relay = new CascadeRelay(LOG, COPY, new CascadeRelay.Clients() {
            @Override
            public Producer<byte[], byte[]> producer() {
                return producer;
            }

            @Override
            public Consumer<byte[], byte[]> consumer() {
                return consumer;
            }

            @Override
            public void ensureTopic(String topic) {
                ensured.add(topic);
            }
        }, refused::set);
        return relay;
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static Watermark at(String topic, long offset) {
        return new Watermark("neo4j", offset + 100, 0, topic, 0, offset, 0, 0);
    }

    private void targetHolds(ConsumerRecord<byte[], byte[]>... records) {
        consumer.updateBeginningOffsets(Map.of(TARGET, 0L));
        consumer.updateEndOffsets(Map.of(TARGET, (long) records.length));
        if (records.length > 0) {
            consumer.schedulePollTask(() -> List.of(records).forEach(consumer::addRecord));
        }
    }

    private void sourceHolds(int records) {
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < records; i++) {
                consumer.addRecord(new ConsumerRecord<>(LOG, 0, i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
        });
    }

    private static List<Long> sourceOffsets(List<ProducerRecord<byte[], byte[]>> copies) {
        return copies.stream().map(r -> RecordHeaders.parseNumber(r.headers().lastHeader(RecordHeaders.RELAY_OFFSET)
                .value()).orElseThrow()).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void copiesOnlyWhatTheStandbyCommittedInTransactionsNamingEachSourceOffset() throws Exception {
        targetHolds();
        sourceHolds(10);
        relay().start();
        relay.standbyAt(at("another.topic", 9)); // a watermark of another topic allows nothing
        relay.standbyAt(at(LOG, 4));

        await(() -> producer.history().size() >= 5, "the first five copies");
        Thread.sleep(300); // the relay runs on; the standby has not committed offset 5 yet
        assertThat(sourceOffsets(producer.history())).as("never ahead of the standby").containsExactly(0L, 1L, 2L, 3L,
                4L);
        relay.standbyAt(at(LOG, 9));
        await(() -> producer.history().size() >= 10, "all ten copies");

        List<ProducerRecord<byte[], byte[]>> copies = producer.history();
        assertThat(sourceOffsets(copies)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(copies).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo(COPY);
            assertThat(r.partition()).isZero();
            assertThat(RecordHeaders.text(r.headers().lastHeader(RecordHeaders.RELAY_TOPIC).value())).isEqualTo(LOG);
        });
        assertThat(new String(copies.get(7).value(), StandardCharsets.UTF_8)).isEqualTo("v7");
        assertThat(producer.uncommittedRecords()).isEmpty();
        assertThat(producer.commitCount()).as("one transaction per standby step at least").isGreaterThanOrEqualTo(2);
        assertThat(ensured).containsExactly(COPY);
        assertThat(refused.get()).isNull();
    }

    @Test
    void resumesRightAfterTheSourceOffsetOfTheTargetsLastCopy() throws Exception {
        ConsumerRecord<byte[], byte[]> lastCopy = new ConsumerRecord<>(COPY, 0, 0, new byte[0], new byte[0]);
        lastCopy.headers().add(RecordHeaders.RELAY_TOPIC, LOG.getBytes(StandardCharsets.UTF_8))
                .add(RecordHeaders.RELAY_OFFSET, RecordHeaders.numberValue(6));
        targetHolds(lastCopy);
        sourceHolds(10);
        relay().start();
        relay.standbyAt(at(LOG, 9));

        await(() -> producer.history().size() >= 3, "the copies after offset 6");
        Thread.sleep(200);
        assertThat(sourceOffsets(producer.history())).containsExactly(7L, 8L, 9L);
    }

    @Test
    void aTargetThatIsAPrimarysLogIsRefusedAndNothingIsWritten() throws Exception {
        ConsumerRecord<byte[], byte[]> captured = new ConsumerRecord<>(COPY, 0, 0, new byte[0], new byte[0]);
        Headers h = captured.headers();
        h.add(RecordHeaders.EPOCH, RecordHeaders.epochValue(0));
        targetHolds(captured);
        sourceHolds(3);
        relay().start();
        relay.standbyAt(at(LOG, 2));

        await(() -> refused.get() != null, "the refusal");
        assertThat(refused.get()).hasMessageContaining("cascade.topic " + COPY + " holds records that no cascading "
                + "applier copied");
        assertThat(producer.history()).isEmpty();
    }
}
