package io.ha4neo.capture.rewind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.capture.mapping.CapturedChanges;
import io.ha4neo.capture.mapping.ChangeEventMapper;
import io.ha4neo.capture.mapping.EmbeddedNeo4j;
import io.ha4neo.schemas.event.CaptureGap;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListenerAdapter;
import org.neo4j.values.storable.CoordinateReferenceSystem;
import org.neo4j.values.storable.Values;

/**
 * Undoing a divergent tail on a real (in-process) Neo4j: the tail's transactions are captured by the plugin's own
 * mapper, undone newest first, and the graph must be what it was before them, entity by entity and value by value,
 * keys included.
 */
class TailRewinderTest {
    @TempDir
    static Path home;
    private static EmbeddedNeo4j neo4j;
    private static final AtomicReference<CapturedChanges> captured = new AtomicReference<>();
    private static long commitId = 100;

    @BeforeAll
    static void start() {
        neo4j = new EmbeddedNeo4j(home);
        neo4j.dbms.registerTransactionEventListener(EmbeddedNeo4j.DATABASE,
                new TransactionEventListenerAdapter<CapturedChanges>() {
                    @Override
                    public CapturedChanges beforeCommit(TransactionData data, Transaction tx, GraphDatabaseService db) {
                        return ChangeEventMapper.map(data);
                    }

                    @Override
                    public void afterCommit(TransactionData data, CapturedChanges state, GraphDatabaseService db) {
                        captured.set(state);
                    }
                });
    }

    @AfterAll
    static void stop() {
        if (neo4j != null) {
            neo4j.close();
        }
    }

    @BeforeEach
    void emptyGraph() {
        neo4j.write(tx -> tx.execute("MATCH (n) DETACH DELETE n"));
    }

    @Test
    void undoingTheTailRestoresTheGraphBeforeItIncludingKeysAndEveryValueType() {
        neo4j.write(tx -> {
            Node a = tx.createNode(Label.label("P"));
            a.setProperty("name", "a");
            a.setProperty("n", 1L);
            a.setProperty("tags", new String[] {"x", "y"});
            a.setProperty("when", ZonedDateTime.parse("2026-01-02T03:04:05+01:00[Europe/Paris]"));
            Node b = tx.createNode(Label.label("P"));
            b.setProperty("name", "b");
            b.setProperty("span", Duration.ofSeconds(90));
            a.createRelationshipTo(b, RelationshipType.withName("R")).setProperty("w", 1L);
            // an entity that came from another primary: it has its key in _ha4neo_id
            Node r = tx.createNode(Label.label("P"), Label.label(ReservedNames.NODE_LABEL));
            r.setProperty(ReservedNames.ID_PROPERTY, "4:other-store:9");
            r.setProperty("name", "r");
            r.setProperty("at", Values.pointValue(CoordinateReferenceSystem.WGS_84, 12.5, 55.7));
            r.createRelationshipTo(a, RelationshipType.withName("R")).setProperty(ReservedNames.ID_PROPERTY, "5:other-store:3");
        });
        Map<String, String> before = snapshot();

        List<TransactionEvent> tail = new ArrayList<>();
        tail.add(capture(tx -> {
            Node c = tx.createNode(Label.label("Q"));
            c.setProperty("name", "c");
            c.createRelationshipTo(node(tx, "a"), RelationshipType.withName("LINK"));
            Node a = node(tx, "a");
            a.setProperty("n", 2L);
            a.removeProperty("tags");
            node(tx, "b").addLabel(Label.label("Extra"));
        }));
        tail.add(capture(tx -> tx.execute("MATCH (r:P {name: 'r'}) DETACH DELETE r")));
        tail.add(capture(tx -> {
            tx.execute("MATCH (:P {name: 'a'})-[x:R]->(:P {name: 'b'}) SET x.w = 5, x.note = 'late'");
            node(tx, "a").removeLabel(Label.label("P"));
        }));
        tail.add(capture(tx -> tx.execute("MATCH (b {name: 'b'}) DETACH DELETE b")));
        assertThat(snapshot()).isNotEqualTo(before);

        TailRewinder.undo(neo4j.db, tail);

        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aTailWithUnknownContentOrASchemaChangeIsNotUndoneAndNothingChanges() {
        neo4j.write(tx -> tx.createNode(Label.label("P")).setProperty("name", "a"));
        TransactionEvent created = capture(tx -> tx.createNode(Label.label("P")).setProperty("name", "z"));
        TransactionEvent gap = TransactionEvent.gapEvent(created.commitId(), 0, "c1", 3, EmbeddedNeo4j.DATABASE,
                new CaptureGap(created.commitId() + 1, created.commitId() + 3, "committed while capture was not running"));
        Map<String, String> before = snapshot();

        assertThat(TailRewinder.undoable(List.of(created, gap))).get().asString().contains("never captured");
        assertThatThrownBy(() -> TailRewinder.undo(neo4j.db, List.of(created, gap)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be undone");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void anEntityTheTailTouchedThatIsGoneFailsNamingItAndTheTransactionRollsBack() {
        neo4j.write(tx -> tx.createNode(Label.label("P")).setProperty("name", "a"));
        TransactionEvent created = capture(tx -> tx.createNode(Label.label("P")).setProperty("name", "z"));
        TransactionEvent changed = capture(tx -> node(tx, "a").setProperty("name", "a2"));
        neo4j.write(tx -> tx.execute("MATCH (n {name: 'z'}) DELETE n")); // someone removed it by hand since
        Map<String, String> before = snapshot();

        assertThatThrownBy(() -> TailRewinder.undo(neo4j.db, List.of(created, changed)))
                .hasMessageContaining("cannot undo commit " + created.commitId()).hasMessageContaining("is not in this store");
        assertThat(snapshot()).as("the undo of the later commit rolled back too").isEqualTo(before);
    }

    private static Node node(Transaction tx, String name) {
        return (Node) tx.execute("MATCH (n {name: $n}) RETURN n", Map.of("n", name)).next().get("n");
    }

    private static TransactionEvent capture(Consumer<Transaction> work) {
        captured.set(null);
        neo4j.write(work);
        long id = ++commitId;
        return captured.get().toEvent(id, id - 1, 1_000, "c1", 3, EmbeddedNeo4j.DATABASE);
    }

    /** Every node and relationship by replication key, with its non-reserved labels and properties. */
    private static Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        try (Transaction tx = neo4j.db.beginTx()) {
            tx.execute("MATCH (n) RETURN coalesce(n._ha4neo_id, elementId(n)) AS k, labels(n) AS l, properties(n) AS p")
                    .forEachRemaining(r -> out.put("node " + r.get("k"), render(r.get("l"), r.get("p"))));
            tx.execute("MATCH (a)-[x]->(b) RETURN coalesce(x._ha4neo_id, elementId(x)) AS k, type(x) AS t, "
                            + "properties(x) AS p, coalesce(a._ha4neo_id, elementId(a)) AS s, "
                            + "coalesce(b._ha4neo_id, elementId(b)) AS e")
                    .forEachRemaining(r -> out.put("rel " + r.get("k"), r.get("s") + "-[" + r.get("t") + " "
                            + render(List.of(), r.get("p")) + "]->" + r.get("e")));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String render(Object labels, Object properties) {
        List<String> l = new ArrayList<>((List<String>) labels);
        l.removeIf(ReservedNames::isReserved);
        l.sort(null);
        Map<String, String> p = new TreeMap<>();
        ((Map<String, Object>) properties).forEach((k, v) -> {
            if (!ReservedNames.isReserved(k)) {
                p.put(k, v instanceof Object[] arr ? Arrays.deepToString(arr) : String.valueOf(v));
            }
        });
        return l + " " + p;
    }
}
