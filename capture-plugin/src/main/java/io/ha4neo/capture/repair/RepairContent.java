package io.ha4neo.capture.repair;

import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import java.util.List;

/**
 * The effect of a range of commits, rebuilt from the transaction log and the store ({@link RepairPlanner}): what a
 * repair event carries. Applied in this order on a standby, atomically with its watermark: relationship deletions,
 * node deletions (both by key, a key the standby does not hold is no error: the entity was created and deleted inside
 * the range, or never reached it), then node images and relationship images (upserts that replace the entity).
 *
 * @param first                first commit id of the range
 * @param last                 last commit id of the range
 * @param transactions         how many commits of the range touched a node or relationship
 * @param deletedRelationships relationships that existed before the range and not after it, by key and endpoints
 * @param deletedNodes         nodes that existed before the range and not after it, by key
 * @param nodeImages           every node the range created or changed that exists now
 * @param relationshipImages   every relationship the range created or changed that exists now
 */
public record RepairContent(long first, long last, long transactions, List<RelationshipDeleted> deletedRelationships,
                            List<NodeDeleted> deletedNodes, List<NodeCreated> nodeImages,
                            List<RelationshipCreated> relationshipImages) {
    public RepairContent {
        deletedRelationships = List.copyOf(deletedRelationships);
        deletedNodes = List.copyOf(deletedNodes);
        nodeImages = List.copyOf(nodeImages);
        relationshipImages = List.copyOf(relationshipImages);
    }

    /** One line for logs and status: the range and what it carries. */
    public String summary() {
        return "commit ids " + first + ".." + last + " (" + transactions + " touching entities): "
                + nodeImages.size() + " node images, " + relationshipImages.size() + " relationship images, "
                + deletedNodes.size() + " node deletions, " + deletedRelationships.size() + " relationship deletions";
    }
}
