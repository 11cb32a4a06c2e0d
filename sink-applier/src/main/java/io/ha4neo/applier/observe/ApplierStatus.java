package io.ha4neo.applier.observe;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link ApplierState}, shared between the consume loop (the only writer) and the HTTP
 * endpoints (readers). Logs exactly one INFO line per state change.
 */
public final class ApplierStatus {
    private static final Logger log = LoggerFactory.getLogger(ApplierStatus.class);

    private volatile ApplierState state = ApplierState.STARTING;
    private volatile String reason = "starting";
    private final Consumer<ApplierState> onChange;

    public ApplierStatus(Consumer<ApplierState> onChange) {
        this.onChange = onChange;
    }

    public ApplierState state() {
        return state;
    }

    /** Why the applier is in its state, e.g. the last retriable error; shown by {@code /ready}. */
    public String reason() {
        return reason;
    }

    /** Moves to {@code next}; same-state calls only update the reason. */
    public synchronized void moveTo(ApplierState next, String why) {
        reason = why;
        if (next == state) {
            return;
        }
        if (!state.allowedNext().contains(next)) {
            throw new IllegalStateException("illegal applier state transition " + state + " -> " + next);
        }
        log.info("state {} -> {}: {}", state, next, why);
        state = next;
        onChange.accept(next);
    }
}
