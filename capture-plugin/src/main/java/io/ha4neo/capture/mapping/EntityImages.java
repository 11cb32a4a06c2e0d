package io.ha4neo.capture.mapping;

import static io.ha4neo.schemas.topology.ReservedNames.ID_PROPERTY;
import static io.ha4neo.schemas.topology.ReservedNames.isReserved;

import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.graphdb.Entity;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;

/**
 * The one rule for what capture says about a live entity: its replication key (docs/identity.md), its user labels and
 * its user properties, and from them its complete image. {@link ChangeEventMapper} uses it for created entities, the
 * bootstrap chunk reader for the images of existing ones, so both name an entity the same way.
 *
 * <p>Key: the reserved {@code _ha4neo_id} property when the entity has one (it was replicated here from an earlier
 * primary), otherwise its elementId on this store. Reserved labels and properties are never part of an image; labels
 * are sorted, values mapped by {@link EmbeddedToEventValueMapper}.
 */
public final class EntityImages {
    private EntityImages() {
    }

    /** The key of a live entity: reads its {@code _ha4neo_id}. */
    public static String keyOf(Entity e) {
        return keyOf(e, e.getProperty(ID_PROPERTY, null));
    }

    /** The key of an entity whose {@code _ha4neo_id} value (or null) is already known, e.g. from removed properties. */
    public static String keyOf(Entity e, Object reservedId) {
        return reservedId instanceof String s && !s.isEmpty() ? s : e.getElementId();
    }

    /** The complete image of a live node: key, user labels, user properties. */
    public static NodeCreated node(Node n) {
        return new NodeCreated(keyOf(n), userLabels(n), userProperties(n, n.getAllProperties()));
    }

    /** The complete image of a live relationship: key, type, endpoint keys, user properties. */
    public static RelationshipCreated relationship(Relationship r) {
        return new RelationshipCreated(ref(r), userProperties(r, r.getAllProperties()));
    }

    /** A live relationship's reference: its key, type and both endpoints' keys. */
    public static RelationshipRef ref(Relationship r) {
        return new RelationshipRef(keyOf(r), r.getType().name(), keyOf(r.getStartNode()), keyOf(r.getEndNode()));
    }

    /** A node's labels without the reserved ones, sorted. */
    public static List<String> userLabels(Node n) {
        return userLabels(labelNames(n));
    }

    /** The labels without the reserved ones, sorted. */
    public static List<String> userLabels(List<String> labels) {
        return labels.stream().filter(l -> !isReserved(l)).sorted().toList();
    }

    /** Every label name of a live node, reserved ones included. */
    public static List<String> labelNames(Node n) {
        List<String> labels = new ArrayList<>();
        for (Label l : n.getLabels()) {
            labels.add(l.name());
        }
        return labels;
    }

    /** The properties without the reserved ones, as event values (in the given order). */
    public static Map<String, Value> userProperties(Entity owner, Map<String, Object> props) {
        Map<String, Value> out = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (!isReserved(k)) {
                out.put(k, EmbeddedToEventValueMapper.toValue(v, owner, k));
            }
        });
        return out;
    }
}
