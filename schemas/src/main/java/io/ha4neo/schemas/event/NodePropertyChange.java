package io.ha4neo.schemas.event;

/**
 * A property set or removed on an existing node.
 *
 * @param nodeKey the node's replication identity
 * @param change what happened to the property
 */
public record NodePropertyChange(String nodeKey, PropertyChange change) {
    public NodePropertyChange {
        EntityKey.require(nodeKey, "property change node");
        java.util.Objects.requireNonNull(change, "change");
    }
}
