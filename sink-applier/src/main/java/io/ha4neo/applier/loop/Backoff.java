package io.ha4neo.applier.loop;

import java.time.Duration;

/** Exponential back-off between retries: initial, doubling, capped; reset after a success. */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private Duration next;

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** The delay to wait now; the following call returns twice as much, up to the maximum. */
    public Duration nextDelay() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return now;
    }

    /** What {@link #nextDelay()} will return, without taking it. */
    Duration upcoming() {
        return next;
    }

    public void reset() {
        next = initial;
    }
}
