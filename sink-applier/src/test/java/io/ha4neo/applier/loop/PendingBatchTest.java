package io.ha4neo.applier.loop;

import static io.ha4neo.applier.fixtures.Events.createsNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.apply.LogItem;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.kafka.RecordDecoder;
import io.ha4neo.applier.observe.ApplierMetrics;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The batch's counters, which drive the batch limits and the lag, across chunks, flushes and re-positioning. */
class PendingBatchTest {
    private final EventCodec codec = EventCodecs.embedded(EventCodecs.MIN_MAX_RECORD_BYTES);
    private final MutableClock clock = new MutableClock();
    private final PendingBatch batch = new PendingBatch(new BatchLimit(3, 1_000), Duration.ofMillis(5),
            new RecordDecoder(codec, ChunkAssembler.create()), clock);

    @Test
    void countsTheChunksOfATransactionStillArrivingAcrossAFlushButNotAcrossARepositioning() {
        List<byte[]> chunks = codec.encode(Events.bigTransaction(5, 3));
        assertThat(chunks).as("chunks").hasSizeGreaterThanOrEqualTo(3);
        batch.accept(record(0, 3, codec.encode(createsNode(3, 0, "a")).get(0)), 0);
        batch.accept(record(1, 5, chunks.get(0)), 0);
        batch.accept(record(2, 5, chunks.get(1)), 0);
        assertThat(batch.items()).hasSize(1);
        assertThat(batch.unappliedRecords()).isEqualTo(3);

        batch.clearApplied(); // the first transaction was applied; the two chunks belong to the next batch
        assertThat(batch.unappliedRecords()).isEqualTo(2);
        for (int i = 2; i < chunks.size(); i++) {
            batch.accept(record(1 + i, 5, chunks.get(i)), 0);
        }
        assertThat(batch.items()).singleElement().satisfies(item -> {
            assertThat(((LogItem.Transaction) item).event().commitId()).isEqualTo(5);
            assertThat(item.position().offset()).as("position of the last chunk").isEqualTo(chunks.size());
        });
        assertThat(batch.unappliedRecords()).isEqualTo(chunks.size());

        batch.accept(record(10, 6, chunks.get(0)), 0); // a new transaction starts ...
        batch.dropAll();                            // ... and a re-positioning drops it with everything else
        assertThat(batch.unappliedRecords()).isZero();
        assertThat(batch.items()).isEmpty();
        chunks.forEach(c -> batch.accept(record(20, 5, c), 0));
        assertThat(batch.items()).as("the assembler starts afresh").hasSize(1);
    }

    @Test
    void anUndecodableRecordIsOneItemWithoutChangesNamedByItsKey() {
        batch.accept(record(7, 42, new byte[] {1, 2, 3}), 0);
        assertThat(batch.items()).singleElement().isInstanceOfSatisfying(LogItem.Undecodable.class,
                u -> assertThat(u.commitId()).hasValue(42));
        assertThat(batch.unappliedRecords()).isEqualTo(1);
        assertThat(batch.describe(Events.TOPIC)).contains("offset 7");
    }

    @Test
    void isFullAtTheTransactionLimitAndDueWhenDrainedOrLingered() {
        assertThat(batch.isDue(true)).as("nothing pending").isFalse();
        assertThat(batch.pollTimeout()).isEqualTo(Duration.ofMillis(500));
        batch.accept(record(0, 3, codec.encode(createsNode(3, 0, "a")).get(0)), 0);
        assertThat(batch.pollTimeout()).isEqualTo(Duration.ofMillis(5));
        assertThat(batch.isDue(false)).isFalse();
        assertThat(batch.isDue(true)).isTrue();
        clock.advance(5);
        assertThat(batch.isDue(false)).as("lingered").isTrue();
        batch.accept(record(1, 4, codec.encode(createsNode(4, 3, "b")).get(0)), 0);
        assertThat(batch.isFull()).isFalse();
        batch.accept(record(2, 5, codec.encode(createsNode(5, 4, "c")).get(0)), 0);
        assertThat(batch.isFull()).isTrue();
    }

    @Test
    void recordsEachWholeTransactionsCommitSendAndPollTimesUntilItIsApplied() {
        TransactionEvent event = createsNode(3, 0, "a");
        List<byte[]> chunks = codec.encode(Events.bigTransaction(5, 3));
        batch.accept(sent(0, 3, codec.encode(event).get(0), event.commitTimeMillis() + 7), 1_000);
        batch.accept(sent(1, 5, chunks.get(0), 20), 2_000);
        assertThat(batch.stageTimes()).as("a transaction still arriving has no stage times yet")
                .containsExactly(new ApplierMetrics.StageTimes(event.commitTimeMillis(), event.commitTimeMillis() + 7,
                        1_000));
        chunks.subList(1, chunks.size()).forEach(c -> batch.accept(sent(2, 5, c, 30), 3_000));
        assertThat(batch.stageTimes()).hasSize(2).last()
                .as("sent and polled with its last chunk").extracting(ApplierMetrics.StageTimes::sentMillis,
                        ApplierMetrics.StageTimes::polledMillis).containsExactly(30L, 3_000L);
        batch.clearApplied();
        assertThat(batch.stageTimes()).isEmpty();
    }

    private static ConsumerRecord<byte[], byte[]> sent(long offset, long commitId, byte[] value, long timestamp) {
        return new ConsumerRecord<>(Events.TOPIC, 0, offset, timestamp, org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                0, 0, Long.toString(commitId).getBytes(StandardCharsets.UTF_8), value,
                new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, long commitId, byte[] value) {
        return new ConsumerRecord<>(Events.TOPIC, 0, offset, Long.toString(commitId).getBytes(StandardCharsets.UTF_8), value);
    }

    private static final class MutableClock extends Clock {
        private long millis = 1_000;

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
