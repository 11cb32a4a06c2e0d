package io.ha4neo.capture.publish;

import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.EpochStart;
import io.ha4neo.schemas.event.TransactionEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds where an epoch ended in the log: the epoch start that followed it. A returning primary needs it to know what
 * of its own history the log kept (everything up to the handover point) and where to follow the new primary from.
 *
 * <p>Epochs only grow along the log (a fenced producer cannot write after the epoch start, see docs/roles.md), so a
 * binary search over offsets on the records' epoch headers finds the first record of a later epoch in a few dozen
 * single-record reads, however long the topic.
 */
public final class EpochHistory {
    /**
     * The end of an epoch.
     *
     * @param previous the last position of the ended epoch that the log kept (the epoch start's link)
     * @param start the epoch start's own position (the new epoch and the promoted store's commit id)
     * @param startOffset the epoch start's offset; a member following from {@code previous} reads on from here
     * @param info who was promoted and why
     */
    public record Handover(ChainPosition previous, ChainPosition start, long startOffset, EpochStart info) {
    }

    private EpochHistory() {
    }

    /**
     * The epoch start that followed {@code epoch}, or empty when the log holds nothing after it.
     *
     * @param codec decodes the epoch start record, in the topic's mode (embedded or registry)
     */
    public static Optional<Handover> handoverAfter(Consumer<byte[], byte[]> consumer, String topic, long epoch,
                                                   LongSupplier clockMillis, EventCodec codec) {
        TopicTailReader.Tail tail = TopicTailReader.last(consumer, topic, clockMillis);
        if (tail.isEmpty() || tail.epoch() <= epoch) {
            return Optional.empty();
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        long lo = consumer.beginningOffsets(Set.of(tp)).get(tp);
        long hi = tail.offset(); // the first record at or after hi is of a later epoch
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            ConsumerRecord<byte[], byte[]> r = firstAtOrAfter(consumer, tp, mid, tail.offset(), clockMillis);
            if (TopicTailReader.epochOf(r) > epoch) {
                hi = mid;
            } else {
                lo = r.offset() + 1;
            }
        }
        ConsumerRecord<byte[], byte[]> first = firstAtOrAfter(consumer, tp, lo, tail.offset(), clockMillis);
        TransactionEvent e = TopicTailReader.decode(first, codec);
        if (!e.isEpochStart() || e.epochStart().previousEpoch() != epoch) {
            throw new IllegalStateException("the first record of " + topic + " after epoch " + epoch + ", at offset "
                    + first.offset() + ", is " + ChainPosition.of(e) + (e.isEpochStart() ? " following epoch "
                    + e.epochStart().previousEpoch() : "") + ", not an epoch start that follows epoch " + epoch
                    + ": the log's history does not link to this member's epoch");
        }
        return Optional.of(new Handover(ChainPosition.before(e), ChainPosition.of(e), first.offset(), e.epochStart()));
    }

    /** The first data record at or after {@code offset}; one exists at or before {@code lastOffset}. */
    private static ConsumerRecord<byte[], byte[]> firstAtOrAfter(Consumer<byte[], byte[]> consumer, TopicPartition tp,
                                                                 long offset, long lastOffset, LongSupplier clockMillis) {
        consumer.seek(tp, offset);
        long deadline = clockMillis.getAsLong() + 15_000;
        while (true) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() >= offset && r.key() != null) {
                    return r;
                }
            }
            if (consumer.position(tp) > lastOffset) {
                throw new IllegalStateException("no record of " + tp + " between offsets " + offset + " and "
                        + lastOffset + " although the last one is at " + lastOffset);
            }
            if (clockMillis.getAsLong() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException("reading " + tp + " at offset " + offset
                        + " took over 15 s");
            }
        }
    }
}
