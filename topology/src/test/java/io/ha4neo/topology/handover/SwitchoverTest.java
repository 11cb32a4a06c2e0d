package io.ha4neo.topology.handover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.topology.Role;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Switchover}'s steps against a {@link SimulatedCluster}: order, rollback, and the RPO/RTO arithmetic. */
class SwitchoverTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void freezesWaitsPromotesAndRejoinsInThatOrder() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40);

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).as(report.error()).isEqualTo(Outcome.DONE);
        assertThat(cluster.calls).containsExactly("probe", "freeze a", "awaitCommit b (epoch 0, commit 42)",
                "promote b (epoch 0, commit 42) switchover", "rejoin a false");
        assertThat(cluster.role("b")).isEqualTo(Role.PRIMARY);
        assertThat(cluster.epochOf("b")).isEqualTo(1);
        assertThat(cluster.role("a")).isEqualTo(Role.STANDBY);
        assertThat(cluster.isFrozen("a")).isFalse();
        assertThat(report.steps()).extracting(HandoverStep::step).containsExactly("probe", "freeze", "awaitCommit",
                "promote", "rejoin");
        assertThat(report.steps()).allMatch(HandoverStep::ok);
    }

    @Test
    void reportsTheHandoverPointRpoZeroAndTheRtoFromFreezeToPromotion() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40);

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.from()).isEqualTo("a");
        assertThat(report.to()).isEqualTo("b");
        assertThat(report.previousEpoch()).isZero();
        assertThat(report.epoch()).isEqualTo(1);
        assertThat(report.handoverCommitId()).isEqualTo(42);
        assertThat(report.handoverOffset()).isEqualTo(57);
        assertThat(report.rpoCommits()).isZero();
        long freezeToPromotion = SimulatedCluster.COST.get("freeze") + SimulatedCluster.COST.get("awaitCommit")
                + SimulatedCluster.COST.get("promote");
        assertThat(report.rtoMillis()).as("neither the probe before nor the rejoin after count")
                .isEqualTo(freezeToPromotion);
        assertThat(report.steps()).extracting(HandoverStep::millis).containsExactly(15L, 10L, 20L, 30L, 40L);
        assertThat(report.promoteAttempts()).isEqualTo(1);
        assertThat(report.summary()).isEqualTo("switchover a -> b: epoch 0 -> 1 at (epoch 0, commit 42); RPO 0 "
                + "commits; RTO 60 ms (client writes refused from freeze to promotion)");
        assertThat(report.error()).isNull();
    }

    @Test
    void theRpoIsTheHandoverCommitMinusWhatTheTargetSaysItApplied() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40).awaitAnswers(39);

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.rpoCommits()).isEqualTo(3);
        assertThat(report.summary()).contains("RPO 3 commits;");
        assertThat(report.rpo()).isEqualTo("3 commits: b applied commit 39 of the handover point (epoch 0, commit 42)");
    }

    @Test
    void aTargetThatCannotCatchUpRollsBackTheFreezeAndPromotesNothing() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40).lagging("b");

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(cluster.calls).containsExactly("probe", "freeze a", "awaitCommit b (epoch 0, commit 42)",
                "unfreeze a");
        assertThat(cluster.isFrozen("a")).isFalse();
        assertThat(cluster.role("b")).isEqualTo(Role.STANDBY);
        assertThat(report.error()).isEqualTo("switchover a -> b failed at awaitCommit on b: commit 42 of epoch 0 not "
                + "applied within 30000 ms. Rolled back: a is primary again with writes open (epoch 0); b is still its "
                + "standby.");
        assertThat(report.summary()).isNull();
        assertThat(report.rtoMillis()).isNull();
        assertThat(report.steps().get(2).ok()).isFalse();
        assertThat(report.steps().get(2).millis()).isEqualTo(20 + 30_000);
    }

    @Test
    void aPromotionTheTargetRefusesRollsBackTheFreeze() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40)
                .failNext("promote", "b", ProcedureFailure.refused("ha4neo.promote", "b", "the applier is not "
                        + "running"));

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(cluster.calls).endsWith("promote b (epoch 0, commit 42) switchover", "unfreeze a");
        assertThat(cluster.isFrozen("a")).isFalse();
        assertThat(report.error()).startsWith("switchover a -> b failed at promote on b: the applier is not running. "
                + "Rolled back: a is primary again with writes open");
    }

    @Test
    void whenTheUnfreezeFailsTooTheReportSaysWhatIsLeftAndWhatToRun() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40).lagging("b")
                .failNext("unfreeze", "a", ProcedureFailure.unknownOutcome("ha4neo.unfreeze", "a", "Connection "
                        + "refused"));

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(cluster.isFrozen("a")).isTrue();
        assertThat(report.error()).contains("failed at awaitCommit on b", "The rollback failed too: unfreeze on a: "
                        + "Connection refused", "nothing was promoted; b is still a standby; a is primary but frozen",
                "Run CALL ha4neo.unfreeze() on a (bolt://a:7687)", "or ha4neo switchover --to b to try again");
    }

    @Test
    void aFreezeThatFailedBeforeFreezingHasNothingToRollBack() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40)
                .failNext("freeze", "a", ProcedureFailure.refused("ha4neo.freeze", "a", "the publisher is "
                        + "KAFKA_UNAVAILABLE"));

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(cluster.calls).containsExactly("probe", "freeze a", "probe");
        assertThat(report.error()).isEqualTo("switchover a -> b failed at freeze on a: the publisher is "
                + "KAFKA_UNAVAILABLE. Nothing to roll back: a is not frozen and accepts writes; b is still its "
                + "standby.");
        assertThat(report.handoverCommitId()).isNull();
    }

    @Test
    void aFreezeThatFailedHalfWayIsUnfrozen() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").frozen("a").standby("b", 40)
                .failNext("freeze", "a", ProcedureFailure.refused("ha4neo.freeze", "a", "2 events not published "
                        + "within 30000 ms"));

        HandoverReport report = switchover(cluster, "b");

        assertThat(cluster.calls).containsExactly("probe", "freeze a", "probe", "unfreeze a");
        assertThat(cluster.isFrozen("a")).isFalse();
        assertThat(report.error()).isEqualTo("switchover a -> b failed at freeze on a: 2 events not published within "
                + "30000 ms. Rolled back: a is primary again with writes open; b is still its standby.");
    }

    @Test
    void aPromotionWhoseAnswerIsLostButThatHappenedGoesOnToTheRejoin() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40)
                .promoteThenLoseTheAnswer("b");

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).as(report.error()).isEqualTo(Outcome.DONE);
        assertThat(cluster.calls).containsExactly("probe", "freeze a", "awaitCommit b (epoch 0, commit 42)",
                "promote b (epoch 0, commit 42) switchover", "probe", "rejoin a false");
        assertThat(cluster.calls).doesNotContain("unfreeze a");
        assertThat(report.epoch()).isEqualTo(1);
        assertThat(report.rtoMillis()).as("until the target was seen promoted").isEqualTo(10 + 20 + 30 + 15);
    }

    @Test
    void aPromotionWhoseOutcomeIsUnknownRollsBackOnlyWhenTheTargetIsStillAStandby() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40)
                .failNext("promote", "b", ProcedureFailure.unknownOutcome("ha4neo.promote", "b", "Connection reset"));

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(cluster.calls).endsWith("probe", "unfreeze a");
        assertThat(report.error()).contains("Rolled back: a is primary again with writes open");
    }

    @Test
    void aPromotionWhoseOutcomeIsUnknownOnATargetThatDoesNotAnswerLeavesThePrimaryFrozen() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40).crashOnPromote("b");

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(cluster.calls).doesNotContain("unfreeze a");
        assertThat(cluster.isFrozen("a")).isTrue();
        assertThat(report.error()).contains("The promotion's outcome is unknown and b does not say. a stays frozen "
                + "(safe: no client writes, no second history)", "if ha4neo status shows it primary of epoch 1, run "
                + "ha4neo rejoin a", "if it is still a standby, run CALL ha4neo.unfreeze() on a");
    }

    @Test
    void whenTheRejoinFailsTheSwitchoverIsDoneAndTheOldPrimaryStaysFrozen() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40)
                .failNext("rejoin", "a", ProcedureFailure.refused("ha4neo.rejoin", "a", "no epoch start after "
                        + "(epoch 0, commit 42) in the log yet"));

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.summary()).startsWith("switchover a -> b: epoch 0 -> 1");
        assertThat(report.rtoMillis()).isEqualTo(60);
        assertThat(cluster.isFrozen("a")).isTrue();
        assertThat(report.error()).isEqualTo("rejoin on a failed: no epoch start after (epoch 0, commit 42) in the log "
                + "yet. The switchover itself is done: b is primary of epoch 1 and accepts writes. a stays frozen, "
                + "which is safe (it refuses client writes); ha4neo rejoin a finishes it.");
    }

    @Test
    void anInterruptedSwitchoverWhosePrimaryIsStillFrozenCanBeRunAgain() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").frozen("a").standby("b", 42);

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).as(report.error()).isEqualTo(Outcome.DONE);
        assertThat(report.steps().get(0).detail()).isEqualTo("a primary FROZEN (epoch 0), b standby (epoch 0, "
                + "applied 42)");
    }

    @Test
    void refusesWithoutCallingAnyProcedureWhenThereIsNoPrimaryToSwitchFrom() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").down("a").standby("b", 40);

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(cluster.calls).containsExactly("probe");
        assertThat(report.error()).isEqualTo("no reachable member is primary, so there is nothing to switch over "
                + "from; if the primary is gone, use ha4neo failover --to b");
    }

    @Test
    void refusesATargetThatIsThePrimaryUnreachableOrFenced() {
        assertThat(switchover(new SimulatedCluster(42).primary("a").standby("b", 1), "a").error())
                .isEqualTo("a is the primary already; name a standby with --to");
        assertThat(switchover(new SimulatedCluster(42).primary("a").standby("b", 1).down("b"), "b").error())
                .isEqualTo("the target b is unreachable: Connection refused; a switchover needs a reachable standby "
                        + "that applies the log");
        SimulatedCluster fenced = new SimulatedCluster(42).primary("a").fenced("b", List.of("c1"));
        HandoverReport report = switchover(fenced, "b");
        assertThat(report.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(report.error()).startsWith("the target b is fenced, not a standby");
        assertThat(fenced.calls).containsExactly("probe");
    }

    @Test
    void refusesTwoPrimariesNamingTheirEpochs() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").primary("c").standby("b", 40);

        HandoverReport report = switchover(cluster, "b");

        assertThat(report.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(report.error()).startsWith("2 members are primary: a (epoch 0), c (epoch 0); see ha4neo status");
    }

    @Test
    void anUnknownTargetIsAnArgumentErrorThatSuggestsTheClosestName() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("standby", 40);

        assertThatThrownBy(() -> switchover(cluster, "stanby")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no member 'stanby' in the cluster file (did you mean 'standby'?); members: a, standby");
        assertThat(cluster.calls).isEmpty();
    }

    private static HandoverReport switchover(SimulatedCluster cluster, String target) {
        return new Switchover(cluster.description(), cluster.seams()).run(target, TIMEOUT);
    }
}
