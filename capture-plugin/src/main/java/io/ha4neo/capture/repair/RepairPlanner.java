package io.ha4neo.capture.repair;

import io.ha4neo.capture.txlog.RelationshipTouch;
import io.ha4neo.capture.txlog.Touch;
import io.ha4neo.capture.txlog.TouchedEntities;
import io.ha4neo.capture.txlog.TouchedTransaction;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rebuilds the effect of a range of commits that capture missed, from what the transaction log says each commit
 * touched ({@link TouchedEntities}) and the store now ({@link StoreView}). Pure: no I/O of its own.
 *
 * <pre>{@code
 * RepairContent repair = RepairPlanner.plan(reader.read(first, last), storeView);
 * }</pre>
 *
 * <h2>The rule</h2>
 * A standby that applied everything before the range holds, for each touched internal id, the entity that id named
 * <em>before</em> the range, if any. After the range the primary holds the entity the id names now, if any. So:
 * <ul>
 *   <li>An id whose first create-or-delete in the range is a <b>delete</b> named an entity before the range: the
 *       repair deletes it on the standbys, by the key it had (its {@code _ha4neo_id} from the log's before-image, or
 *       its elementId). A relationship's endpoints are those of its deleted record, keyed as the nodes were before
 *       the range.</li>
 *   <li>An id whose first create-or-delete is a <b>create</b> named nothing before the range; one with neither was
 *       only changed and names the same entity throughout.</li>
 *   <li>Every touched id that names an entity <b>now</b> gets that entity's complete image, which replaces whatever
 *       the standby holds under its key or creates it.</li>
 * </ul>
 * Deletions come before images, so an id that was deleted and reused (the same elementId, so the same key for a
 * native entity) ends as the new entity. Entities that were created and deleted inside the range are deleted by a key
 * the standbys never held, which is no error there.
 */
public final class RepairPlanner {
    private RepairPlanner() {
    }

    /** The repair of {@code touched}'s range against the store {@code now}. */
    public static RepairContent plan(TouchedEntities touched, StoreView now) {
        Map<Long, String> nodesBefore = new HashMap<>(); // id -> key before the range, for ids first deleted
        Map<Long, NodeDeletion> nodeDeletions = new java.util.TreeMap<>();
        Map<Long, RelationshipDeletion> relationshipDeletions = new java.util.TreeMap<>();
        java.util.Set<Long> nodesFirstCreated = new java.util.HashSet<>();
        java.util.Set<Long> relationshipsFirstCreated = new java.util.HashSet<>();
        long transactions = 0;
        for (TouchedTransaction t : touched.transactions()) {
            if (!t.touchesNoEntity()) {
                transactions++;
            }
            t.nodes().forEach((id, touch) -> {
                if (touch == Touch.DELETED && !nodesFirstCreated.contains(id) && !nodeDeletions.containsKey(id)) {
                    String key = Optional.ofNullable(t.deletedNodeKeys().get(id)).orElseGet(() -> now.nodeElementId(id));
                    nodeDeletions.put(id, new NodeDeletion(key));
                    nodesBefore.put(id, key);
                } else if (touch == Touch.CREATED && !nodeDeletions.containsKey(id)) {
                    nodesFirstCreated.add(id);
                }
            });
            t.relationships().forEach((id, touch) -> {
                if (touch.touch() == Touch.DELETED && !relationshipsFirstCreated.contains(id)
                        && !relationshipDeletions.containsKey(id)) {
                    String key = Optional.ofNullable(t.deletedRelationshipKeys().get(id))
                            .orElseGet(() -> now.relationshipElementId(id));
                    relationshipDeletions.put(id, new RelationshipDeletion(key, touch));
                } else if (touch.touch() == Touch.CREATED && !relationshipDeletions.containsKey(id)) {
                    relationshipsFirstCreated.add(id);
                }
            });
        }
        List<RelationshipDeleted> deletedRelationships = new ArrayList<>();
        relationshipDeletions.forEach((id, d) -> deletedRelationships.add(new RelationshipDeleted(new RelationshipRef(
                d.key(), now.relationshipTypeName(d.record().typeId()),
                keyBefore(d.record().startNodeId(), nodesBefore, now),
                keyBefore(d.record().endNodeId(), nodesBefore, now)), Map.of())));
        List<NodeDeleted> deletedNodes = new ArrayList<>();
        nodeDeletions.values().forEach(d -> deletedNodes.add(new NodeDeleted(d.key(), List.of(), Map.of())));
        List<NodeCreated> nodeImages = new ArrayList<>();
        touched.nodeIds().forEach(id -> now.node(id).ifPresent(nodeImages::add));
        List<RelationshipCreated> relationshipImages = new ArrayList<>();
        touched.relationshipIds().forEach(id -> now.relationship(id).ifPresent(relationshipImages::add));
        return new RepairContent(touched.first(), touched.last(), transactions, deletedRelationships, deletedNodes,
                nodeImages, relationshipImages);
    }

    /**
     * The key node {@code id} had before the range: the key of its first deletion in the range if it had one, else
     * the key it has now (it was never deleted, so it names the same node throughout).
     */
    private static String keyBefore(long id, Map<Long, String> nodesBefore, StoreView now) {
        String deleted = nodesBefore.get(id);
        if (deleted != null) {
            return deleted;
        }
        return now.nodeKey(id).orElseGet(() -> now.nodeElementId(id));
    }

    private record NodeDeletion(String key) {
    }

    private record RelationshipDeletion(String key, RelationshipTouch record) {
    }
}
