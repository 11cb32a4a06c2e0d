package io.ha4neo.applier.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.fixtures.InProcessNeo4j;
import io.ha4neo.applier.standby.Neo4jStandbyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Session;
import org.neo4j.driver.summary.Plan;

/**
 * A standby that holds no relationship yet (a fresh one, or one a bootstrap run just emptied) must get the same plans as
 * a populated one: Neo4j caches a statement's first plan until its statistics have diverged for a while, so a plan
 * that is cheap only on an empty store (a scan of every relationship, filtered) would be kept while the relationships
 * grow, and each row would read them all. Every phase's statement is planned afresh on a store with nodes and no
 * relationships, and none may scan.
 */
class EmptyStandbyPlanTest {

    @BeforeAll
    static void nodesWithoutRelationships() {
        InProcessNeo4j.wipe();
        new Neo4jStandbyStore(InProcessNeo4j.driver(), "neo4j", 30).ensureReservedSchema();
        try (Session s = InProcessNeo4j.driver().session()) {
            s.run("UNWIND range(1, 100) AS i CREATE (:_ha4neo_Node {_ha4neo_id: 'n' + i})").consume();
        }
    }

    @Test
    void noPhasePlansAScanOnAStandbyWithoutRelationships() {
        for (Phase phase : Phase.values()) {
            assertThat(operators(phase)).as("operators of %s on a standby without relationships", phase)
                    .noneMatch(op -> op.contains("Scan"));
        }
    }

    @Test
    void relationshipsAreFoundByExpandingBetweenTheirBoundEndpoints() {
        for (Phase phase : List.of(Phase.RELATIONSHIP_PROPERTIES_CHANGED, Phase.RELATIONSHIPS_DELETED,
                Phase.RELATIONSHIP_IMAGES)) {
            assertThat(operators(phase)).as("operators of %s", phase).anyMatch(op -> op.startsWith("VarLengthExpand(Into)"));
        }
    }

    private static List<String> operators(Phase phase) {
        try (Session s = InProcessNeo4j.driver().session()) {
            Plan plan = s.run("CYPHER replan=force EXPLAIN " + phase.cypher(), Map.of("rows", List.of())).consume().plan();
            return operators(plan);
        }
    }

    private static List<String> operators(Plan p) {
        List<String> ops = new ArrayList<>(List.of(p.operatorType()));
        p.children().forEach(c -> ops.addAll(operators(c)));
        return ops;
    }
}
