package io.ha4neo.applier.apply;

import io.ha4neo.schemas.event.CaptureGap;
import io.ha4neo.schemas.event.LabelChange;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.PropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipPropertyChange;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.value.IsoDuration;
import io.ha4neo.schemas.value.Point;
import io.ha4neo.schemas.value.Value;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Generates a random but valid transaction history from a seed, and keeps the model of the graph it
 * describes: creates, label and property churn with every value type, relationship churn, deletes, and
 * re-creation of deleted keys (modelling Neo4j's reuse of internal ids, which keys are derived from).
 *
 * <p>Every history also has: a node of high degree ({@link #HUB}, created with {@link #HUB_DEGREE} relationships
 * in the first transaction, which is large enough to be chunked, and favoured as an endpoint afterwards), schema
 * transactions (indexes and constraints created and dropped, modelled by name; every name starts with
 * {@link #schemaPrefix}, unique per seed, and each is on a property of its own), and exactly one transaction the
 * operator skips ({@link #lostCommitId()}): a data, schema, large (chunked) or gap transaction whose changes are
 * not in the model, so that applying it anyway makes the graph differ from the model (or fail).
 */
final class RandomHistory {
    /** The shape of the transaction the operator skips. */
    enum Lost { DATA, SCHEMA, CHUNKED, GAP }

    /** Key of the node of high degree. */
    static final String HUB = "4:db:hub";
    /** Relationships the hub gets in the first transaction, half of them outgoing (Neo4j makes a node dense at 50). */
    static final int HUB_DEGREE = 100;

    /** Model of a node: labels and properties. */
    record NodeState(Set<String> labels, Map<String, Value> props) {
    }

    /** Model of a relationship. */
    record RelState(RelationshipRef ref, Map<String, Value> props) {
    }

    private static final List<String> LABELS = List.of("Person", "Admin", "Spa ce", "Back`tick", "Ünï");
    private static final List<String> TYPES = List.of("KNOWS", "LIKES", "WORKS AT", "x`y");
    private static final List<String> PROPS = List.of("name", "age", "when", "blob", "where", "tags", "p`q");
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Berlin"), ZoneOffset.ofHours(2),
            ZoneId.of("America/New_York"), ZoneOffset.ofHoursMinutes(-3, -30));

    final Map<String, NodeState> nodes = new TreeMap<>();
    final Map<String, RelState> rels = new TreeMap<>();
    /** Indexes and constraints by name: "index" or "constraint". */
    final Map<String, String> schema = new TreeMap<>();
    private final List<String> deletedNodeKeys = new ArrayList<>();
    private final List<String> deletedRelKeys = new ArrayList<>();
    private final Random random;
    /** Prefix of this history's index and constraint names, unique per seed. */
    final String schemaPrefix;
    private long commitId;
    private long lostCommitId;
    private int nextKey;

    RandomHistory(long seed) {
        this.random = new Random(seed);
        this.schemaPrefix = "s" + seed + "_";
    }

    /**
     * Generates {@code count} consecutive transactions, updating the model: first the hub, then random data
     * transactions with one or two schema transactions and the lost one at random places. Few schema transactions:
     * each makes Neo4j plan every statement again, which is what the test's time goes into.
     */
    List<TransactionEvent> generate(int count, Lost lost) {
        int lostAt = count / 3 + random.nextInt(count / 3);
        Set<Integer> schemaAt = new HashSet<>();
        int schemaTransactions = random.nextInt(3) == 0 ? 2 : 1; // the second one drops what the first created
        while (schemaAt.size() < schemaTransactions) {
            int at = 1 + random.nextInt(count - 1);
            if (at != lostAt) {
                schemaAt.add(at);
            }
        }
        List<TransactionEvent> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long prev = commitId;
            commitId += 1 + random.nextInt(3); // ids are increasing but not dense
            out.add(i == 0 ? hub(prev, commitId) : i == lostAt ? lost(lost, prev, commitId)
                    : schemaAt.contains(i) ? schemaTransaction(prev, commitId) : transaction(prev, commitId));
        }
        return out;
    }

    /** The commit id of the transaction the operator skips. */
    long lostCommitId() {
        return lostCommitId;
    }

    private TransactionEvent.Builder builder(long prev, long id) {
        return TransactionEvent.builder(id, prev).commitTime(1_700_000_000_000L + id).origin("c1", 1);
    }

    /** The hub and its first relationships, in and out, to new nodes: one large transaction. */
    private TransactionEvent hub(long prev, long id) {
        TransactionEvent.Builder b = builder(prev, id);
        Tx tx = new Tx();
        nodes.put(HUB, new NodeState(new TreeSet<>(List.of("Hub")), new TreeMap<>()));
        b.createdNodes.add(new NodeCreated(HUB, List.of("Hub"), Map.of()));
        tx.created.add(HUB);
        for (int i = 0; i < HUB_DEGREE; i++) {
            createNode(b, tx);
            String leaf = b.createdNodes.get(b.createdNodes.size() - 1).key();
            addRelationship(b, tx, i % 2 == 0 ? HUB : leaf, i % 2 == 0 ? leaf : HUB);
        }
        return b.build();
    }

    /** A transaction whose changes never reach the model: the operator skips it. */
    private TransactionEvent lost(Lost shape, long prev, long id) {
        lostCommitId = id;
        TransactionEvent.Builder b = builder(prev, id);
        switch (shape) {
            case GAP -> {
                return TransactionEvent.gapEvent(prev, 1_700_000_000_000L + id, "c1", 1, "neo4j",
                        new CaptureGap(prev + 1, id, "lost in a test"));
            }
            case SCHEMA -> b.schemaChanges.add(new SchemaChange(SchemaChange.Operation.CREATE,
                    SchemaChange.Kind.INDEX, schemaPrefix + "lost", "CREATE INDEX " + schemaPrefix + "lost FOR (n:Person) "
                    + "ON (n." + schemaPrefix + "lost)"));
            case CHUNKED -> {
                for (int i = 0; i < 40; i++) {
                    b.createdNodes.add(new NodeCreated("4:db:lost" + i, List.of("Lost"),
                            Map.of("pad", Value.of("lost".repeat(30)))));
                }
            }
            case DATA -> {
                b.createdNodes.add(new NodeCreated("4:db:lost", List.of("Lost"), Map.of()));
                b.labelChanges.add(new LabelChange(HUB, "Lost", true));
                b.nodePropertyChanges.add(new NodePropertyChange(HUB, new PropertyChange("lost", Value.of(1L), null)));
            }
        }
        return b.build();
    }

    /** Creates an index or a constraint, or drops the one created earlier. */
    private TransactionEvent schemaTransaction(long prev, long id) {
        TransactionEvent.Builder b = builder(prev, id);
        if (!schema.isEmpty()) {
            String name = pick(List.copyOf(schema.keySet()));
            boolean constraint = schema.remove(name).equals("constraint");
            b.schemaChanges.add(new SchemaChange(SchemaChange.Operation.DROP, constraint ? SchemaChange.Kind.CONSTRAINT
                    : SchemaChange.Kind.INDEX, name, "DROP " + (constraint ? "CONSTRAINT " : "INDEX ") + name + " IF EXISTS"));
            return b.build();
        }
        String name = schemaPrefix + nextKey++;
        // each on a property of its own: Neo4j refuses a second index or constraint on the same label and property
        String statement = switch (random.nextInt(3)) {
            case 0 -> "CREATE INDEX " + name + " FOR (n:Person) ON (n." + name + ")";
            case 1 -> "CREATE TEXT INDEX " + name + " FOR (n:Admin) ON (n." + name + ")";
            default -> "CREATE CONSTRAINT " + name + " FOR (n:Person) REQUIRE n." + name + " IS UNIQUE"; // no data has it
        };
        boolean constraint = statement.startsWith("CREATE CONSTRAINT");
        schema.put(name, constraint ? "constraint" : "index");
        b.schemaChanges.add(new SchemaChange(SchemaChange.Operation.CREATE, constraint ? SchemaChange.Kind.CONSTRAINT
                : SchemaChange.Kind.INDEX, name, statement));
        return b.build();
    }

    private TransactionEvent transaction(long prev, long id) {
        TransactionEvent.Builder b = builder(prev, id);
        Tx tx = new Tx();
        int ops = 1 + random.nextInt(6);
        for (int i = 0; i < ops; i++) {
            switch (random.nextInt(12)) {
                case 0, 1, 2 -> createNode(b, tx);
                case 3, 4 -> changeLabel(b, tx);
                case 5 -> changeNodeProperty(b, tx);
                case 6, 7, 8 -> createRelationship(b, tx);
                case 9 -> changeRelProperty(b, tx);
                case 10 -> deleteRelationship(b, tx);
                default -> deleteNode(b, tx);
            }
        }
        return b.build();
    }

    /** What the current transaction already touched, so its change lists stay valid. */
    private static final class Tx {
        final Set<String> touched = new HashSet<>();
        final Set<String> created = new HashSet<>();
        final Set<String> deleted = new HashSet<>();
        final Set<String> keyChanges = new HashSet<>();
    }

    private void createNode(TransactionEvent.Builder b, Tx tx) {
        String key = reuse(deletedNodeKeys, tx) ? deletedNodeKeys.remove(random.nextInt(deletedNodeKeys.size())) : "4:db:" + nextKey++;
        Set<String> labels = new TreeSet<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            labels.add(pick(LABELS));
        }
        Map<String, Value> props = randomProps();
        nodes.put(key, new NodeState(labels, new TreeMap<>(props)));
        b.createdNodes.add(new NodeCreated(key, List.copyOf(labels), props));
        tx.created.add(key);
        tx.touched.add(key);
    }

    private void changeLabel(TransactionEvent.Builder b, Tx tx) {
        String key = preExistingNode(tx);
        String label = pick(LABELS);
        if (key == null || !tx.keyChanges.add(key + "/label/" + label)) {
            return;
        }
        tx.touched.add(key);
        boolean added = nodes.get(key).labels().add(label) || !nodes.get(key).labels().remove(label);
        b.labelChanges.add(new LabelChange(key, label, added));
    }

    private void changeNodeProperty(TransactionEvent.Builder b, Tx tx) {
        String key = preExistingNode(tx);
        String prop = pick(PROPS);
        if (key == null || !tx.keyChanges.add(key + "/prop/" + prop)) {
            return;
        }
        tx.touched.add(key);
        Map<String, Value> props = nodes.get(key).props();
        Value value = random.nextInt(4) == 0 ? null : randomValue();
        if (value == null && !props.containsKey(prop)) {
            return;
        }
        Value previous = value == null ? props.remove(prop) : props.put(prop, value);
        b.nodePropertyChanges.add(new NodePropertyChange(key, new PropertyChange(prop, value, previous)));
    }

    /** A relationship between live nodes; a third of them start or end at the hub, to keep its degree high. */
    private void createRelationship(TransactionEvent.Builder b, Tx tx) {
        List<String> live = nodes.keySet().stream().filter(k -> !tx.deleted.contains(k)).toList();
        if (live.isEmpty()) {
            return;
        }
        String start = pick(live);
        String end = pick(live);
        switch (random.nextInt(6)) {
            case 0 -> start = HUB;
            case 1 -> end = HUB;
            default -> { }
        }
        addRelationship(b, tx, start, end);
    }

    private void addRelationship(TransactionEvent.Builder b, Tx tx, String start, String end) {
        String key = reuse(deletedRelKeys, tx) ? deletedRelKeys.remove(random.nextInt(deletedRelKeys.size())) : "5:db:" + nextKey++;
        RelationshipRef ref = new RelationshipRef(key, pick(TYPES), start, end);
        Map<String, Value> props = randomProps();
        rels.put(key, new RelState(ref, new TreeMap<>(props)));
        b.createdRelationships.add(new RelationshipCreated(ref, props));
        tx.created.add(key);
        tx.touched.add(ref.startKey());
        tx.touched.add(ref.endKey());
    }

    private void changeRelProperty(TransactionEvent.Builder b, Tx tx) {
        String key = preExisting(rels.keySet(), tx);
        String prop = pick(PROPS);
        if (key == null || !tx.keyChanges.add(key + "/prop/" + prop)) {
            return;
        }
        RelState r = rels.get(key);
        Value value = random.nextInt(4) == 0 ? null : randomValue();
        if (value == null && !r.props().containsKey(prop)) {
            return;
        }
        Value previous = value == null ? r.props().remove(prop) : r.props().put(prop, value);
        b.relationshipPropertyChanges.add(new RelationshipPropertyChange(r.ref(), new PropertyChange(prop, value, previous)));
        tx.touched.add(key);
    }

    private void deleteRelationship(TransactionEvent.Builder b, Tx tx) {
        String key = preExisting(rels.keySet(), tx);
        if (key == null || tx.touched.contains(key)) {
            return;
        }
        removeRel(b, tx, key);
    }

    private void removeRel(TransactionEvent.Builder b, Tx tx, String key) {
        RelState r = rels.remove(key);
        b.deletedRelationships.add(new RelationshipDeleted(r.ref(), r.props()));
        tx.deleted.add(key);
        deletedRelKeys.add(key);
    }

    /** Deletes a node (not the hub) untouched in this transaction, with all its relationships (as Neo4j requires). */
    private void deleteNode(TransactionEvent.Builder b, Tx tx) {
        String key = preExistingNode(tx);
        if (key == null || key.equals(HUB) || tx.touched.contains(key)) {
            return;
        }
        List<String> attached = rels.values().stream()
                .filter(r -> r.ref().startKey().equals(key) || r.ref().endKey().equals(key))
                .map(r -> r.ref().key()).toList();
        if (attached.stream().anyMatch(k -> tx.created.contains(k) || tx.touched.contains(k))) {
            return;
        }
        attached.forEach(k -> removeRel(b, tx, k));
        NodeState n = nodes.remove(key);
        b.deletedNodes.add(new NodeDeleted(key, List.copyOf(n.labels()), n.props()));
        tx.deleted.add(key);
        deletedNodeKeys.add(key);
    }

    /** A node that existed before this transaction and is neither created nor deleted by it. */
    private String preExistingNode(Tx tx) {
        return preExisting(nodes.keySet(), tx);
    }

    private String preExisting(Set<String> keys, Tx tx) {
        List<String> candidates = keys.stream().filter(k -> !tx.created.contains(k) && !tx.deleted.contains(k)).toList();
        return candidates.isEmpty() ? null : pick(candidates);
    }

    /** Re-create a deleted key (id reuse) a third of the time, never within the transaction that deleted it. */
    private boolean reuse(List<String> deletedKeys, Tx tx) {
        return !deletedKeys.isEmpty() && random.nextInt(3) == 0
                && deletedKeys.stream().noneMatch(tx.deleted::contains);
    }

    private Map<String, Value> randomProps() {
        Map<String, Value> props = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            props.put(pick(PROPS), randomValue());
        }
        return props;
    }

    Value randomValue() {
        return Value.of(switch (random.nextInt(23)) {
            case 0 -> random.nextBoolean();
            case 1 -> random.nextLong();
            case 2 -> random.nextDouble() * 1e6 - 5e5;
            case 3 -> "s" + random.nextInt(1000) + (random.nextBoolean() ? "\u00e9\u2603" : "");
            case 4 -> randomBytes();
            case 5 -> LocalDate.ofEpochDay(random.nextInt(40000) - 20000);
            case 6 -> OffsetTime.of(localTime(), ZoneOffset.ofHours(random.nextInt(25) - 12));
            case 7 -> localTime();
            case 8, 9 -> zoned();
            case 10 -> LocalDateTime.of(LocalDate.ofEpochDay(random.nextInt(30000)), localTime());
            case 11 -> new IsoDuration(random.nextInt(30), random.nextInt(60), random.nextInt(100000), random.nextInt(1_000_000_000));
            case 12 -> point();
            case 13 -> new boolean[] {random.nextBoolean(), random.nextBoolean()};
            case 14 -> new long[] {random.nextLong(), random.nextInt()};
            case 15 -> new double[] {random.nextDouble(), -random.nextDouble()};
            case 16 -> new String[] {"a", "b" + random.nextInt(9)};
            case 17 -> new LocalDate[] {LocalDate.ofEpochDay(random.nextInt(9000))};
            case 18 -> new ZonedDateTime[] {zoned(), zoned()};
            case 19 -> new IsoDuration[] {new IsoDuration(1, 0, random.nextInt(99), 0)};
            case 20 -> new Point[] {point2d(), point2d()};
            case 21 -> new LocalTime[] {localTime()};
            default -> new LocalDateTime[] {LocalDateTime.of(2020, 1, 1 + random.nextInt(28), 0, 0)};
        });
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(8)];
        random.nextBytes(bytes);
        return bytes;
    }

    private LocalTime localTime() {
        return LocalTime.ofNanoOfDay((long) (random.nextDouble() * 86_399_999_999_999L));
    }

    private ZonedDateTime zoned() {
        return ZonedDateTime.of(LocalDateTime.of(1990 + random.nextInt(40), 1 + random.nextInt(12), 1 + random.nextInt(28),
                random.nextInt(24), random.nextInt(60), random.nextInt(60), random.nextInt(1_000_000) * 1000), pick(ZONES));
    }

    private Point point() {
        return switch (random.nextInt(4)) {
            case 0 -> point2d();
            case 1 -> new Point(Point.CARTESIAN_3D, new double[] {random.nextDouble(), random.nextDouble(), random.nextDouble()});
            case 2 -> new Point(Point.WGS84, new double[] {random.nextDouble() * 360 - 180, random.nextDouble() * 180 - 90});
            default -> new Point(Point.WGS84_3D, new double[] {random.nextDouble() * 360 - 180, random.nextDouble() * 180 - 90, random.nextDouble() * 100});
        };
    }

    private Point point2d() {
        return new Point(Point.CARTESIAN, new double[] {random.nextDouble() * 100, random.nextDouble() * 100});
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
