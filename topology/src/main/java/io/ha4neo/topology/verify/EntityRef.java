package io.ha4neo.topology.verify;

/**
 * An entity of a chunk by its identity only: its replication key and, for a relationship, its start node's key (how a
 * relationship is looked up, docs/identity.md), null for a node.
 */
public record EntityRef(String key, String startKey) {
}
