package io.ha4neo.capture.rewind;

import io.ha4neo.capture.mapping.EventToEmbeddedValueMapper;
import io.ha4neo.capture.standby.WriteGuard;
import io.ha4neo.schemas.event.LabelChange;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.PropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipPropertyChange;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.value.Value;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Entity;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

/**
 * Undoes a former primary's divergent tail in its own store, so that it can follow the new primary without a reseed:
 * the commits it made after the handover point were never acknowledged by Kafka (and, with semi-sync failing closed,
 * never to a client), and the new history does not have them. Like MariaDB's binlog truncation when a crashed
 * semi-sync primary rejoins as a replica.
 *
 * <p>Events carry full before-images (the labels and properties of deleted entities, the previous value of every
 * changed property), so the inverse of each transaction is exact. The tail is undone newest first, all in one
 * transaction: either every commit of the tail is undone, or nothing changes. A tail with a schema change or a commit
 * whose content is unknown cannot be undone ({@link #undoable}).
 *
 * <p>Entities are found by replication key, as the applier finds them: {@code _ha4neo_id} for entities that came from
 * another primary, the element id for this store's own (docs/identity.md). Re-created entities get their old key in
 * {@code _ha4neo_id}, so every member still names them the same.
 */
public final class TailRewinder {
    private static final Label NODE = Label.label(ReservedNames.NODE_LABEL);

    private TailRewinder() {
    }

    /** Why the tail cannot be undone, or empty when it can. */
    public static Optional<String> undoable(List<TransactionEvent> tail) {
        for (TransactionEvent e : tail) {
            if (e.isGap()) {
                return Optional.of("commit ids " + e.gap().firstCommitId() + ".." + e.gap().lastCommitId()
                        + " were never captured: their content is unknown");
            }
            if (!e.schemaChanges().isEmpty()) {
                return Optional.of("commit " + e.commitId() + " changed the schema, which is not undone automatically");
            }
        }
        return Optional.empty();
    }

    /**
     * Undoes {@code tail} (oldest first, as committed) in one transaction of the plugin's own, which the write guard
     * lets through.
     *
     * @throws IllegalStateException naming the commit and entity when an entity the tail touched cannot be found
     */
    public static void undo(GraphDatabaseService db, List<TransactionEvent> tail) {
        undo(db, tail, Optional.empty(), null);
    }

    /** This store's element ids of entities the transaction log names by store id. */
    public interface ElementIds {
        String node(long id);

        String relationship(long id);
    }

    /**
     * Undoes the commits that followed {@code tail} but were never captured ({@code uncaptured}: they only created
     * entities, which are deleted) and then {@code tail}, newest first, all in one transaction.
     *
     * @throws IllegalStateException naming the entity when one the uncaptured commits created is gone, or still has a
     *         relationship they did not create; nothing is changed then
     */
    public static void undo(GraphDatabaseService db, List<TransactionEvent> tail,
                            Optional<UncapturedCreations> uncaptured, ElementIds ids) {
        undoable(tail).ifPresent(reason -> {
            throw new IllegalArgumentException("the divergent tail cannot be undone: " + reason);
        });
        WriteGuard.internally(() -> {
            try (Transaction tx = db.beginTx()) {
                uncaptured.ifPresent(u -> deleteCreations(tx, u, ids));
                for (int i = tail.size() - 1; i >= 0; i--) {
                    undo(tx, tail.get(i));
                }
                tx.commit();
            }
        });
    }

    private static void deleteCreations(Transaction tx, UncapturedCreations u, ElementIds ids) {
        String range = "commit ids " + u.first() + ".." + u.last();
        for (long id : u.relationshipIds()) {
            try {
                tx.getRelationshipByElementId(ids.relationship(id)).delete();
            } catch (NotFoundException e) {
                throw new IllegalStateException("cannot undo " + range + ": relationship " + id
                        + " they created is not in this store", e);
            }
        }
        for (long id : u.nodeIds()) {
            Node n;
            try {
                n = tx.getNodeByElementId(ids.node(id));
            } catch (NotFoundException e) {
                throw new IllegalStateException("cannot undo " + range + ": node " + id
                        + " they created is not in this store", e);
            }
            if (n.getDegree() > 0) {
                throw new IllegalStateException("cannot undo " + range + ": node " + id + " they created has "
                        + n.getDegree() + " relationship(s) they did not create");
            }
            n.delete();
        }
    }

    private static void undo(Transaction tx, TransactionEvent e) {
        for (NodeDeleted d : e.deletedNodes()) {
            Node n = tx.createNode(labels(d.labels()));
            n.addLabel(NODE);
            n.setProperty(ReservedNames.ID_PROPERTY, d.key());
            setAll(n, d.properties());
        }
        for (RelationshipDeleted d : e.deletedRelationships()) {
            RelationshipRef ref = d.ref();
            Relationship r = node(tx, ref.startKey(), e).createRelationshipTo(node(tx, ref.endKey(), e),
                    RelationshipType.withName(ref.type()));
            r.setProperty(ReservedNames.ID_PROPERTY, ref.key());
            setAll(r, d.properties());
        }
        for (RelationshipPropertyChange c : e.relationshipPropertyChanges()) {
            revert(relationship(tx, c.ref(), e), c.change());
        }
        for (NodePropertyChange c : e.nodePropertyChanges()) {
            revert(node(tx, c.nodeKey(), e), c.change());
        }
        for (LabelChange c : e.labelChanges()) {
            Node n = node(tx, c.nodeKey(), e);
            if (c.added()) {
                n.removeLabel(Label.label(c.label()));
            } else {
                n.addLabel(Label.label(c.label()));
            }
        }
        for (RelationshipCreated c : e.createdRelationships()) {
            relationship(tx, c.ref(), e).delete();
        }
        for (NodeCreated c : e.createdNodes()) {
            node(tx, c.key(), e).delete();
        }
    }

    private static void revert(Entity entity, PropertyChange change) {
        if (change.previous() == null) {
            entity.removeProperty(change.key());
        } else {
            entity.setProperty(change.key(), EventToEmbeddedValueMapper.toEmbedded(change.previous()));
        }
    }

    private static void setAll(Entity entity, Map<String, Value> properties) {
        properties.forEach((k, v) -> entity.setProperty(k, EventToEmbeddedValueMapper.toEmbedded(v)));
    }

    private static Label[] labels(List<String> names) {
        return names.stream().map(Label::label).toArray(Label[]::new);
    }

    /** The node with replication key {@code key}: by {@code _ha4neo_id}, or this store's own by element id. */
    static Node node(Transaction tx, String key, TransactionEvent e) {
        Node n = tx.findNode(NODE, ReservedNames.ID_PROPERTY, key);
        if (n != null) {
            return n;
        }
        try {
            Node own = tx.getNodeByElementId(key);
            if (!own.hasProperty(ReservedNames.ID_PROPERTY)) {
                return own;
            }
        } catch (NotFoundException | IllegalArgumentException notHere) {
            // not an element id of this store
        }
        throw new IllegalStateException("cannot undo commit " + e.commitId() + ": node " + key + " is not in this store");
    }

    private static Relationship relationship(Transaction tx, RelationshipRef ref, TransactionEvent e) {
        try {
            Relationship own = tx.getRelationshipByElementId(ref.key());
            if (!own.hasProperty(ReservedNames.ID_PROPERTY)) {
                return own;
            }
        } catch (NotFoundException | IllegalArgumentException notHere) {
            // a relationship that came from another primary: found from its start node below
        }
        for (Relationship r : node(tx, ref.startKey(), e).getRelationships(Direction.OUTGOING,
                RelationshipType.withName(ref.type()))) {
            if (ref.key().equals(r.getProperty(ReservedNames.ID_PROPERTY, null))) {
                return r;
            }
        }
        throw new IllegalStateException("cannot undo commit " + e.commitId() + ": relationship " + ref.key() + " ("
                + ref.startKey() + ")-[:" + ref.type() + "]->(" + ref.endKey() + ") is not in this store");
    }
}
