package io.ha4neo.topology.handover;

import java.util.List;

/**
 * What {@code ha4neo rejoin} did; {@code --json} prints exactly this record.
 *
 * @param member the member that rejoined
 * @param discardTail whether it was told to discard its divergent tail
 * @param outcome {@link Outcome#DONE} when it ended a standby, else {@link Outcome#FAILED}
 * @param role the role it ended in ({@code standby}, {@code fenced}), null when the call failed
 * @param epoch the epoch of the handover point it follows from, or null
 * @param commitId the commit id of that handover point, or null
 * @param divergentTail the commits its store has that the log does not: kept when fenced, discarded when asked to
 * @param millis how long the call took
 * @param lines what {@code rejoin} prints without --json
 */
public record RejoinReport(String member, boolean discardTail, Outcome outcome, String role, Long epoch, Long commitId,
                           List<String> divergentTail, long millis, List<String> lines) {
    public RejoinReport {
        divergentTail = List.copyOf(divergentTail);
        lines = List.copyOf(lines);
    }
}
