package io.ha4neo.topology.status;

import static io.ha4neo.topology.status.StatusFixtures.CLUSTER;
import static io.ha4neo.topology.status.StatusFixtures.KAFKA_UP;
import static io.ha4neo.topology.status.StatusFixtures.fenced;
import static io.ha4neo.topology.status.StatusFixtures.primary;
import static io.ha4neo.topology.status.StatusFixtures.standby;
import static io.ha4neo.topology.status.StatusFixtures.unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterHealthTest {
    @Test
    void onePublishingPrimaryAndAReachableStandbyAreHealthy() {
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "PUBLISHING"),
                standby("b", 12, new ApplierStatus("http://x/metrics", true, true, "ready", 0.1))))).isEmpty();
    }

    @Test
    void aStandbyWithOneApplierApplyingAndOneStandingByIsHealthyAndLosingTheOneStandingByIsAProblem() {
        ApplierStatus applying = new ApplierStatus("http://b1/metrics", true, true, "ready, state CAUGHT_UP", 0.1);
        ApplierStatus passive = new ApplierStatus("http://b2/metrics", true, false, "not ready: state PASSIVE: "
                + "consumer group g gave the partition to another applier of this standby", null);
        ApplierStatus down = new ApplierStatus("http://b2/metrics", false, null, "Connection refused", null);

        ApplierStatus healthy = ApplierStatus.ofMember(List.of(passive, applying));
        assertThat(healthy.url()).as("the one that applies describes the member").isEqualTo("http://b1/metrics");
        assertThat(healthy.others()).containsExactly(passive);
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "PUBLISHING"),
                standby("b", 12, healthy)))).isEmpty();

        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "PUBLISHING"),
                standby("b", 12, ApplierStatus.ofMember(List.of(applying, down)))))).containsExactly(
                "member 'b' (bolt://b:7687, zone z-b): its applier at http://b2/metrics does not answer: Connection "
                        + "refused; nothing stands by for the one at http://b1/metrics");
    }

    @Test
    void aZoneWhoseCopyCannotBeReadOrWhoseMirrorMakerDoesNotAnswerIsAProblemButNoLatencyYetIsNot() {
        List<MemberStatus> members = List.of(primary("a", "PUBLISHING"));
        ZoneStatus fine = new ZoneStatus("zb", "kb:9092", "za.t", true, 14L, null, "http://mm2/metrics", true, 12.0,
                null);
        ZoneStatus notCopiedYet = new ZoneStatus("zb", "kb:9092", "za.t", true, 0L, null, "http://mm2/metrics", true,
                null, "no replication latency for the copy yet");
        ZoneStatus down = new ZoneStatus("zc", "kc:9092", "t", false, null, "Timed out", "http://mm3/metrics", false,
                null, "Connection refused");

        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, members, List.of(fine, notCopiedYet))).isEmpty();
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, members, List.of(down))).containsExactly(
                "zone zc: end offset of topic t unavailable from kafka kc:9092: Timed out; its standbys cannot follow",
                "zone zc: MirrorMaker at http://mm3/metrics unavailable: Connection refused; the copy of t may not be "
                        + "fed");
    }

    @Test
    void anUnreachableMemberIsNamedWithItsAddressAndZone() {
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "PUBLISHING"), unreachable("b"))))
                .containsExactly("member 'b' (bolt://b:7687) unreachable: Connection refused");
    }

    @Test
    void noPrimaryIsAProblemWhoseFixIsAFailoverToAStandby() {
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(unreachable("a"), standby("b", 1, null))))
                .containsExactly("member 'a' (bolt://a:7687) unreachable: Connection refused",
                        "no reachable member is primary: nothing is replicated; if the primary is gone, promote a "
                                + "standby with ha4neo failover --to b");
    }

    @Test
    void twoPrimariesInTheSameEpochAreASplitBrainThatTheOperatorSettles() {
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "PUBLISHING"),
                primary("b", "PUBLISHING")))).containsExactly("2 members are primary ('a' epoch 0, 'b' epoch 0) in "
                + "the same epoch: split brain; stop client writes to all but one and run ha4neo rejoin on the others "
                + "(each becomes a standby, or FENCED with its divergent tail)");
    }

    @Test
    void ofTwoPrimariesTheOneWithTheOlderEpochMustRejoin() {
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "SUPERSEDED", 0, false),
                primary("b", "PUBLISHING", 1, false)))).containsExactly(
                "member 'a' (bolt://a:7687, zone z-a) is primary but its publisher is SUPERSEDED; another member was "
                        + "promoted: ha4neo rejoin a",
                "2 members are primary ('a' epoch 0, 'b' epoch 1): 'b' has the latest epoch; the others must follow "
                        + "it: ha4neo rejoin a");
    }

    @Test
    void aFrozenPrimaryIsAProblemNamingBothWaysOut() {
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "PUBLISHING", 0, true),
                standby("b", 12, null)))).containsExactly("member 'a' (bolt://a:7687, zone z-a) is primary but frozen "
                + "(client writes refused): switchover in progress or interrupted: ha4neo switchover again, or CALL "
                + "ha4neo.unfreeze() on a");
    }

    @Test
    void aFrozenPrimaryNextToAPromotedOneMustRejoinNotUnfreeze() {
        List<String> problems = ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "PUBLISHING", 0, true),
                primary("b", "PUBLISHING", 1, false)));

        assertThat(problems).contains("member 'a' (bolt://a:7687, zone z-a) is primary but frozen (client writes "
                + "refused): a switchover to 'b' was interrupted after its promotion; finish it with ha4neo rejoin a");
        assertThat(String.join("\n", problems)).doesNotContain("unfreeze");
    }

    @Test
    void aFencedMemberIsAProblemListingItsDivergentTailAndTheRejoinCommand() {
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(fenced("a", List.of("commit 13", "commit 14")),
                primary("b", "PUBLISHING", 1, false)))).containsExactly("member 'a' (bolt://a:7687, zone z-a) is "
                + "FENCED: it has 2 commits the log does not (divergent tail: commit 13; commit 14); keep what you "
                + "need of it, then ha4neo rejoin a [--discard-tail]");
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(fenced("a", List.of()),
                primary("b", "PUBLISHING", 1, false)))).containsExactly("member 'a' (bolt://a:7687, zone z-a) is "
                + "FENCED; keep what you need of it, then ha4neo rejoin a [--discard-tail]");
    }

    @Test
    void aPrimaryThatDoesNotPublishIsAProblemWithItsLastError() {
        MemberStatus p = primary("a", "KAFKA_UNAVAILABLE");
        p = new MemberStatus(p.name(), p.zone(), p.bolt(), true, null, p.role(), p.clusterId(), p.topic(), p.epoch(),
                false, p.publisherState(), p.lastCommittedId(), p.lastSpooledId(), p.lastPublishedId(), List.of("5-7"),
                "broker down", List.of(), null, null, null, null);

        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(p, standby("b", 1, null)))).containsExactly(
                "member 'a' (bolt://a:7687, zone z-a) is primary but its publisher is KAFKA_UNAVAILABLE: broker down",
                "member 'a' (bolt://a:7687, zone z-a) has commit ids that were never captured [5-7]; standbys stop "
                        + "there and must be bootstrapped again");
    }

    @Test
    void aMemberConfiguredForAnotherClusterOrTopicIsAProblem() {
        MemberStatus s = standby("b", 1, null);
        s = new MemberStatus(s.name(), s.zone(), s.bolt(), true, null, s.role(), "dc2", "ha4neo.dc2.neo4j", 0L,
                null, s.publisherState(), 1L, null, null, null, null, List.of(), 1L, 0L, null, null);

        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "PUBLISHING"), s)))
                .containsExactly("member 'b' (bolt://b:7687, zone z-b) runs with ha4neo.cluster.id=dc2 but the "
                                + "cluster file says dc1; fix the member's neo4j.conf or the cluster file",
                        "member 'b' (bolt://b:7687, zone z-b) replicates topic ha4neo.dc2.neo4j but the cluster file "
                                + "says ha4neo.dc1.neo4j; fix ha4neo.topic in the member's neo4j.conf or the cluster "
                                + "file");
    }

    @Test
    void anApplierThatDoesNotAnswerOrIsNotReadyIsAProblem() {
        MemberStatus down = standby("b", 1, new ApplierStatus("http://b:9404/metrics", false, null,
                "Connection refused", null));
        MemberStatus behind = standby("b", 1, new ApplierStatus("http://b:9404/metrics", true, false,
                "not ready: lag 20000 ms exceeds ready.max.lag.ms=10000", 20.0));

        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "PUBLISHING"), down)))
                .containsExactly("member 'b' (bolt://b:7687, zone z-b): its applier at http://b:9404/metrics does "
                        + "not answer: Connection refused");
        assertThat(ClusterHealth.problems(CLUSTER, KAFKA_UP, List.of(primary("a", "PUBLISHING"), behind)))
                .containsExactly("member 'b' (bolt://b:7687, zone z-b): its applier is not ready: lag 20000 ms "
                        + "exceeds ready.max.lag.ms=10000");
    }

    @Test
    void kafkaWithoutTheTopicsEndOffsetIsAProblem() {
        KafkaStatus down = new KafkaStatus("k:9092", false, null, "Timed out waiting for a node assignment.");

        assertThat(ClusterHealth.problems(CLUSTER, down, List.of(primary("a", "PUBLISHING"), standby("b", 1, null))))
                .containsExactly("kafka: end offset of topic ha4neo.dc1.neo4j unavailable from k:9092: Timed out "
                        + "waiting for a node assignment.");
    }
}
