package io.ha4neo.topology.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

/**
 * A member's graph in memory behind {@link MemberGraph}: entities at internal ids of this store (ids are the store's
 * own, so two members hold the same entity at different ids), schema objects, and hooks that let a test change the
 * graph while verify reads it. Counts every call, so a test can check what verify read.
 */
final class InMemoryGraph implements MemberGraph {
    private final String name;
    private final Map<EntityKind, TreeMap<Long, CanonicalEntity>> byId = new LinkedHashMap<>();
    private final List<CanonicalEntity> schema = new ArrayList<>();
    private final Map<EntityKind, Long> nextId = new LinkedHashMap<>(Map.of(EntityKind.NODE, 0L,
            EntityKind.RELATIONSHIP, 0L));
    /** Runs after a scan of nodes that reached the highest node id: "a writer commits right after the pass". */
    Runnable afterNodePass = () -> { };
    /** Runs after every scan: "a writer commits while verify reads". */
    Runnable afterScan = () -> { };
    /** Runs before every read by key. */
    Runnable beforeRead = () -> { };
    int scans;
    int refScans;
    int reads;

    InMemoryGraph(String name) {
        this.name = name;
        byId.put(EntityKind.NODE, new TreeMap<>());
        byId.put(EntityKind.RELATIONSHIP, new TreeMap<>());
    }

    static CanonicalEntity node(String key, List<String> labels, Map<String, Object> properties) {
        return CanonicalEntity.node(key, labels, values(properties)).orElseThrow();
    }

    static CanonicalEntity relationship(String key, String type, String start, String end,
                                        Map<String, Object> properties) {
        return CanonicalEntity.relationship(key, type, values(properties), start, end, List.of()).orElseThrow();
    }

    static CanonicalEntity index(String name, String statement) {
        return CanonicalEntity.schema(EntityKind.INDEX, name, statement).orElseThrow();
    }

    static Map<String, Value> values(Map<String, Object> properties) {
        return properties.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> Values.value(e.getValue())));
    }

    /** Adds {@code e} at the next id, after {@code gap} unused ids (deleted entities leave holes). */
    InMemoryGraph add(CanonicalEntity e, int gap) {
        long id = nextId.get(e.kind()) + gap;
        byId.get(e.kind()).put(id, e);
        nextId.put(e.kind(), id + 1);
        return this;
    }

    InMemoryGraph add(CanonicalEntity e) {
        if (e.kind().isSchema()) {
            schema.add(e);
            return this;
        }
        return add(e, 0);
    }

    /** Replaces the entity of {@code e}'s kind and key (in place: same internal id). */
    void replace(CanonicalEntity e) {
        TreeMap<Long, CanonicalEntity> entities = byId.get(e.kind());
        Long id = entities.entrySet().stream().filter(x -> x.getValue().key().equals(e.key())).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no " + e.kind() + " " + e.key()));
        entities.put(id, e);
    }

    void remove(EntityKind kind, String key) {
        if (!byId.get(kind).values().removeIf(e -> e.key().equals(key))) {
            throw new IllegalArgumentException("no " + kind + " " + key);
        }
    }

    void removeSchema(String key) {
        schema.removeIf(e -> e.key().equals(key));
    }

    CanonicalEntity get(EntityKind kind, String key) {
        return byId.get(kind).values().stream().filter(e -> e.key().equals(key)).findFirst().orElseThrow();
    }

    List<CanonicalEntity> all(EntityKind kind) {
        return List.copyOf(byId.get(kind).values());
    }

    @Override
    public String member() {
        return name;
    }

    @Override
    public long highestId(EntityKind kind) {
        TreeMap<Long, CanonicalEntity> entities = byId.get(kind);
        return entities.isEmpty() ? -1 : entities.lastKey();
    }

    @Override
    public List<CanonicalEntity> scan(EntityKind kind, long fromId, int count) {
        scans++;
        long highest = highestId(kind);
        List<CanonicalEntity> chunk = List.copyOf(byId.get(kind).subMap(fromId, fromId + count).values());
        if (kind == EntityKind.NODE && fromId + count > highest) {
            afterNodePass.run();
        }
        afterScan.run();
        return chunk;
    }

    @Override
    public List<EntityRef> scanRefs(EntityKind kind, long fromId, int count) {
        refScans++;
        return byId.get(kind).subMap(fromId, fromId + count).values().stream()
                .map(e -> new EntityRef(e.key(), e.startKey())).toList();
    }

    @Override
    public List<CanonicalEntity> read(EntityKind kind, List<Candidate> candidates) {
        reads++;
        beforeRead.run();
        Set<String> keys = candidates.stream().map(Candidate::key).collect(Collectors.toSet());
        if (kind == EntityKind.RELATIONSHIP && candidates.stream().anyMatch(c -> c.startKeys().isEmpty())) {
            throw new AssertionError("a relationship is looked up from its start node, but a candidate has none: "
                    + candidates);
        }
        return byId.get(kind).values().stream().filter(e -> keys.contains(e.key())).toList();
    }

    @Override
    public List<CanonicalEntity> schema() {
        return List.copyOf(schema);
    }
}
