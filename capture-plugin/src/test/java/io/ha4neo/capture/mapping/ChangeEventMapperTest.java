package io.ha4neo.capture.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.event.LabelChange;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.PropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipPropertyChange;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.value.IsoDuration;
import io.ha4neo.schemas.value.Point;
import io.ha4neo.schemas.value.Value;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListenerAdapter;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.values.storable.CoordinateReferenceSystem;
import org.neo4j.values.storable.DurationValue;
import org.neo4j.values.storable.PointValue;
import org.neo4j.values.storable.Values;

/** Real transactions on an in-process Neo4j, mapped in beforeCommit exactly as the capture listener does. */
class ChangeEventMapperTest {
    private static final String ID = ReservedNames.ID_PROPERTY;
    private static final Label RESERVED_LABEL = Label.label(ReservedNames.NODE_LABEL);
    private static final RelationshipType KNOWS = RelationshipType.withName("KNOWS");

    @TempDir
    static Path home;
    private static EmbeddedNeo4j neo4j;
    private static final AtomicReference<CapturedChanges> captured = new AtomicReference<>();

    @BeforeAll
    static void start() {
        neo4j = new EmbeddedNeo4j(home);
        neo4j.dbms.registerTransactionEventListener(EmbeddedNeo4j.DATABASE, new TransactionEventListenerAdapter<CapturedChanges>() {
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

    /** Runs one transaction and returns what the mapper made of it. */
    private static TransactionEvent capture(Consumer<Transaction> work) {
        captured.set(null);
        neo4j.write(work);
        assertThat(captured.get()).as("the listener saw the commit").isNotNull();
        return captured.get().toEvent(2, 1, 1_000, "c1", 3, EmbeddedNeo4j.DATABASE);
    }

    private static String createNode(Map<String, Object> props, String... labels) {
        return neo4j.writeAndGet(tx -> {
            Node n = tx.createNode(java.util.Arrays.stream(labels).map(Label::label).toArray(Label[]::new));
            props.forEach(n::setProperty);
            return n.getElementId();
        });
    }

    private static Value v(Object raw) {
        return Value.of(raw);
    }

    @Test
    void aCreatedNodeHasItsSortedUserLabelsAndEveryPropertyValueType() {
        ZonedDateTime zoned = ZonedDateTime.of(2024, 10, 27, 2, 30, 0, 1, ZoneId.of("Europe/Berlin"));
        PointValue place = Values.pointValue(CoordinateReferenceSystem.WGS_84_3D, 12.5, 56.25, 100.0);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bool", true);
        props.put("long", 42L);
        props.put("int", 7);
        props.put("double", 1.5);
        props.put("float", 0.25f);
        props.put("string", "héllo");
        props.put("char", 'c');
        props.put("bytes", new byte[] {1, 2, 3});
        props.put("longs", new long[] {1, 2});
        props.put("ints", new int[] {3, 4});
        props.put("strings", new String[] {"a", "b"});
        props.put("bools", new boolean[] {false, true});
        props.put("doubles", new double[] {0.5});
        props.put("date", LocalDate.of(2024, 2, 29));
        props.put("time", OffsetTime.of(10, 0, 0, 0, ZoneOffset.ofHours(2)));
        props.put("localTime", LocalTime.of(23, 59));
        props.put("dateTime", zoned);
        props.put("localDateTime", LocalDateTime.of(1999, 12, 31, 23, 59, 59));
        props.put("duration", DurationValue.duration(14, 40, 90_000, 5));
        props.put("point", place);
        props.put("points", new PointValue[] {place, Values.pointValue(CoordinateReferenceSystem.WGS_84_3D, -1, -2, -3)});
        props.put("dates", new LocalDate[] {LocalDate.of(2000, 1, 1)});
        props.put("dateTimes", new ZonedDateTime[] {zoned});
        props.put(ID, "src-17");
        props.put("_ha4neo_other", 1L);

        TransactionEvent e = capture(tx -> {
            Node n = tx.createNode(Label.label("Zebra"), Label.label("Apple"), RESERVED_LABEL, Label.label("Mango"));
            props.forEach(n::setProperty);
        });

        Map<String, Value> expected = new LinkedHashMap<>();
        expected.put("bool", v(true));
        expected.put("long", v(42L));
        expected.put("int", v(7L));
        expected.put("double", v(1.5));
        expected.put("float", v(0.25));
        expected.put("string", v("héllo"));
        expected.put("char", v("c"));
        expected.put("bytes", v(new byte[] {1, 2, 3}));
        expected.put("longs", v(new long[] {1, 2}));
        expected.put("ints", v(new long[] {3, 4}));
        expected.put("strings", v(new String[] {"a", "b"}));
        expected.put("bools", v(new boolean[] {false, true}));
        expected.put("doubles", v(new double[] {0.5}));
        expected.put("date", v(LocalDate.of(2024, 2, 29)));
        expected.put("time", v(OffsetTime.of(10, 0, 0, 0, ZoneOffset.ofHours(2))));
        expected.put("localTime", v(LocalTime.of(23, 59)));
        expected.put("dateTime", v(zoned));
        expected.put("localDateTime", v(LocalDateTime.of(1999, 12, 31, 23, 59, 59)));
        expected.put("duration", v(new IsoDuration(14, 40, 90_000, 5)));
        expected.put("point", v(new Point(4979, new double[] {12.5, 56.25, 100.0})));
        expected.put("points", v(new Point[] {new Point(4979, new double[] {12.5, 56.25, 100.0}),
                new Point(4979, new double[] {-1, -2, -3})}));
        expected.put("dates", v(new LocalDate[] {LocalDate.of(2000, 1, 1)}));
        expected.put("dateTimes", v(new ZonedDateTime[] {zoned}));

        assertThat(e.createdNodes()).singleElement().satisfies(n -> {
            assertThat(n.key()).isEqualTo("src-17");
            assertThat(n.labels()).containsExactly("Apple", "Mango", "Zebra");
            assertThat(n.properties()).isEqualTo(expected);
        });
        assertThat(e.labelChanges()).isEmpty();
        assertThat(e.nodePropertyChanges()).isEmpty();
    }

    @Test
    void createdNodesWithoutAReplicationIdAreKeyedByElementIdInKeyOrder() {
        String[] ids = new String[3];
        TransactionEvent e = capture(tx -> {
            for (int i = 0; i < 3; i++) {
                Node n = tx.createNode(Label.label("N"));
                n.setProperty("i", i);
                ids[i] = n.getElementId();
            }
        });
        assertThat(e.createdNodes()).extracting(NodeCreated::key).containsExactlyInAnyOrder(ids).isSorted();
        assertThat(e.createdNodes()).allSatisfy(n -> assertThat(n.labels()).containsExactly("N"));
    }

    @Test
    void aDeletedNodeCarriesItsUserLabelsAndPreviousProperties() {
        createNode(Map.of("p", 1, "q", "x", ID, "src-9", "_ha4neo_other", true), "B", "A", ReservedNames.NODE_LABEL);
        String plain = createNode(Map.of("only", 2.5), "C");

        TransactionEvent e = capture(tx -> {
            tx.findNode(RESERVED_LABEL, ID, "src-9").delete();
            tx.getNodeByElementId(plain).delete();
        });

        assertThat(e.deletedNodes()).containsExactlyInAnyOrder(
                new NodeDeleted("src-9", List.of("A", "B"), Map.of("p", v(1L), "q", v("x"))),
                new NodeDeleted(plain, List.of("C"), Map.of("only", v(2.5))));
        assertThat(e.deletedNodes()).extracting(NodeDeleted::key).isSorted();
        assertThat(e.labelChanges()).isEmpty();
        assertThat(e.nodePropertyChanges()).isEmpty();
    }

    @Test
    void labelChangesAreReportedForExistingNodesOnly() {
        String existing = createNode(Map.of(), "A", "Keep");
        String doomed = createNode(Map.of(), "D");

        TransactionEvent e = capture(tx -> {
            Node n = tx.getNodeByElementId(existing);
            n.addLabel(Label.label("B"));
            n.removeLabel(Label.label("A"));
            n.addLabel(RESERVED_LABEL);
            tx.createNode(Label.label("C"));
            tx.getNodeByElementId(doomed).delete();
        });

        assertThat(e.labelChanges()).containsExactly(new LabelChange(existing, "A", false),
                new LabelChange(existing, "B", true));
        assertThat(e.createdNodes()).singleElement().satisfies(n -> assertThat(n.labels()).containsExactly("C"));
        assertThat(e.deletedNodes()).singleElement().satisfies(n -> assertThat(n.labels()).containsExactly("D"));
    }

    @Test
    void propertyChangesOnExistingNodesCarryTheNewAndPreviousValue() {
        String node = createNode(Map.of("x", 1L, "z", "gone", ID, "src-p"), "P");

        TransactionEvent e = capture(tx -> {
            Node n = tx.getNodeByElementId(node);
            n.setProperty("x", 2);
            n.setProperty("y", new int[] {1, 2});
            n.removeProperty("z");
            n.setProperty("_ha4neo_touched", 1L);
        });

        assertThat(e.nodePropertyChanges()).containsExactly(
                new NodePropertyChange("src-p", new PropertyChange("x", v(2L), v(1L))),
                new NodePropertyChange("src-p", new PropertyChange("y", v(new long[] {1, 2}), null)),
                new NodePropertyChange("src-p", new PropertyChange("z", null, v("gone"))));
        assertThat(e.createdNodes()).isEmpty();
    }

    @Test
    void createdRelationshipsCarryTypeEndpointKeysAndUserProperties() {
        String a = createNode(Map.of(ID, "src-a"), "Person");
        String b = createNode(Map.of(), "Person");
        String[] created = new String[2];

        TransactionEvent e = capture(tx -> {
            Node na = tx.getNodeByElementId(a);
            Node nb = tx.getNodeByElementId(b);
            Relationship r1 = na.createRelationshipTo(nb, KNOWS);
            r1.setProperty("since", 2020);
            Relationship r2 = nb.createRelationshipTo(na, RelationshipType.withName("LIKES"));
            r2.setProperty(ID, "src-r2");
            r2.setProperty("how", "much");
            Node c = tx.createNode();
            c.createRelationshipTo(na, KNOWS);
            created[0] = r1.getElementId();
            created[1] = c.getElementId();
        });

        assertThat(e.createdRelationships()).contains(
                new RelationshipCreated(new RelationshipRef(created[0], "KNOWS", "src-a", b), Map.of("since", v(2020L))),
                new RelationshipCreated(new RelationshipRef("src-r2", "LIKES", b, "src-a"), Map.of("how", v("much"))));
        assertThat(e.createdRelationships()).hasSize(3).extracting(r -> r.ref().key()).isSorted();
        assertThat(e.createdRelationships()).filteredOn(r -> r.ref().startKey().equals(created[1]))
                .singleElement().satisfies(r -> {
                    assertThat(r.ref().endKey()).isEqualTo("src-a");
                    assertThat(r.properties()).isEmpty();
                });
    }

    @Test
    void deletedRelationshipsCarryTheirPreviousPropertiesAndEndpointKeysEvenWhenTheEndpointsGoToo() {
        String[] rels = neo4j.writeAndGet(tx -> {
            Node a = tx.createNode();
            a.setProperty(ID, "src-a2");
            Node b = tx.createNode();
            Relationship r = a.createRelationshipTo(b, KNOWS);
            r.setProperty(ID, "src-r1");
            r.setProperty("weight", 0.5);
            Node x = tx.createNode();
            x.setProperty(ID, "src-x");
            Node y = tx.createNode();
            y.setProperty(ID, "src-y");
            Relationship owns = x.createRelationshipTo(y, RelationshipType.withName("OWNS"));
            return new String[] {r.getElementId(), b.getElementId(), owns.getElementId(), x.getElementId(), y.getElementId()};
        });

        TransactionEvent e = capture(tx -> {
            tx.getRelationshipByElementId(rels[0]).delete();
            tx.getRelationshipByElementId(rels[2]).delete();
            tx.getNodeByElementId(rels[3]).delete();
            tx.getNodeByElementId(rels[4]).delete();
        });

        assertThat(e.deletedRelationships()).containsExactlyInAnyOrder(
                new RelationshipDeleted(new RelationshipRef("src-r1", "KNOWS", "src-a2", rels[1]), Map.of("weight", v(0.5))),
                new RelationshipDeleted(new RelationshipRef(rels[2], "OWNS", "src-x", "src-y"), Map.of()));
        assertThat(e.deletedNodes()).extracting(NodeDeleted::key).containsExactly("src-x", "src-y");
        assertThat(e.relationshipPropertyChanges()).isEmpty();
    }

    @Test
    void propertyChangesOnExistingRelationshipsAreReportedWithTheirRef() {
        String[] ids = neo4j.writeAndGet(tx -> {
            Node a = tx.createNode();
            Node b = tx.createNode();
            b.setProperty(ID, "src-b3");
            Relationship r = a.createRelationshipTo(b, KNOWS);
            r.setProperty("w", 1L);
            r.setProperty("tag", "t");
            return new String[] {a.getElementId(), r.getElementId()};
        });

        TransactionEvent e = capture(tx -> {
            Relationship r = tx.getRelationshipByElementId(ids[1]);
            r.setProperty("w", 2L);
            r.removeProperty("tag");
            r.setProperty("_ha4neo_z", 1L);
        });

        RelationshipRef ref = new RelationshipRef(ids[1], "KNOWS", ids[0], "src-b3");
        assertThat(e.relationshipPropertyChanges()).containsExactly(
                new RelationshipPropertyChange(ref, new PropertyChange("tag", null, v("t"))),
                new RelationshipPropertyChange(ref, new PropertyChange("w", v(2L), v(1L))));
        assertThat(e.createdRelationships()).isEmpty();
    }

    @Test
    void aNodeCreatedAndDeletedInTheSameTransactionLeavesNoTrace() {
        String[] kept = new String[1];
        TransactionEvent e = capture(tx -> {
            Node temp = tx.createNode(Label.label("Temp"));
            temp.setProperty("p", 1);
            Node keep = tx.createNode(Label.label("Keep"));
            Relationship r = temp.createRelationshipTo(keep, KNOWS);
            r.setProperty("q", 2);
            temp.addLabel(Label.label("More"));
            r.delete();
            temp.delete();
            kept[0] = keep.getElementId();
        });

        assertThat(e.createdNodes()).singleElement().satisfies(n -> {
            assertThat(n.key()).isEqualTo(kept[0]);
            assertThat(n.labels()).containsExactly("Keep");
        });
        assertThat(e.deletedNodes()).isEmpty();
        assertThat(e.labelChanges()).isEmpty();
        assertThat(e.nodePropertyChanges()).isEmpty();
        assertThat(e.createdRelationships()).isEmpty();
        assertThat(e.deletedRelationships()).isEmpty();
        assertThat(e.relationshipPropertyChanges()).isEmpty();
    }

    @Test
    void changesOnlyToReservedNamesCaptureNothing() {
        String node = createNode(Map.of("x", 1L), "R");
        captured.set(null);
        neo4j.write(tx -> {
            Node n = tx.getNodeByElementId(node);
            n.addLabel(RESERVED_LABEL);
            n.setProperty("_ha4neo_seen", true);
        });
        assertThat(captured.get()).isNotNull();
        assertThat(captured.get().isEmpty()).isTrue();
    }

    @Test
    void bookkeepingNodesAreNeverChangesWhetherCreatedChangedOrDeleted() {
        Label progress = Label.label(ReservedNames.BOOTSTRAP_LABEL);
        TransactionEvent created = capture(tx -> {
            Node n = tx.createNode(progress);
            n.setProperty("run", "r1");
            n.setProperty("nextNodeId", 0L);
            tx.createNode(Label.label(ReservedNames.WATERMARK_LABEL)).setProperty("database", "neo4j");
        });
        assertThat(created.createdNodes()).isEmpty();

        String id = neo4j.writeAndGet(tx -> tx.findNode(progress, "run", "r1").getElementId());
        TransactionEvent changed = capture(tx -> {
            Node n = tx.getNodeByElementId(id);
            n.setProperty("nextNodeId", 7L);
            n.removeProperty("run");
            n.addLabel(Label.label("Extra"));
        });
        assertThat(changed.nodePropertyChanges()).isEmpty();
        assertThat(changed.labelChanges()).isEmpty();

        TransactionEvent deleted = capture(tx -> tx.getNodeByElementId(id).delete());
        assertThat(deleted.deletedNodes()).isEmpty();
    }

    @Test
    void aUserNodeBesideABookkeepingNodeIsStillCaptured() {
        TransactionEvent e = capture(tx -> {
            tx.createNode(Label.label(ReservedNames.BOOTSTRAP_LABEL)).setProperty("run", "r2");
            tx.createNode(Label.label("User")).setProperty("x", 1L);
        });
        assertThat(e.createdNodes()).extracting(NodeCreated::labels).containsExactly(List.of("User"));
    }

    @Test
    void carriesTransactionMetadataAsStrings() {
        TransactionEvent e = capture(tx -> {
            ((InternalTransaction) tx).setMetaData(Map.of("app", "billing", "attempt", 3));
            tx.createNode();
        });
        assertThat(e.metadata()).isEqualTo(Map.of("app", "billing", "attempt", "3"));
        assertThat(e.username()).isEmpty();
    }
}
