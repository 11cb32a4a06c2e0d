package io.ha4neo.applier.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchLimitTest {
    private final BatchLimit limit = new BatchLimit(500, 20_000);

    @Test
    void startsAtTheConfiguredLimits() {
        assertThat(limit.transactions()).isEqualTo(500);
        assertThat(limit.changes()).isEqualTo(20_000);
        assertThat(limit.reached(499, 19_999)).isFalse();
        assertThat(limit.reached(500, 0)).isTrue();
        assertThat(limit.reached(1, 20_000)).isTrue();
    }

    @Test
    void halvesTheBatchThatFailedNotJustTheLimitDownToOneTransaction() {
        limit.shrink(40, 1_000); // a partial batch of 40 failed: 250 would not help
        assertThat(limit.transactions()).isEqualTo(20);
        assertThat(limit.changes()).isEqualTo(500);
        limit.shrink(20, 500);
        limit.shrink(10, 250);
        limit.shrink(5, 125);
        limit.shrink(2, 62);
        assertThat(limit.transactions()).isEqualTo(1);
        limit.shrink(1, 31);
        assertThat(limit.transactions()).as("never below one transaction").isEqualTo(1);
        assertThat(limit.reached(1, 0)).isTrue();
    }

    @Test
    void anEmptyAttemptHalvesTheCurrentLimits() {
        limit.shrink(0, 0);
        assertThat(limit.transactions()).isEqualTo(250);
        assertThat(limit.changes()).isEqualTo(10_000);
    }

    @Test
    void recoversGraduallyDoublingAfterEveryRunOfSuccessfulWritesUpToTheConfiguredLimits() {
        limit.shrink(8, 8);
        assertThat(limit.transactions()).isEqualTo(4);
        for (int i = 1; i < BatchLimit.RECOVER_AFTER; i++) {
            limit.succeeded();
        }
        assertThat(limit.transactions()).as("not yet").isEqualTo(4);
        limit.succeeded();
        assertThat(limit.transactions()).isEqualTo(8);
        assertThat(limit.changes()).isEqualTo(8);
        for (int i = 0; i < 20 * BatchLimit.RECOVER_AFTER; i++) {
            limit.succeeded();
        }
        assertThat(limit.transactions()).isEqualTo(500);
        assertThat(limit.changes()).isEqualTo(20_000);
    }

    @Test
    void aFailureRestartsTheRunOfSuccesses() {
        limit.shrink(8, 8);
        for (int i = 1; i < BatchLimit.RECOVER_AFTER; i++) {
            limit.succeeded();
        }
        limit.shrink(4, 4);
        limit.succeeded();
        assertThat(limit.transactions()).isEqualTo(2);
    }
}
