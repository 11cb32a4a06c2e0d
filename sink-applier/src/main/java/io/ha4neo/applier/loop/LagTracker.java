package io.ha4neo.applier.loop;

import io.ha4neo.applier.kafka.LagToolsOffsets;
import io.ha4neo.applier.kafka.RecordDecoder;
import io.ha4neo.applier.observe.ApplierMetrics;
import io.ha4neo.applier.observe.ApplierState;
import io.ha4neo.applier.observe.ApplierStatus;
import io.ha4neo.applier.standby.StandbyStore;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.event.ChainPosition;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * How far behind the applier is, checked at most once a second: records between the position and the topic's
 * end plus those read but not applied, and the newest commit id seen in a record key (with its epoch). Each check
 * also proves both ends reachable (the end offsets come from Kafka; the standby is pinged when it has not answered
 * for 5 s), which is what {@code /ready} relies on, and moves the state between APPLYING and CAUGHT_UP.
 */
final class LagTracker {
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    private static final Duration PING_EVERY = Duration.ofSeconds(5);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);

    private final Consumer<byte[], byte[]> consumer;
    private final StandbyStore store;
    private final LagToolsOffsets lagToolsOffsets;
    private final ApplierMetrics metrics;
    private final ApplierStatus status;
    private final Clock clock;
    private ChainPosition newestSeen; // of the record at the highest offset read (the topic has one partition)
    private long newestSeenOffset = -1;
    private long positionedEpoch; // the watermark's epoch at the last positioning
    private boolean caughtUp; // as of the last check since positioning
    private long lastCheck;
    private boolean batchApplied; // since the last check: re-check from the consumer's own lag, no round trip
    private long lastStandbyContact;

    LagTracker(Consumer<byte[], byte[]> consumer, StandbyStore store, ApplierLoop.Reporting reporting, Clock clock) {
        this.consumer = consumer;
        this.store = store;
        this.lagToolsOffsets = new LagToolsOffsets(consumer);
        this.metrics = reporting.metrics();
        this.status = reporting.status();
        this.clock = clock;
    }

    /**
     * Every record read: its key tells how far the topic goes, even when its value cannot be decoded. Its place in the
     * history is its key's commit id in its own {@code epoch}; a record that cannot be decoded has none, and is taken
     * to be of the epoch of the newest record before it. Records read again after re-positioning are not newer.
     */
    void saw(ConsumerRecord<byte[], byte[]> r, OptionalLong epoch) {
        OptionalLong id = RecordDecoder.commitIdOf(r);
        if (r.offset() <= newestSeenOffset || id.isEmpty() || id.getAsLong() < 0) {
            return;
        }
        newestSeenOffset = r.offset();
        newestSeen = new ChainPosition(epoch.orElse(newestSeen == null ? positionedEpoch : newestSeen.epoch()),
                id.getAsLong());
    }

    /** The standby answered (a write, or the watermark read). */
    void standbyAnswered() {
        lastStandbyContact = clock.millis();
    }

    /**
     * After a write: commits the offset for lag tools; the next {@link #checkIfDue} re-checks lag at once from the
     * consumer's last fetch response, to move to CAUGHT_UP promptly without a broker round trip per batch.
     */
    void applied(Optional<Watermark> watermark) {
        watermark.ifPresent(lagToolsOffsets::commitAfter);
        batchApplied = true;
    }

    /**
     * True when the consumer has returned everything up to the end the last fetch response reported (the last stable
     * offset, for a read_committed consumer): nothing more can arrive before the next commit on the primary, so a
     * pending batch need not linger. Known without a round trip; false when unknown.
     */
    boolean fetchedToEnd() {
        OptionalLong lag = currentLag();
        return lag.isPresent() && lag.getAsLong() == 0;
    }

    /** The consumer's lag from its last fetch responses over the assignment; empty when unknown for a partition. */
    private OptionalLong currentLag() {
        long behind = 0;
        if (consumer.assignment().isEmpty()) {
            return OptionalLong.empty();
        }
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isEmpty()) {
                return OptionalLong.empty();
            }
            behind += Math.max(0, lag.getAsLong());
        }
        return OptionalLong.of(behind);
    }

    /** After seeking from the watermark: commits for lag tools afresh, and checks lag now. */
    void positioned(Optional<Watermark> w) {
        w.ifPresent(wm -> positionedEpoch = wm.epoch());
        lagToolsOffsets.forget();
        caughtUp = false;
        lastCheck = 0;
        batchApplied = false;
    }

    /** True when the last check since positioning found nothing left to apply (Kafka and the standby answered). */
    boolean isCaughtUp() {
        return caughtUp;
    }

    /**
     * Once a second (and only with partitions assigned): measures from the broker's end offsets, which also proves
     * Kafka reachable for {@code /ready}, pings an idle standby, reports. Right after a batch, in between: measures
     * from the consumer's last fetch response instead, when it knows.
     */
    void checkIfDue(long unappliedRecords) {
        long now = clock.millis();
        if (consumer.assignment().isEmpty()) {
            return;
        }
        if (now - lastCheck >= CHECK_EVERY.toMillis()) {
            lastCheck = now;
            batchApplied = false;
            long behind = unappliedRecords + recordsToEnd();
            metrics.topicProgress(Optional.ofNullable(newestSeen), behind);
            pingIfIdle(now);
            report(behind);
        } else if (batchApplied) {
            batchApplied = false;
            OptionalLong fetchLag = currentLag();
            if (fetchLag.isPresent()) {
                long behind = unappliedRecords + fetchLag.getAsLong();
                metrics.topicProgress(Optional.ofNullable(newestSeen), behind);
                report(behind);
            } else {
                lastCheck = 0; // unknown: ask the broker at the next step
            }
        }
    }

    /** End offset minus position over the assignment. Throws if Kafka is unreachable. */
    private long recordsToEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), KAFKA_TIMEOUT);
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            behind += Math.max(0, e.getValue() - consumer.position(e.getKey(), KAFKA_TIMEOUT));
        }
        return behind;
    }

    private void pingIfIdle(long now) {
        if (now - lastStandbyContact >= PING_EVERY.toMillis()) {
            store.ping();
            lastStandbyContact = now;
        }
    }

    private void report(long behind) {
        caughtUp = behind == 0;
        if (behind == 0) {
            lagToolsOffsets.commitPositionsWhenCaughtUp();
            status.moveTo(ApplierState.CAUGHT_UP, "all records in the topic are applied");
        } else {
            status.moveTo(ApplierState.APPLYING, behind + " records behind the end of the topic");
        }
    }
}
