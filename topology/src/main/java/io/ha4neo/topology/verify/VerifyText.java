package io.ha4neo.topology.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code ha4neo verify} for people: what was compared, a table of the differences (key, kind, change, and what
 * differs on each member), the entities that writes kept changing, and the one-line summary. Pure.
 *
 * <pre>
 * verify a (primary) against b (standby), database neo4j, lined up at (epoch 0, commit 2041), b applied 2041
 *   nodes 1204 on a, 1205 on b; relationships 800 on a, 799 on b; indexes and constraints 2 on a, 2 on b
 *   compared in 3 windows; 7 suspects read again in 2 rounds; 12345 ms
 * KEY                                          KIND          CHANGE              PRIMARY a                STANDBY b
 * 4:3f0c...:17                                 node          CHANGED             age: INTEGER 41          age: FLOAT 41.0
 * 5:3f0c...:3                                  relationship  MISSING_ON_STANDBY  (4:..)-[:KNOWS {}]->(…)  (missing)
 * DIFFERENT: 2 entities differ between a and b (1 changed, 1 missing on b)
 * </pre>
 */
public final class VerifyText {
    /** Longest cell of the PRIMARY and STANDBY columns; --json has the whole entities. */
    static final int CELL = 80;

    private VerifyText() {
    }

    public static List<String> lines(VerifyReport r) {
        List<String> lines = new ArrayList<>();
        if (r.outcome() == VerifyReport.Outcome.ERROR) {
            lines.add(r.summary());
            return lines;
        }
        lines.add("verify " + r.primary() + " (primary) against " + r.standby() + " (standby), database "
                + r.database() + ", lined up at (epoch " + r.epoch() + ", commit " + r.commitId() + "), "
                + r.standby() + " applied " + r.standbyAppliedCommitId());
        lines.add("  nodes " + counts(r.nodes(), r) + "; relationships " + counts(r.relationships(), r)
                + "; indexes and constraints " + counts(r.schemaObjects(), r));
        lines.add("  compared in " + r.windows() + " window" + (r.windows() == 1 ? "" : "s") + "; " + r.suspects()
                + " suspect" + (r.suspects() == 1 ? "" : "s") + " read again in " + r.rounds() + " round"
                + (r.rounds() == 1 ? "" : "s") + "; " + r.millis() + " ms");
        if (!r.differences().isEmpty()) {
            lines.addAll(table(r.differences(), r));
        }
        if (!r.unsettled().isEmpty()) {
            lines.add("changed on " + r.primary() + " during every round (verify cannot tell):");
            lines.addAll(table(r.unsettled(), r));
        }
        lines.add(r.summary());
        return lines;
    }

    private static String counts(VerifyReport.Counts c, VerifyReport r) {
        return c.primary() + " on " + r.primary() + ", " + c.standby() + " on " + r.standby();
    }

    private static List<String> table(List<Difference> rows, VerifyReport r) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"KEY", "KIND", "CHANGE", "PRIMARY " + r.primary(), "STANDBY " + r.standby()});
        rows.forEach(d -> cells.add(new String[] {d.key(), d.kind(), d.change().name(), cut(d.primaryDetail()),
            cut(d.standbyDetail())}));
        int[] widths = new int[5];
        cells.forEach(row -> {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        });
        return cells.stream().map(row -> {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                b.append(i == row.length - 1 ? row[i] : pad(row[i], widths[i] + 2));
            }
            return b.toString().stripTrailing();
        }).toList();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    static String cut(String s) {
        return s.length() <= CELL ? s : s.substring(0, CELL - 1) + "…";
    }

    /** The one-line result that ends the text and is the JSON's {@code summary}. */
    static String summary(VerifyReport.Outcome outcome, String primary, String standby, VerifyReport.Counts nodes,
                          VerifyReport.Counts relationships, VerifyReport.Counts schema, List<Difference> differences,
                          List<Difference> unsettled, boolean complete, int maxDifferences) {
        String cut = complete ? "" : "; verify stopped after " + maxDifferences + " suspects (--max-differences), "
                + "so there may be more";
        return switch (outcome) {
            case EQUAL -> "EQUAL: " + primary + " and " + standby + " hold the same graph: " + nodes.primary()
                    + " nodes, " + relationships.primary() + " relationships, " + schema.primary()
                    + " indexes and constraints";
            case DIFFERENT -> "DIFFERENT: " + differences.size() + " entit" + (differences.size() == 1 ? "y differs"
                    : "ies differ") + " between " + primary + " and " + standby + " (" + changes(differences, standby)
                    + ")" + (unsettled.isEmpty() ? "" : "; " + unsettled.size() + " more changed during every round")
                    + cut;
            case UNSETTLED -> unsettled.isEmpty()
                    ? "UNSETTLED: no difference among the first " + maxDifferences + " suspects, but verify stopped "
                    + "there (--max-differences), so there may be more; run verify again with a higher "
                    + "--max-differences or fewer writes"
                    : "UNSETTLED: no difference found, but " + unsettled.size() + " entit"
                    + (unsettled.size() == 1 ? "y" : "ies") + " changed on " + primary + " during every round" + cut
                    + "; run verify again with fewer writes or more --rounds";
            case ERROR -> "ERROR";
        };
    }

    private static String changes(List<Difference> differences, String standby) {
        Map<Difference.Change, Long> byChange = differences.stream().collect(Collectors.groupingBy(
                Difference::change, () -> new TreeMap<>(), Collectors.counting()));
        Function<Difference.Change, String> name = c -> switch (c) {
            case CHANGED -> "changed";
            case MISSING_ON_STANDBY -> "missing on " + standby;
            case ONLY_ON_STANDBY -> "only on " + standby;
        };
        return byChange.entrySet().stream().map(e -> e.getValue() + " " + name.apply(e.getKey()))
                .collect(Collectors.joining(", "));
    }
}
