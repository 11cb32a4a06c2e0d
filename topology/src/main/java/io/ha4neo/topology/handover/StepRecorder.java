package io.ha4neo.topology.handover;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** Runs the steps of one handover in order, timing each with the injected clock and keeping a record of it. */
final class StepRecorder {
    private final Clock clock;
    private final List<HandoverStep> steps = new ArrayList<>();

    StepRecorder(Clock clock) {
        this.clock = clock;
    }

    /**
     * Runs {@code action} as step {@code step} on {@code member} and records it, with {@code describe} of its result
     * or the failure's message. A failure is rethrown as a {@link ProcedureFailure}: anything else the call threw (a
     * malformed row, a driver bug) leaves its outcome unknown.
     */
    <T> T run(String step, String member, Supplier<T> action, Function<? super T, String> describe) {
        long start = clock.millis();
        try {
            T result = action.get();
            steps.add(new HandoverStep(step, member, clock.millis() - start, true, describe.apply(result)));
            return result;
        } catch (RuntimeException e) {
            ProcedureFailure failure = e instanceof ProcedureFailure f ? f
                    : new ProcedureFailure(step, member, ProcedureFailure.reason(e), true, e);
            steps.add(new HandoverStep(step, member, clock.millis() - start, false, failure.getMessage()));
            throw failure;
        }
    }

    /** A step without a result ({@code unfreeze}). */
    void run(String step, String member, Runnable action, String done) {
        run(step, member, () -> {
            action.run();
            return done;
        }, d -> d);
    }

    long now() {
        return clock.millis();
    }

    List<HandoverStep> steps() {
        return List.copyOf(steps);
    }
}
