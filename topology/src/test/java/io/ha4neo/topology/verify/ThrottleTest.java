package io.ha4neo.topology.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The throttle on a simulated clock that moves only when the throttle sleeps or the test says so. */
class ThrottleTest {
    private long now = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();
    private final Throttle.Sleeper sleeper = d -> {
        sleeps.add(d);
        now += d.toNanos();
    };

    @Test
    void chunksAreSpacedSoThatTheRateIsNeverExceeded() {
        Throttle throttle = new Throttle(5000, () -> now, sleeper);
        long start = now;

        for (int i = 0; i < 10; i++) {
            throttle.acquire(1000);
        }

        // chunk k starts at k * 200 ms: the tenth at 1.8 s, so 10,000 ids are read in 2 s at most 5,000/s
        assertThat(now - start).isEqualTo(Duration.ofMillis(1800).toNanos());
        assertThat(sleeps).hasSize(9).allMatch(d -> d.equals(Duration.ofMillis(200)));
    }

    @Test
    void timeSpentReadingCountsTowardsTheShareAndIdleTimeIsNotSavedUp() {
        Throttle throttle = new Throttle(1000, () -> now, sleeper);

        throttle.acquire(100);             // starts at once, books 100 ms
        now += Duration.ofMillis(60).toNanos();   // the read took 60 ms
        throttle.acquire(100);             // waits the remaining 40 ms
        assertThat(sleeps).containsExactly(Duration.ofMillis(40));
        now += Duration.ofSeconds(5).toNanos();   // a long stall
        throttle.acquire(100);             // starts at once
        throttle.acquire(100);             // but the next one waits its full share again: no burst after the stall
        assertThat(sleeps).containsExactly(Duration.ofMillis(40), Duration.ofMillis(100));
    }

    @Test
    void rateZeroNeverWaits() {
        Throttle throttle = new Throttle(0, () -> now, sleeper);
        for (int i = 0; i < 100; i++) {
            throttle.acquire(1_000_000);
        }
        assertThat(sleeps).isEmpty();
    }
}
