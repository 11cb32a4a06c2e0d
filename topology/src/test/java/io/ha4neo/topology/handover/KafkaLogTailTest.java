package io.ha4neo.topology.handover;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.contract.RecordHeaders;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.EpochStart;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.value.Value;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@link KafkaLogTail} on a partition served by a {@link MockConsumer} that behaves like a read_committed consumer:
 * records only where the plugin's transactions committed them, offsets without a record (transaction markers) in
 * between and at the end, and the end offset at the last stable offset.
 */
class KafkaLogTailTest {
    private static final String TOPIC = "ha4neo.dc1.neo4j";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private final EventCodec codec = EventCodecs.embedded();

    @Test
    void theLastRecordBeforeTheTrailingMarkersIsTheLogsLastEvent() {
        Partition p = new Partition();
        for (long commit = 10; commit < 60; commit++) {
            p.append(codec.encode(event(commit, 0)));
        }

        LastEvent last = tail(p).read();

        assertThat(last.position()).isEqualTo(new ChainPosition(0, 59));
        assertThat(last.offset()).isEqualTo(p.lastRecordOffset());
    }

    @Test
    void anEpochStartAtTheEndIsTheNewEpochsFirstPosition() {
        Partition p = new Partition();
        p.append(codec.encode(event(41, 0)));
        p.append(codec.encode(event(42, 0)));
        p.append(codec.encode(TransactionEvent.epochStartEvent(17, 42, 1L, "dc1", 1, "neo4j",
                new EpochStart(0, "b", "switchover"))));

        assertThat(tail(p).read().position()).isEqualTo(new ChainPosition(1, 17));
    }

    @Test
    void theLastChunkOfALargeTransactionCarriesItsPosition() {
        EventCodec chunking = EventCodecs.embedded(EventCodecs.MIN_MAX_RECORD_BYTES);
        TransactionEvent.Builder big = TransactionEvent.builder(77, 76).origin("dc1", 3);
        for (int i = 0; i < 40; i++) {
            big.createdNodes.add(new NodeCreated("4:x:" + i, List.of("Person"), Map.of("name",
                    Value.of("person number " + i + " with a fairly long name to fill the record"))));
        }
        List<byte[]> chunks = chunking.encode(big.build());
        assertThat(chunks).hasSizeGreaterThan(1);
        Partition p = new Partition();
        p.append(chunks);

        LastEvent last = new KafkaLogTail(TOPIC, () -> new TailConsumer(p), chunking, Duration.ofSeconds(5),
                Clock.systemUTC()).read();

        assertThat(last.position()).isEqualTo(new ChainPosition(3, 77));
        assertThat(last.offset()).isEqualTo(p.lastRecordOffset());
    }

    @Test
    void aRecordWithTheEpochHeaderIsReadWithoutDecodingSoARegistryModeTopicNeedsNoRegistry() {
        Partition p = new Partition();
        p.append(codec.encode(event(41, 0)));
        byte[] registryRecord = codec.encode(event(42, 2)).get(0);
        java.nio.ByteBuffer.wrap(registryRecord, 1, 4).putInt(1234); // a registry's id, unknown to this codec
        p.appendWithHeader(registryRecord, 42, 2);

        assertThat(tail(p).read()).isEqualTo(new LastEvent(new ChainPosition(2, 42), p.lastRecordOffset()));
    }

    @Test
    void anEmptyLogEndsAtTheStart() {
        Partition p = new Partition();
        p.markers(3); // a transaction that aborted: markers, no committed record

        assertThat(tail(p).read()).isEqualTo(LastEvent.EMPTY_LOG);
    }

    @Test
    void aLastRecordThatIsNoEventIsNamedByItsOffset() {
        Partition p = new Partition();
        p.append(codec.encode(event(41, 0)));
        p.append(List.of("not avro".getBytes(UTF_8)));

        assertThatThrownBy(() -> tail(p).read()).isInstanceOf(LogTail.LogTailUnavailable.class)
                .hasMessageStartingWith("the last record of ha4neo.dc1.neo4j-0, at offset " + p.lastRecordOffset()
                        + ", is not an ha4neo event:")
                .hasMessageEndingWith("; the log's last event is unknown");
    }

    @Test
    void kafkaThatDoesNotAnswerIsLogTailUnavailableNamingThePartition() {
        Partition p = new Partition();
        TailConsumer unreachable = new TailConsumer(p) {
            @Override
            public synchronized Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions,
                                                                     Duration timeout) {
                throw new TimeoutException("Timeout of 5000ms expired before the last offsets could be determined");
            }
        };

        assertThatThrownBy(() -> new KafkaLogTail(TOPIC, () -> unreachable, codec, Duration.ofSeconds(5),
                Clock.systemUTC()).read()).isInstanceOf(LogTail.LogTailUnavailable.class)
                .hasMessageStartingWith("cannot read the last event of ha4neo.dc1.neo4j-0: Timeout of 5000ms");
    }

    private KafkaLogTail tail(Partition p) {
        return new KafkaLogTail(TOPIC, () -> new TailConsumer(p), codec, Duration.ofSeconds(5), Clock.systemUTC());
    }

    private static TransactionEvent event(long commitId, long epoch) {
        TransactionEvent.Builder b = TransactionEvent.builder(commitId, commitId - 1).origin("dc1", epoch);
        b.createdNodes.add(new NodeCreated("4:x:" + commitId, List.of("Movie"), Map.of("n", Value.of(commitId))));
        return b.build();
    }

    /** A partition as the plugin's transactional producer leaves it: each transaction's records, then a marker. */
    private static final class Partition {
        final TreeMap<Long, byte[]> records = new TreeMap<>();
        /** Records written with key = commit id and the epoch header: offset to (commit id, epoch). */
        final TreeMap<Long, long[]> withHeader = new TreeMap<>();
        long end;

        void appendWithHeader(byte[] value, long commitId, long epoch) {
            withHeader.put(end, new long[] {commitId, epoch});
            append(List.of(value));
        }

        void append(List<byte[]> transaction) {
            transaction.forEach(value -> records.put(end++, value));
            markers(1);
        }

        void markers(int n) {
            end += n;
        }

        long lastRecordOffset() {
            return records.lastKey();
        }
    }

    /** Reads a {@link Partition} like a read_committed consumer: markers are skipped, the position ends at the end. */
    private static class TailConsumer extends MockConsumer<byte[], byte[]> {
        private final Partition partition;

        TailConsumer(Partition partition) {
            super("earliest");
            this.partition = partition;
            updateBeginningOffsets(Map.of(TP, 0L));
            updateEndOffsets(Map.of(TP, partition.end));
        }

        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            long from = position(TP);
            partition.records.tailMap(from).forEach((offset, value) -> {
                long[] header = partition.withHeader.get(offset);
                ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(TOPIC, 0, offset,
                        Long.toString(header == null ? offset : header[0]).getBytes(UTF_8), value);
                if (header != null) {
                    r.headers().add(RecordHeaders.EPOCH, RecordHeaders.epochValue(header[1]));
                }
                addRecord(r);
            });
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            seek(TP, partition.end); // past the trailing markers, as a read_committed consumer gets
            return records;
        }
    }
}
