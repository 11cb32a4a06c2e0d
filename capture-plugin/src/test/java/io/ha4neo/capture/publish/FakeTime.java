package io.ha4neo.capture.publish;

import java.util.ArrayList;
import java.util.List;

/** A clock that moves only when the publisher sleeps; every sleep returns at once and is recorded. */
public final class FakeTime implements PublisherTime {
    private long millis = 1_700_000_000_000L;
    private final List<Long> sleeps = new ArrayList<>();

    @Override
    public synchronized long millis() {
        return millis;
    }

    @Override
    public synchronized long nanos() {
        return millis * 1_000_000;
    }

    @Override
    public synchronized void sleep(long ms) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("sleep interrupted");
        }
        sleeps.add(ms);
        millis += ms;
    }

    /** Every sleep so far, in order. */
    synchronized List<Long> sleeps() {
        return List.copyOf(sleeps);
    }

    /** The sleeps since {@code from} (an earlier {@code sleeps().size()}). */
    synchronized List<Long> sleepsSince(int from) {
        return List.copyOf(sleeps.subList(from, sleeps.size()));
    }
}
