package io.ha4neo.capture.txlog;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one committed transaction touched, read from Neo4j's transaction log.
 *
 * <p>The log holds store records, not graph changes, so a transaction also rewrites records it did not change in the
 * graph's sense: creating or deleting a relationship moves the relationship-chain pointers of its endpoints and of
 * its neighbours in those chains. Those appear in {@link #relinkedNodes} and {@link #relinkedRelationships}, apart
 * from the entities the transaction really created, changed or deleted ({@link #nodes}, {@link #relationships}). A
 * repair needs only the latter; the former are there so that nothing the log says is dropped silently.
 *
 * @param commitId              Neo4j's transaction id
 * @param commitTimeMillis      the commit time the log recorded (epoch milliseconds, the value afterCommit reports)
 * @param nodes                 nodes created, changed (labels or properties) or deleted, by id
 * @param relationships         relationships created, changed (properties) or deleted, by id
 * @param relinkedNodes         nodes whose record was rewritten only for chain pointers (their relationships or
 *                              relationship groups moved); their labels and properties are unchanged
 * @param relinkedRelationships relationships whose record was rewritten only for chain pointers
 * @param tokens                whether it created a label, relationship type or property key
 * @param schema                whether it created or dropped an index or constraint
 * @param deletedNodeKeys       of the nodes it deleted, those that had a replication key property
 *                              ({@code _ha4neo_id}: they were replicated here while this member was a standby), by id,
 *                              with the key read from the deleted property records' before-state. A deleted node
 *                              without an entry had none: its key was its elementId
 * @param deletedRelationshipKeys the same for the relationships it deleted
 */
public record TouchedTransaction(long commitId, long commitTimeMillis, SortedMap<Long, Touch> nodes,
                                 SortedMap<Long, RelationshipTouch> relationships, SortedSet<Long> relinkedNodes,
                                 SortedSet<Long> relinkedRelationships, boolean tokens, boolean schema,
                                 SortedMap<Long, String> deletedNodeKeys,
                                 SortedMap<Long, String> deletedRelationshipKeys) {
    public TouchedTransaction {
        nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
        relationships = Collections.unmodifiableSortedMap(new TreeMap<>(relationships));
        relinkedNodes = Collections.unmodifiableSortedSet(new TreeSet<>(relinkedNodes));
        relinkedRelationships = Collections.unmodifiableSortedSet(new TreeSet<>(relinkedRelationships));
        deletedNodeKeys = Collections.unmodifiableSortedMap(new TreeMap<>(deletedNodeKeys));
        deletedRelationshipKeys = Collections.unmodifiableSortedMap(new TreeMap<>(deletedRelationshipKeys));
    }

    /** Whether it touched no node or relationship (a token or schema transaction, or one that changed nothing). */
    public boolean touchesNoEntity() {
        return nodes.isEmpty() && relationships.isEmpty();
    }

    /**
     * Collects what the log records of one transaction say, record by record, in any order, and derives the touches.
     * A node or relationship has at most one record command per transaction; property records name their owner.
     */
    public static final class Builder {
        private final long commitId;
        private final long commitTimeMillis;
        private final Map<Long, NodeFacts> nodes = new TreeMap<>();
        private final Map<Long, RelationshipFacts> relationships = new TreeMap<>();
        private boolean tokens;
        private boolean schema;

        public Builder(long commitId, long commitTimeMillis) {
            this.commitId = commitId;
            this.commitTimeMillis = commitTimeMillis;
        }

        /** A node record was created. */
        public Builder nodeCreated(long id) {
            node(id).record = Touch.CREATED;
            return this;
        }

        /** A node record was deleted. */
        public Builder nodeDeleted(long id) {
            node(id).record = Touch.DELETED;
            return this;
        }

        /** A node record was rewritten; {@code labelsChanged} when its labels differ before and after. */
        public Builder nodeUpdated(long id, boolean labelsChanged) {
            NodeFacts facts = node(id);
            facts.rewritten = true;
            facts.changed |= labelsChanged;
            return this;
        }

        /** A relationship group of the (dense) node was created, rewritten or deleted. */
        public Builder nodeGroupRewritten(long ownerId) {
            node(ownerId).rewritten = true;
            return this;
        }

        /** A property record owned by the node was created, rewritten or deleted. */
        public Builder nodeProperties(long id) {
            node(id).changed = true;
            return this;
        }

        /** A relationship record was created. */
        public Builder relationshipCreated(long id, long startNodeId, long endNodeId, int typeId) {
            relationship(id, startNodeId, endNodeId, typeId).record = Touch.CREATED;
            return this;
        }

        /** A relationship record was deleted (the endpoints are those of the record before). */
        public Builder relationshipDeleted(long id, long startNodeId, long endNodeId, int typeId) {
            relationship(id, startNodeId, endNodeId, typeId).record = Touch.DELETED;
            return this;
        }

        /** A relationship record was rewritten (chain pointers or its first property moved). */
        public Builder relationshipUpdated(long id, long startNodeId, long endNodeId, int typeId) {
            relationship(id, startNodeId, endNodeId, typeId).rewritten = true;
            return this;
        }

        /** A property record owned by the relationship was created, rewritten or deleted. */
        public Builder relationshipProperties(long id) {
            relationships.computeIfAbsent(id, k -> new RelationshipFacts()).changed = true;
            return this;
        }

        /** A property record of the node lost its replication key property, whose value was {@code key}. */
        public Builder nodeKeyRemoved(long id, String key) {
            node(id).removedKey = key;
            return this;
        }

        /** A property record of the relationship lost its replication key property, whose value was {@code key}. */
        public Builder relationshipKeyRemoved(long id, String key) {
            relationships.computeIfAbsent(id, k -> new RelationshipFacts()).removedKey = key;
            return this;
        }

        /** A label, relationship type or property key token was created. */
        public Builder token() {
            tokens = true;
            return this;
        }

        /** A schema rule (index or constraint), or a property record of one, was written. */
        public Builder schema() {
            schema = true;
            return this;
        }

        public TouchedTransaction build() {
            SortedMap<Long, Touch> touchedNodes = new TreeMap<>();
            SortedSet<Long> relinkedNodes = new TreeSet<>();
            SortedMap<Long, String> deletedNodeKeys = new TreeMap<>();
            SortedMap<Long, String> deletedRelationshipKeys = new TreeMap<>();
            nodes.forEach((id, f) -> {
                Touch touch = f.touch();
                if (touch == Touch.DELETED && f.removedKey != null) {
                    deletedNodeKeys.put(id, f.removedKey);
                }
                if (touch != null) {
                    touchedNodes.put(id, touch);
                } else if (f.rewritten) {
                    relinkedNodes.add(id);
                }
            });
            SortedMap<Long, RelationshipTouch> touchedRelationships = new TreeMap<>();
            SortedSet<Long> relinkedRelationships = new TreeSet<>();
            relationships.forEach((id, f) -> {
                Touch touch = f.touch();
                if (touch == Touch.DELETED && f.removedKey != null) {
                    deletedRelationshipKeys.put(id, f.removedKey);
                }
                if (touch != null) {
                    touchedRelationships.put(id, f.hasRecord
                            ? new RelationshipTouch(touch, f.startNodeId, f.endNodeId, f.typeId)
                            : RelationshipTouch.withoutRecord(touch));
                } else if (f.rewritten) {
                    relinkedRelationships.add(id);
                }
            });
            return new TouchedTransaction(commitId, commitTimeMillis, touchedNodes, touchedRelationships, relinkedNodes,
                    relinkedRelationships, tokens, schema, deletedNodeKeys, deletedRelationshipKeys);
        }

        private NodeFacts node(long id) {
            return nodes.computeIfAbsent(id, k -> new NodeFacts());
        }

        private RelationshipFacts relationship(long id, long startNodeId, long endNodeId, int typeId) {
            RelationshipFacts facts = relationships.computeIfAbsent(id, k -> new RelationshipFacts());
            facts.hasRecord = true;
            facts.startNodeId = startNodeId;
            facts.endNodeId = endNodeId;
            facts.typeId = typeId;
            return facts;
        }

        /** Created or deleted wins over changed; a rewrite alone is no touch. */
        private abstract static class Facts {
            Touch record;
            boolean changed;
            boolean rewritten;
            String removedKey;

            Touch touch() {
                return record != null ? record : changed ? Touch.CHANGED : null;
            }
        }

        private static final class NodeFacts extends Facts {
        }

        private static final class RelationshipFacts extends Facts {
            boolean hasRecord;
            long startNodeId;
            long endNodeId;
            int typeId;
        }
    }
}
