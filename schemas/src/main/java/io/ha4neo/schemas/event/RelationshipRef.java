package io.ha4neo.schemas.event;

/**
 * Identifies a relationship together with its type and endpoints, so that an applier can find it by
 * expanding from an index-backed endpoint lookup instead of scanning.
 *
 * @param key the relationship's replication identity
 * @param type relationship type
 * @param startKey start node's replication identity
 * @param endKey end node's replication identity
 */
public record RelationshipRef(String key, String type, String startKey, String endKey) {
    public RelationshipRef {
        EntityKey.require(key, "relationship");
        EntityKey.require(startKey, "relationship " + key + " start node");
        EntityKey.require(endKey, "relationship " + key + " end node");
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException("relationship " + key + " has no type");
        }
    }
}
