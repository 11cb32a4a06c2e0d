package io.ha4neo.capture.standby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A broken gate hangs rather than fails, so every test has a hard limit run in a separate thread. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CommitGateTest {
    private final CommitGate gate = new CommitGate();

    private static CompletableFuture<Void> async(ThrowingRunnable r) {
        return CompletableFuture.runAsync(() -> {
            try {
                r.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aChangeWaitsForEveryInFlightCommitToLeave() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        gate.enter();
        gate.enter();
        CompletableFuture<Void> change = async(() -> gate.exclusively(30_000, () -> order.add("change")));

        Thread.sleep(100); // give a broken gate the chance to run the change early
        assertThat(change).isNotDone();
        order.add("first left");
        gate.leave();
        Thread.sleep(50);
        assertThat(change).isNotDone();
        order.add("second left");
        gate.leave();

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> change.get());
        assertThat(order).containsExactly("first left", "second left", "change");
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    void newCommitsWaitWhileAChangeRunsAndEnterAfterwards() throws Exception {
        CountDownLatch changeRunning = new CountDownLatch(1);
        CountDownLatch finishChange = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> change = async(() -> gate.exclusively(30_000, () -> {
            changeRunning.countDown();
            try {
                finishChange.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            order.add("change done");
        }));
        changeRunning.await();

        CompletableFuture<Void> commit = async(() -> {
            gate.enter();
            order.add("entered");
        });
        Thread.sleep(100);
        assertThat(commit).isNotDone();
        assertThat(order).isEmpty();

        finishChange.countDown();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            change.get();
            commit.get();
        });
        assertThat(order).containsExactly("change done", "entered");
        assertThat(gate.inFlight()).isEqualTo(1);
    }

    @Test
    void aChangeTimesOutWithAClearMessageAndTheGateReopens() throws Exception {
        gate.enter();
        boolean[] ran = {false};

        assertThatThrownBy(() -> gate.exclusively(50, () -> ran[0] = true))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("1 transaction(s) were still committing after 50 ms")
                .hasMessageContaining("the role was not changed");
        assertThat(ran[0]).isFalse();

        // Reopened: new commits enter at once.
        assertTimeoutPreemptively(Duration.ofSeconds(5), gate::enter);
        assertThat(gate.inFlight()).isEqualTo(2);
    }

    @Test
    void theGateReopensWhenTheChangeThrows() throws Exception {
        assertThatThrownBy(() -> gate.exclusively(1_000, () -> {
            throw new IllegalStateException("cannot persist the role");
        })).isInstanceOf(IllegalStateException.class).hasMessage("cannot persist the role");

        assertTimeoutPreemptively(Duration.ofSeconds(5), gate::enter);
        assertThat(gate.inFlight()).isEqualTo(1);
        boolean[] ran = {false};
        gate.leave();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> gate.exclusively(1_000, () -> ran[0] = true));
        assertThat(ran[0]).isTrue();
    }

    @Test
    void twoChangesRunOneAfterTheOther() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch finishFirst = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> first = async(() -> gate.exclusively(30_000, () -> {
            firstRunning.countDown();
            try {
                finishFirst.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            order.add("first");
        }));
        firstRunning.await();
        CompletableFuture<Void> second = async(() -> gate.exclusively(30_000, () -> order.add("second")));
        Thread.sleep(100);
        assertThat(second).isNotDone();

        finishFirst.countDown();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            first.get();
            second.get();
        });
        assertThat(order).containsExactly("first", "second");
    }

    @Test
    void leavingMoreOftenThanEnteringNeverGoesNegative() throws Exception {
        gate.leave();
        assertThat(gate.inFlight()).isZero();
        gate.enter();
        assertThat(gate.inFlight()).isEqualTo(1);
    }
}
