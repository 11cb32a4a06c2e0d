package io.ha4neo.schemas.event;

import java.util.Objects;

/**
 * A range of commit ids that the primary committed but did not capture: Neo4j has them, the log does not. It
 * travels in the log as a gap event ({@link TransactionEvent#gap()}), so every standby stops exactly there and
 * names the range, instead of silently lacking those transactions.
 *
 * <p>Causes: the process died between a commit and its spool append (kill -9, OOM, power loss), the spool lost its
 * unflushed tail or was deleted (an OS crash), or capture of one transaction failed. Some ids of the range may be
 * token or schema transactions without replicable data; the primary cannot tell which after the fact.
 *
 * @param firstCommitId first missing commit id, inclusive
 * @param lastCommitId last missing commit id, inclusive; the gap event's own commit id
 * @param reason why, for the operator
 */
public record CaptureGap(long firstCommitId, long lastCommitId, String reason) {
    public CaptureGap {
        if (firstCommitId <= 0 || lastCommitId < firstCommitId) {
            throw new IllegalArgumentException("a capture gap needs 0 < first <= last, was " + firstCommitId + ".."
                    + lastCommitId);
        }
        reason = Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return "commit ids " + firstCommitId + ".." + lastCommitId + " (" + reason + ")";
    }
}
