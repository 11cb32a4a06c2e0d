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
 * delay; a successful step resets it.
 */
final class ErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(ApplierLoop.class); // the loop's own log lines

    private final Backoff backoff;
    private final ApplierMetrics metrics;
    private final ApplierStatus status;
    private final Supplier<Optional<Watermark>> appliedWatermark;

    ErrorHandler(Backoff backoff, ApplierLoop.Reporting reporting, Supplier<Optional<Watermark>> appliedWatermark) {
        this.backoff = backoff;
        this.metrics = reporting.metrics();
        this.status = reporting.status();
        this.appliedWatermark = appliedWatermark;
    }

    /** Returns how long to wait before retrying {@code doing}, or throws {@link FatalStop} after logging. */
    Duration retryDelayOrStop(RuntimeException e, String doing) {
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
        Duration delay = backoff.nextDelay();
        log.warn("retriable error ({}) while {}: {}; will retry in {} ms, then re-position from the standby's "
                + "watermark", c.kind(), doing, e.toString(), delay.toMillis());
        status.moveTo(ApplierState.RETRYING, c.kind() + ": " + e.getMessage());
        return delay;
    }

    /** A step succeeded: the next failure waits the initial delay again. */
    void succeeded() {
        backoff.reset();
    }

    /** Unwinds the loop after a fatal error was logged. */
    static final class FatalStop extends RuntimeException {
        FatalStop() {
            super(null, null, false, false);
        }
    }
}
