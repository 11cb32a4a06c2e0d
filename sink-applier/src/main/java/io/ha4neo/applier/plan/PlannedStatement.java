package io.ha4neo.applier.plan;

import java.util.List;
import java.util.Map;

/**
 * One parameterised statement of a plan: a phase's Cypher and its rows, in log order.
 *
 * @param phase what the statement does
 * @param rows one map per change; the statement's {@code $rows} parameter
 * @param firstCommitId commit id of the first event contributing a row (for error messages)
 * @param lastCommitId commit id of the last event contributing a row
 */
public record PlannedStatement(Phase phase, List<Map<String, Object>> rows, long firstCommitId, long lastCommitId) {
    public PlannedStatement {
        rows = List.copyOf(rows);
    }

    public String cypher() {
        return phase.cypher();
    }

    public Map<String, Object> parameters() {
        return Map.of("rows", rows);
    }

    /** How many rows must find their target; fewer means the standby diverged from the primary. */
    public int expectedCount() {
        return rows.size();
    }

    /** Human-readable, for logs: phase, row count and commit range. */
    public String describe() {
        return phase + " (" + rows.size() + " rows, commits " + firstCommitId + ".." + lastCommitId + ")";
    }
}
