package io.ha4neo.topology.verify;

import java.time.Duration;

/**
 * How verify reads, and how much it may cost.
 *
 * @param chunkSize internal ids per chunk read (and candidates per re-read); one read transaction each
 * @param rate most ids read per second from a member (a chunk of n ids counts n whatever it holds); 0: no limit
 * @param rounds how often a candidate is read again on both members before it is reported
 * @param roundPause the pause between two rounds, so that writes in flight can land
 * @param maxDifferences most suspects (entities that differed in a pass) verify follows up;
 *                       beyond them it stops looking, reports what it found and says the report is incomplete
 * @param window entities read on the primary before verify lines the standby up with the primary's position and
 *               looks them up on it: what is written during one window's read may be in flight, so a smaller window
 *               means fewer suspects under writes, a larger one fewer waits for the standby
 * @param timeout the longest wait for the standby to apply a position
 */
public record VerifyOptions(int chunkSize, long rate, int rounds, Duration roundPause, int maxDifferences,
                            int window, Duration timeout) {
    /** Ids per chunk when --chunk-size is not given. */
    public static final int DEFAULT_CHUNK_SIZE = 1000;
    /** Ids per second when --rate is not given. */
    public static final long DEFAULT_RATE = 2000;
    /** Rounds when --rounds is not given. */
    public static final int DEFAULT_ROUNDS = 5;
    /** Suspects followed up at most when --max-differences is not given. */
    public static final int DEFAULT_MAX_DIFFERENCES = 10_000;
    /** Entities per window when --window is not given: about one wait for the standby per 10 chunks. */
    public static final int DEFAULT_WINDOW = 10_000;
    /** Pause between rounds. */
    public static final Duration DEFAULT_ROUND_PAUSE = Duration.ofMillis(500);

    public VerifyOptions {
        require(chunkSize >= 1 && chunkSize <= 100_000, "--chunk-size must be between 1 and 100000, not " + chunkSize);
        require(rate >= 0, "--rate must be 0 (no limit) or positive, not " + rate);
        require(rounds >= 1 && rounds <= 100, "--rounds must be between 1 and 100, not " + rounds);
        require(maxDifferences >= 1, "--max-differences must be positive, not " + maxDifferences);
        require(window >= 1 && window <= 1_000_000, "--window must be between 1 and 1000000, not " + window);
    }

    /** The defaults, with {@code timeout}. */
    public static VerifyOptions defaults(Duration timeout) {
        return new VerifyOptions(DEFAULT_CHUNK_SIZE, DEFAULT_RATE, DEFAULT_ROUNDS, DEFAULT_ROUND_PAUSE,
                DEFAULT_MAX_DIFFERENCES, DEFAULT_WINDOW, timeout);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
