package io.ha4neo.topology.status;

import static io.ha4neo.topology.status.StatusFixtures.KAFKA_UP;
import static io.ha4neo.topology.status.StatusFixtures.fenced;
import static io.ha4neo.topology.status.StatusFixtures.primary;
import static io.ha4neo.topology.status.StatusFixtures.standby;
import static io.ha4neo.topology.status.StatusFixtures.unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusTableTest {
    @Test
    void oneAlignedRowPerMemberWithDashesForWhatDoesNotApply() {
        MemberStatus standby = standby("standby", 12, new ApplierStatus("u", true, true, "ready", 0.25))
                .withLag(0L, 12L);
        ClusterStatus status = new ClusterStatus("dc1", "neo4j", "ha4neo.dc1.neo4j", true, List.of(), KAFKA_UP,
                List.of(primary("primary", "PUBLISHING").withLag(0L, 12L), standby));

        assertThat(StatusTable.lines(status)).containsExactly(
                "cluster dc1, database neo4j, topic ha4neo.dc1.neo4j: end offset 16 (kafka k:9092)",
                "MEMBER   ZONE       BOLT                 REACHABLE  ROLE     EPOCH  FROZEN  PUBLISHER       "
                        + "COMMITTED  PUBLISHED  APPLIED  LAG  TAIL  APPLIER",
                "primary  z-primary  bolt://primary:7687  yes        primary  0      no      PUBLISHING      "
                        + "14         12         -        -    -     -",
                "standby  z-standby  bolt://standby:7687  yes        standby  0      -       NOT_PUBLISHING  "
                        + "9          -          12       0    -     ready (lag 0.3 s)",
                "healthy");
    }

    @Test
    void eachZoneWithAKafkaClusterOfItsOwnHasALineWithItsCopyAndMirrorMakersLatency() {
        ClusterStatus status = new ClusterStatus("dc1", "neo4j", "t", true, List.of(), KAFKA_UP,
                List.of(primary("a", "PUBLISHING")), List.of(
                new ZoneStatus("zb", "kb:9092", "za.t", true, 14L, null, "http://mm2/metrics", true, 12.4, null),
                new ZoneStatus("zc", "kc:9092", "t", false, null, "Timed out", "http://mm3/metrics", false, null,
                        "Connection refused"),
                new ZoneStatus("zd", "kd:9092", "t", true, 3L, null, null, null, null, null)));

        assertThat(StatusTable.lines(status)).contains(
                "zone zb: copy za.t end offset 14 (kafka kb:9092), MirrorMaker replication latency 12 ms",
                "zone zc: copy t end offset unknown (kafka kc:9092), MirrorMaker: Connection refused",
                "zone zd: copy t end offset 3 (kafka kd:9092)");
        assertThat(StatusTable.lines(status).get(4)).startsWith("MEMBER");
    }

    @Test
    void aFrozenPrimaryAndAFencedMembersTailSizeHaveTheirColumns() {
        ClusterStatus status = new ClusterStatus("dc1", "neo4j", "t", false, List.of("p"), KAFKA_UP,
                List.of(primary("b", "PUBLISHING", 1, true), fenced("a", List.of("c13", "c14", "c15"))));

        List<String> lines = StatusTable.lines(status);

        assertThat(lines.get(1)).contains("EPOCH  FROZEN  PUBLISHER").contains("LAG  TAIL  APPLIER");
        assertThat(lines.get(2)).containsPattern("^b .* primary  1      YES     PUBLISHING ");
        assertThat(lines.get(3)).containsPattern("^a .* fenced   0      -       SUPERSEDED .* 3     -$");
    }

    @Test
    void theWritablePrimaryIsTheUnfrozenOneAndOfSeveralTheOneOfTheLatestEpoch() {
        MemberStatus frozenOld = primary("a", "PUBLISHING", 0, true);
        MemberStatus promoted = primary("b", "PUBLISHING", 1, false);
        MemberStatus stale = primary("c", "SUPERSEDED", 0, false);

        assertThat(MemberStatus.writablePrimary(List.of(frozenOld, promoted))).contains(promoted);
        assertThat(MemberStatus.writablePrimary(List.of(stale, promoted))).contains(promoted);
        assertThat(MemberStatus.writablePrimary(List.of(frozenOld, standby("b", 1, null)))).isEmpty();
        assertThat(MemberStatus.writablePrimary(List.of(primary("a", "PUBLISHING"), primary("b", "PUBLISHING"))))
                .as("a split brain has no right answer").isEmpty();
    }

    @Test
    void aStandbyInAnEarlierEpochThanThePrimaryHasNoLagInCommits() {
        assertThat(standby("a", 0, 12, null).withLag(1L, 40L).lagCommits()).isNull();
        assertThat(standby("a", 1, 12, null).withLag(1L, 40L).lagCommits()).isEqualTo(28L);
        assertThat(standby("a", 1, 50, null).withLag(1L, 40L).lagCommits()).isZero();
    }

    @Test
    void anUnhealthyClusterListsEveryProblem() {
        ClusterStatus status = new ClusterStatus("dc1", "neo4j", "t", false, List.of("p1", "p2"),
                new KafkaStatus("k:9092", false, null, "down"), List.of(unreachable("b")));

        List<String> lines = StatusTable.lines(status);

        assertThat(lines.get(0)).endsWith("t: end offset unknown (kafka k:9092)");
        assertThat(lines.get(2)).startsWith("b       -     bolt://b:7687  NO ");
        assertThat(lines.subList(3, lines.size())).containsExactly("UNHEALTHY: 2 problems", "  - p1", "  - p2");
    }
}
