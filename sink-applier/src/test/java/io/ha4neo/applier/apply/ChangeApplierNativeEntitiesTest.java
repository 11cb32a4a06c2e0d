package io.ha4neo.applier.apply;

import static io.ha4neo.applier.fixtures.Events.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.fixtures.Events;
import io.ha4neo.applier.fixtures.InProcessNeo4j;
import io.ha4neo.applier.plan.ApplyPlanner;
import io.ha4neo.applier.standby.Neo4jStandbyStore;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.value.Value;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * A member that was the primary and is now a standby holds the entities it created itself as plain Neo4j entities
 * (no {@code _ha4neo_Node}, no {@code _ha4neo_id}); the new primary's events name them by their key, which is their
 * elementId on this store. The applier must find them, on a real in-process Neo4j.
 */
class ChangeApplierNativeEntitiesTest {
    private static final String B = "4:bbbbbbbb-0000-0000-0000-000000000000:"; // keys minted by the new primary

    private final Neo4jStandbyStore store = new Neo4jStandbyStore(InProcessNeo4j.driver(), "neo4j", 30);
    private ChangeApplier applier;
    private String ann;
    private String bob;
    private String carl;
    private RelationshipRef knows;     // ann -> bob, native
    private RelationshipRef worksWith; // ann -> carl, native

    /** What the member's clients created while it was the primary: plain CREATE, no replication identity. */
    @BeforeEach
    void nativeGraph() {
        InProcessNeo4j.wipeData();
        store.ensureReservedSchema();
        try (Session s = InProcessNeo4j.driver().session()) {
            Record r = s.run("CREATE (a:Person {name: 'ann', age: 30, tmp: true})-[k:KNOWS {since: 2020}]->(b:Person {name: 'bob'})"
                    + " CREATE (a)-[w:WORKS_WITH]->(c:Person {name: 'carl'})"
                    + " RETURN elementId(a) AS a, elementId(b) AS b, elementId(c) AS c, elementId(k) AS k,"
                    + " elementId(w) AS w").single();
            ann = r.get("a").asString();
            bob = r.get("b").asString();
            carl = r.get("c").asString();
            knows = Events.rel(r.get("k").asString(), "KNOWS", ann, bob);
            worksWith = Events.rel(r.get("w").asString(), "WORKS_WITH", ann, carl);
        }
        InProcessNeo4j.watermarkAtTheStartOfTheLog(store, 1); // where it follows the new primary's epoch from
        applier = new ChangeApplier(store, new ApplyPlanner(), new CommitChain(OptionalLong.empty()), "neo4j", 30,
                Clock.systemUTC());
        applier.position();
    }

    @Test
    void updatesDeletesAndLinksNativeEntitiesByTheirElementId() {
        TransactionEvent.Builder link = Events.tx(1, 0);
        link.createdNodes.add(Events.node(B + "1", List.of("Person"), Map.of("name", Value.of("dora"))));
        link.createdRelationships.add(Events.relCreated(Events.rel(B + "2", "KNOWS", B + "1", ann), Map.of()));
        link.createdRelationships.add(Events.relCreated(Events.rel(B + "3", "LIKES", ann, B + "1"), Map.of()));
        TransactionEvent.Builder change = Events.tx(2, 1);
        change.labelChanges.add(Events.label(ann, "Admin", true));
        change.labelChanges.add(Events.label(bob, "Person", false));
        change.nodePropertyChanges.add(Events.nodeProp(ann, "age", 31L));
        change.nodePropertyChanges.add(Events.nodeProp(ann, "tmp", null));
        change.nodePropertyChanges.add(Events.nodeProp(bob, "nick", "b"));
        change.relationshipPropertyChanges.add(Events.relProp(knows, "since", 2021L));
        TransactionEvent.Builder delete = Events.tx(3, 2);
        delete.deletedRelationships.add(Events.relDeleted(worksWith));
        delete.deletedRelationships.add(Events.relDeleted(Events.rel(B + "3", "LIKES", ann, B + "1")));
        delete.deletedNodes.add(Events.nodeDeleted(carl));

        applier.apply(List.of(at(0, link.build()), at(1, change.build())));
        applier.apply(List.of(at(2, delete.build())));

        assertThat(nodes()).containsExactlyInAnyOrder(
                "[Admin, Person] {age=31, name=ann} native",
                "[] {name=bob, nick=b} native",
                "[Person, _ha4neo_Node] {_ha4neo_id=" + B + "1, name=dora} replicated");
        assertThat(relationships()).containsExactlyInAnyOrder(
                "ann-KNOWS->bob {since=2021} native",
                "dora-KNOWS->ann {_ha4neo_id=" + B + "2} replicated");
    }

    @Test
    void neverTakesAReplicatedEntityForANativeOneThroughItsElementId() {
        applier.apply(List.of(at(0, Events.createsNode(1, 0, B + "1"))));
        String doraElementId;
        try (Session s = InProcessNeo4j.driver().session()) {
            doraElementId = s.run("MATCH (n:" + ReservedNames.NODE_LABEL + ") RETURN elementId(n) AS id").single()
                    .get("id").asString();
        }
        TransactionEvent.Builder byElementId = Events.tx(2, 1);
        byElementId.nodePropertyChanges.add(Events.nodeProp(doraElementId, "x", 1L));

        assertThatThrownBy(() -> applier.apply(List.of(at(1, byElementId.build()))))
                .isInstanceOf(FatalApplierException.class).hasMessageContaining("matched 0 of 1");
    }

    @Test
    void findsNothingForAKeyOfAnotherStoreOrAKeyThatIsNoElementIdAndSaysSo() {
        String sameNumberOtherStore = "4:cccccccc-0000-0000-0000-000000000000:" + ann.substring(ann.lastIndexOf(':') + 1);
        for (String key : List.of(sameNumberOtherStore, "not-an-element-id", ann + ":0", ann.replace("4:", "5:"))) {
            TransactionEvent.Builder b = Events.tx(1, 0);
            b.nodePropertyChanges.add(Events.nodeProp(key, "x", 1L));

            assertThatThrownBy(() -> applier.apply(List.of(at(0, b.build())))).as(key)
                    .isInstanceOf(FatalApplierException.class)
                    .satisfies(e -> assertThat(((FatalApplierException) e).kind()).isEqualTo("divergence"))
                    .hasMessageContaining("matched 0 of 1");
            applier.position();
        }
    }

    /** Labels, properties and whether each node is native or replicated; the watermark is left out. */
    private static List<String> nodes() {
        try (Session s = InProcessNeo4j.driver().session()) {
            return s.run("MATCH (n) WHERE NOT n:" + ReservedNames.WATERMARK_LABEL + " RETURN n").list(r -> {
                List<String> labels = new ArrayList<>();
                r.get("n").asNode().labels().forEach(labels::add);
                Collections.sort(labels);
                return labels + " " + describe(r.get("n").asMap());
            });
        }
    }

    private static List<String> relationships() {
        try (Session s = InProcessNeo4j.driver().session()) {
            return s.run("MATCH (a)-[r]->(b) RETURN a.name + '-' + type(r) + '->' + b.name AS name, r")
                    .list(r -> r.get("name").asString() + " " + describe(r.get("r").asMap()));
        }
    }

    private static String describe(Map<String, Object> props) {
        return new TreeMap<>(props) + (props.containsKey(ReservedNames.ID_PROPERTY) ? " replicated" : " native");
    }
}
