package io.ha4neo.topology.handover;

import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.contract.RecordHeaders;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.topology.TailSearch;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * The log's last event, read from partition 0 of the replication topic with a read_committed consumer: the last
 * record there (found by {@link TailSearch}, backwards from the last stable offset) is the last record of the last
 * committed transaction, and its key and header name the event's commit id and epoch. Every chunk of a large
 * transaction carries them, so the last chunk is as good as the event.
 *
 * <p>The value is not decoded when the record has the {@link RecordHeaders#EPOCH} header, so the CLI reads the tail of
 * a topic in registry mode (record values carry a Schema Registry's ids) without knowing the registry. Only a record
 * without the header, written before event schema v4 and so in embedded mode, is decoded with {@code codec}.
 *
 * <pre>{@code
 * LastEvent last = new KafkaLogTail(cluster.topic(), clients::tailConsumer, EventCodecs.embedded(),
 *         Duration.ofSeconds(10), Clock.systemUTC()).read();
 * }</pre>
 */
public final class KafkaLogTail implements LogTail {
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final EventCodec codec;
    private final Duration timeout;
    private final Clock clock;

    /**
     * @param consumers opens a read_committed consumer without a group (the reader closes it)
     * @param timeout longest wait for each Kafka request and for reading each window
     */
    public KafkaLogTail(String topic, Supplier<Consumer<byte[], byte[]>> consumers, EventCodec codec,
                        Duration timeout, Clock clock) {
        this.topic = topic;
        this.consumers = consumers;
        this.codec = codec;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public LastEvent read() {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            consumer.assign(Set.of(partition));
            long begin = consumer.beginningOffsets(Set.of(partition), timeout).get(partition);
            long end = consumer.endOffsets(Set.of(partition), timeout).get(partition); // the last stable offset
            return TailSearch.last(begin, end, (from, to) -> lastRecord(consumer, partition, from, to))
                    .map(this::positionOf).orElse(LastEvent.EMPTY_LOG);
        } catch (KafkaException e) {
            throw new LogTailUnavailable("cannot read the last event of " + partition + ": " + e.getMessage()
                    + "; is Kafka up, and does the cluster file name its servers and the topic?", e);
        }
    }

    private Optional<ConsumerRecord<byte[], byte[]>> lastRecord(Consumer<byte[], byte[]> consumer,
                                                                 TopicPartition partition, long from, long to) {
        consumer.seek(partition, from);
        ConsumerRecord<byte[], byte[]> last = null;
        long deadline = clock.millis() + timeout.toMillis();
        while (consumer.position(partition, timeout) < to) {
            if (clock.millis() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading offsets " + from + " to " + to
                        + " took over " + timeout.toMillis() + " ms");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(partition)) {
                if (r.offset() >= from && r.offset() < to) {
                    last = r;
                }
            }
        }
        return Optional.ofNullable(last);
    }

    private LastEvent positionOf(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(RecordHeaders.EPOCH);
        OptionalLong epoch = RecordHeaders.parseEpoch(header == null ? null : header.value());
        OptionalLong commitId = commitIdOf(record.key());
        if (epoch.isPresent() && commitId.isPresent()) {
            return new LastEvent(new ChainPosition(epoch.getAsLong(), commitId.getAsLong()), record.offset());
        }
        return decode(record);
    }

    private static OptionalLong commitIdOf(byte[] key) {
        String text = key == null ? "" : new String(key, StandardCharsets.UTF_8).trim();
        return text.matches("[0-9]{1,18}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
    }

    private LastEvent decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return new LastEvent(ChainPosition.of(codec.decode(record.value())), record.offset());
        } catch (DecodeException e) {
            throw new LogTailUnavailable("the last record of " + topic + "-0, at offset " + record.offset()
                    + ", is not an ha4neo event: " + e.getMessage() + "; the log's last event is unknown", e);
        }
    }
}
