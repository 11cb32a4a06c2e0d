package io.ha4neo.applier.kafka;

import io.ha4neo.applier.standby.Watermark;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the consumer group's offsets for lag tools ({@code kafka-consumer-groups}, lag dashboards) only:
 * positioning always comes from the standby's watermark, so a lost or failed commit is harmless and is
 * simply made again later. Commits are asynchronous; their callbacks run on the loop's thread, inside the
 * consumer's calls.
 */
public final class LagToolsOffsets {
    private static final Logger log = LoggerFactory.getLogger(LagToolsOffsets.class);

    private final Consumer<?, ?> consumer;
    private long committed = -1;

    public LagToolsOffsets(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /** After a batch: the group's offset moves to just after the watermark. */
    public void commitAfter(Watermark w) {
        commit(new TopicPartition(w.topic(), w.partition()), w.offset() + 1);
    }

    /**
     * When nothing is left to apply, the position can be ahead of the watermark's offset + 1: a transactional
     * producer ends every Kafka transaction with a control record (commit marker) that the consumer skips.
     * Committing the position then makes a caught-up applier show lag 0 in Kafka's own tools.
     */
    public void commitPositionsWhenCaughtUp() {
        for (TopicPartition tp : consumer.assignment()) {
            long position = consumer.position(tp, Duration.ofSeconds(5));
            if (position > committed) {
                commit(tp, position);
            }
        }
    }

    /** After re-positioning: the next chance commits again, whatever was committed before. */
    public void forget() {
        committed = -1;
    }

    private void commit(TopicPartition tp, long offset) {
        committed = offset;
        consumer.commitAsync(Map.of(tp, new OffsetAndMetadata(offset)), (offsets, error) -> {
            if (error != null) {
                committed = -1; // commit again at the next chance
                log.warn("committing offset {} of {} for lag tools failed ({}); harmless, positioning uses the "
                        + "standby's watermark; will commit again after the next batch", offset, tp, error.toString());
            }
        });
    }
}
