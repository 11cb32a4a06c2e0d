package io.ha4neo.topology.verify;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Spaces verify's reads so that a member serves at most {@code perSecond} entities a second: each chunk may start
 * only once the previous chunks' share of time has passed, so chunk k of n entities starts no earlier than
 * k * n / perSecond seconds after the first. Unused time is not saved up: after a slow chunk the next one waits its
 * full share again, so no burst follows a stall. {@code perSecond} 0 turns it off. Time and sleep are injected.
 */
public final class Throttle {
    /** Sleeps for a duration (the real one: {@code Thread.sleep}). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final long perSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long nextStart = Long.MIN_VALUE;

    public Throttle(long perSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("a rate cannot be negative: " + perSecond);
        }
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** The real clock and {@code Thread.sleep}. */
    public static Throttle of(long perSecond) {
        return new Throttle(perSecond, System::nanoTime, d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
    }

    /** Waits until a read of {@code entities} may start, and books its share of time. */
    public void acquire(long entities) {
        if (perSecond == 0 || entities <= 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        long start = nextStart == Long.MIN_VALUE || nextStart - now < 0 ? now : nextStart;
        nextStart = start + entities * 1_000_000_000L / perSecond;
        if (start - now > 0) {
            sleep(Duration.ofNanos(start - now));
        }
    }

    private void sleep(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VerifyException("verify was interrupted while pacing its reads");
        }
    }
}
