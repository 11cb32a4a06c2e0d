package io.ha4neo.topology.handover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RejoinTest {
    @Test
    void aFormerPrimaryWithoutATailBecomesAStandbyFollowingFromTheHandoverPoint() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").frozen("a").standby("b", 42);

        RejoinReport report = new Rejoin(cluster.description(), cluster.seams()).run("a", false);

        assertThat(report.outcome()).isEqualTo(Outcome.DONE);
        assertThat(report.role()).isEqualTo("standby");
        assertThat(report.epoch()).isZero();
        assertThat(report.commitId()).isEqualTo(42);
        assertThat(report.millis()).isEqualTo(SimulatedCluster.COST.get("rejoin"));
        assertThat(report.lines()).containsExactly("rejoin a: standby, following from (epoch 0, commit 42) (40 ms)");
        assertThat(cluster.calls).containsExactly("rejoin a false");
    }

    @Test
    void aMemberWithADivergentTailStaysFencedAndListsIt() {
        SimulatedCluster cluster = new SimulatedCluster(42).fenced("a", List.of("commit 43 (3 changes)",
                "commit 44 (1 change)")).standby("b", 42);

        RejoinReport report = new Rejoin(cluster.description(), cluster.seams()).run("a", false);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.role()).isEqualTo("fenced");
        assertThat(report.divergentTail()).containsExactly("commit 43 (3 changes)", "commit 44 (1 change)");
        assertThat(report.lines()).containsExactly(
                "rejoin a: still FENCED after (epoch 0, commit 42): 2 commits the log does not have (40 ms)",
                "  its divergent tail, 2 commits the log does not have:",
                "    commit 43 (3 changes)",
                "    commit 44 (1 change)",
                "  keep what you need of them, then: ha4neo rejoin a --discard-tail (or re-seed a from the primary)");
    }

    @Test
    void discardingTheTailMakesItAStandbyAndSaysWhatWasDiscarded() {
        SimulatedCluster cluster = new SimulatedCluster(42).fenced("a", List.of("commit 43")).standby("b", 42);

        RejoinReport report = new Rejoin(cluster.description(), cluster.seams()).run("a", true);

        assertThat(report.outcome()).isEqualTo(Outcome.DONE);
        assertThat(cluster.calls).containsExactly("rejoin a true");
        assertThat(report.lines()).containsExactly("rejoin a: standby, following from (epoch 0, commit 42) (40 ms)",
                "  gave up its divergent tail, 1 commit:", "    commit 43");
    }

    @Test
    void aFailedCallChangesNothingAndSaysWhy() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 42)
                .failNext("rejoin", "a", ProcedureFailure.refused("ha4neo.rejoin", "a", "no later epoch in the log: "
                        + "this member is the current primary"));

        RejoinReport report = new Rejoin(cluster.description(), cluster.seams()).run("a", false);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.role()).isNull();
        assertThat(report.lines()).containsExactly("rejoin a failed: no later epoch in the log: this member is the "
                + "current primary; nothing changed (ha4neo status shows its role)");
    }
}
