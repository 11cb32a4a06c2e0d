package io.ha4neo.applier.kafka;

import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.standby.Watermark;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Positions the consumer from the standby's {@link Watermark}, the only source of truth for where to read:
 * just after the watermark's offset, or the beginning of the log on a standby that was never applied to.
 * Kafka's committed offsets are never used for this.
 */
public final class WatermarkSeek {
    private static final Logger log = LoggerFactory.getLogger(WatermarkSeek.class);

    private WatermarkSeek() {
    }

    /** Seeks {@code tp}; a watermark written from another topic or partition is a fatal divergence. */
    public static void seek(Consumer<?, ?> consumer, TopicPartition tp, Optional<Watermark> w) {
        if (w.isEmpty()) {
            log.info("standby has no watermark: reading {} from the beginning", tp);
            consumer.seekToBeginning(List.of(tp));
            return;
        }
        Watermark wm = w.get();
        if (!wm.topic().equals(tp.topic()) || wm.partition() != tp.partition()) {
            throw new FatalApplierException("divergence", "the standby's watermark " + wm + " was written from "
                    + wm.topic() + "-" + wm.partition() + ", but this applier reads " + tp + "; offsets of different "
                    + "topics are unrelated. Applier stopped; fix the topic setting or re-bootstrap the standby.");
        }
        log.info("seeking {} to offset {} (after the standby's watermark {})", tp, wm.offset() + 1, wm);
        consumer.seek(tp, wm.offset() + 1);
    }
}
