package io.ha4neo.topology.verify;

import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;

/**
 * {@link MemberGraph} over Bolt: every read is one short read transaction on the member's own server.
 *
 * <ul>
 *   <li>Chunks are id seeks ({@code UNWIND range($from, $to) AS i MATCH (n) WHERE id(n) = i}: NodeByIdSeek, and
 *       DirectedRelationshipByIdSeek for relationships), so a chunk costs its size whatever the store's size, and no
 *       transaction stays open between chunks. The highest id is one scan without properties ({@code max(id(n))}).
 *       {@code id()} is deprecated in Neo4j 5 but the only way to page through a store in order without an index.</li>
 *   <li>Keys follow docs/identity.md: {@code coalesce(x._ha4neo_id, elementId(x))}; a lookup by key takes the entity
 *       whose {@code _ha4neo_id} is the key, or the native one whose elementId is the key and that has none, and a
 *       relationship from its start node, as the applier does.</li>
 * </ul>
 */
public final class BoltMemberGraph implements MemberGraph {
    private static final String ID = ReservedNames.ID_PROPERTY;
    private static final String NODE_LABEL = ReservedNames.NODE_LABEL;

    static final String HIGHEST_NODE_ID = "MATCH (n) RETURN max(id(n)) AS highest";
    static final String HIGHEST_RELATIONSHIP_ID = "MATCH ()-[r]->() RETURN max(id(r)) AS highest";
    static final String NODE_CHUNK = "UNWIND range($from, $to) AS i MATCH (n) WHERE id(n) = i RETURN "
            + key("n") + " AS key, labels(n) AS labels, properties(n) AS props";
    static final String RELATIONSHIP_CHUNK = "UNWIND range($from, $to) AS i MATCH (a)-[r]->(b) WHERE id(r) = i"
            + relationshipColumns();
    static final String NODE_REF_CHUNK = "UNWIND range($from, $to) AS i MATCH (n) WHERE id(n) = i RETURN "
            + key("n") + " AS key, labels(n) AS labels";
    static final String RELATIONSHIP_REF_CHUNK = "UNWIND range($from, $to) AS i MATCH (a)-[r]->(b) WHERE id(r) = i "
            + "RETURN " + key("r") + " AS key, type(r) AS type, " + key("a") + " AS start, labels(a) + labels(b) AS "
            + "endpointLabels";
    static final String NODES_BY_KEY = "UNWIND $keys AS key CALL (key) { " + nodeByKey("n", "key")
            + " } RETURN " + key("n") + " AS key, labels(n) AS labels, properties(n) AS props";
    static final String RELATIONSHIPS_BY_KEY = "UNWIND $probes AS p CALL (p) { "
            + "MATCH ()-[r]->() WHERE elementId(r) = p.key AND r." + ID + " IS NULL RETURN r "
            + "UNION UNWIND p.starts AS s CALL (s) { " + nodeByKey("a", "s") + " } "
            + "MATCH (a)-[r]->() WHERE r." + ID + " = p.key RETURN r } "
            + "WITH r, startNode(r) AS a, endNode(r) AS b" + relationshipColumns();
    static final String INDEXES = "SHOW INDEXES YIELD name, type, createStatement WHERE type <> 'LOOKUP' "
            + "RETURN name, createStatement";
    static final String CONSTRAINTS = "SHOW CONSTRAINTS YIELD name, createStatement RETURN name, createStatement";

    private final ClusterClients clients;
    private final Member member;
    private final Duration timeout;

    public BoltMemberGraph(ClusterClients clients, Member member, Duration timeout) {
        this.clients = clients;
        this.member = member;
        this.timeout = timeout;
    }

    private static String key(String v) {
        return "coalesce(" + v + "." + ID + ", elementId(" + v + "))";
    }

    private static String nodeByKey(String v, String key) {
        return "MATCH (" + v + ":" + NODE_LABEL + " {" + ID + ": " + key + "}) RETURN " + v + " UNION ALL MATCH (" + v
                + ") WHERE elementId(" + v + ") = " + key + " AND " + v + "." + ID + " IS NULL RETURN " + v;
    }

    private static String relationshipColumns() {
        return " RETURN " + key("r") + " AS key, type(r) AS type, properties(r) AS props, " + key("a") + " AS start, "
                + key("b") + " AS end, labels(a) + labels(b) AS endpointLabels";
    }

    @Override
    public String member() {
        return member.name();
    }

    @Override
    public long highestId(EntityKind kind) {
        // One scan of the whole store: it gets the server's own transaction timeout, not the per-chunk one.
        List<Record> rows = query(kind == EntityKind.NODE ? HIGHEST_NODE_ID : HIGHEST_RELATIONSHIP_ID, Map.of(),
                "the highest " + kind.label() + " id", TransactionConfig.empty());
        Value highest = rows.get(0).get("highest");
        return highest.isNull() ? -1 : highest.asLong();
    }

    @Override
    public List<CanonicalEntity> scan(EntityKind kind, long fromId, int count) {
        Map<String, Object> range = Map.of("from", fromId, "to", fromId + count - 1);
        String what = kind.label() + "s with ids " + fromId + ".." + (fromId + count - 1);
        return kind == EntityKind.NODE ? entities(query(NODE_CHUNK, range, what), BoltMemberGraph::node)
                : entities(query(RELATIONSHIP_CHUNK, range, what), BoltMemberGraph::relationship);
    }

    @Override
    public List<EntityRef> scanRefs(EntityKind kind, long fromId, int count) {
        Map<String, Object> range = Map.of("from", fromId, "to", fromId + count - 1);
        String what = kind.label() + " keys with ids " + fromId + ".." + (fromId + count - 1);
        List<EntityRef> refs = new ArrayList<>();
        if (kind == EntityKind.NODE) {
            for (Record r : query(NODE_REF_CHUNK, range, what)) {
                if (!ReservedNames.isBookkeeping(r.get("labels").asList(Value::asString))) {
                    refs.add(new EntityRef(r.get("key").asString(), null));
                }
            }
        } else {
            for (Record r : query(RELATIONSHIP_REF_CHUNK, range, what)) {
                if (!ReservedNames.isReserved(r.get("type").asString())
                        && !ReservedNames.isBookkeeping(r.get("endpointLabels").asList(Value::asString))) {
                    refs.add(new EntityRef(r.get("key").asString(), r.get("start").asString()));
                }
            }
        }
        return refs;
    }

    @Override
    public List<CanonicalEntity> read(EntityKind kind, List<Candidate> candidates) {
        String what = candidates.size() + " " + kind.label() + "s by key";
        if (kind == EntityKind.NODE) {
            List<String> keys = candidates.stream().map(Candidate::key).toList();
            return entities(query(NODES_BY_KEY, Map.of("keys", keys), what), BoltMemberGraph::node);
        }
        List<Map<String, Object>> probes = candidates.stream()
                .map(c -> Map.<String, Object>of("key", c.key(), "starts", List.copyOf(c.startKeys()))).toList();
        return entities(query(RELATIONSHIPS_BY_KEY, Map.of("probes", probes), what), BoltMemberGraph::relationship);
    }

    @Override
    public List<CanonicalEntity> schema() {
        List<CanonicalEntity> objects = new ArrayList<>();
        query(INDEXES, Map.of(), "the indexes").forEach(r -> schemaObject(EntityKind.INDEX, r).ifPresent(objects::add));
        query(CONSTRAINTS, Map.of(), "the constraints")
                .forEach(r -> schemaObject(EntityKind.CONSTRAINT, r).ifPresent(objects::add));
        return objects;
    }

    static Optional<CanonicalEntity> node(Record r) {
        return CanonicalEntity.node(r.get("key").asString(), r.get("labels").asList(Value::asString),
                r.get("props").asMap(v -> v));
    }

    static Optional<CanonicalEntity> relationship(Record r) {
        return CanonicalEntity.relationship(r.get("key").asString(), r.get("type").asString(),
                r.get("props").asMap(v -> v), r.get("start").asString(), r.get("end").asString(),
                r.get("endpointLabels").asList(Value::asString));
    }

    private static Optional<CanonicalEntity> schemaObject(EntityKind kind, Record r) {
        return CanonicalEntity.schema(kind, r.get("name").asString(), r.get("createStatement").asString());
    }

    private static List<CanonicalEntity> entities(List<Record> rows, Function<Record, Optional<CanonicalEntity>> map) {
        List<CanonicalEntity> entities = new ArrayList<>(rows.size());
        rows.forEach(r -> map.apply(r).ifPresent(entities::add));
        return entities;
    }

    /** One read transaction; a failure names the member and what was read. */
    private List<Record> query(String cypher, Map<String, Object> parameters, String what) {
        return query(cypher, parameters, what, TransactionConfig.builder().withTimeout(timeout).build());
    }

    private List<Record> query(String cypher, Map<String, Object> parameters, String what, TransactionConfig config) {
        try (Session session = clients.session(member)) {
            return session.executeRead(tx -> tx.run(cypher, parameters).list(), config);
        } catch (RuntimeException e) {
            throw new VerifyException("reading " + what + " from " + member.label() + " failed: "
                    + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String text) {
        return text == null ? "(no message)" : text.lines().findFirst().orElse(text);
    }
}
