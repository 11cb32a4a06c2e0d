package io.ha4neo.it.applier;

import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.topology.verify.ValueText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;

/**
 * A whole graph read through Cypher into a comparable structure: every node (labels and properties with exact
 * types), every relationship (type, properties, endpoints identified by content), and every index and constraint
 * as its replayable {@code createStatement}. Reserved names ({@link ReservedNames#isReserved}) are excluded
 * everywhere: labels, types, property keys, schema names, and the watermark and skip-record nodes.
 *
 * <p>Stores share no ids, so entities are identified by their replication key: on the primary (the origin) by
 * {@code elementId(x)}, on a standby by the {@code _ha4neo_id} property, which holds the origin's element id.
 *
 * <p>Values are rendered with the Bolt type name and the exact Java value: byte arrays as hex, doubles with
 * their sign ({@code -0.0}, {@code NaN}, {@code Infinity}), points with SRID and every coordinate, durations by
 * their four components, date-times with their zone (a region id and an offset at the same instant differ).
 *
 * <pre>{@code
 * GraphSnapshot.of(primary, Identity.ORIGIN).assertSameAs(GraphSnapshot.of(standby, Identity.REPLICA));
 * }</pre>
 */
public final class GraphSnapshot {
    /** How entities are identified in the store being read. */
    public enum Identity {
        /** The primary: {@code elementId(x)}. */
        ORIGIN,
        /** A standby: the {@code _ha4neo_id} property (the origin's element id). */
        REPLICA,
        /**
         * Any member once roles have moved: the replication key, i.e. {@code _ha4neo_id} when the entity was
         * replicated here, its own element id when this member created it as primary (docs/identity.md).
         */
        KEY
    }

    private static final int SHOWN_DIFFERENCES = 25;

    private final SortedMap<String, String> nodes;
    private final SortedMap<String, String> relationships;
    private final SortedMap<String, String> schema;
    private final List<String> problems;

    private GraphSnapshot(SortedMap<String, String> nodes, SortedMap<String, String> relationships,
                          SortedMap<String, String> schema, List<String> problems) {
        this.nodes = nodes;
        this.relationships = relationships;
        this.schema = schema;
        this.problems = problems;
    }

    /** Reads the whole default database of {@code driver}. */
    public static GraphSnapshot of(Driver driver, Identity identity) {
        List<String> problems = new ArrayList<>();
        try (Session s = driver.session()) {
            return s.executeRead(tx -> {
                SortedMap<String, String> nodes = new TreeMap<>();
                SortedMap<String, String> rels = new TreeMap<>();
                String nodeId = idOf("n", identity);
                tx.run("MATCH (n) RETURN " + nodeId + " AS id, labels(n) AS labels, properties(n) AS props")
                        .forEachRemaining(r -> addNode(r, nodes, problems));
                tx.run("MATCH (a)-[r]->(b) RETURN " + idOf("r", identity) + " AS id, type(r) AS type, "
                                + "properties(r) AS props, " + idOf("a", identity) + " AS start, "
                                + idOf("b", identity) + " AS end, labels(a) + labels(b) AS endpointLabels")
                        .forEachRemaining(r -> addRelationship(r, rels, problems));
                return new GraphSnapshot(nodes, rels, schema(tx), problems);
            });
        }
    }

    private static String idOf(String variable, Identity identity) {
        return switch (identity) {
            case ORIGIN -> "elementId(" + variable + ")";
            case REPLICA -> "coalesce(" + variable + "." + ReservedNames.ID_PROPERTY + ", 'NO-KEY:' + elementId("
                    + variable + "))";
            case KEY -> "coalesce(" + variable + "." + ReservedNames.ID_PROPERTY + ", elementId(" + variable + "))";
        };
    }

    private static void addNode(Record r, Map<String, String> nodes, List<String> problems) {
        List<String> labels = r.get("labels").asList(Value::asString);
        if (ReservedNames.isBookkeeping(labels)) {
            return;
        }
        String labelText = labels.stream().filter(l -> !ReservedNames.isReserved(l)).sorted()
                .map(l -> ":" + l).collect(Collectors.joining());
        String text = labelText + " " + properties(r.get("props"));
        putUnique(nodes, r.get("id").asString(), text, "node", problems);
    }

    private static void addRelationship(Record r, Map<String, String> rels, List<String> problems) {
        String type = r.get("type").asString();
        if (ReservedNames.isReserved(type)
                || ReservedNames.isBookkeeping(r.get("endpointLabels").asList(Value::asString))) {
            return;
        }
        String text = "(" + r.get("start").asString() + ")-[:" + type + " " + properties(r.get("props")) + "]->("
                + r.get("end").asString() + ")";
        putUnique(rels, r.get("id").asString(), text, "relationship", problems);
    }

    /** A second entity with the same key (e.g. a relationship applied twice) becomes a visible difference. */
    private static void putUnique(Map<String, String> map, String key, String text, String kind, List<String> problems) {
        String id = key;
        for (int n = 2; map.containsKey(id); n++) {
            id = key + " #DUPLICATE-" + n;
            problems.add(kind + " key " + key + " occurs more than once");
        }
        map.put(id, text);
    }

    private static SortedMap<String, String> schema(org.neo4j.driver.TransactionContext tx) {
        SortedMap<String, String> schema = new TreeMap<>();
        tx.run("SHOW INDEXES YIELD name, type, createStatement WHERE type <> 'LOOKUP' RETURN name, createStatement")
                .forEachRemaining(r -> addSchema(schema, "index " + r.get("name").asString(), r));
        tx.run("SHOW CONSTRAINTS YIELD name, createStatement RETURN name, createStatement")
                .forEachRemaining(r -> addSchema(schema, "constraint " + r.get("name").asString(), r));
        return schema;
    }

    private static void addSchema(Map<String, String> schema, String key, Record r) {
        if (!ReservedNames.isReserved(r.get("name").asString())) {
            schema.put(key, r.get("createStatement").asString());
        }
    }

    /** Properties without reserved keys, sorted by key, each with its exact type. */
    static String properties(Value props) {
        return props.asMap(v -> v).entrySet().stream()
                .filter(e -> !ReservedNames.isReserved(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ": " + render(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /**
     * One value: Bolt type name and the exact Java value, rendered by the ops CLI's {@code verify} ({@link ValueText}),
     * so that the ITs' comparison and {@code ha4neo verify} mean the same by "equal".
     */
    static String render(Value v) {
        return ValueText.render(v);
    }

    public int nodeCount() {
        return nodes.size();
    }

    public int relationshipCount() {
        return relationships.size();
    }

    public SortedMap<String, String> nodes() {
        return nodes;
    }

    public SortedMap<String, String> relationships() {
        return relationships;
    }

    /** Indexes and constraints: {@code "index <name>"}/{@code "constraint <name>"} → createStatement. */
    public SortedMap<String, String> schema() {
        return schema;
    }

    /** Duplicate keys found while reading (each also shows up as a difference). */
    public List<String> problems() {
        return problems;
    }

    /** The differences from {@code other} (this = expected), at most {@code limit}, plus a count line. */
    public List<String> differencesFrom(GraphSnapshot other, int limit) {
        List<String> all = new ArrayList<>();
        diff("node", nodes, other.nodes, all);
        diff("relationship", relationships, other.relationships, all);
        diff("schema", schema, other.schema, all);
        if (all.size() <= limit) {
            return all;
        }
        List<String> shown = new ArrayList<>(all.subList(0, limit));
        shown.add("... and " + (all.size() - limit) + " more differences");
        return shown;
    }

    private static void diff(String kind, SortedMap<String, String> expected, SortedMap<String, String> actual,
                             List<String> out) {
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            String e = expected.get(k);
            String a = actual.get(k);
            if (e == null) {
                out.add(kind + " " + k + " only in actual: " + a);
            } else if (a == null) {
                out.add(kind + " " + k + " missing in actual, expected: " + e);
            } else if (!e.equals(a)) {
                out.add(kind + " " + k + " differs:\n      expected: " + e + "\n      actual:   " + a);
            }
        }
    }

    /** Fails with a readable diff (first differences) unless {@code actual} equals this snapshot. */
    public void assertSameAs(GraphSnapshot actual) {
        List<String> differences = differencesFrom(actual, SHOWN_DIFFERENCES);
        if (!differences.isEmpty()) {
            throw new AssertionError("graphs differ (expected " + nodes.size() + " nodes, " + relationships.size()
                    + " relationships, " + schema.size() + " schema objects; actual " + actual.nodes.size() + ", "
                    + actual.relationships.size() + ", " + actual.schema.size() + "):\n  "
                    + String.join("\n  ", differences));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphSnapshot g && nodes.equals(g.nodes) && relationships.equals(g.relationships)
                && schema.equals(g.schema);
    }

    @Override
    public int hashCode() {
        return nodes.hashCode() * 31 + relationships.hashCode();
    }

    @Override
    public String toString() {
        return nodes.size() + " nodes, " + relationships.size() + " relationships, schema " + schema.keySet();
    }
}
