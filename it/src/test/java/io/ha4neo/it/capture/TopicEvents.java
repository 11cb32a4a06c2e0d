package io.ha4neo.it.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.event.TransactionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a replication topic from the beginning with a read_committed consumer, as any downstream consumer would,
 * decodes every record and reassembles chunked transactions. Also checks the log's invariants: record key = commit
 * id, strictly increasing commit ids, and an unbroken previous-commit-id chain starting at 0.
 */
public final class TopicEvents {
    private final List<TransactionEvent> events;

    private TopicEvents(List<TransactionEvent> events) {
        this.events = events;
    }

    /** Reads every committed record of partition 0 up to the current end. */
    public static TopicEvents read(String bootstrap, String topic) throws Exception {
        EventCodec codec = EventCodecs.embedded();
        ChunkAssembler assembler = ChunkAssembler.create();
        List<TransactionEvent> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            long end = consumer.endOffsets(Set.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + 120_000;
            while (consumer.position(tp) < end) {
                assertThat(System.currentTimeMillis()).as("reading %s to offset %d", topic, end).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TransactionEvent chunk = codec.decode(r.value());
                    assertThat(new String(r.key(), StandardCharsets.UTF_8))
                            .as("record key at offset %d", r.offset()).isEqualTo(Long.toString(chunk.commitId()));
                    Optional<TransactionEvent> whole = assembler.accept(chunk);
                    whole.ifPresent(out::add);
                }
            }
        }
        return new TopicEvents(out);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public List<TransactionEvent> events() {
        return events;
    }

    /** Asserts strictly increasing commit ids and an unbroken chain from 0. */
    public TopicEvents assertOrderedUnbrokenChain() {
        long previous = 0;
        for (TransactionEvent e : events) {
            assertThat(e.previousCommitId()).as("chain link of commit %d", e.commitId()).isEqualTo(previous);
            assertThat(e.commitId()).as("commit id after %d", previous).isGreaterThan(previous);
            previous = e.commitId();
        }
        return this;
    }

    /** Events by the value of a transaction-metadata key; fails on a duplicate. */
    public Map<String, TransactionEvent> byMetadata(String key) {
        Map<String, TransactionEvent> out = new HashMap<>();
        for (TransactionEvent e : events) {
            String tag = e.metadata().get(key);
            if (tag != null) {
                assertThat(out.put(tag, e)).as("events tagged %s=%s", key, tag).isNull();
            }
        }
        return out;
    }

    /** Index in the log of the event tagged {@code key=value}. */
    public int indexOf(String key, String value) {
        for (int i = 0; i < events.size(); i++) {
            if (value.equals(events.get(i).metadata().get(key))) {
                return i;
            }
        }
        throw new AssertionError("no event tagged " + key + "=" + value);
    }

    /** Index in the log of the schema event creating or dropping {@code name}. */
    public int indexOfSchema(String operation, String name) {
        for (int i = 0; i < events.size(); i++) {
            boolean hit = events.get(i).schemaChanges().stream()
                    .anyMatch(s -> s.name().equals(name) && s.operation().name().equals(operation));
            if (hit) {
                return i;
            }
        }
        throw new AssertionError("no schema event " + operation + " " + name);
    }
}
