package io.ha4neo.applier.loop;

import io.ha4neo.applier.apply.ApplyResult;
import io.ha4neo.applier.apply.ApplyWindow;
import io.ha4neo.applier.apply.LogItem;
import io.ha4neo.applier.apply.ChangeApplier;
import io.ha4neo.applier.error.ApplierErrors;
import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.kafka.RecordDecoder;
import io.ha4neo.applier.loop.ErrorHandler.FatalStop;
import io.ha4neo.applier.observe.ApplierMetrics;
import io.ha4neo.applier.observe.ApplierState;
import io.ha4neo.applier.observe.ApplierStatus;
import io.ha4neo.applier.standby.StandbyStore;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.applier.standby.WatermarkPreparedException;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume–plan–apply loop. One thread (the caller of {@link #run()}) owns the consumer and everything
 * below; {@link #requestStop()} may be called from any thread (the signal handler).
 *
 * <p>Each step: check the member's role when due ({@link RoleWatch}), and while it is not a standby only keep the
 * consumer in its group (PAUSED); re-position if a retry or a pause asked for it ({@link Positioner}); poll; decode
 * and reassemble records into whole transactions ({@link PendingBatch}); when the batch is full (transactions or
 * changes), has lingered long enough, or the topic is drained, apply it (data and watermark in one standby
 * transaction; before its first write {@link ChangeApplier} checks a standby without a watermark and makes sure of the
 * reserved constraints) and commit the consumer offset for lag tools; check lag
 * ({@link LagTracker}). Retriable errors: drop what was read, wait with back-off, then re-position from the
 * watermark; a write the member refused because it became the primary: check the role, and pause; fatal errors:
 * stop ({@link ErrorHandler}).
 *
 * <pre>{@code
 * ApplierLoop loop = new ApplierLoop(new Source(consumer, topic, codec, assembler),
 *         new Target(applier, store, Duration.ofMillis(500)),
 *         new BatchPolicy(500, 20_000, Duration.ofMillis(5)), new Backoff(initial, max),
 *         new Reporting(metrics, status), clock);
 * int exitCode = loop.run();    // until requestStop() (0) or a fatal error (1)
 * }</pre>
 */
public final class ApplierLoop {
    private static final Logger log = LoggerFactory.getLogger(ApplierLoop.class);

    /** Batch limits from the configuration. */
    public record BatchPolicy(int maxTransactions, int maxChanges, Duration linger) {
    }

    /** Where the log comes from: the consumer (owned by the loop from now on), its topic, and the decoding. */
    public record Source(Consumer<byte[], byte[]> consumer, String topic, EventCodec codec, ChunkAssembler assembler) {
    }

    /**
     * Where it goes: the exactly-once applier, the standby it writes to, and how often the standby's role is checked
     * ({@code member.role.check.interval.ms}): the applier works only while its member is a standby.
     */
    public record Target(ChangeApplier applier, StandbyStore store, Duration roleCheckInterval, ApplyWindow window) {
        /** A target without a point-in-time window. */
        public Target(ChangeApplier applier, StandbyStore store, Duration roleCheckInterval) {
            this(applier, store, roleCheckInterval, ApplyWindow.NONE);
        }
    }

    /** The shortest pause of a delayed standby: the commits that matured meanwhile are applied together. */
    private static final Duration MIN_DELAY_PAUSE = Duration.ofMillis(100);

    /**
     * Who is told: metrics, the lifecycle state the HTTP endpoints read, and {@code standbyAt}, which hears every
     * watermark the standby is at (after positioning, and after each write): the cascade relay copies up to it.
     */
    public record Reporting(ApplierMetrics metrics, ApplierStatus status,
                            java.util.function.Consumer<Watermark> standbyAt) {
        public Reporting(ApplierMetrics metrics, ApplierStatus status) {
            this(metrics, status, w -> { });
        }
    }

    /**
     * A poll right after a standby write that returns records within this time returned what the consumer had
     * prefetched while the write ran (it sends the next fetch as it hands out records). That fetch's answer says where
     * the topic ended when it was answered, early in the write, so "fetched to the end" is stale: commits that arrived
     * during the write are in the fetch the poll just sent. The batch is not applied on that evidence; the next poll
     * (at most {@code batch.linger.ms}) collects them, and they go in the same standby transaction instead of waiting
     * for a whole further write (measured: the sent → polled stage was about two writes long under load).
     */
    private static final long PREFETCHED_POLL_NANOS = 1_000_000;

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Target target;
    private final Reporting reporting;
    private final StopRequest stop = new StopRequest();
    private final PendingBatch batch;
    private final LagTracker lag;
    private final Positioner positioner;
    private final ErrorHandler errors;
    private final RoleWatch roles;
    private final Clock clock;
    private final java.util.function.LongSupplier pollNanoTime;
    private long lastPreparedCheck;
    private long delayedUntilMillis = -1; // apply.delay.ms: fetching is paused until then
    private String heldBecause; // apply.until.*: set once the window's end is reached
    private boolean appliedSinceLastPoll; // see PREFETCHED_POLL_NANOS

    public ApplierLoop(Source source, Target target, BatchPolicy policy, Backoff backoff, Reporting reporting,
                       Clock clock) {
        this(source, target, policy, backoff, reporting, clock, System::nanoTime);
    }

    /**
     * @param pollNanoTime the clock that times each poll, to tell a poll answered from the consumer's prefetch
     *                     ({@link #PREFETCHED_POLL_NANOS}); a test's mock consumer answers at once, and gives one that
     *                     a pause of the test's JVM cannot move
     */
    ApplierLoop(Source source, Target target, BatchPolicy policy, Backoff backoff, Reporting reporting, Clock clock,
                java.util.function.LongSupplier pollNanoTime) {
        this.pollNanoTime = pollNanoTime;
        this.consumer = source.consumer();
        this.topic = source.topic();
        this.target = target;
        this.reporting = reporting;
        this.clock = clock;
        this.lastPreparedCheck = clock.millis();
        BatchLimit limit = new BatchLimit(policy.maxTransactions(), policy.maxChanges());
        reporting.metrics().batchLimits(limit.transactions(), limit.changes());
        this.batch = new PendingBatch(limit, policy.linger(), new RecordDecoder(source.codec(), source.assembler()),
                clock);
        this.lag = new LagTracker(consumer, target.store(), reporting, clock);
        this.roles = new RoleWatch(target.store(), target.roleCheckInterval(), clock);
        this.positioner = new Positioner(consumer, target.applier(), batch, lag, reporting, roles::isPaused);
        this.errors = new ErrorHandler(backoff, limit, reporting, target.applier()::watermark);
    }

    /** Runs until stopped (returns 0) or a fatal error (returns 1). */
    public int run() {
        try {
            consumer.subscribe(List.of(topic), positioner);
            while (!stop.isRequested()) {
                stepWithRetry();
            }
            reporting.status().moveTo(ApplierState.STOPPED,
                    "stop requested; the last applied batch is committed, nothing half-done");
            return 0;
        } catch (FatalStop e) {
            return 1;
        } finally {
            closeConsumer();
        }
    }

    /** Asks the loop to stop after the current standby transaction; safe from any thread. */
    public void requestStop() {
        stop.request();
        consumer.wakeup();
    }

    /** The listener the consumer is subscribed with; tests drive assignments through it. */
    ConsumerRebalanceListener rebalanceListener() {
        return positioner;
    }

    // ------------------------------------------------------------------ steps

    private void stepWithRetry() {
        try {
            step();
            if (batch.size() == 0 && lag.isCaughtUp()) {
                errors.caughtUp();
            }
        } catch (WakeupException e) {
            if (!stop.isRequested()) {
                throw e;
            }
        } catch (WatermarkPreparedException e) {
            prepared(e);
        } catch (RuntimeException e) {
            recover(e, "applying " + batch.describe(topic));
        }
    }

    private void step() {
        follow(roles.checkIfDue());
        if (roles.isPaused()) {
            idle();
            return;
        }
        if (heldBecause != null) {
            idleHeld();
            return;
        }
        if (delayedUntilMillis >= 0 && !delayPassed()) {
            return;
        }
        positioner.repositionIfRetried();
        long pollStart = pollNanoTime.getAsLong();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(batch.pollTimeout());
        boolean prefetched = appliedSinceLastPoll && !records.isEmpty()
                && pollNanoTime.getAsLong() - pollStart < PREFETCHED_POLL_NANOS;
        appliedSinceLastPoll = false;
        long polledMillis = clock.millis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            batch.accept(r, polledMillis);
            lag.saw(r, batch.epochOfLastRecord());
            if (batch.isFull() && !flush()) {
                return; // the window's end or a delay: the rest of the poll is read again later
            }
        }
        if (batch.isDue(records.isEmpty() || (lag.fetchedToEnd() && !prefetched)) && !flush()) {
            return;
        }
        lag.checkIfDue(batch.unappliedRecords());
        checkPreparedIfIdle(records.isEmpty());
    }

    /**
     * While idle (nothing polled, nothing pending), once per role check interval: was the watermark prepared for a
     * bootstrap run under this applier? A busy applier finds out at its next write's compare-and-set; an idle one
     * may have passed over the run's begin already (prepare comes after it) and have nothing more to write.
     */
    private void checkPreparedIfIdle(boolean polledNothing) {
        long now = clock.millis();
        if (!polledNothing || batch.size() > 0 || now - lastPreparedCheck < target.roleCheckInterval().toMillis()
                || consumer.assignment().isEmpty()) {
            return; // without a partition there is nothing to re-position: the assignment positions from the watermark
        }
        lastPreparedCheck = now;
        target.applier().preparedUnderIt().ifPresent(stage -> {
            log.info("the watermark of this standby was prepared for {} while the applier was idle; re-reading it and "
                    + "re-positioning from it", stage);
            batch.dropAll();
            positioner.repositionBeforeNextStep("the watermark was prepared for " + stage);
        });
    }

    /**
     * Applies the pending batch, then commits the consumer offset for lag tools (never for positioning). Returns false
     * when the point-in-time window stopped it part-way ({@link #stopAtWindow}): nothing more is read in this step.
     */
    private boolean flush() {
        List<LogItem> items = batch.items();
        int admitted = target.window().admitted(items, clock.millis());
        if (admitted < items.size()) {
            stopAtWindow(items, admitted);
            return false;
        }
        ApplyResult result = target.applier().apply(items);
        appliedSinceLastPoll = true;
        lag.standbyAnswered();
        reporting.metrics().applied(result, batch.stageTimes());
        log.debug("applied {} transactions ({} changes), watermark {}", result.transactions(), result.changes(),
                result.lastWatermark().orElse(null));
        lag.applied(result.lastWatermark());
        result.lastWatermark().ifPresent(reporting.standbyAt());
        batch.clearApplied(); // not the chunks still arriving: they belong to the next batch
        if (result.lastWatermark().isPresent()) {
            errors.wrote(); // resets the back-off: the standby took a write
        }
        return true;
    }

    /**
     * The window stopped the batch at {@code items[admitted]}: the items before it are applied, the rest is dropped
     * (read again from the watermark later), and fetching pauses: until the item's delay has passed (WAIT), or for good
     * (HOLD: the applier holds at the end of its window until restarted without it).
     */
    private void stopAtWindow(List<LogItem> items, int admitted) {
        ApplyWindow.Verdict verdict = target.window().verdict(items.get(admitted), clock.millis());
        if (admitted > 0) {
            ApplyResult result = target.applier().apply(items.subList(0, admitted));
            reporting.metrics().applied(result, List.of());
            lag.applied(result.lastWatermark());
            result.lastWatermark().ifPresent(reporting.standbyAt());
            if (result.lastWatermark().isPresent()) {
                errors.wrote();
            }
        }
        batch.dropAll();
        consumer.pause(consumer.assignment());
        if (verdict.kind() == ApplyWindow.Kind.HOLD) {
            heldBecause = verdict.reason();
            log.info("point in time reached: {}; the standby holds at {}; nothing after it is applied. Restart the "
                    + "applier without apply.until.* to follow the log again", heldBecause,
                    target.applier().watermark().map(Object::toString).orElse("no watermark"));
            reporting.status().moveTo(ApplierState.HELD, "holding: " + heldBecause);
        } else {
            delayedUntilMillis = Math.max(verdict.notBeforeMillis(), clock.millis() + MIN_DELAY_PAUSE.toMillis());
            log.debug("delayed standby: {}", verdict.reason());
        }
    }

    /** A delayed standby's pause: polls only to stay in its group until the delay has passed, then re-positions. */
    private boolean delayPassed() {
        long left = delayedUntilMillis - clock.millis();
        if (left > 0) {
            consumer.pause(consumer.assignment());
            consumer.poll(Duration.ofMillis(Math.min(left, roles.idlePoll().toMillis())));
            return false;
        }
        delayedUntilMillis = -1;
        consumer.resume(consumer.paused());
        positioner.repositionBeforeNextStep("the delay of the next commit has passed");
        return true;
    }

    /** One step while held at the window's end: polls only to stay in the group. */
    private void idleHeld() {
        reporting.status().moveTo(ApplierState.HELD, "holding: " + heldBecause); // back from a rebalance or a pause
        consumer.pause(consumer.assignment());
        consumer.poll(roles.idlePoll());
    }

    /**
     * {@code ha4neo.bootstrap.prepare} rewrote the watermark under this applier (the write was rolled back): not an
     * error, the operator started a seed. Drops what was read and re-positions from the prepared watermark.
     */
    private void prepared(WatermarkPreparedException e) {
        log.info("{}; nothing of {} was applied", e.getMessage(), batch.describe(topic));
        batch.dropAll();
        positioner.repositionBeforeNextStep("the watermark was prepared for " + e.prepared());
    }

    /** Pauses or resumes as the member's role says. */
    private void follow(RoleWatch.Change change) {
        if (change != RoleWatch.Change.NONE) {
            errors.roleChanged();
        }
        if (change == RoleWatch.Change.PAUSE) {
            pause();
        } else if (change == RoleWatch.Change.RESUME) {
            resume();
        }
    }

    /** Drops what was read and stops fetching; the consumer stays in its group (it keeps polling). */
    private void pause() {
        batch.dropAll();
        consumer.pause(consumer.assignment());
        reporting.status().moveTo(ApplierState.PAUSED, roles.pauseReason());
    }

    /** Fetches again, from the watermark: the consumer is re-positioned, and the constraints checked before a write. */
    private void resume() {
        consumer.resume(consumer.paused());
        target.applier().standbyMayHaveChanged(); // a primary may have dropped the reserved constraints
        positioner.repositionBeforeNextStep("the member is a standby again");
    }

    /** One step while paused: polls only to stay in the group (every assigned partition is paused). */
    private void idle() {
        reporting.status().moveTo(ApplierState.PAUSED, roles.pauseReason()); // back from RETRYING, if a check failed
        consumer.pause(consumer.assignment()); // also those assigned outside a rebalance callback
        ConsumerRecords<byte[], byte[]> ignored = consumer.poll(roles.idlePoll());
        if (!ignored.isEmpty()) {
            log.debug("dropped {} records polled while paused; they are read again after re-positioning",
                    ignored.count());
        }
    }

    /**
     * Retriable: drops what was read, waits with back-off (unless stopping), then re-positions. A write the member
     * refused for its role: pauses at once if a role check says the member is no standby. Fatal: throws.
     */
    private void recover(RuntimeException e, String doing) {
        if (pausedByRole(e)) {
            return;
        }
        RuntimeException error = e instanceof FencedInstanceIdException fenced ? duplicateInstance(fenced) : e;
        Duration delay = errors.retryDelayOrStop(error, doing, batch.size(), batch.changes());
        batch.dropAll();
        boolean stopping = ApplierErrors.classify(error).endsWhenStandbyAnswers()
                ? awaitStandbyOrFor(delay) : stop.awaitFor(delay);
        if (!stopping) {
            positioner.repositionBeforeNextStep("retrying");
        }
    }

    /**
     * The wait after the standby could not be reached: at most {@code delay}, but over as soon as the member answers
     * a role check (asked every {@link RoleWatch#idlePoll()}), whose answer the loop follows. A member that restarted,
     * or was fenced and rejoined, is applied to again at once, not after the rest of a back-off that grew while it was
     * down. Returns true when stopping.
     */
    private boolean awaitStandbyOrFor(Duration delay) {
        long start = System.nanoTime();
        long deadline = start + delay.toNanos();
        for (long left = delay.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            if (stop.awaitFor(Duration.ofNanos(Math.min(left, roles.idlePoll().toNanos())))) {
                return true;
            }
            RoleWatch.Change change;
            try {
                change = roles.checkNow();
            } catch (RuntimeException stillUnreachable) {
                continue;
            }
            log.info("the standby answers again after {} ms of a {} ms back-off; retrying now",
                    Duration.ofNanos(System.nanoTime() - start).toMillis(), delay.toMillis());
            follow(change);
            return false;
        }
        return false;
    }

    /**
     * The member's write guard refused the write because the member is the primary now: the applier must pause, not
     * retry and not stop. False (retry with back-off) when the role check fails or says the member is a standby.
     */
    private boolean pausedByRole(RuntimeException e) {
        if (!errors.refusedForRole(e)) {
            return false;
        }
        try {
            follow(roles.checkNow());
        } catch (RuntimeException roleCheckFailed) {
            log.warn("the member refused a write for its role, and checking the role failed: {}; retrying",
                    roleCheckFailed.toString());
            return false;
        }
        return roles.isPaused();
    }

    /**
     * Another applier process joined this one's consumer group with the same {@code group.instance.id}: the group
     * fenced this one. Fatal, naming the group and the id: the two would fence each other forever.
     */
    private FatalApplierException duplicateInstance(FencedInstanceIdException e) {
        String group = "(unknown)";
        String instance = "(unknown)";
        try {
            group = consumer.groupMetadata().groupId();
            instance = consumer.groupMetadata().groupInstanceId().orElse("(none)");
        } catch (RuntimeException ignored) {
            // the ids are only for the message
        }
        return new FatalApplierException(ApplierErrors.DUPLICATE_INSTANCE, "another applier joined "
                + "consumer group " + group + " with this applier's group.instance.id " + instance + ", and the group "
                + "fenced this one. Each applier of a standby needs an instance id of its own: the default is "
                + "<group>-<host name>, so two appliers of one standby on one host must each set "
                + "kafka.group.instance.id (" + e.getMessage() + ")", e);
    }

    /**
     * Closes the consumer leaving its group, so that a passive applier of the same standby gets the partition at once
     * instead of after this one's session timeout (a static member does not leave by default).
     */
    private void closeConsumer() {
        try {
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            log.warn("closing the Kafka consumer failed: {}; exiting anyway", e.toString());
        }
    }
}
