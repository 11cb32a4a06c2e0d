package io.ha4neo.topology.bootstrap;

/**
 * A bootstrap that did not end with a seeded standby. {@link #refused()}: it was refused before anything was changed
 * (exit 2); otherwise it failed on the way (exit 1), and the message says which step and how to go on (a rerun
 * resumes the run).
 */
public final class BootstrapException extends RuntimeException {
    private final boolean refused;

    private BootstrapException(String message, boolean refused, Throwable cause) {
        super(message, cause);
        this.refused = refused;
    }

    /** Refused before the run began: nothing was changed. */
    public static BootstrapException refused(String message) {
        return new BootstrapException(message, true, null);
    }

    /** Failed after the run began. */
    public static BootstrapException failed(String message, Throwable cause) {
        return new BootstrapException(message, false, cause);
    }

    public boolean refused() {
        return refused;
    }
}
