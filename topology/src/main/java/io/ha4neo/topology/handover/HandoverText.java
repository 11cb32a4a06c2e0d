package io.ha4neo.topology.handover;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link HandoverReport} for people: one line per step with its duration, then the summary, the notes and
 * what failed. Pure.
 *
 * <pre>
 *   probe        -   41 ms  a primary (epoch 0), b standby (epoch 0, applied 42)
 *   freeze       a   12 ms  client writes refused; handover point (epoch 0, commit 42) at offset 57
 *   awaitCommit  b    3 ms  applied commit 42
 *   promote      b  310 ms  primary of epoch 1, accepting writes (its first commit 40)
 *   rejoin       a  150 ms  standby, following from (epoch 0, commit 42)
 * switchover a -> b: epoch 0 -> 1 at (epoch 0, commit 42); RPO 0 commits; RTO 325 ms (client writes refused from
 * freeze to promotion)
 * </pre>
 */
public final class HandoverText {
    private HandoverText() {
    }

    /** The lines to print. */
    public static List<String> lines(HandoverReport report) {
        List<String> lines = new ArrayList<>(steps(report.steps()));
        if (report.summary() != null) {
            lines.add(report.summary());
        }
        report.notes().forEach(note -> lines.add("note: " + note));
        if (report.error() != null) {
            lines.add((report.outcome() == Outcome.FAILED ? "FAILED: " : "REFUSED: ") + report.error());
        }
        return lines;
    }

    private static List<String> steps(List<HandoverStep> steps) {
        int stepWidth = steps.stream().mapToInt(s -> s.step().length()).max().orElse(0);
        int memberWidth = steps.stream().mapToInt(s -> member(s).length()).max().orElse(0);
        int millisWidth = steps.stream().mapToInt(s -> Long.toString(s.millis()).length()).max().orElse(0);
        return steps.stream().map(s -> String.format(Locale.ROOT, "  %-" + stepWidth + "s  %-" + memberWidth + "s  %"
                + millisWidth + "d ms  %s", s.step(), member(s), s.millis(), (s.ok() ? "" : "FAILED: ") + s.detail()))
                .toList();
    }

    private static String member(HandoverStep s) {
        return s.member() == null ? "-" : s.member();
    }
}
