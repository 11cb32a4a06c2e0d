package io.ha4neo.applier.loop;

import io.ha4neo.applier.apply.ChangeApplier;
import io.ha4neo.applier.kafka.WatermarkSeek;
import io.ha4neo.applier.observe.ApplierMetrics;
import io.ha4neo.applier.observe.ApplierState;
import io.ha4neo.applier.observe.ApplierStatus;
import io.ha4neo.applier.standby.Watermark;
import java.util.Collection;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Seeks the consumer from the standby's watermark whenever what was read may not match what was applied: on
 * every partition assignment (it is the consumer's rebalance listener, so it runs inside {@code poll}, on the
 * loop's thread) and before the first step after a retriable error, when a commit's outcome may be unknown, or after a
 * pause (the member was not a standby for a while).
 * Everything read but not applied is dropped first: nothing half-done is kept.
 */
final class Positioner implements ConsumerRebalanceListener {
    private final Consumer<byte[], byte[]> consumer;
    private final ChangeApplier applier;
    private final PendingBatch batch;
    private final LagTracker lag;
    private final ApplierMetrics metrics;
    private final ApplierStatus status;
    private final java.util.function.Consumer<Watermark> standbyAt;
    private final BooleanSupplier paused;
    private boolean afterRetry;
    private String retryReason = "retrying";
    private boolean passive; // the last rebalance gave this applier no partition

    Positioner(Consumer<byte[], byte[]> consumer, ChangeApplier applier, PendingBatch batch, LagTracker lag,
               ApplierLoop.Reporting reporting, BooleanSupplier paused) {
        this.consumer = consumer;
        this.paused = paused;
        this.applier = applier;
        this.batch = batch;
        this.lag = lag;
        this.metrics = reporting.metrics();
        this.standbyAt = reporting.standbyAt();
        this.status = reporting.status();
    }

    /**
     * Positions newly assigned partitions; while the applier is paused, pauses them instead (they are positioned when
     * it resumes), so that not even the poll that assigned them fetches from them.
     */
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        passive = consumer.assignment().isEmpty();
        if (partitions.isEmpty()) {
            if (passive && !paused.getAsBoolean()) {
                batch.dropAll();
                status.moveTo(ApplierState.PASSIVE, passiveReason());
            }
            return;
        }
        if (paused.getAsBoolean()) {
            batch.dropAll();
            consumer.pause(partitions);
            return;
        }
        position(partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        batch.dropAll(); // the next owner positions from the watermark
    }

    /**
     * Re-positions at the start of the next step. Not at once: reading the watermark needs the standby, which
     * may still be down, and the next step handles (and retries) that failure like any other.
     */
    void repositionBeforeNextStep(String why) {
        afterRetry = true;
        retryReason = why;
    }

    /**
     * Re-positions if a retry asked for it; stays asked while that fails. Always before the next poll, so nothing
     * read before the error is applied from a watermark that a write of unknown outcome may have moved.
     */
    void repositionIfRetried() {
        if (!afterRetry) {
            return;
        }
        if (consumer.assignment().isEmpty()) {
            if (passive) {
                status.moveTo(ApplierState.PASSIVE, passiveReason());
            } else {
                status.moveTo(ApplierState.STARTING, retryReason + "; waiting for the partition assignment");
            }
        } else {
            position(consumer.assignment());
        }
        afterRetry = false;
    }

    private String passiveReason() {
        return "consumer group " + groupId() + " gave the partition to another applier of this standby; this one "
                + "takes over, from the watermark, when the group gives the partition to it";
    }

    private String groupId() {
        try {
            return consumer.groupMetadata().groupId();
        } catch (RuntimeException e) {
            return "(unknown)";
        }
    }

    /** Reads the watermark and seeks every partition to just after it; drops unapplied state. */
    private void position(Collection<TopicPartition> partitions) {
        status.moveTo(ApplierState.POSITIONING, "assigned " + partitions);
        batch.dropAll();
        Optional<Watermark> w = applier.position();
        lag.standbyAnswered();
        for (TopicPartition tp : partitions) {
            WatermarkSeek.seek(consumer, tp, w);
        }
        w.ifPresent(metrics::positioned);
        w.ifPresent(standbyAt);
        lag.positioned(w);
        status.moveTo(ApplierState.APPLYING, "positioned at " + w.map(Object::toString).orElse("the beginning"));
    }
}
