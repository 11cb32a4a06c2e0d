package io.ha4neo.capture.mapping;

import static io.ha4neo.schemas.topology.ReservedNames.ID_PROPERTY;
import static io.ha4neo.schemas.topology.ReservedNames.isReserved;

import io.ha4neo.schemas.event.LabelChange;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.PropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipPropertyChange;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.neo4j.graphdb.Entity;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.event.LabelEntry;
import org.neo4j.graphdb.event.PropertyEntry;
import org.neo4j.graphdb.event.TransactionData;

/**
 * Turns Neo4j's {@link TransactionData} into {@link CapturedChanges}. Must run in beforeCommit: only there
 * are the after-state of entities (labels, properties, relationship endpoints) still readable.
 *
 * <p>Identity: an entity's key is its reserved {@code _ha4neo_id} property when it has one (it was itself
 * replicated here, see docs/identity.md), otherwise its elementId on this store. Reserved labels and
 * properties are never part of the captured changes. Output lists are in a deterministic order (sorted by
 * key) so that equal transactions give equal events.
 *
 * <p>ha4neo's own bookkeeping nodes ({@link ReservedNames#BOOKKEEPING_LABELS}: the watermark, skip records, a
 * bootstrap run's progress record) are no entities: their creation, labels, properties and deletion are never changes.
 * A bootstrap event is therefore a commit whose data changes all vanish here; its mark and images are attached
 * separately ({@link CapturedChanges#attachBootstrap}).
 */
public final class ChangeEventMapper {
    private final TransactionData data;
    private final Map<String, Map<String, Value>> removedNodeProps = new HashMap<>();
    private final Map<String, Map<String, Value>> removedRelProps = new HashMap<>();
    private final Map<String, String> nodeKeys = new HashMap<>();
    private final Set<String> createdNodeIds = new HashSet<>();
    private final Set<String> deletedNodeIds = new HashSet<>();
    private final Set<String> createdRelIds = new HashSet<>();
    private final Set<String> deletedRelIds = new HashSet<>();
    private final Map<String, List<String>> removedLabels = new HashMap<>();
    private final Map<String, Boolean> bookkeeping = new HashMap<>();

    private ChangeEventMapper(TransactionData data) {
        this.data = data;
    }

    /** Maps one transaction's changes. */
    public static CapturedChanges map(TransactionData data) {
        return new ChangeEventMapper(data).run();
    }

    private CapturedChanges run() {
        CapturedChanges out = new CapturedChanges();
        indexEntities();
        mapNodes(out);
        mapLabels(out);
        mapNodeProperties(out);
        mapRelationships(out);
        mapRelationshipProperties(out);
        out.identity(data.username(), stringify(data.metaData()));
        return out;
    }

    private void indexEntities() {
        data.createdNodes().forEach(n -> createdNodeIds.add(n.getElementId()));
        data.deletedNodes().forEach(n -> deletedNodeIds.add(n.getElementId()));
        data.createdRelationships().forEach(r -> createdRelIds.add(r.getElementId()));
        data.deletedRelationships().forEach(r -> deletedRelIds.add(r.getElementId()));
        for (LabelEntry e : data.removedLabels()) {
            removedLabels.computeIfAbsent(e.node().getElementId(), k -> new ArrayList<>()).add(e.label().name());
        }
        for (PropertyEntry<Node> e : data.removedNodeProperties()) {
            if (deletedNodeIds.contains(e.entity().getElementId()) && e.previouslyCommittedValue() != null) {
                removedNodeProps.computeIfAbsent(e.entity().getElementId(), k -> new TreeMap<>())
                        .put(e.key(), EmbeddedToEventValueMapper.toValue(e.previouslyCommittedValue(), e.entity(), e.key()));
            }
        }
        for (PropertyEntry<Relationship> e : data.removedRelationshipProperties()) {
            if (deletedRelIds.contains(e.entity().getElementId()) && e.previouslyCommittedValue() != null) {
                removedRelProps.computeIfAbsent(e.entity().getElementId(), k -> new TreeMap<>())
                        .put(e.key(), EmbeddedToEventValueMapper.toValue(e.previouslyCommittedValue(), e.entity(), e.key()));
            }
        }
    }

    private void mapNodes(CapturedChanges out) {
        for (Node n : data.createdNodes()) {
            if (!deletedNodeIds.contains(n.getElementId()) && !isBookkeeping(n)) {
                out.createdNodes.add(new NodeCreated(nodeKey(n), EntityImages.userLabels(n),
                        EntityImages.userProperties(n, n.getAllProperties())));
            }
        }
        for (Node n : data.deletedNodes()) {
            if (!createdNodeIds.contains(n.getElementId()) && !isBookkeeping(n)) {
                List<String> labels = EntityImages.userLabels(removedLabels.getOrDefault(n.getElementId(), List.of()));
                out.deletedNodes.add(new NodeDeleted(nodeKey(n), labels, withoutReserved(removedNodeProps
                        .getOrDefault(n.getElementId(), Map.of()))));
            }
        }
        out.createdNodes.sort((a, b) -> a.key().compareTo(b.key()));
        out.deletedNodes.sort((a, b) -> a.key().compareTo(b.key()));
    }

    private void mapLabels(CapturedChanges out) {
        for (LabelEntry e : data.assignedLabels()) {
            addLabelChange(out, e, true);
        }
        for (LabelEntry e : data.removedLabels()) {
            addLabelChange(out, e, false);
        }
        out.labelChanges.sort((a, b) -> a.nodeKey().equals(b.nodeKey())
                ? a.label().compareTo(b.label()) : a.nodeKey().compareTo(b.nodeKey()));
    }

    private void addLabelChange(CapturedChanges out, LabelEntry e, boolean added) {
        String id = e.node().getElementId();
        if (!isReserved(e.label().name()) && !createdNodeIds.contains(id) && !deletedNodeIds.contains(id)
                && !isBookkeeping(e.node())) {
            out.labelChanges.add(new LabelChange(nodeKey(e.node()), e.label().name(), added));
        }
    }

    private void mapNodeProperties(CapturedChanges out) {
        for (PropertyEntry<Node> e : data.assignedNodeProperties()) {
            if (isLiveExisting(e.entity(), createdNodeIds, deletedNodeIds) && !isReserved(e.key())
                    && !isBookkeeping(e.entity())) {
                out.nodePropertyChanges.add(new NodePropertyChange(nodeKey(e.entity()), assigned(e)));
            }
        }
        for (PropertyEntry<Node> e : data.removedNodeProperties()) {
            if (isLiveExisting(e.entity(), createdNodeIds, deletedNodeIds) && !isReserved(e.key())
                    && !isBookkeeping(e.entity())) {
                out.nodePropertyChanges.add(new NodePropertyChange(nodeKey(e.entity()), removed(e)));
            }
        }
        out.nodePropertyChanges.sort((a, b) -> a.nodeKey().equals(b.nodeKey())
                ? a.change().key().compareTo(b.change().key()) : a.nodeKey().compareTo(b.nodeKey()));
    }

    private void mapRelationships(CapturedChanges out) {
        for (Relationship r : data.createdRelationships()) {
            if (!deletedRelIds.contains(r.getElementId())) {
                out.createdRelationships.add(new RelationshipCreated(ref(r),
                        EntityImages.userProperties(r, r.getAllProperties())));
            }
        }
        for (Relationship r : data.deletedRelationships()) {
            if (!createdRelIds.contains(r.getElementId())) {
                Map<String, Value> before = removedRelProps.getOrDefault(r.getElementId(), Map.of());
                out.deletedRelationships.add(new RelationshipDeleted(ref(r, before), withoutReserved(before)));
            }
        }
        out.createdRelationships.sort((a, b) -> a.ref().key().compareTo(b.ref().key()));
        out.deletedRelationships.sort((a, b) -> a.ref().key().compareTo(b.ref().key()));
    }

    private void mapRelationshipProperties(CapturedChanges out) {
        for (PropertyEntry<Relationship> e : data.assignedRelationshipProperties()) {
            if (isLiveExisting(e.entity(), createdRelIds, deletedRelIds) && !isReserved(e.key())) {
                out.relationshipPropertyChanges.add(new RelationshipPropertyChange(ref(e.entity()), assigned(e)));
            }
        }
        for (PropertyEntry<Relationship> e : data.removedRelationshipProperties()) {
            if (isLiveExisting(e.entity(), createdRelIds, deletedRelIds) && !isReserved(e.key())) {
                out.relationshipPropertyChanges.add(new RelationshipPropertyChange(ref(e.entity()), removed(e)));
            }
        }
        out.relationshipPropertyChanges.sort((a, b) -> a.ref().key().equals(b.ref().key())
                ? a.change().key().compareTo(b.change().key()) : a.ref().key().compareTo(b.ref().key()));
    }

    private static boolean isLiveExisting(Entity e, Set<String> created, Set<String> deleted) {
        return !created.contains(e.getElementId()) && !deleted.contains(e.getElementId());
    }

    private static PropertyChange assigned(PropertyEntry<? extends Entity> e) {
        Object prev = e.previouslyCommittedValue();
        return new PropertyChange(e.key(), EmbeddedToEventValueMapper.toValue(e.value(), e.entity(), e.key()),
                prev == null ? null : EmbeddedToEventValueMapper.toValue(prev, e.entity(), e.key()));
    }

    private static PropertyChange removed(PropertyEntry<? extends Entity> e) {
        Object prev = e.previouslyCommittedValue();
        return new PropertyChange(e.key(), null,
                prev == null ? null : EmbeddedToEventValueMapper.toValue(prev, e.entity(), e.key()));
    }

    private RelationshipRef ref(Relationship r) {
        return new RelationshipRef(EntityImages.keyOf(r), r.getType().name(),
                nodeKey(r.getStartNode()), nodeKey(r.getEndNode()));
    }

    private RelationshipRef ref(Relationship r, Map<String, Value> before) {
        Value id = before.get(ID_PROPERTY);
        return new RelationshipRef(EntityImages.keyOf(r, id == null ? null : id.raw()), r.getType().name(),
                nodeKey(r.getStartNode()), nodeKey(r.getEndNode()));
    }

    /** The node's key, cached per transaction. Deleted nodes' keys come from their removed properties. */
    private String nodeKey(Node n) {
        return nodeKeys.computeIfAbsent(n.getElementId(), id -> {
            if (deletedNodeIds.contains(id)) {
                Value v = removedNodeProps.getOrDefault(id, Map.of()).get(ID_PROPERTY);
                return EntityImages.keyOf(n, v == null ? null : v.raw());
            }
            return EntityImages.keyOf(n);
        });
    }

    /**
     * True for one of ha4neo's bookkeeping nodes, by its labels now and those this transaction removed (a deleted
     * node's labels are only in the latter).
     */
    private boolean isBookkeeping(Node n) {
        return bookkeeping.computeIfAbsent(n.getElementId(), id -> {
            List<String> labels = new ArrayList<>(removedLabels.getOrDefault(id, List.of()));
            if (!deletedNodeIds.contains(id)) {
                labels.addAll(EntityImages.labelNames(n));
            }
            return ReservedNames.isBookkeeping(labels);
        });
    }

    private static Map<String, Value> withoutReserved(Map<String, Value> props) {
        Map<String, Value> out = new LinkedHashMap<>(props);
        out.keySet().removeIf(ReservedNames::isReserved);
        return out;
    }

    private static Map<String, String> stringify(Map<String, Object> metadata) {
        Map<String, String> out = new TreeMap<>();
        metadata.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }
}
