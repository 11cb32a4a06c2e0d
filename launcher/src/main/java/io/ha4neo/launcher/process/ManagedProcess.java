package io.ha4neo.launcher.process;

import java.time.Duration;

/**
 * The lifecycle shared by every process a topology runs (broker, Neo4j server, applier): graceful stop with a
 * grace period, kill -9 for crash tests, liveness and PID. Subclasses launch {@link #process} in their own
 * {@code start()} and own everything specific (configuration, readiness).
 */
public abstract class ManagedProcess implements AutoCloseable {
    private final Duration stopGrace;
    /** The running child, or the last one; null before the first start. Guarded by {@code this}. */
    protected ChildProcess process;

    protected ManagedProcess(Duration stopGrace) {
        this.stopGrace = stopGrace;
    }

    /** SIGTERM, wait up to the grace period, then SIGKILL. No-op when not running. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(stopGrace);
        }
    }

    /** SIGKILL: a crash without a controlled shutdown, for crash and recovery tests. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** True while the process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The process's PID, or -1 before the first start. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }
}
