package io.ha4neo.applier.apply;

import static io.ha4neo.applier.fixtures.Events.at;
import static io.ha4neo.applier.fixtures.Events.bootstrap;
import static io.ha4neo.applier.fixtures.Events.mark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.fixtures.InProcessNeo4j;
import io.ha4neo.applier.plan.ApplyPlanner;
import io.ha4neo.applier.standby.BootstrapStage;
import io.ha4neo.applier.standby.Neo4jStandbyStore;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.applier.standby.WatermarkPreparedException;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.value.Value;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Session;

/**
 * The seeding statements on a real in-process Neo4j: emptying at the begin, image upserts (both lookup branches,
 * labels and properties replaced, reserved ones kept), relaxed changes, and the watermark's bootstrap properties.
 */
class SeedingStatementsTest {
    private static final String RUN = "r1";
    private final Neo4jStandbyStore store = new Neo4jStandbyStore(InProcessNeo4j.driver(), "neo4j", 30);
    private ChangeApplier applier;

    /** A stale standby: replicated and native data, a user index, prepared for run r1 at offset 4. */
    @BeforeEach
    void preparedStaleStandby() {
        InProcessNeo4j.wipe();
        store.ensureReservedSchema();
        try (Session s = InProcessNeo4j.driver().session()) {
            s.run("CREATE (:_ha4neo_Node:Old {_ha4neo_id: 'old', v: 1})-[:R {_ha4neo_id: 'old-r'}]->(:Native)")
                    .consume();
            s.run("CREATE INDEX old_index FOR (n:Old) ON (n.v)").consume();
            s.run("CREATE (:_ha4neo_SkippedCommit {commitId: 3})").consume();
            s.run("MERGE (w:" + WatermarkNode.LABEL + " {database: 'neo4j'}) SET w += $p",
                    Map.of("p", prepared().toProperties())).consume();
        }
        applier = new ChangeApplier(store, new ApplyPlanner(), new CommitChain(OptionalLong.empty()), "neo4j", 30,
                Clock.systemUTC());
        applier.position();
    }

    @Test
    void theBeginEmptiesTheStandbyKeepsBookkeepingAndCreatesTheRunsSchema() {
        applier.apply(List.of(at(5, Events.createsNode(9, 8, "passed-over")), at(6, begin(22, 21))));

        assertThat(count("MATCH (n) WHERE NOT n:_ha4neo_Watermark AND NOT n:_ha4neo_SkippedCommit RETURN count(n)"))
                .isZero();
        assertThat(count("MATCH (n:_ha4neo_SkippedCommit) RETURN count(n)")).isEqualTo(1);
        assertThat(names("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")).containsExactly(
                "_ha4neo_node_id", "_ha4neo_watermark_database", "person_name");
        assertThat(store.readWatermark()).contains(new Watermark("neo4j", 22, 1, Events.TOPIC, 0, 6, 1_000_022,
                store.readWatermark().orElseThrow().appliedAtMillis(), BootstrapStage.seeding(RUN)));
    }

    @Test
    void imagesReplaceOrCreateTheirEntitiesAndChangesToEntitiesNotHeldArePassedOver() {
        String nativeKey = nativeNodeSurvivingTheBegin();
        TransactionEvent.Builder created = Events.tx(23, 22);
        created.createdNodes.add(Events.node("a", List.of("Person", "Temp"), Map.of("x", Value.of(1L))));
        created.labelChanges.add(Events.label("not-yet", "Admin", true));
        created.nodePropertyChanges.add(Events.nodeProp("not-yet", "p", 2L));
        created.createdRelationships.add(Events.relCreated(Events.rel("r-early", "KNOWS", "a", "not-yet"), Map.of()));
        TransactionEvent.Builder nodes = bootstrap(24, 23, mark(RUN, BootstrapPhase.NODES, 3, 0));
        nodes.bootstrapNodes.add(Events.node("a", List.of("Person"), Map.of("name", Value.of("ann"))));
        nodes.bootstrapNodes.add(Events.node("not-yet", List.of(), Map.of("name", Value.of("bob"))));
        nodes.bootstrapNodes.add(Events.node(nativeKey, List.of("Kept"), Map.of("k", Value.of(true))));
        RelationshipRef knows = Events.rel("r1", "KNOWS", "a", "not-yet");
        TransactionEvent.Builder rels = bootstrap(25, 24, mark(RUN, BootstrapPhase.RELATIONSHIPS, 3, 2));
        rels.bootstrapRelationships.add(Events.relCreated(knows, Map.of("since", Value.of(2020L))));
        rels.bootstrapRelationships.add(Events.relCreated(Events.rel("r2", "LIKES", nativeKey, "a"), Map.of()));
        TransactionEvent.Builder again = bootstrap(26, 25, mark(RUN, BootstrapPhase.RELATIONSHIPS, 3, 3));
        again.bootstrapRelationships.add(Events.relCreated(knows, Map.of("w", Value.of(0.5))));

        applier.apply(List.of(at(7, created.build()), at(8, nodes.build()), at(9, rels.build()),
                at(10, again.build()), at(11, bootstrap(27, 26, mark(RUN, BootstrapPhase.END, 3, 3)).build())));

        assertThat(graph()).containsExactly(
                "(a:Person:_ha4neo_Node {_ha4neo_id=a, name=ann})",
                "(native:Kept {k=true})",
                "(not-yet:_ha4neo_Node {_ha4neo_id=not-yet, name=bob})",
                "a-[KNOWS {_ha4neo_id=r1, w=0.5}]->not-yet",
                "native-[LIKES {_ha4neo_id=r2}]->a");
        assertThat(store.readWatermark().orElseThrow().bootstrapStage()).isEmpty();
        try (Session s = InProcessNeo4j.driver().session()) {
            assertThat(s.run("MATCH (w:" + WatermarkNode.LABEL + ") RETURN keys(w) AS k").single().get("k")
                    .asList()).doesNotContain(WatermarkNode.BOOTSTRAP_RUN, WatermarkNode.BOOTSTRAP_STAGE);
        }
    }

    @Test
    void theWatermarkCarriesTheImagesAppliedWhileSeedingAndDropsThemAtTheEnd() {
        applier.apply(List.of(at(6, begin(22, 21))));
        assertThat(store.readWatermark().orElseThrow().bootstrapApplied()).isZero();
        TransactionEvent.Builder nodes = bootstrap(23, 22, mark(RUN, BootstrapPhase.NODES, 2, 0));
        nodes.bootstrapNodes.add(Events.node("a", List.of("Person"), Map.of()));
        nodes.bootstrapNodes.add(Events.node("b", List.of("Person"), Map.of()));
        TransactionEvent.Builder rels = bootstrap(25, 24, mark(RUN, BootstrapPhase.RELATIONSHIPS, 2, 1));
        rels.bootstrapRelationships.add(Events.relCreated(Events.rel("r1", "KNOWS", "a", "b"), Map.of()));

        applier.apply(List.of(at(7, nodes.build())));
        assertThat(store.readWatermark().orElseThrow().bootstrapApplied()).isEqualTo(2);
        applier.apply(List.of(at(8, Events.createsNode(24, 23, "c")), at(9, rels.build())));
        assertThat(store.readWatermark().orElseThrow().bootstrapApplied()).as("the last chunk's images sent")
                .isEqualTo(3);
        applier.apply(List.of(at(10, Events.createsNode(26, 25, "d"))));
        assertThat(store.readWatermark().orElseThrow().bootstrapApplied()).as("kept by a batch of no chunk")
                .isEqualTo(3);

        applier.apply(List.of(at(11, bootstrap(27, 26, mark(RUN, BootstrapPhase.END, 2, 1)).build())));
        assertThat(store.readWatermark().orElseThrow().bootstrapApplied()).isZero();
        try (Session s = InProcessNeo4j.driver().session()) {
            assertThat(s.run("MATCH (w:" + WatermarkNode.LABEL + ") RETURN keys(w) AS k").single().get("k")
                    .asList()).doesNotContain(WatermarkNode.BOOTSTRAP_APPLIED);
        }
    }

    @Test
    void afterTheEndAChangeToAMissingEntityIsADivergenceAgain() {
        applier.apply(List.of(at(6, begin(22, 21)),
                at(7, bootstrap(23, 22, mark(RUN, BootstrapPhase.END, 0, 0)).build())));
        TransactionEvent.Builder missing = Events.tx(24, 23);
        missing.nodePropertyChanges.add(Events.nodeProp("nobody", "p", 1L));

        assertThatThrownBy(() -> applier.apply(List.of(at(8, missing.build()))))
                .isInstanceOf(FatalApplierException.class).hasMessageContaining("matched 0 of 1");
    }

    @Test
    void aWatermarkPreparedUnderTheApplierIsRolledBackAsPreparedNotDiverged() {
        applier.apply(List.of(at(6, begin(22, 21))));
        try (Session s = InProcessNeo4j.driver().session()) {
            s.run("MATCH (w:" + WatermarkNode.LABEL + ") SET w += $p", Map.of("p", new Watermark("neo4j", 0, 2,
                    Events.TOPIC, 0, 40, 0, 0, BootstrapStage.awaitingBegin("r2")).toProperties())).consume();
        }

        assertThatThrownBy(() -> applier.apply(List.of(at(7, Events.createsNode(23, 22, "a")))))
                .isInstanceOf(WatermarkPreparedException.class).hasMessageContaining("r2");
        assertThat(count("MATCH (n:_ha4neo_Node {_ha4neo_id: 'a'}) RETURN count(n)")).isZero();
        assertThat(applier.position().orElseThrow().bootstrapStage()).contains(BootstrapStage.awaitingBegin("r2"));
    }

    /**
     * A native node (no _ha4neo_id) is user data like any other and is deleted at the begin; to check the images'
     * elementId branch, one is created after the begin, as a former primary's would be. Returns its key.
     */
    private String nativeNodeSurvivingTheBegin() {
        applier.apply(List.of(at(6, begin(22, 21))));
        try (Session s = InProcessNeo4j.driver().session()) {
            return s.run("CREATE (n:Native {gone: 1}) RETURN elementId(n) AS id").single().get("id").asString();
        }
    }

    private static Watermark prepared() {
        return new Watermark("neo4j", 0, 1, Events.TOPIC, 0, 4, 0, 0, BootstrapStage.awaitingBegin(RUN));
    }

    private static TransactionEvent begin(long commitId, long prev) {
        TransactionEvent.Builder b = bootstrap(commitId, prev, mark(RUN, BootstrapPhase.BEGIN, 0, 0));
        b.schemaChanges.add(Events.createIndex("person_name"));
        return b.build();
    }

    /** Every user node and relationship, by key (the native node as "native"), sorted. */
    private static List<String> graph() {
        try (Session s = InProcessNeo4j.driver().session()) {
            List<String> nodes = s.run("MATCH (n) WHERE NOT n:_ha4neo_Watermark AND NOT n:_ha4neo_SkippedCommit "
                    + "RETURN coalesce(n._ha4neo_id, 'native') AS k, labels(n) AS l, properties(n) AS p").list(r ->
                    "(" + r.get("k").asString() + r.get("l").asList(org.neo4j.driver.Value::asString).stream().sorted()
                            .map(l -> ":" + l).reduce("", String::concat) + " " + new TreeMap<>(r.get("p").asMap())
                            + ")");
            List<String> rels = s.run("MATCH (a)-[r]->(b) RETURN coalesce(a._ha4neo_id, 'native') AS a, type(r) AS t,"
                    + " properties(r) AS p, coalesce(b._ha4neo_id, 'native') AS b").list(r -> r.get("a").asString()
                    + "-[" + r.get("t").asString() + " " + new TreeMap<>(r.get("p").asMap()) + "]->"
                    + r.get("b").asString());
            return java.util.stream.Stream.concat(nodes.stream(), rels.stream()).sorted().toList();
        }
    }

    private static long count(String cypher) {
        try (Session s = InProcessNeo4j.driver().session()) {
            return s.run(cypher).single().get(0).asLong();
        }
    }

    private static List<String> names(String cypher) {
        try (Session s = InProcessNeo4j.driver().session()) {
            return s.run(cypher).list(r -> r.get(0).asString()).stream().sorted().toList();
        }
    }
}
