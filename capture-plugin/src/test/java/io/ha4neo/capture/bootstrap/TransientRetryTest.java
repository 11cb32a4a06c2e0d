package io.ha4neo.capture.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.neo4j.kernel.DeadlockDetectedException;

class TransientRetryTest {
    private final List<Long> sleeps = new ArrayList<>();
    private final TransientRetry retry = new TransientRetry(4, 50, 120, sleeps::add);

    @Test
    void aDeadlockedAttemptIsRepeatedWithADoublingCappedBackoffUntilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        String result = retry.run("chunk", () -> {
            if (calls.incrementAndGet() < 4) {
                throw new DeadlockDetectedException("deadlock " + calls.get());
            }
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(sleeps).containsExactly(50L, 100L, 120L);
    }

    @Test
    void afterTheLastAttemptItFailsNamingWhatAndTheLastError() {
        assertThatThrownBy(() -> retry.run("the next event of bootstrap run r1", () -> {
            throw new DeadlockDetectedException("cycle with tx 7");
        })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the next event of bootstrap run r1 failed 4 times")
                .hasMessageContaining("cycle with tx 7").hasMessageContaining("call it again");
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void otherErrorsAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run("x", () -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("no bootstrap run 'r'");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);
        assertThat(sleeps).isEmpty();
    }
}
