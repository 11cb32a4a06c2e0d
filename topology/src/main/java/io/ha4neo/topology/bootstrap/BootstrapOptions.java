package io.ha4neo.topology.bootstrap;

import java.time.Duration;

/**
 * How {@code ha4neo bootstrap} runs.
 *
 * @param chunkSize entities per chunk event (one primary commit each)
 * @param rate most entities sent per second (0: no limit), which bounds the load on the primary
 * @param reseed start a new run even when the standby follows the log, is in another run, or holds data: its graph is
 *     replaced at the run's begin
 * @param stallTimeout how long the standby may apply nothing before bootstrap stops waiting for it
 * @param pollInterval how often the standby's progress is read
 * @param reportInterval how often a plain progress line is written (a terminal's bar is redrawn at every poll)
 */
public record BootstrapOptions(int chunkSize, long rate, boolean reseed, Duration stallTimeout, Duration pollInterval,
                               Duration reportInterval) {
    public static final int DEFAULT_CHUNK_SIZE = 1000;
    public static final int MAX_CHUNK_SIZE = io.ha4neo.schemas.contract.ProcedureNames.BOOTSTRAP_MAX_CHUNK_SIZE;
    public static final long DEFAULT_RATE = 0;
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(2);

    public BootstrapOptions {
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("--chunk-size must be between 1 and " + MAX_CHUNK_SIZE + ", not "
                    + chunkSize);
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be 0 (no limit) or more entities per second, not " + rate);
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("--stall-timeout must be positive, not " + stallTimeout);
        }
    }

    /** The defaults, with {@code reseed}. */
    public static BootstrapOptions defaults(boolean reseed) {
        return new BootstrapOptions(DEFAULT_CHUNK_SIZE, DEFAULT_RATE, reseed, DEFAULT_STALL_TIMEOUT,
                Duration.ofMillis(500), Duration.ofSeconds(5));
    }
}
