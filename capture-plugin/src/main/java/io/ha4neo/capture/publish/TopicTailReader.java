package io.ha4neo.capture.publish;

import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.contract.RecordHeaders;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.TailSearch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Reads the position of the last committed record of a replication topic, as a read_committed consumer sees it: the
 * topic, not a local file, says what the standbys can have. The commit id is the record's key, the epoch its
 * {@link RecordHeaders#EPOCH} header (or its decoded value, for records written before the header existed). Reads
 * backwards in growing windows from the end ({@link TailSearch}, shared with the ops CLI's reader of the log's last
 * event), so a long topic costs a few small fetches.
 */
public final class TopicTailReader {
    /** The last record: its chain position and offset; {@link #EMPTY} for an empty topic. */
    public record Tail(ChainPosition position, long offset) {
        public static final Tail EMPTY = new Tail(ChainPosition.START, -1);

        public boolean isEmpty() {
            return offset < 0;
        }

        public long epoch() {
            return position.epoch();
        }

        public long commitId() {
            return position.commitId();
        }
    }

    private TopicTailReader() {
    }

    /**
     * The topic's last record, {@link Tail#EMPTY} when the topic is empty or does not exist yet, or empty when Kafka
     * cannot be asked within {@code timeoutMillis}.
     */
    public static Optional<Tail> last(KafkaClients clients, String topic, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try (Admin admin = clients.admin()) {
                if (!admin.listTopics().names().get(Math.max(1, deadline - System.currentTimeMillis()),
                        TimeUnit.MILLISECONDS).contains(topic)) {
                    return Optional.of(Tail.EMPTY);
                }
                try (Consumer<byte[], byte[]> consumer = clients.tailConsumer()) {
                    return Optional.of(last(consumer, topic, System::currentTimeMillis));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (Exception e) {
                if (System.currentTimeMillis() + 1_000 > deadline) {
                    return Optional.empty();
                }
                sleepQuietly(1_000);
            }
        }
    }

    /** The commit id of {@link #last(KafkaClients, String, long)}: 0 for an empty topic, empty if Kafka is away. */
    public static OptionalLong lastCommitId(KafkaClients clients, String topic, long timeoutMillis) {
        return last(clients, topic, timeoutMillis).map(t -> OptionalLong.of(t.commitId())).orElse(OptionalLong.empty());
    }

    /**
     * The last committed record of partition 0, {@link Tail#EMPTY} when the partition is empty. Each window must be
     * read within 15 s of {@code clockMillis} (the publisher passes its injected clock).
     */
    public static Tail last(Consumer<byte[], byte[]> consumer, String topic, LongSupplier clockMillis) {
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(Set.of(tp));
        long begin = consumer.beginningOffsets(Set.of(tp)).get(tp);
        long end = consumer.endOffsets(Set.of(tp)).get(tp);
        return TailSearch.last(begin, end, (from, to) -> Optional.ofNullable(lastRecordBetween(consumer, tp, from, to,
                clockMillis))).map(r -> new Tail(positionOf(r), r.offset())).orElse(Tail.EMPTY);
    }

    /** The chain position of a record of the log: key = commit id, header (or value) = epoch. */
    public static ChainPosition positionOf(ConsumerRecord<byte[], byte[]> r) {
        return new ChainPosition(epochOf(r), commitIdOf(r));
    }

    static long commitIdOf(ConsumerRecord<byte[], byte[]> r) {
        try {
            return Long.parseLong(new String(r.key(), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new IllegalStateException("the record at " + r.topic() + "-" + r.partition() + " offset " + r.offset()
                    + " has no commit id as its key: the topic holds records that are not ha4neo events", e);
        }
    }

    /**
     * The record's epoch: its header, or, for a record written before the header existed (event schema v3 and older),
     * its decoded value. Such records predate registry mode, so they are decoded with the embedded schemas whatever
     * the configured mode: a topic of registry mode has the header on every record.
     */
    public static long epochOf(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader(RecordHeaders.EPOCH);
        OptionalLong fromHeader = RecordHeaders.parseEpoch(h == null ? null : h.value());
        if (fromHeader.isPresent()) {
            return fromHeader.getAsLong();
        }
        return decode(r, EventCodecs.embedded()).epoch();
    }

    /** Decodes one record (a whole event, or one chunk of one, with the event's header fields). */
    public static TransactionEvent decode(ConsumerRecord<byte[], byte[]> r, EventCodec codec) {
        try {
            return codec.decode(r.value());
        } catch (DecodeException | RuntimeException e) {
            throw new IllegalStateException("cannot decode the record at " + r.topic() + "-" + r.partition()
                    + " offset " + r.offset() + ": " + e.getMessage(), e);
        }
    }

    private static ConsumerRecord<byte[], byte[]> lastRecordBetween(Consumer<byte[], byte[]> consumer,
                                                                   TopicPartition tp, long from, long end,
                                                                   LongSupplier clockMillis) {
        consumer.seek(tp, from);
        ConsumerRecord<byte[], byte[]> last = null;
        long deadline = clockMillis.getAsLong() + 15_000;
        while (consumer.position(tp) < end) {
            if (clockMillis.getAsLong() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading the tail of " + tp + " took over 15 s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < end && r.key() != null) {
                    last = r;
                }
            }
        }
        return last;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
