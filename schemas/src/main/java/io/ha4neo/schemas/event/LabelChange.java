package io.ha4neo.schemas.event;

/**
 * A label added to or removed from a node that existed before the transaction and still exists after it.
 *
 * @param nodeKey the node's replication identity
 * @param label the label
 * @param added true when added, false when removed
 */
public record LabelChange(String nodeKey, String label, boolean added) {
    public LabelChange {
        EntityKey.require(nodeKey, "label change node");
        if (label == null || label.isEmpty()) {
            throw new IllegalArgumentException("label change on node " + nodeKey + " has no label");
        }
    }
}
