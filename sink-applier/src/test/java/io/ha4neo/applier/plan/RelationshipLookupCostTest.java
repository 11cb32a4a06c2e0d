package io.ha4neo.applier.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.fixtures.InProcessNeo4j;
import io.ha4neo.applier.standby.Neo4jStandbyStore;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Session;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.summary.ProfiledPlan;

/**
 * Finding a relationship of a node with many relationships must not cost the node's degree: the statements
 * anchor on both endpoints (index or elementId seeks) and expand between them from the side with fewer
 * relationships. The same holds for native entities (created by this member while it was the primary: no
 * {@code _ha4neo_id}, keyed by their own elementId), found by the statements' elementId branch, and no statement
 * scans a label, an index or the whole store. Measured in database hits of the real plan (deterministic), not in time.
 */
class RelationshipLookupCostTest {
    private static final int DEGREE = 1_000; // relationships of each hub in each direction
    private static final int CHANGED = 50;   // relationships changed per direction and statement
    /** Seeks, expand-into, filter and write per row, with room; expanding the hub costs about DEGREE per row. */
    private static final long MAX_HITS_PER_ROW = 25;

    private static final ApplyPlanner planner = new ApplyPlanner();
    /** Keys (elementIds) of the native hub, its native leaves and its native relationships out and in. */
    private static String nativeHub;
    private static final List<String> nativeLeaves = new ArrayList<>();
    private static final List<RelationshipRef> nativeOut = new ArrayList<>();
    private static final List<RelationshipRef> nativeIn = new ArrayList<>();

    @BeforeAll
    static void hubsWithManyRelationshipsInBothDirections() {
        InProcessNeo4j.wipe();
        TransactionEvent.Builder b = Events.tx(1, 0);
        b.createdNodes.add(Events.node("hub", List.of("Hub"), Map.of()));
        for (int i = 0; i < DEGREE; i++) {
            b.createdNodes.add(Events.node("leaf" + i, List.of("Leaf"), Map.of()));
            b.createdRelationships.add(Events.relCreated(out(i), Map.of("n", Value.of((long) i))));
            b.createdRelationships.add(Events.relCreated(in(i), Map.of("n", Value.of((long) i))));
        }
        Neo4jStandbyStore store = new Neo4jStandbyStore(InProcessNeo4j.driver(), "neo4j", 30);
        store.ensureReservedSchema();
        store.writeBatch(Optional.empty(), planner.plan(List.of(b.build())), new Watermark("neo4j", 1, 1, Events.TOPIC,
                0, 0, 0, 0), List.of());
        createNativeHub();
    }

    /** The same shape created with plain Cypher, as a primary's clients would: no reserved label or property. */
    private static void createNativeHub() {
        try (Session s = InProcessNeo4j.driver().session()) {
            nativeHub = s.run("CREATE (h:Hub) RETURN elementId(h) AS id").single().get("id").asString();
            s.run("MATCH (h) WHERE elementId(h) = $hub UNWIND range(0, $n - 1) AS i CREATE (l:Leaf {i: i}) "
                    + "CREATE (h)-[o:LINK {n: i}]->(l) CREATE (l)-[x:LINK {n: i}]->(h) "
                    + "RETURN elementId(l) AS leaf, elementId(o) AS out, elementId(x) AS in ORDER BY i",
                    Map.of("hub", nativeHub, "n", DEGREE)).list().forEach(r -> {
                        String leaf = r.get("leaf").asString();
                        nativeLeaves.add(leaf);
                        nativeOut.add(Events.rel(r.get("out").asString(), "LINK", nativeHub, leaf));
                        nativeIn.add(Events.rel(r.get("in").asString(), "LINK", leaf, nativeHub));
                    });
        }
    }

    @Test
    void changingPropertiesOfAHubsRelationshipsCostsTheirNumberNotTheHubsDegree() {
        TransactionEvent.Builder b = Events.tx(2, 1);
        for (int i = 0; i < CHANGED; i++) {
            b.relationshipPropertyChanges.add(Events.relProp(out(i), "n", -1L));
            b.relationshipPropertyChanges.add(Events.relProp(in(i), "n", -1L));
        }
        assertCheap(planner.plan(List.of(b.build())));
    }

    @Test
    void deletingAHubsRelationshipsCostsTheirNumberNotTheHubsDegree() {
        TransactionEvent.Builder b = Events.tx(2, 1);
        for (int i = 0; i < CHANGED; i++) {
            b.deletedRelationships.add(Events.relDeleted(out(i)));
            b.deletedRelationships.add(Events.relDeleted(in(i)));
        }
        assertCheap(planner.plan(List.of(b.build())));
    }

    @Test
    void changingPropertiesOfANativeHubsNativeRelationshipsCostsTheirNumberNotTheHubsDegree() {
        TransactionEvent.Builder b = Events.tx(2, 1);
        for (int i = 0; i < CHANGED; i++) {
            b.relationshipPropertyChanges.add(Events.relProp(nativeOut.get(i), "n", -1L));
            b.relationshipPropertyChanges.add(Events.relProp(nativeIn.get(i), "n", -1L));
        }
        assertCheap(planner.plan(List.of(b.build())));
    }

    @Test
    void deletingANativeHubsNativeRelationshipsCostsTheirNumberNotTheHubsDegree() {
        TransactionEvent.Builder b = Events.tx(2, 1);
        for (int i = 0; i < CHANGED; i++) {
            b.deletedRelationships.add(Events.relDeleted(nativeOut.get(i)));
            b.deletedRelationships.add(Events.relDeleted(nativeIn.get(i)));
        }
        assertCheap(planner.plan(List.of(b.build())));
    }

    @Test
    void creatingRelationshipsBetweenANativeHubAndReplicatedNodesCostsTheirNumber() {
        TransactionEvent.Builder b = Events.tx(2, 1);
        for (int i = 0; i < CHANGED; i++) {
            b.createdRelationships.add(Events.relCreated(Events.rel("new-out" + i, "LINK", nativeHub, "leaf" + i),
                    Map.of()));
            b.createdRelationships.add(Events.relCreated(Events.rel("new-in" + i, "LINK", "leaf" + i, nativeHub),
                    Map.of()));
        }
        assertCheap(planner.plan(List.of(b.build())));
    }

    @Test
    void changingLabelsAndPropertiesOfNativeAndReplicatedNodesCostsTheirNumber() {
        TransactionEvent.Builder b = Events.tx(2, 1);
        for (int i = 0; i < CHANGED; i++) {
            b.nodePropertyChanges.add(Events.nodeProp(nativeLeaves.get(i), "seen", true));
            b.nodePropertyChanges.add(Events.nodeProp("leaf" + i, "seen", true));
            b.labelChanges.add(Events.label(nativeLeaves.get(i), "Seen", true));
            b.labelChanges.add(Events.label("leaf" + i, "Seen", true));
        }
        List<PlannedStatement> plan = planner.plan(List.of(b.build()));
        assertThat(plan).extracting(PlannedStatement::phase)
                .containsExactly(Phase.LABELS_CHANGED, Phase.NODE_PROPERTIES_CHANGED);
        plan.forEach(st -> assertCheap(List.of(st)));
    }

    /**
     * Runs each statement profiled in a transaction that is rolled back; every row must find its target, within the
     * bound of database hits per row, and no operator may scan.
     */
    private static void assertCheap(List<PlannedStatement> plan) {
        assertThat(plan).hasSize(1);
        PlannedStatement st = plan.get(0);
        try (Session s = InProcessNeo4j.driver().session(); Transaction tx = s.beginTransaction()) {
            var result = tx.run("PROFILE " + st.cypher(), st.parameters());
            assertThat(result.single().get("applied").asLong()).isEqualTo(st.expectedCount());
            ProfiledPlan profile = result.consume().profile();
            long hits = dbHits(profile);
            System.out.printf("RelationshipLookupCostTest: %s: %d db hits for %d rows%n", st.phase(), hits,
                    st.expectedCount());
            assertThat(hits).as("db hits of " + st.describe()).isLessThan(MAX_HITS_PER_ROW * st.expectedCount());
            assertThat(operators(profile)).as("operators of " + st.describe()).noneMatch(op -> op.contains("Scan"))
                    .anyMatch(op -> op.startsWith("NodeByElementIdSeek"));
            tx.rollback();
        }
    }

    private static long dbHits(ProfiledPlan p) {
        return p.dbHits() + p.children().stream().mapToLong(RelationshipLookupCostTest::dbHits).sum();
    }

    private static List<String> operators(ProfiledPlan p) {
        List<String> ops = new ArrayList<>(List.of(p.operatorType()));
        p.children().forEach(c -> ops.addAll(operators(c)));
        return ops;
    }

    private static RelationshipRef out(int i) {
        return Events.rel("out" + i, "LINK", "hub", "leaf" + i);
    }

    private static RelationshipRef in(int i) {
        return Events.rel("in" + i, "LINK", "leaf" + i, "hub");
    }
}
