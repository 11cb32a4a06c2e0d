package io.ha4neo.applier.plan;

import static io.ha4neo.applier.fixtures.Events.label;
import static io.ha4neo.applier.fixtures.Events.node;
import static io.ha4neo.applier.fixtures.Events.nodeDeleted;
import static io.ha4neo.applier.fixtures.Events.nodeProp;
import static io.ha4neo.applier.fixtures.Events.rel;
import static io.ha4neo.applier.fixtures.Events.relCreated;
import static io.ha4neo.applier.fixtures.Events.relDeleted;
import static io.ha4neo.applier.fixtures.Events.relProp;
import static io.ha4neo.applier.fixtures.Events.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.value.IsoDuration;
import io.ha4neo.schemas.value.Point;
import io.ha4neo.schemas.value.Value;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Values;

class ApplyPlannerTest {
    private final ApplyPlanner planner = new ApplyPlanner();

    @Test
    void appliesPhasesInTheDocumentedOrderWithinOneEvent() {
        RelationshipRef old = rel("r0", "KNOWS", "a", "b");
        TransactionEvent.Builder b = tx(5, 4);
        b.deletedNodes.add(nodeDeleted("z"));
        b.deletedRelationships.add(relDeleted(rel("r9", "X", "a", "z")));
        b.relationshipPropertyChanges.add(relProp(old, "since", 2020L));
        b.createdRelationships.add(relCreated(rel("r1", "LIKES", "n", "a"), Map.of()));
        b.nodePropertyChanges.add(nodeProp("a", "age", 3L));
        b.labelChanges.add(label("a", "Admin", true));
        b.createdNodes.add(node("n", List.of("Person"), Map.of()));

        assertThat(planner.plan(List.of(b.build()))).extracting(PlannedStatement::phase).containsExactly(
                Phase.NODES_CREATED, Phase.LABELS_CHANGED, Phase.NODE_PROPERTIES_CHANGED, Phase.RELATIONSHIPS_CREATED,
                Phase.RELATIONSHIP_PROPERTIES_CHANGED, Phase.RELATIONSHIPS_DELETED, Phase.NODES_DELETED);
    }

    @Test
    void aRepairEventIsAGroupOfItsOwnWhoseDeletionsMayFindNothingAndWhoseImagesAreExact() {
        TransactionEvent repair = TransactionEvent.repairEvent(2, 0, "c", 0, "neo4j",
                new io.ha4neo.schemas.event.RepairMark(3, 4, 2, "lost with the spool"),
                List.of(node("k", List.of("New"), Map.of())), List.of(relCreated(rel("r2", "R", "k", "a"), Map.of())),
                List.of(nodeDeleted("k")), List.of(relDeleted(rel("r1", "R", "k", "a"))));

        List<List<TransactionEvent>> groups = planner.groups(List.of(Events.createsNode(2, 1, "a"), repair,
                Events.createsNode(5, 4, "b")));
        List<PlannedStatement> plan = planner.plan(List.of(repair));

        assertThat(groups).extracting(List::size).containsExactly(1, 1, 1);
        assertThat(plan).extracting(PlannedStatement::phase).containsExactly(Phase.RELATIONSHIPS_DELETED,
                Phase.NODES_DELETED, Phase.NODE_IMAGES, Phase.RELATIONSHIP_IMAGES);
        assertThat(plan).extracting(p -> p.accepts(0)).as("a deletion of a key no standby holds is no divergence")
                .containsExactly(true, true, false, false);
    }

    @Test
    void mergesConsecutiveEventsPhaseByPhaseKeepingLogOrderInsideEachUnwind() {
        List<PlannedStatement> plan = planner.plan(List.of(
                Events.createsNode(1, 0, "a"), Events.createsNode(2, 1, "b"), Events.createsNode(3, 2, "c")));

        assertThat(plan).hasSize(1);
        assertThat(plan.get(0).rows()).extracting(r -> r.get("key")).containsExactly("a", "b", "c");
        assertThat(plan.get(0).firstCommitId()).isEqualTo(1);
        assertThat(plan.get(0).lastCommitId()).isEqualTo(3);
    }

    @Test
    void startsANewGroupWhenANodeKeyDeletedEarlierInTheGroupIsCreatedAgain() {
        TransactionEvent delete = tx(2, 1).build();
        TransactionEvent.Builder d = tx(2, 1);
        d.deletedNodes.add(nodeDeleted("k"));
        delete = d.build();
        TransactionEvent recreate = Events.createsNode(3, 2, "k");

        List<List<TransactionEvent>> groups = planner.groups(List.of(Events.createsNode(1, 0, "x"), delete, recreate));

        assertThat(groups).extracting(List::size).containsExactly(2, 1);
        assertThat(planner.plan(List.of(delete, recreate))).extracting(PlannedStatement::phase)
                .containsExactly(Phase.NODES_DELETED, Phase.NODES_CREATED);
    }

    @Test
    void startsANewGroupWhenARelationshipKeyDeletedEarlierIsCreatedAgain() {
        RelationshipRef r = rel("r", "KNOWS", "a", "b");
        TransactionEvent.Builder d = tx(2, 1);
        d.deletedRelationships.add(relDeleted(r));
        TransactionEvent.Builder c = tx(3, 2);
        c.createdRelationships.add(relCreated(r, Map.of()));

        assertThat(planner.groups(List.of(d.build(), c.build()))).hasSize(2);
    }

    @Test
    void keepsEventsTogetherWhenADeletedKeyIsOnlyUsedByUnrelatedEntities() {
        TransactionEvent.Builder d = tx(2, 1);
        d.deletedNodes.add(nodeDeleted("k"));
        assertThat(planner.groups(List.of(d.build(), Events.createsNode(3, 2, "other")))).hasSize(1);
    }

    @Test
    void keepsLabelAdditionsAndRemovalsInOneStatementInLogOrder() {
        TransactionEvent.Builder add = tx(2, 1);
        add.labelChanges.add(label("a", "Vip", true));
        TransactionEvent.Builder remove = tx(3, 2);
        remove.labelChanges.add(label("a", "Vip", false));

        List<PlannedStatement> plan = planner.plan(List.of(remove.build(), add.build()));

        assertThat(plan).hasSize(1);
        assertThat(plan.get(0).rows()).extracting(r -> r.get("added")).containsExactly(false, true);
    }

    @Test
    void turnsAPropertyRemovalIntoANullInTheRowsMapAndGroupsChangesPerEntity() {
        TransactionEvent.Builder b = tx(2, 1);
        b.nodePropertyChanges.add(nodeProp("a", "gone", null));
        b.nodePropertyChanges.add(nodeProp("a", "kept", "v"));
        b.nodePropertyChanges.add(nodeProp("b", "x", 1L));

        PlannedStatement st = planner.plan(List.of(b.build())).get(0);

        assertThat(st.rows()).hasSize(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> props = (Map<String, Object>) st.rows().get(0).get("props");
        assertThat(props).containsEntry("kept", "v").containsKey("gone");
        assertThat(props.get("gone")).isNull();
        assertThat(st.expectedCount()).isEqualTo(2);
    }

    @Test
    void addressesRelationshipsByKeyAndStartNodeAndCreatesThemWithDynamicType() {
        RelationshipRef r = rel("r1", "WORKS `AT`", "a", "b");
        TransactionEvent.Builder b = tx(2, 1);
        b.createdRelationships.add(relCreated(r, Map.of("p", Value.of(1L))));

        PlannedStatement st = planner.plan(List.of(b.build())).get(0);

        assertThat(st.rows().get(0)).containsEntry("key", "r1").containsEntry("start", "a")
                .containsEntry("end", "b").containsEntry("type", "WORKS `AT`");
        assertThat(st.cypher()).contains("$(r.type)").contains("_ha4neo_id: r.key").endsWith("RETURN count(*) AS applied");
    }

    @Test
    void findsRelationshipsToChangeOrDeleteByBothEndpointsTheirTypeAndTheirKey() {
        RelationshipRef r = rel("r1", "KNOWS", "a", "b");
        TransactionEvent.Builder b = tx(2, 1);
        b.relationshipPropertyChanges.add(relProp(r, "since", 2020L));
        b.deletedRelationships.add(relDeleted(rel("r2", "LIKES", "c", "d")));

        List<PlannedStatement> plan = planner.plan(List.of(b.build()));

        assertThat(plan.get(0).rows().get(0)).containsEntry("key", "r1").containsEntry("type", "KNOWS")
                .containsEntry("start", "a").containsEntry("end", "b");
        assertThat(plan.get(1).rows().get(0)).containsEntry("key", "r2").containsEntry("type", "LIKES")
                .containsEntry("start", "c").containsEntry("end", "d");
        plan.forEach(st -> assertThat(st.cypher()).contains("MATCH (b:_ha4neo_Node {_ha4neo_id: r.end})")
                .contains("MATCH (a)-[xs:$(r.type)*1..1]->(b) WITH r, xs[0] AS x WHERE x._ha4neo_id = r.key")
                .contains("MATCH (b)<-[xs:$(r.type)*1..1]-(a) WITH r, xs[0] AS x WHERE x._ha4neo_id = r.key")
                .endsWith(" RETURN count(*) AS applied"));
        assertThat(plan.get(0).cypher()).endsWith("RETURN x } SET x += r.props RETURN count(*) AS applied");
        assertThat(plan.get(1).cypher()).endsWith("RETURN x } DELETE x RETURN count(*) AS applied");
    }

    @Test
    void mapsExactValuesToDriverTypes() {
        ZonedDateTime zoned = ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Berlin"));
        ZonedDateTime offset = ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneOffset.ofHours(2));

        assertThat(EventValueToParameterMapper.toParameter(Value.of(new IsoDuration(1, 2, 3, 4))))
                .isEqualTo(Values.isoDuration(1, 2, 3, 4));
        assertThat(EventValueToParameterMapper.toParameter(Value.of(new Point(Point.CARTESIAN_3D, new double[] {1, 2, 3}))))
                .isEqualTo(Values.point(9157, 1, 2, 3));
        assertThat(EventValueToParameterMapper.toParameter(Value.of(new long[] {1, 2}))).isEqualTo(List.of(1L, 2L));
        assertThat(EventValueToParameterMapper.toParameter(Value.of(new byte[] {7}))).isInstanceOf(byte[].class);
        assertThat(EventValueToParameterMapper.toParameter(Value.of(zoned))).isEqualTo(zoned).isNotEqualTo(offset);
        assertThat(EventValueToParameterMapper.toParameter(Value.of(new IsoDuration[] {new IsoDuration(0, 1, 0, 0)})))
                .isEqualTo(List.of(Values.isoDuration(0, 1, 0, 0)));
    }

    @Test
    void refusesSchemaEventsWhichAreAppliedAlone() {
        TransactionEvent.Builder b = tx(2, 1);
        b.schemaChanges.add(Events.createIndex("idx"));
        assertThatThrownBy(() -> planner.plan(List.of(b.build()))).hasMessageContaining("commit 2 is a schema event");
    }
}
