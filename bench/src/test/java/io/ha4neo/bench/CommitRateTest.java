package io.ha4neo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CommitRateTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aWindowCountsOnlyItsOwnCommitsAndGivesPerSecondPercentiles() {
        // 1 commit in second 0, 3 in second 1, 5 in second 2, 2 commits outside the window
        long[] times = {-1, 10, S + 1, S + 2, S + 3, 2 * S, 2 * S + 1, 2 * S + 2, 2 * S + 3, 2 * S + 4, 3 * S + 5};
        CommitTimeline.Rate rate = CommitTimeline.Rate.of(times, 0, 3 * S);

        assertEquals(3.0, rate.seconds(), 1e-9);
        assertEquals(9 / 3.0, rate.txPerSecond(), 1e-9);
        assertEquals(1, rate.p10());
        assertEquals(3, rate.p50());
        assertEquals(5, rate.p90());
    }

    @Test
    void aWindowShorterThanASecondHasARateButNoPercentiles() {
        CommitTimeline.Rate rate = CommitTimeline.Rate.of(new long[] {1, 2}, 0, S / 2);

        assertEquals(4.0, rate.txPerSecond(), 1e-9);
        assertEquals(Double.NaN, rate.p50());
    }
}
