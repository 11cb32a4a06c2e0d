package io.ha4neo.applier.standby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.fixtures.InProcessNeo4j;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.topology.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.ClientException;
import io.ha4neo.applier.plan.ApplyPlanner;
import io.ha4neo.applier.plan.PlannedStatement;

/** The standby store against an in-process Neo4j (without the ha4neo plugin). */
class Neo4jStandbyStoreTest {
    private final Neo4jStandbyStore store = new Neo4jStandbyStore(InProcessNeo4j.driver(), "neo4j", 30);

    @BeforeEach
    void freshStandby() {
        InProcessNeo4j.wipeData();
        store.ensureReservedSchema();
    }

    @Test
    void refusesAWriteWhenTheWatermarksEpochDiffersEvenIfItsCommitIdIsTheExpectedOne() {
        store.writeBatch(Optional.empty(), List.of(), watermark(0, 57, 10), List.of());

        assertThatThrownBy(() -> store.writeBatch(Optional.of(new ChainPosition(1, 57)), List.of(),
                watermark(1, 60, 11), List.of())).isInstanceOf(FatalApplierException.class)
                .hasMessageContaining("names (epoch 0, commit 57) but this applier expected (epoch 1, commit 57)");
        assertThatThrownBy(() -> store.writeBatch(Optional.empty(), List.of(), watermark(1, 60, 11), List.of()))
                .hasMessageContaining("expected no watermark");
        store.writeBatch(Optional.of(new ChainPosition(0, 57)), List.of(), watermark(1, 60, 11), List.of());

        assertThat(store.readWatermark().orElseThrow().chainPosition()).isEqualTo(new ChainPosition(1, 60));
    }

    @Test
    void theEndsOfEpochsTheStandbyPassedAreWrittenWithTheWatermarkAndReadBackAndAMoveWithoutThemRemovesThem() {
        java.util.SortedMap<Long, Long> ends = new java.util.TreeMap<>(java.util.Map.of(0L, 120L, 1L, 61L));
        Watermark passed = new Watermark("neo4j", 9, 2, Events.TOPIC, 0, 40, 0, 0, null, ends);

        store.writeBatch(Optional.empty(), List.of(), passed, List.of());
        assertThat(store.readWatermark().orElseThrow().epochEnds()).isEqualTo(ends);
        assertThat(store.readWatermark().orElseThrow()).isEqualTo(passed);

        store.writeBatch(Optional.of(new ChainPosition(2, 9)), List.of(), watermark(2, 10, 41), List.of());
        assertThat(store.readWatermark().orElseThrow().epochEnds()).isEmpty();
    }

    @Test
    void aRefusedWatermarkOrAFailedStatementRollsBackEverythingSentWithItAndThrowsTheDriversOwnException() {
        store.writeBatch(Optional.empty(), List.of(), watermark(0, 57, 10), List.of());
        List<PlannedStatement> creates = new ApplyPlanner().plan(List.of(Events.createsNode(58, 57, "k1")));

        assertThatThrownBy(() -> store.writeBatch(Optional.of(new ChainPosition(0, 56)), creates,
                watermark(0, 58, 11), List.of())).as("the watermark check fails after the statements were sent")
                .isInstanceOf(FatalApplierException.class);
        assertThat(nodesWithKey("k1")).as("the statement sent with it was rolled back").isZero();

        store.writeBatch(Optional.of(new ChainPosition(0, 57)), creates, watermark(0, 58, 11), List.of());
        assertThatThrownBy(() -> store.writeBatch(Optional.of(new ChainPosition(0, 58)), creates,
                watermark(0, 59, 12), List.of())).as("the same key again breaks the uniqueness constraint")
                .isInstanceOf(ClientException.class).hasMessageContaining("k1");
        assertThat(store.readWatermark().orElseThrow().chainPosition()).as("the watermark move was rolled back")
                .isEqualTo(new ChainPosition(0, 58));
        assertThat(nodesWithKey("k1")).isEqualTo(1);
    }

    private static long nodesWithKey(String key) {
        try (Session s = InProcessNeo4j.driver().session()) {
            return s.run("MATCH (n:" + ReservedNames.NODE_LABEL + " {" + ReservedNames.ID_PROPERTY + ": $k}) "
                    + "RETURN count(n) AS c", java.util.Map.of("k", key)).single().get("c").asLong();
        }
    }

    @Test
    void countsTheStandbysUserDataButNotTheApplierssOwnNodesAndSchema() {
        InProcessNeo4j.wipe();
        store.ensureReservedSchema();
        store.writeBatch(Optional.empty(), List.of(), watermark(0, 57, 10), List.of());
        try (Session s = InProcessNeo4j.driver().session()) {
            s.run("CREATE (:" + ReservedNames.SKIP_LABEL + " {commitId: 3})").consume();
            assertThat(store.userContent()).as("watermark, skip record, reserved constraints").isEqualTo(StoreContent.EMPTY);

            s.run("CREATE (a:Person)-[:KNOWS]->(b:" + ReservedNames.NODE_LABEL + " {" + ReservedNames.ID_PROPERTY
                    + ": 'k'}), (c)").consume();
            s.run("CREATE INDEX standby_test_person_name IF NOT EXISTS FOR (p:Person) ON (p.name)").consume();
            s.run("CREATE CONSTRAINT standby_test_person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE").consume();
            assertThat(store.userContent()).as("a constraint's own index counts as the constraint")
                    .isEqualTo(new StoreContent(3, 1, 1, 1));
        } finally {
            InProcessNeo4j.wipe();
        }
    }

    @Test
    void takesAMemberWithoutTheRoleProcedureForAStandby() {
        assertThat(store.memberRole()).as("an in-process Neo4j has no ha4neo plugin").isEqualTo(Role.STANDBY);
        assertThat(store.memberRole()).isEqualTo(Role.STANDBY);
    }

    private static Watermark watermark(long epoch, long commitId, long offset) {
        return new Watermark("neo4j", commitId, epoch, Events.TOPIC, 0, offset, 0, 0);
    }
}
