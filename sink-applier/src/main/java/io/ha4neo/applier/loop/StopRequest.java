package io.ha4neo.applier.loop;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A stop asked for by another thread (the signal handler), seen by the loop between steps and during waits. */
final class StopRequest {
    private final CountDownLatch requested = new CountDownLatch(1);

    void request() {
        requested.countDown();
    }

    boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** Waits {@code d} unless a stop is requested meanwhile; returns true when stopping. */
    boolean awaitFor(Duration d) {
        try {
            return requested.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
