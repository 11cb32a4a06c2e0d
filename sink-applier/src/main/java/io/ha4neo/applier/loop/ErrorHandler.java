package io.ha4neo.applier.loop;

import io.ha4neo.applier.error.ApplierErrors;
import io.ha4neo.applier.error.ApplierErrors.Action;
import io.ha4neo.applier.error.ApplierErrors.Classification;
import io.ha4neo.applier.observe.ApplierMetrics;
import io.ha4neo.applier.observe.ApplierState;
import io.ha4neo.applier.observe.ApplierStatus;
import io.ha4neo.applier.standby.Watermark;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's one reaction to an error, after {@link ApplierErrors} classified it: a fatal error is counted,
 * logged with what the standby keeps, and stops the loop ({@link FatalStop}); a retriable one is counted,
 * logged with the delay, and answered with the next {@link Backoff} delay. Consecutive failures double the
 * delay, whatever their kinds; a successful write, an idle step that finds the topic applied, or a change of the
 * member's role resets it.
 */
final class ErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(ApplierLoop.class); // the loop's own log lines

    private final Backoff backoff;
    private final BatchLimit limit;
    private final ApplierMetrics metrics;
    private final ApplierStatus status;
    private final Supplier<Optional<Watermark>> appliedWatermark;

    ErrorHandler(Backoff backoff, BatchLimit limit, ApplierLoop.Reporting reporting,
                 Supplier<Optional<Watermark>> appliedWatermark) {
        this.backoff = backoff;
        this.limit = limit;
        this.metrics = reporting.metrics();
        this.status = reporting.status();
        this.appliedWatermark = appliedWatermark;
    }

    /**
     * Returns how long to wait before retrying {@code doing}, or throws {@link FatalStop} after logging. An error
     * the same batch would hit again at its size first halves the batch limits, relative to the pending batch
     * ({@code batchSize} items with {@code batchChanges} changes).
     */
    Duration retryDelayOrStop(RuntimeException e, String doing, int batchSize, int batchChanges) {
        Classification c = ApplierErrors.classify(e);
        if (c.action() == Action.FATAL) {
            metrics.fatal(c.kind());
            log.error("fatal error ({}) while {}: {}. Applier stopped with exit code 1; the standby keeps its last "
                    + "applied {}.", c.kind(), doing, e.getMessage(), appliedWatermark.get().map(Object::toString)
                    .orElse("(none)"), e);
            status.moveTo(ApplierState.FAILED, c.kind() + ": " + e.getMessage());
            throw new FatalStop();
        }
        metrics.retry(c.kind());
        if (c.shrinksBatch()) {
            shrinkBatch(c.kind(), batchSize, batchChanges);
        }
        Duration delay = backoff.nextDelay();
        log.warn("retriable error ({}) while {}: {}; will retry in {} ms, then re-position from the standby's "
                + "watermark", c.kind(), doing, e.toString(), delay.toMillis());
        status.moveTo(ApplierState.RETRYING, c.kind() + ": " + e.getMessage());
        return delay;
    }

    /**
     * True when the member refused the write for its role ({@link ApplierErrors.Classification#checksRole()}): counted
     * and logged here, and answered by the loop with a role check before any retry.
     */
    boolean refusedForRole(RuntimeException e) {
        Classification c = ApplierErrors.classify(e);
        if (!c.checksRole()) {
            return false;
        }
        metrics.error(c.kind());
        log.info("the member refused the applier's write ({}): {}; checking its role before anything else", c.kind(),
                e.getMessage());
        return true;
    }

    private void shrinkBatch(String kind, int batchSize, int batchChanges) {
        limit.shrink(batchSize, batchChanges);
        metrics.batchLimits(limit.transactions(), limit.changes());
        log.warn("{} on the standby for a batch of {} transactions ({} changes): batch limits lowered to {} "
                + "transactions and {} changes; they double again after every {} successful writes{}", kind,
                batchSize, batchChanges, limit.transactions(), limit.changes(), BatchLimit.RECOVER_AFTER,
                batchSize <= 1 ? ". The batch is one transaction already: it fails again until the standby allows "
                        + "it (db.memory.transaction.max, db.memory.transaction.total.max, db.transaction.timeout)" : "");
    }

    /**
     * A batch was written: the next failure waits the initial delay again, and lowered batch limits recover step
     * by step. A step that only polled is no proof that the failure is over (the next write may fail the same way),
     * so it does not reset the back-off.
     */
    void wrote() {
        backoff.reset();
        if (limit.succeeded()) {
            metrics.batchLimits(limit.transactions(), limit.changes());
            log.info("batch limits raised to {} transactions and {} changes after {} successful writes",
                    limit.transactions(), limit.changes(), BatchLimit.RECOVER_AFTER);
        }
    }

    /**
     * The member answered a role check with another role than before: whatever failed belonged to its previous role
     * (typically: it was down while it restarted, or while it was promoted or fenced), so the next failure waits the
     * initial delay again. Without this, an applier whose member was down for a minute would wait the longest delay
     * after every hiccup of its first writes as a standby again.
     */
    void roleChanged() {
        backoff.reset();
    }

    /** Nothing pending and a fresh lag check found the topic applied: whatever failed works again. */
    void caughtUp() {
        backoff.reset();
    }

    /** Unwinds the loop after a fatal error was logged. */
    static final class FatalStop extends RuntimeException {
        FatalStop() {
            super(null, null, false, false);
        }
    }
}
