package io.ha4neo.applier.loop;

import io.ha4neo.applier.apply.ApplyResult;
import io.ha4neo.applier.apply.ChangeApplier;
import io.ha4neo.applier.apply.LogItem;
import io.ha4neo.applier.apply.LogPosition;
import io.ha4neo.applier.error.ApplierErrors;
import io.ha4neo.applier.error.ApplierErrors.Action;
import io.ha4neo.applier.error.ApplierErrors.Classification;
import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.kafka.RecordKeys;
import io.ha4neo.applier.observe.ApplierMetrics;
import io.ha4neo.applier.observe.ApplierState;
import io.ha4neo.applier.observe.ApplierStatus;
import io.ha4neo.applier.standby.StandbyStore;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.ChunkSequenceException;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.event.TransactionEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume–plan–apply loop. One thread (the caller of {@link #run()}) owns the consumer, the chunk
 * assembler, the pending batch and the {@link ChangeApplier}; {@link #requestStop()} may be called from
 * any thread (the signal handler).
 *
 * <p>Each iteration: poll; decode and reassemble records into whole transactions; when the batch is full
 * (transactions or changes) or has lingered long enough or the topic is drained, apply it (data and
 * watermark in one standby transaction); commit the consumer offset asynchronously for lag tools; update
 * lag. Retriable errors: wait with back-off, then re-position from the watermark. Fatal errors: stop.
 */
public final class ApplierLoop implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(ApplierLoop.class);
    private static final Duration LAG_CHECK_EVERY = Duration.ofSeconds(1);
    private static final Duration PING_EVERY = Duration.ofSeconds(5);

    /** Batch limits from the configuration. */
    public record BatchPolicy(int maxTransactions, int maxChanges, Duration linger) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final EventCodec codec;
    private final ChunkAssembler assembler;
    private final ChangeApplier applier;
    private final StandbyStore store;
    private final BatchPolicy policy;
    private final ApplierMetrics metrics;
    private final ApplierStatus status;
    private final Backoff backoff;
    private final Clock clock;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    private final List<LogItem> pending = new ArrayList<>();
    private int pendingChanges;
    private int pendingRecords;
    private int assemblingRecords; // chunks of a transaction not yet complete; they survive a flush
    private long pendingSince;
    private long newestSeenCommitId;
    private long lastLagCheck;
    private boolean repositionNeeded;
    private long lastStandbyContact;
    private long committedForLagTools = -1;

    public ApplierLoop(Consumer<byte[], byte[]> consumer, String topic, EventCodec codec, ChunkAssembler assembler,
                       ChangeApplier applier, StandbyStore store, BatchPolicy policy, ApplierMetrics metrics,
                       ApplierStatus status, Backoff backoff, Clock clock) {
        this.consumer = consumer;
        this.topic = topic;
        this.codec = codec;
        this.assembler = assembler;
        this.applier = applier;
        this.store = store;
        this.policy = policy;
        this.metrics = metrics;
        this.status = status;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** Runs until stopped (returns 0) or a fatal error (returns 1). */
    public int run() {
        try {
            prepareStandby();
            consumer.subscribe(List.of(topic), this);
            while (!stopping()) {
                stepWithRetry();
            }
            status.moveTo(ApplierState.STOPPED, "stop requested; the last applied batch is committed, nothing half-done");
            return 0;
        } catch (FatalStop e) {
            return 1;
        } finally {
            closeConsumer();
        }
    }

    /** Asks the loop to stop after the current standby transaction; safe from any thread. */
    public void requestStop() {
        stopRequested.countDown();
        consumer.wakeup();
    }

    // ------------------------------------------------------------------ steps

    private void prepareStandby() {
        while (!stopping()) {
            try {
                store.ensureReservedSchema();
                return;
            } catch (RuntimeException e) {
                handle(e, "creating the reserved constraints on the standby");
            }
        }
    }

    private void stepWithRetry() {
        try {
            step();
            backoff.reset();
        } catch (WakeupException e) {
            if (!stopping()) {
                throw e;
            }
        } catch (RuntimeException e) {
            handle(e, "applying " + describePending());
        }
    }

    private void step() {
        if (repositionNeeded) {
            repositionAfterRetry();
            repositionNeeded = false;
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        consumer.poll(pollTimeout()).forEach(records::add);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            accept(r);
            if (batchFull()) {
                flush();
            }
        }
        if (!pending.isEmpty() && (records.isEmpty() || lingered())) {
            flush();
        }
        checkLagIfDue();
    }

    /** Decodes one record and adds the whole transaction (or the undecodable record) to the batch. */
    private void accept(ConsumerRecord<byte[], byte[]> r) {
        LogPosition pos = new LogPosition(r.topic(), r.partition(), r.offset());
        RecordKeys.commitIdOf(r.key()).ifPresent(id -> newestSeenCommitId = Math.max(newestSeenCommitId, id));
        try {
            TransactionEvent chunk = decode(r.value());
            Optional<TransactionEvent> whole = assemble(chunk, pos);
            if (whole.isEmpty()) {
                assemblingRecords++;
                return;
            }
            pendingRecords += assemblingRecords + 1;
            assemblingRecords = 0;
            add(new LogItem.Transaction(whole.get(), pos), whole.get().changeCount());
        } catch (DecodeException e) {
            pendingRecords++;
            add(new LogItem.Undecodable(RecordKeys.commitIdOf(r.key()), pos, e), 0);
        }
    }

    private TransactionEvent decode(byte[] value) throws DecodeException {
        if (value == null || value.length == 0) {
            throw new DecodeException(DecodeException.Reason.EMPTY, "record has no value");
        }
        return codec.decode(value);
    }

    private Optional<TransactionEvent> assemble(TransactionEvent chunk, LogPosition pos) {
        try {
            return assembler.accept(chunk);
        } catch (ChunkSequenceException e) {
            throw new FatalApplierException("chunk_sequence", "broken chunk sequence at " + pos + ", commit "
                    + e.commitId() + ": " + e.getMessage() + ". Applier stopped; the topic holds an incomplete "
                    + "transaction. Fix the producer, or skip it with skip.commit.id=" + e.commitId() + ".", e);
        }
    }

    private void add(LogItem item, int changes) {
        if (pending.isEmpty()) {
            pendingSince = clock.millis();
        }
        pending.add(item);
        pendingChanges += changes;
    }

    private boolean batchFull() {
        return pending.size() >= policy.maxTransactions() || pendingChanges >= policy.maxChanges();
    }

    private boolean lingered() {
        return clock.millis() - pendingSince >= policy.linger().toMillis();
    }

    private Duration pollTimeout() {
        return pending.isEmpty() ? Duration.ofMillis(500) : policy.linger();
    }

    /** Applies the pending batch, then commits the consumer offset for lag tools (never for positioning). */
    private void flush() {
        ApplyResult result = applier.apply(List.copyOf(pending));
        lastStandbyContact = clock.millis();
        metrics.applied(result);
        result.lastWatermark().ifPresent(this::commitOffsetForLagTools);
        log.debug("applied {} transactions ({} changes), watermark {}", result.transactions(), result.changes(),
                result.lastWatermark().orElse(null));
        clearBatch(); // not the assembler: the chunks of a transaction still arriving belong to the next batch
        lastLagCheck = 0; // re-check lag now, to move between APPLYING and CAUGHT_UP promptly
    }

    private void commitOffsetForLagTools(Watermark w) {
        commitOffsetForLagTools(new TopicPartition(w.topic(), w.partition()), w.offset() + 1);
    }

    /**
     * When nothing is left to apply, the position can be ahead of the watermark's offset + 1: a transactional
     * producer ends every Kafka transaction with a control record (commit marker) that the consumer skips.
     * Committing the position then makes a caught-up applier show lag 0 in Kafka's own tools.
     */
    private void commitPositionWhenCaughtUp() {
        for (TopicPartition tp : consumer.assignment()) {
            long position = consumer.position(tp, Duration.ofSeconds(5));
            if (position > committedForLagTools) {
                commitOffsetForLagTools(tp, position);
            }
        }
    }

    private void commitOffsetForLagTools(TopicPartition tp, long offset) {
        committedForLagTools = offset;
        consumer.commitAsync(Map.of(tp, new OffsetAndMetadata(offset)), (offsets, error) -> {
            if (error != null) {
                committedForLagTools = -1; // commit again at the next chance
                log.warn("committing offset {} of {} for lag tools failed ({}); harmless, positioning uses the "
                        + "standby's watermark; will commit again after the next batch", offset, tp, error.toString());
            }
        });
    }

    private void checkLagIfDue() {
        long now = clock.millis();
        if (now - lastLagCheck < LAG_CHECK_EVERY.toMillis() || consumer.assignment().isEmpty()) {
            return;
        }
        lastLagCheck = now;
        long behind = recordsBehind();
        metrics.topicProgress(newestSeenCommitId, behind);
        if (now - lastStandbyContact >= PING_EVERY.toMillis()) {
            store.ping();
            lastStandbyContact = now;
        }
        if (behind == 0) {
            commitPositionWhenCaughtUp();
        }
        status.moveTo(behind == 0 ? ApplierState.CAUGHT_UP : ApplierState.APPLYING,
                behind == 0 ? "all records in the topic are applied" : behind + " records behind the end of the topic");
    }

    /** End offset minus position, plus records read but not applied yet. Throws if Kafka is unreachable. */
    private long recordsBehind() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(5));
        long behind = pendingRecords + assemblingRecords;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            behind += Math.max(0, e.getValue() - consumer.position(e.getKey(), Duration.ofSeconds(5)));
        }
        return behind;
    }

    // ------------------------------------------------------------------ positioning

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            position(partitions);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        clearPending(); // nothing half-done is kept: the next owner positions from the watermark
    }

    /** Reads the watermark and seeks every assigned partition to just after it; drops unapplied state. */
    private void position(Collection<TopicPartition> partitions) {
        status.moveTo(ApplierState.POSITIONING, "assigned " + partitions);
        clearPending();
        committedForLagTools = -1;
        Optional<Watermark> w = applier.position();
        lastStandbyContact = clock.millis();
        for (TopicPartition tp : partitions) {
            seek(tp, w);
        }
        w.ifPresent(metrics::positioned);
        lastLagCheck = 0;
        status.moveTo(ApplierState.APPLYING, "positioned at " + w.map(Object::toString).orElse("the beginning"));
    }

    private void seek(TopicPartition tp, Optional<Watermark> w) {
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

    /** After a successful write: the applied batch is done; a partially assembled transaction is kept. */
    private void clearBatch() {
        pending.clear();
        pendingChanges = 0;
        pendingRecords = 0;
    }

    /** Before re-positioning: drops everything read but not applied, partial chunk sequences included. */
    private void clearPending() {
        clearBatch();
        assemblingRecords = 0;
        assembler.reset();
    }

    // ------------------------------------------------------------------ errors

    /** Classifies; retriable: waits with back-off then re-positions; fatal: logs and stops. */
    private void handle(RuntimeException e, String doing) {
        Classification c = ApplierErrors.classify(e);
        if (c.action() == Action.FATAL) {
            metrics.fatal(c.kind());
            log.error("fatal error ({}) while {}: {}. Applier stopped with exit code 1; the standby keeps its last "
                    + "applied {}.", c.kind(), doing, e.getMessage(), applier.watermark().map(Object::toString)
                    .orElse("(none)"), e);
            status.moveTo(ApplierState.FAILED, c.kind() + ": " + e.getMessage());
            throw new FatalStop();
        }
        metrics.retry(c.kind());
        Duration delay = backoff.nextDelay();
        log.warn("retriable error ({}) while {}: {}; will retry in {} ms, then re-position from the standby's "
                + "watermark", c.kind(), doing, e.toString(), delay.toMillis());
        status.moveTo(ApplierState.RETRYING, c.kind() + ": " + e.getMessage());
        clearPending();
        // Re-positioning reads the watermark from the standby, which may still be down: it happens at the start of
        // the next step, where a failure is handled (and retried) like any other.
        repositionNeeded = !sleep(delay);
    }

    private void repositionAfterRetry() {
        if (status.state() == ApplierState.RETRYING && !consumer.assignment().isEmpty()) {
            position(consumer.assignment());
        } else if (consumer.assignment().isEmpty()) {
            status.moveTo(ApplierState.STARTING, "retrying");
        }
    }

    /** Sleeps unless a stop is requested; returns true when stopping. */
    private boolean sleep(Duration d) {
        try {
            return stopRequested.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private boolean stopping() {
        return stopRequested.getCount() == 0;
    }

    private String describePending() {
        if (pending.isEmpty()) {
            return "nothing pending (polling " + topic + ")";
        }
        return "records at " + pending.get(0).position() + " .. offset " + pending.get(pending.size() - 1).position().offset();
    }

    private void closeConsumer() {
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("closing the Kafka consumer failed: {}; exiting anyway", e.toString());
        }
    }

    /** Unwinds the loop after a fatal error was logged. */
    private static final class FatalStop extends RuntimeException {
        FatalStop() {
            super(null, null, false, false);
        }
    }
}
