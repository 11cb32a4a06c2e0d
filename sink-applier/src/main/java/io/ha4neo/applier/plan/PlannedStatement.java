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
 * @param atMost true when fewer rows than {@link #expectedCount()} may find their target: a standby being seeded
 *               passes over changes to entities it does not hold yet (docs/bootstrap.md), and a repair event deletes
 *               entities that its range created and deleted again, which no standby holds (docs/txlog-repair.md)
 */
public record PlannedStatement(Phase phase, List<Map<String, Object>> rows, long firstCommitId, long lastCommitId,
                               boolean atMost) {
    public PlannedStatement {
        rows = List.copyOf(rows);
    }

    /** A statement every row of which must find its target. */
    public PlannedStatement(Phase phase, List<Map<String, Object>> rows, long firstCommitId, long lastCommitId) {
        this(phase, rows, firstCommitId, lastCommitId, false);
    }

    /**
     * This statement as a standby being seeded runs it: a row whose entity the standby does not hold yet finds
     * nothing, and that is no divergence (its image comes later in the run). Image upserts stay exact.
     */
    public PlannedStatement whileSeeding() {
        return phase.isImage() ? this : new PlannedStatement(phase, rows, firstCommitId, lastCommitId, true);
    }

    /** True when {@code applied} rows finding their target is what this statement expects. */
    public boolean accepts(long applied) {
        return atMost ? applied <= rows.size() : applied == rows.size();
    }

    public String cypher() {
        return phase.cypher();
    }

    public Map<String, Object> parameters() {
        return Map.of("rows", rows);
    }

    /** How many rows must find their target (at most, when {@link #atMost}); fewer means the standby diverged. */
    public int expectedCount() {
        return rows.size();
    }

    /** Human-readable, for logs: phase, row count and commit range. */
    public String describe() {
        return phase + " (" + rows.size() + " rows, commits " + firstCommitId + ".." + lastCommitId + ")";
    }
}
