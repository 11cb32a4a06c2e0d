package io.ha4neo.launcher.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a readiness probe until it succeeds, the process dies, or a deadline passes. Failures name the process and
 * quote the end of its log, so the error says where to look next.
 */
final class Readiness {
    private static final long POLL_MILLIS = 250;

    private Readiness() {
    }

    /** Waits until {@code probe} returns true; throws when the process exits or the deadline passes. */
    static void await(String what, ChildProcess process, Path logToQuote, Duration timeout, BooleanSupplier probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited with code " + process.exitCode()
                        + " before it was ready; see " + logToQuote + ", last lines:\n" + Logs.tail(logToQuote, 30));
            }
            if (probe.getAsBoolean()) {
                return;
            }
            sleep(POLL_MILLIS);
        }
        throw new IllegalStateException(what + " was not ready within " + timeout.toSeconds() + " s; it is still "
                + "running (pid " + process.pid() + ") and will be stopped; see " + logToQuote + ", last lines:\n"
                + Logs.tail(logToQuote, 30));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
