package io.ha4neo.topology.handover;

import java.util.List;

/**
 * What a switchover or failover did, step by step, and what it cost. {@code ha4neo switchover --json} and
 * {@code ha4neo failover --json} print exactly this record; {@link HandoverText} renders it for people.
 *
 * <p>RPO and RTO. The <em>recovery point</em> is how much history the new primary lacks: for a switchover the number
 * of commit ids the old primary had beyond what the target applied ({@link #rpoCommits}, 0 when the target reached
 * the handover point, which the promotion requires); for a failover it is not a number but a place
 * ({@link #rpo}): the log's last event, after which anything the lost primary committed is its divergent tail. The
 * <em>recovery time</em> ({@link #rtoMillis}) is how long clients could not write: for a switchover from just before
 * the freeze until the promotion returned; for a failover the whole command, until the promotion returned.
 *
 * @param operation {@code switchover} or {@code failover}
 * @param outcome how it ended
 * @param from the old primary's member name (failover: the member taken to be the lost primary), or null
 * @param to the target member
 * @param previousEpoch the epoch of the handover point, null before it was known
 * @param epoch the new primary's epoch, null unless the promotion happened
 * @param handoverCommitId the commit id of the handover point (switchover: what the freeze returned; failover: the
 *                         log's last event), null before it was known
 * @param handoverOffset the Kafka offset of the handover point's last record, or null
 * @param rpoCommits switchover: commit ids the old primary had that the target did not apply; failover: null
 * @param rpo the recovery point in words
 * @param rtoMillis the recovery time in milliseconds, null unless the promotion happened
 * @param promoteAttempts how many times promote was called (a failover retries when the log moved on)
 * @param steps every step, in order, with its duration
 * @param summary the one-line result, null unless the promotion happened
 * @param error what failed, what state is left and what to run next; null when {@link Outcome#DONE}
 * @param notes further facts worth knowing (a forced failover's old primary that still runs), possibly empty
 */
public record HandoverReport(String operation, Outcome outcome, String from, String to, Long previousEpoch, Long epoch,
                             Long handoverCommitId, Long handoverOffset, Long rpoCommits, String rpo, Long rtoMillis,
                             int promoteAttempts, List<HandoverStep> steps, String summary, String error,
                             List<String> notes) {
    public HandoverReport {
        steps = List.copyOf(steps);
        notes = List.copyOf(notes);
    }
}
