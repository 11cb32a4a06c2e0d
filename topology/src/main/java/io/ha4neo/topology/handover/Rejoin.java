package io.ha4neo.topology.handover;

import io.ha4neo.schemas.topology.Role;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.cluster.Member;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a former primary follow the current one: {@code CALL ha4neo.rejoin(discardTail)} on it. The member finds the
 * epoch that followed its own in the log and becomes a standby from the handover point, unless it holds commits the
 * log does not have (it committed after the handover point: a failover's lost writes); then it stays FENCED and lists
 * them, until it is told to discard them.
 *
 * <pre>{@code
 * RejoinReport report = new Rejoin(cluster, HandoverSeams.of(clients)).run("a", false);
 * report.lines().forEach(System.out::println);
 * }</pre>
 */
public final class Rejoin {
    private final ClusterDescription cluster;
    private final HandoverSeams seams;

    public Rejoin(ClusterDescription cluster, HandoverSeams seams) {
        this.cluster = cluster;
        this.seams = seams;
    }

    /**
     * Rejoins {@code name}.
     *
     * @throws IllegalArgumentException when the cluster file has no such member
     */
    public RejoinReport run(String name, boolean discardTail) {
        Member member = cluster.requireMember(name);
        StepRecorder steps = new StepRecorder(seams.clock());
        try {
            RejoinResult r = steps.run("rejoin", name, () -> seams.procedures().rejoin(member, discardTail),
                    Rejoin::describe);
            return report(name, discardTail, r, steps.steps().get(0).millis());
        } catch (ProcedureFailure e) {
            return new RejoinReport(name, discardTail, Outcome.FAILED, null, null, null, List.of(),
                    steps.steps().get(0).millis(), List.of("rejoin " + name + " failed: " + e.getMessage()
                    + "; nothing changed (ha4neo status shows its role)"));
        }
    }

    private static RejoinReport report(String name, boolean discardTail, RejoinResult r, long millis) {
        List<String> lines = new ArrayList<>();
        lines.add("rejoin " + name + ": " + describe(r) + " (" + millis + " ms)");
        if (r.role() == Role.FENCED) {
            lines.add("  its divergent tail, " + count(r.divergentTail()) + " the log does not have:");
            r.divergentTail().forEach(line -> lines.add("    " + line));
            lines.add("  keep what you need of them, then: ha4neo rejoin " + name + " --discard-tail (or re-seed "
                    + name + " from the primary)");
        } else if (!r.divergentTail().isEmpty()) {
            lines.add("  gave up its divergent tail, " + count(r.divergentTail()) + ":");
            r.divergentTail().forEach(line -> lines.add("    " + line));
        }
        Outcome outcome = r.role() == Role.STANDBY ? Outcome.DONE : Outcome.FAILED;
        return new RejoinReport(name, discardTail, outcome, r.role().name().toLowerCase(java.util.Locale.ROOT),
                r.following().epoch(), r.following().commitId(), r.divergentTail(), millis, lines);
    }

    /** "standby, following from (epoch 0, commit 42)" or "still FENCED at (epoch 0, commit 42): 3 commits". */
    static String describe(RejoinResult r) {
        return switch (r.role()) {
            case STANDBY -> "standby, following from " + r.following();
            case FENCED -> "still FENCED after " + r.following() + ": " + count(r.divergentTail())
                    + " the log does not have";
            case PRIMARY -> "still PRIMARY: its epoch is the newest in the log, there is nothing to follow";
        };
    }

    /** ", with 3 commits the log does not have: c1; c2; c3", or "" without a tail. */
    static String tail(RejoinResult r) {
        return r.divergentTail().isEmpty() ? "" : ", with " + count(r.divergentTail()) + " the log does not have: "
                + String.join("; ", r.divergentTail());
    }

    private static String count(List<String> tail) {
        return tail.size() + " commit" + (tail.size() == 1 ? "" : "s");
    }
}
