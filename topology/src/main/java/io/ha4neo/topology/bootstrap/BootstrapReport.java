package io.ha4neo.topology.bootstrap;

/**
 * What {@code ha4neo bootstrap} did. {@code --json} prints exactly this record.
 *
 * @param outcome SEEDED (the standby applied the run's end and follows the log), FAILED or REFUSED
 * @param run the run's id, or null when none began
 * @param resumed true when this invocation went on with a run that had begun before
 * @param primary the primary the run read from
 * @param standby the seeded standby
 * @param epoch the epoch of the run's end, or null
 * @param endCommitId the commit id of the run's end, or null
 * @param nodes node images the run sent
 * @param relationships relationship images the run sent
 * @param millis how long this invocation took
 * @param entitiesPerSecond images sent and applied per second over this invocation
 * @param summary the one-line result
 * @param error why it failed or was refused, else null
 */
public record BootstrapReport(Outcome outcome, String run, boolean resumed, String primary, String standby, Long epoch,
                              Long endCommitId, long nodes, long relationships, long millis, long entitiesPerSecond,
                              String summary, String error) {
    /** How a bootstrap ended; the exit code follows from it. */
    public enum Outcome {
        /** The standby holds the primary's graph and follows the log: exit 0. */
        SEEDED,
        /** A step failed after the run began: exit 1; a rerun resumes the run. */
        FAILED,
        /** Refused before anything was changed: exit 2. */
        REFUSED
    }
}
