package io.ha4neo.topology.verify;

import io.ha4neo.schemas.topology.ReservedNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.neo4j.driver.Value;

/**
 * One node, relationship, index or constraint in the canonical form verify compares: what a user can see of it,
 * without anything ha4neo adds, identified by its replication key (docs/identity.md), with a 64-bit digest of exactly
 * that. Two members hold the same entity when kind, key and digest agree. Pure.
 *
 * <ul>
 *   <li>A node: its labels (sorted) and properties ({@link ValueText}), reserved labels and property keys left out
 *       ({@link ReservedNames#isReserved}); bookkeeping nodes ({@link ReservedNames#isBookkeeping}: watermark, skip records, bootstrap progress) are not entities at all
 *       ({@link #node} returns empty).</li>
 *   <li>A relationship: its type, properties and the replication keys of its start and end node; one with a reserved
 *       type or touching a bookkeeping node is no entity.</li>
 *   <li>An index or a constraint: its name and its replayable {@code createStatement} (labels or types, properties,
 *       type, options); ha4neo's own are no entities.</li>
 * </ul>
 *
 * The digest is SHA-256 over a length-prefixed encoding of kind, key and those parts, cut to 64 bits; the
 * {@link #keyHash} (kind and key only) is what verify remembers of an entity it found equal ({@link KeyHashes}).
 *
 * @param kind what it is
 * @param key its replication key: {@code _ha4neo_id} when it has one, else its elementId; for schema objects the name
 * @param head {@code :A:B} (node labels), {@code :TYPE} (relationship type) or the createStatement
 * @param properties property key to {@link ValueText#render rendered} value, reserved keys left out (empty for schema)
 * @param startKey a relationship's start node key, else null
 * @param endKey a relationship's end node key, else null
 * @param digest the 64-bit digest of everything above
 * @param keyHash the 64-bit hash of kind and key
 */
public record CanonicalEntity(EntityKind kind, String key, String head, SortedMap<String, String> properties,
                              String startKey, String endKey, long digest, long keyHash) {
    public CanonicalEntity {
        properties = Collections.unmodifiableSortedMap(new TreeMap<>(properties));
    }

    /** A node, or empty when it is one of ha4neo's bookkeeping nodes (watermark, skip record). */
    public static Optional<CanonicalEntity> node(String key, List<String> labels, Map<String, Value> properties) {
        if (ReservedNames.isBookkeeping(labels)) {
            return Optional.empty();
        }
        List<String> shown = labels.stream().filter(l -> !ReservedNames.isReserved(l)).sorted().toList();
        String head = shown.stream().map(l -> ":" + l).collect(Collectors.joining());
        return Optional.of(of(EntityKind.NODE, key, head, shown, ValueText.properties(properties), null, null));
    }

    /**
     * A relationship, or empty when its type is reserved or an endpoint is a bookkeeping node ({@code endpointLabels}:
     * the labels of both endpoints).
     */
    public static Optional<CanonicalEntity> relationship(String key, String type, Map<String, Value> properties,
                                                         String startKey, String endKey, List<String> endpointLabels) {
        if (ReservedNames.isReserved(type) || ReservedNames.isBookkeeping(endpointLabels)) {
            return Optional.empty();
        }
        return Optional.of(of(EntityKind.RELATIONSHIP, key, ":" + type, List.of(type), ValueText.properties(properties),
                startKey, endKey));
    }

    /** An index or constraint by name and createStatement, or empty when the name is reserved. */
    public static Optional<CanonicalEntity> schema(EntityKind kind, String name, String createStatement) {
        if (!kind.isSchema()) {
            throw new IllegalArgumentException(kind + " is not a schema kind");
        }
        if (ReservedNames.isReserved(name)) {
            return Optional.empty();
        }
        return Optional.of(of(kind, name, createStatement, List.of(createStatement), new TreeMap<>(), null, null));
    }

    /** {@code headParts}: the labels one by one, the type or the statement, so that no two heads hash alike. */
    private static CanonicalEntity of(EntityKind kind, String key, String head, List<String> headParts,
                                      SortedMap<String, String> properties, String startKey, String endKey) {
        Hasher h = new Hasher().put(kind.name()).put(key).put(startKey).put(endKey).put(String.valueOf(headParts.size()));
        headParts.forEach(h::put);
        properties.forEach((k, v) -> h.put(k).put(v));
        return new CanonicalEntity(kind, key, head, properties, startKey, endKey, h.digest(), keyHash(kind, key));
    }

    /** The hash of an entity's kind and key, the same on every member. */
    public static long keyHash(EntityKind kind, String key) {
        return new Hasher().put(kind.name()).put(key).digest();
    }

    /** The properties as {@code {a: INTEGER 1}}. */
    public String propertyText() {
        return ValueText.text(properties);
    }

    /**
     * The entity as people read it, the same text as the integration tests' typed comparison:
     * {@code :Person {name: STRING "Ann"}}, {@code (k1)-[:KNOWS {since: INTEGER 2020}]->(k2)}, or the createStatement.
     */
    public String text() {
        return switch (kind) {
            case NODE -> head + " " + propertyText();
            case RELATIONSHIP -> "(" + startKey + ")-[" + head + " " + propertyText() + "]->(" + endKey + ")";
            case INDEX, CONSTRAINT -> head;
        };
    }

    /** SHA-256 over length-prefixed UTF-8 strings (null distinct from empty), cut to its first 64 bits. */
    private static final class Hasher {
        private final MessageDigest sha = sha256();

        Hasher put(String s) {
            if (s == null) {
                sha.update(ByteBuffer.allocate(4).putInt(-1).array());
                return this;
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            sha.update(bytes);
            return this;
        }

        long digest() {
            return ByteBuffer.wrap(sha.digest()).getLong();
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-256", e);
            }
        }
    }
}
