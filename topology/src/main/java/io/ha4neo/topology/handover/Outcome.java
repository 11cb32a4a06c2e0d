package io.ha4neo.topology.handover;

/** How a switchover, failover or rejoin ended; the ops CLI turns it into its exit code. */
public enum Outcome {
    /** Every step succeeded: the new primary accepts writes and the old one follows it (switchover). */
    DONE,
    /** A step failed. The report says which, and what state is left: rolled back, or what to run to finish. */
    FAILED,
    /** Nothing was attempted: the cluster is not in a state for this operation (no primary, target not a standby). */
    REFUSED,
    /** Nothing was attempted: a failover while a primary is up and accepting writes needs --force. */
    NEEDS_FORCE
}
