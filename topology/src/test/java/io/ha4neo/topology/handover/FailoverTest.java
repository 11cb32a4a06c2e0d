package io.ha4neo.topology.handover;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.topology.Role;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link Failover}'s steps against a {@link SimulatedCluster}: the log's tail as handover point, retries, refusals. */
class FailoverTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void promotesTheStandbyFromTheLogsLastEvent() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").down("a").standby("b", 40);

        HandoverReport report = failover(cluster, "b", false);

        assertThat(report.outcome()).as(report.error()).isEqualTo(Outcome.DONE);
        assertThat(cluster.calls).containsExactly("probe", "readLogTail", "awaitCommit b (epoch 0, commit 42)",
                "promote b (epoch 0, commit 42) failover");
        assertThat(cluster.role("b")).isEqualTo(Role.PRIMARY);
        assertThat(report.from()).as("the member that is down").isEqualTo("a");
        assertThat(report.previousEpoch()).isZero();
        assertThat(report.epoch()).isEqualTo(1);
        assertThat(report.handoverCommitId()).isEqualTo(42);
        assertThat(report.handoverOffset()).isEqualTo(57);
        assertThat(report.rpoCommits()).as("a failover cannot count what never reached the log").isNull();
        assertThat(report.promoteAttempts()).isEqualTo(1);
    }

    @Test
    void theRecoveryTimeIsTheWholeCommandAndTheRpoIsTheLogsEnd() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").down("a").standby("b", 40);

        HandoverReport report = failover(cluster, "b", false);

        long whole = SimulatedCluster.COST.get("probe") + SimulatedCluster.COST.get("readLogTail")
                + SimulatedCluster.COST.get("awaitCommit") + SimulatedCluster.COST.get("promote");
        assertThat(report.rtoMillis()).isEqualTo(whole);
        assertThat(report.rpo()).isEqualTo("the log ends at (epoch 0, commit 42); anything a committed after it is its "
                + "divergent tail, reported when it restarts (ha4neo status / rejoin)");
        assertThat(report.summary()).isEqualTo("failover a -> b: epoch 0 -> 1 at (epoch 0, commit 42); RPO: the log "
                + "ends at (epoch 0, commit 42); anything a committed after it is its divergent tail, reported when it "
                + "restarts (ha4neo status / rejoin); time to recovery 73 ms (the duration of this command)");
    }

    @Test
    void aPrimaryThatIsUpAndAcceptsWritesNeedsForce() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40);

        HandoverReport report = failover(cluster, "b", false);

        assertThat(report.outcome()).isEqualTo(Outcome.NEEDS_FORCE);
        assertThat(report.error()).isEqualTo("member a is up and primary: use switchover; --force only if it is cut "
                + "off from its clients");
        assertThat(cluster.calls).containsExactly("probe");
    }

    @Test
    void withForceThePrimaryThatIsUpIsPromotedAwayFromAndNamedInANote() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").standby("b", 40);

        HandoverReport report = failover(cluster, "b", true);

        assertThat(report.outcome()).as(report.error()).isEqualTo(Outcome.DONE);
        assertThat(report.from()).isEqualTo("a");
        assertThat(report.notes()).singleElement().asString().startsWith("forced: a still reported primary of "
                + "epoch 0;").endsWith("Stop its clients, then ha4neo rejoin a");
    }

    @Test
    void aFrozenPrimaryTakesNoWritesSoItNeedsNoForce() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").frozen("a").standby("b", 42);

        HandoverReport report = failover(cluster, "b", false);

        assertThat(report.outcome()).as(report.error()).isEqualTo(Outcome.DONE);
        assertThat(report.from()).isEqualTo("a");
        assertThat(report.notes()).isEmpty();
    }

    @Test
    void whenTheLogMovesOnDuringThePromotionItReadsTheTailAgainAndRetries() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").down("a").standby("b", 40)
                .strayPublisher("a", 2);

        HandoverReport report = failover(cluster, "b", false);

        assertThat(report.outcome()).as(report.error()).isEqualTo(Outcome.DONE);
        assertThat(cluster.calls).containsExactly("probe", "readLogTail",
                "awaitCommit b (epoch 0, commit 42)", "promote b (epoch 0, commit 42) failover", "readLogTail",
                "awaitCommit b (epoch 0, commit 43)", "promote b (epoch 0, commit 43) failover", "readLogTail",
                "awaitCommit b (epoch 0, commit 44)", "promote b (epoch 0, commit 44) failover");
        assertThat(report.promoteAttempts()).isEqualTo(3);
        assertThat(report.handoverCommitId()).as("the tail it was finally promoted from").isEqualTo(44);
        assertThat(report.steps()).filteredOn(s -> !s.ok()).hasSize(2);
    }

    @Test
    void givesUpAfterThreeRetriesSayingTheOldPrimaryIsStillPublishing() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").down("a").standby("b", 40)
                .strayPublisher("a", 100);

        HandoverReport report = failover(cluster, "b", false);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(cluster.calls).filteredOn(c -> c.startsWith("promote")).hasSize(1 + Failover.MAX_RETRIES);
        assertThat(cluster.role("b")).isEqualTo(Role.STANDBY);
        assertThat(report.epoch()).isNull();
        assertThat(report.summary()).isNull();
        assertThat(report.error()).isEqualTo("failover to b gave up after 4 promotions: the log moved on each time (now "
                + "at (epoch 0, commit 46)), so a is still publishing. Stop it or cut it off from Kafka and run the "
                + "failover again; if its clients can still reach it, use ha4neo switchover instead. Nothing changed: "
                + "b is still a standby.");
    }

    @Test
    void aPromotionThatFailsWithTheLogUnchangedIsNotRetried() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").down("a").standby("b", 40)
                .failNext("promote", "b", ProcedureFailure.refused("ha4neo.promote", "b", "the applier is not "
                        + "running"));

        HandoverReport report = failover(cluster, "b", false);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(cluster.calls).endsWith("promote b (epoch 0, commit 42) failover", "readLogTail");
        assertThat(report.error()).isEqualTo("failover to b failed at promote: the applier is not running. Nothing "
                + "changed: b is still a standby.");
    }

    @Test
    void aPromotionWhoseAnswerIsLostButThatHappenedIsDone() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").down("a").standby("b", 40)
                .promoteThenLoseTheAnswer("b");

        HandoverReport report = failover(cluster, "b", false);

        assertThat(report.outcome()).as(report.error()).isEqualTo(Outcome.DONE);
        assertThat(cluster.calls).endsWith("promote b (epoch 0, commit 42) failover", "probe");
        assertThat(report.epoch()).isEqualTo(1);
    }

    @Test
    void aStandbyThatCannotReachTheLogsEndIsNotPromoted() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").down("a").standby("b", 40).lagging("b");

        HandoverReport report = failover(cluster, "b", false);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(cluster.calls).noneMatch(c -> c.startsWith("promote"));
        assertThat(report.error()).isEqualTo("failover to b failed at awaitCommit: b has not applied the log's last "
                + "event (epoch 0, commit 42): commit 42 of epoch 0 not applied within 30000 ms. Nothing changed: b is "
                + "still a standby. Check its applier (ha4neo status), then run the failover again.");
    }

    @Test
    void anUnreadableLogStopsTheFailoverBeforeAnythingChanges() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").down("a").standby("b", 40)
                .failNext("readLogTail", "kafka", new LogTail.LogTailUnavailable("cannot read the last event of "
                        + "ha4neo.dc1.neo4j-0: Timeout", null));

        HandoverReport report = failover(cluster, "b", false);

        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(cluster.calls).containsExactly("probe", "readLogTail");
        assertThat(report.error()).isEqualTo("failover to b failed reading the log's last event: cannot read the last "
                + "event of ha4neo.dc1.neo4j-0: Timeout. Nothing changed: b is still a standby.");
        assertThat(report.rpo()).isNull();
    }

    @Test
    void refusesATargetThatIsNotAReachableStandby() {
        SimulatedCluster cluster = new SimulatedCluster(42).primary("a").down("a").standby("b", 40).down("b");

        HandoverReport report = failover(cluster, "b", false);

        assertThat(report.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(report.error()).isEqualTo("the target b is unreachable: Connection refused; a failover promotes a "
                + "reachable standby that applies the log");
        assertThat(cluster.calls).containsExactly("probe");
    }

    private static HandoverReport failover(SimulatedCluster cluster, String target, boolean force) {
        return new Failover(cluster.description(), cluster.seams()).run(target, TIMEOUT, force);
    }
}
