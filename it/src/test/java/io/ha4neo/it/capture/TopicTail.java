package io.ha4neo.it.capture;

import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.event.TransactionEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Follows a replication topic with a read_committed consumer and remembers the tags of decoded events. */
final class TopicTail implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition tp;
    private final EventCodec codec = EventCodecs.embedded();
    private final Set<String> tags = new HashSet<>();

    TopicTail(String bootstrap, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        tp = new TopicPartition(topic, 0);
        consumer.assign(Set.of(tp));
        consumer.seekToBeginning(Set.of(tp));
    }

    /** Tags of every event committed in the topic now (reads up to the current last stable offset). */
    Set<String> committedTags() throws Exception {
        long end = consumer.endOffsets(Set.of(tp)).get(tp);
        while (consumer.position(tp) < end) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                TransactionEvent e = codec.decode(r.value());
                String tag = e.metadata().get(Workload.TAG);
                if (tag != null) {
                    tags.add(tag);
                }
            }
        }
        return tags;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
