package io.ha4neo.applier.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.fixtures.InProcessNeo4j;
import io.ha4neo.applier.standby.Neo4jStandbyStore;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.value.Value;
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
 * anchor on both endpoints (index seeks) and expand between them from the side with fewer relationships.
 * Measured in database hits of the real plan (deterministic), not in time.
 */
class RelationshipLookupCostTest {
    private static final int DEGREE = 1_000; // relationships of the hub in each direction
    private static final int CHANGED = 50;   // relationships changed per direction and statement
    /** Seeks, expand-into, filter and write per row, with room; expanding the hub costs about DEGREE per row. */
    private static final long MAX_HITS_PER_ROW = 25;

    private static final ApplyPlanner planner = new ApplyPlanner();

    @BeforeAll
    static void hubWithManyRelationshipsInBothDirections() {
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
        store.writeBatch(Optional.empty(), planner.plan(List.of(b.build())), new Watermark("neo4j", 1, 1, Events.TOPIC, 0, 0, 0, 0),
                List.of());
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

    /** Runs each statement profiled in a transaction that is rolled back; every row must find its relationship. */
    private static void assertCheap(List<PlannedStatement> plan) {
        assertThat(plan).hasSize(1);
        PlannedStatement st = plan.get(0);
        try (Session s = InProcessNeo4j.driver().session(); Transaction tx = s.beginTransaction()) {
            var result = tx.run("PROFILE " + st.cypher(), st.parameters());
            assertThat(result.single().get("applied").asLong()).isEqualTo(st.expectedCount());
            long hits = dbHits(result.consume().profile());
            System.out.printf("RelationshipLookupCostTest: %s: %d db hits for %d rows%n", st.phase(), hits,
                    st.expectedCount());
            assertThat(hits).as("db hits of " + st.describe()).isLessThan(MAX_HITS_PER_ROW * st.expectedCount());
            tx.rollback();
        }
    }

    private static long dbHits(ProfiledPlan p) {
        return p.dbHits() + p.children().stream().mapToLong(RelationshipLookupCostTest::dbHits).sum();
    }

    private static RelationshipRef out(int i) {
        return Events.rel("out" + i, "LINK", "hub", "leaf" + i);
    }

    private static RelationshipRef in(int i) {
        return Events.rel("in" + i, "LINK", "leaf" + i, "hub");
    }
}
