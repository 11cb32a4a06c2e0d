package io.ha4neo.capture.bootstrap;

import java.util.function.Supplier;
import org.neo4j.graphdb.TransientFailureException;

/**
 * Runs one bootstrap transaction again after a transient failure (a deadlock with a concurrent writer, a lock
 * timeout): the attempt rolled back, so it is simply repeated, with a doubling back-off, a bounded number of times.
 */
public final class TransientRetry {
    /** Waits between attempts (the seam unit tests replace). */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final int maxAttempts;
    private final long firstBackoffMillis;
    private final long maxBackoffMillis;
    private final Sleeper sleeper;

    public TransientRetry(int maxAttempts, long firstBackoffMillis, long maxBackoffMillis, Sleeper sleeper) {
        this.maxAttempts = maxAttempts;
        this.firstBackoffMillis = firstBackoffMillis;
        this.maxBackoffMillis = maxBackoffMillis;
        this.sleeper = sleeper;
    }

    /** The production policy: 8 attempts, 50 ms doubling up to 2 s (about 6 s in all). */
    public static TransientRetry standard() {
        return new TransientRetry(8, 50, 2_000, Thread::sleep);
    }

    /**
     * Runs {@code attempt} until it succeeds or fails other than transiently.
     *
     * @param what names the transaction in the error, e.g. "chunk of bootstrap run 1234"
     * @throws IllegalStateException after {@code maxAttempts} transient failures, naming {@code what}
     */
    public <T> T run(String what, Supplier<T> attempt) {
        long backoff = firstBackoffMillis;
        for (int i = 1; ; i++) {
            try {
                return attempt.get();
            } catch (TransientFailureException e) {
                if (i >= maxAttempts) {
                    throw new IllegalStateException(what + " failed " + i + " times on transient errors (deadlocks or "
                            + "lock timeouts with concurrent writers); the last one: " + e.getMessage() + ". Nothing "
                            + "of the failed attempts was committed; call it again later, the run continues where it "
                            + "stands", e);
                }
                pause(what, backoff);
                backoff = Math.min(backoff * 2, maxBackoffMillis);
            }
        }
    }

    private void pause(String what, long millis) {
        try {
            sleeper.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted while waiting to retry; nothing was committed", e);
        }
    }
}
