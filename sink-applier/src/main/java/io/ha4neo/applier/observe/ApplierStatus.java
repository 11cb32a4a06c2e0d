package io.ha4neo.applier.observe;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link ApplierState}, shared between the consume loop (the only writer) and the HTTP
 * endpoints (readers). Logs one line per state change: INFO, except the routine moves between APPLYING and CAUGHT_UP
 * ({@link #isRoutine}), which are DEBUG: a standby under a steady trickle of commits catches up after each of them, and
 * at INFO that was two lines a second for as long as the load lasted. The state gauge shows them all.
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
        if (isRoutine(state, next)) {
            log.debug("state {} -> {}: {}", state, next, why);
        } else {
            log.info("state {} -> {}: {}", state, next, why);
        }
        state = next;
        onChange.accept(next);
    }

    /** A move between APPLYING and CAUGHT_UP: what a working applier does all day. */
    static boolean isRoutine(ApplierState from, ApplierState to) {
        return (from == ApplierState.APPLYING && to == ApplierState.CAUGHT_UP)
                || (from == ApplierState.CAUGHT_UP && to == ApplierState.APPLYING);
    }
}
