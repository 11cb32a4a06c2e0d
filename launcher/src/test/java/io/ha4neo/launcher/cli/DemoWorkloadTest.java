package io.ha4neo.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The demo writer across a simulated switchover: the primary refuses writes while frozen, then the role moves to the
 * other member. No thread runs; the sleeper advances a fake clock.
 */
class DemoWorkloadTest {
    private final FakeClock clock = new FakeClock();
    private final List<Duration> sleeps = new ArrayList<>();

    @Test
    void aRefusedWriteBacksOffFindsTheNewPrimaryAndIsWrittenThereOnce() throws InterruptedException {
        Switching target = new Switching("a", "b", 3);
        DemoWorkload.Writer writer = writer(target);

        writer.write(1);
        writer.write(2);

        assertThat(target.committed).containsExactly("a:1", "b:2");
        assertThat(target.attempts).containsExactly("a:1", "a:2", "a:2", "a:2", "b:2");
        DemoWorkload.Stats stats = writer.stats();
        assertThat(stats.acknowledged()).isEqualTo(2);
        assertThat(stats.refused()).isEqualTo(3);
        assertThat(stats.primaryChanges()).isEqualTo(1);
        assertThat(stats.primary()).isEqualTo("b");
        assertThat(sleeps).as("back-off doubles").containsExactly(Duration.ofMillis(25), Duration.ofMillis(50),
                Duration.ofMillis(100));
        assertThat(stats.longestWaitMillis()).as("the second write waited for every back-off").isEqualTo(175);
    }

    @Test
    void theBackOffIsCappedWhileNoMemberAcceptsWrites() throws InterruptedException {
        Switching target = new Switching("a", "b", 12);
        DemoWorkload.Writer writer = writer(target);

        writer.write(1); // a accepts the first write, then freezes for 12 attempts

        writer.write(2);
        assertThat(sleeps).contains(DemoWorkload.Writer.MAX_BACKOFF).allMatch(d -> d.compareTo(
                DemoWorkload.Writer.MAX_BACKOFF) <= 0);
        assertThat(target.committed).containsExactly("a:1", "b:2");
    }

    private DemoWorkload.Writer writer(Switching target) {
        return new DemoWorkload.Writer(target, clock, d -> {
            sleeps.add(d);
            clock.millis += d.toMillis();
        }, Duration.ZERO);
    }

    /**
     * Member {@code from} takes the first write, then is frozen for {@code frozenAttempts} attempts (no member accepts
     * writes meanwhile), after which {@code to} is the primary.
     */
    private static final class Switching implements DemoWorkload.Target {
        final List<String> committed = new ArrayList<>();
        final List<String> attempts = new ArrayList<>();
        private final String from;
        private final String to;
        private int frozenLeft;
        private boolean frozen;

        Switching(String from, String to, int frozenAttempts) {
            this.from = from;
            this.to = to;
            this.frozenLeft = frozenAttempts;
        }

        @Override
        public Optional<String> writablePrimary() {
            if (!frozen) {
                return Optional.of(from);
            }
            return frozenLeft > 0 ? Optional.empty() : Optional.of(to);
        }

        @Override
        public void write(String member, long seq) {
            attempts.add(member + ":" + seq);
            if (member.equals(from) && frozen) {
                frozenLeft--;
                throw new IllegalStateException("writes are frozen for a switchover");
            }
            if (member.equals(from) && !committed.isEmpty()) {
                frozen = true;
                frozenLeft--;
                throw new IllegalStateException("writes are frozen for a switchover");
            }
            committed.add(member + ":" + seq);
        }
    }

    private static final class FakeClock extends Clock {
        long millis;

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
